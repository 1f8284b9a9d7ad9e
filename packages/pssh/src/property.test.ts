import { join } from 'node:path';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { documentedErrorCodes } from '../../../tooling/src/error-codes.js';
import { expectAnswerOrDocumentedError } from '../../../tooling/src/fuzz-outcome.js';
import { encodePsshBox, type LocatedPsshBox, type PsshBox, parsePsshBox, parsePsshBoxes } from './box.js';
import { PsshError } from './errors.js';
import { decodePsshInput } from './input.js';
import { bytesToUuid } from './uuid.js';
import { decodeWidevinePsshData, encodeWidevinePsshData, type WidevinePsshData } from './widevine.js';

const uuid = fc.uint8Array({ minLength: 16, maxLength: 16 }).map(bytesToUuid);
const uint32 = fc.integer({ min: 0, max: 0xffff_ffff });
const int32 = fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff });
const bytes = fc.uint8Array({ maxLength: 40 });
const fourCc = fc.string({
  unit: fc.integer({ min: 0, max: 0xff }).map((c) => String.fromCharCode(c)),
  minLength: 4,
  maxLength: 4,
});

const boxInit = fc
  .record({
    systemId: uuid,
    version: fc.constantFrom(0 as const, 1 as const),
    flags: fc.integer({ min: 0, max: 0xff_ffff }),
    keyIds: fc.array(uuid, { maxLength: 4 }),
    data: fc.uint8Array({ maxLength: 300 }),
  })
  .map((init) => (init.version === 0 ? { ...init, keyIds: [] } : init));

const widevineData: fc.Arbitrary<WidevinePsshData> = fc.record(
  {
    algorithm: int32,
    keyIds: fc.array(uuid, { maxLength: 3 }),
    provider: fc.string({ unit: 'grapheme' }),
    contentId: bytes,
    trackType: fc.string({ maxLength: 8 }),
    policy: fc.string(),
    cryptoPeriodIndex: uint32,
    groupedLicense: bytes,
    protectionScheme: fourCc,
    cryptoPeriodSeconds: uint32,
    type: int32,
    keySequence: uint32,
    groupIds: fc.array(bytes, { minLength: 1, maxLength: 3 }),
    entitledKeys: fc.array(
      fc.record(
        { entitlementKeyId: bytes, keyId: bytes, key: bytes, iv: bytes, entitlementKeySizeBytes: uint32 },
        { requiredKeys: [] },
      ),
      { minLength: 1, maxLength: 2 },
    ),
    videoFeature: fc.string({ unit: 'grapheme-composite' }),
  },
  { requiredKeys: ['keyIds'] },
);

/** Fields with numbers the schema does not define, encoded. */
const unknownField = fc
  .tuple(
    fc.integer({ min: 16, max: 5000 }),
    fc.oneof(
      uint32.map((v) => ({ v })),
      bytes.map((b) => ({ b })),
    ),
  )
  .map(([fieldNumber, value]) => {
    const writer = new BinaryWriter();
    if ('v' in value) writer.tag(fieldNumber, WireType.Varint).uint32(value.v);
    else writer.tag(fieldNumber, WireType.LengthDelimited).bytes(value.b);
    return { fieldNumber, bytes: writer.finish() };
  });

const DOCUMENTED_CODES = documentedErrorCodes(join(import.meta.dirname, '..'));

/** For fuzzed input: `run` returns an answer that `checkAnswer` accepts, or throws a PsshError with a code the README lists. */
function answerOrPsshError<T>(run: () => T, checkAnswer: (answer: T) => void): void {
  expectAnswerOrDocumentedError(run, PsshError, DOCUMENTED_CODES, checkAnswer);
}

/** A box read from fuzzed bytes is a box: written again, it reads back the same. */
function rewrites(box: PsshBox): void {
  const { systemId, version, flags, keyIds, data } = box;
  const written = encodePsshBox({ systemId, version, flags, keyIds, data });
  expect(parsePsshBox(written)).toEqual({ systemId, version, flags, keyIds, data, byteLength: written.length });
}

/** Boxes found in `input`: each a box, within the input, in order. */
function boxesOf(input: Uint8Array): (boxes: LocatedPsshBox[]) => void {
  return (boxes) => {
    let end = 0;
    for (const box of boxes) {
      expect(box.offset).toBeGreaterThanOrEqual(end);
      end = box.offset + box.byteLength;
      expect(end).toBeLessThanOrEqual(input.length);
      rewrites(box);
    }
  };
}

/** Widevine data read from fuzzed bytes can be written, and what is written reads and writes back the same. */
function rewritesWidevine(data: WidevinePsshData): void {
  const written = encodeWidevinePsshData(data);
  expect(encodeWidevinePsshData(decodeWidevinePsshData(written))).toEqual(written);
}

describe('properties', () => {
  it('parsePsshBox(encodePsshBox(x)) gives x back', () => {
    fc.assert(
      fc.property(boxInit, (init) => {
        const encoded = encodePsshBox(init);
        expect(parsePsshBox(encoded)).toEqual({ ...init, byteLength: encoded.length });
      }),
    );
  });

  it('parsePsshBoxes finds every box of a concatenation', () => {
    fc.assert(
      fc.property(fc.array(boxInit, { maxLength: 5 }), (inits) => {
        const encoded = inits.map(encodePsshBox);
        const all = Uint8Array.from(encoded.flatMap((b) => [...b]));
        expect(parsePsshBoxes(all).map((b) => b.systemId)).toEqual(inits.map((i) => i.systemId));
      }),
    );
  });

  it('decodeWidevinePsshData(encodeWidevinePsshData(x)) gives x back', () => {
    fc.assert(
      fc.property(widevineData, (data) => {
        expect(decodeWidevinePsshData(encodeWidevinePsshData(data))).toEqual(data);
      }),
    );
  });

  it('decoding and encoding Widevine data again is byte-identical, unknown fields included', () => {
    fc.assert(
      fc.property(widevineData, fc.array(unknownField, { maxLength: 4 }), (data, unknown) => {
        const known = encodeWidevinePsshData(data);
        const sorted = [...unknown].sort((a, b) => a.fieldNumber - b.fieldNumber);
        const input = Uint8Array.from([...known, ...sorted.flatMap((f) => [...f.bytes])]);
        expect(encodeWidevinePsshData(decodeWidevinePsshData(input))).toEqual(input);
      }),
    );
  });

  it('reads random bytes to boxes and Widevine data that write back the same, or a documented PsshError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (input) => {
        answerOrPsshError(() => parsePsshBox(input), rewrites);
        answerOrPsshError(() => parsePsshBoxes(input), boxesOf(input));
        answerOrPsshError(() => decodeWidevinePsshData(input), rewritesWidevine);
      }),
      { numRuns: 2000 },
    );
  });

  it('reads corrupted boxes and Widevine data to values that write back the same, or a documented PsshError', () => {
    const valid = fc
      .tuple(boxInit, widevineData)
      .map(([init, data]) => encodePsshBox({ ...init, data: encodeWidevinePsshData(data) }));
    fc.assert(
      fc.property(
        valid,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        (box, edits, cut) => {
          const corrupted = Uint8Array.from(box);
          for (const [at, value] of edits) corrupted[at % corrupted.length] = value;
          const truncated = corrupted.subarray(0, cut % (corrupted.length + 1));
          for (const input of [corrupted, truncated]) {
            answerOrPsshError(() => parsePsshBox(input), rewrites);
            answerOrPsshError(() => parsePsshBoxes(input), boxesOf(input));
            answerOrPsshError(() => decodeWidevinePsshData(input.subarray(32)), rewritesWidevine);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('decodes random text to bytes and boxes, or a documented PsshError', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.base64String(), fc.stringMatching(/^[0-9a-f ]*$/)), (text) => {
        answerOrPsshError(
          () => decodePsshInput(text),
          (decoded) => {
            expect(decoded.bytes).toBeInstanceOf(Uint8Array);
            if (decoded.kind === 'box') boxesOf(decoded.bytes)(decoded.boxes!);
            else expect(decoded.boxes).toBeUndefined();
          },
        );
      }),
      { numRuns: 1000 },
    );
  });
});
