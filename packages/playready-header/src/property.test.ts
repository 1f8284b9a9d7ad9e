import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentedErrorCodes } from '../../../tooling/src/error-codes.js';
import { expectAnswerOrDocumentedError } from '../../../tooling/src/fuzz-outcome.js';
import { PlayReadyError } from './errors.js';
import { decodePlayReadyObject, encodePlayReadyObject, type PlayReadyObject } from './pro.js';
import { parseSmoothStreamingProtectionHeader } from './smooth-streaming.js';
import {
  buildWrmHeader,
  parseWrmHeader,
  type PlayReadyAlgorithm,
  type WrmHeader,
  type WrmHeaderKey,
  WRMHEADER_VERSIONS,
} from './wrmheader.js';

const hex = '0123456789abcdef';
const kid = fc
  .uint8Array({ minLength: 16, maxLength: 16 })
  .map((b) => [...b].map((x) => hex[x >> 4]! + hex[x & 15]!).join(''))
  .map((h) => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`);
const checksum = fc.uint8Array({ minLength: 8, maxLength: 8 }).map((b) => Buffer.from(b).toString('base64'));
const text = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 30 })
  .map((s) => s.trim())
  .filter((s) => s.length > 0 && !/[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/.test(s));
const tagName = fc.stringMatching(/^[A-Z][A-Z_]{0,10}$/);
const customAttributes = fc
  .array(fc.tuple(tagName, fc.string({ maxLength: 12 })), { minLength: 1, maxLength: 3 })
  .map((parts) =>
    parts.map(([name, value]) => `<${name}>${value.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</${name}>`).join(''),
  );

function keyArbitrary(algId: fc.Arbitrary<PlayReadyAlgorithm | undefined>): fc.Arbitrary<WrmHeaderKey> {
  return fc
    .record({ kid, algId, checksum: fc.option(checksum, { nil: undefined }) })
    .map(({ kid, algId, checksum }) => ({
      kid,
      ...(algId !== undefined && { algId }),
      ...(checksum !== undefined && algId !== 'AESCBC' && { checksum }),
    }));
}

const legacyAlgId = fc.constantFrom<PlayReadyAlgorithm>('AESCTR', 'COCKTAIL');
const common = {
  laUrl: fc.option(text, { nil: undefined }),
  luiUrl: fc.option(text, { nil: undefined }),
  dsId: fc.option(text, { nil: undefined }),
  customAttributes: fc.option(customAttributes, { nil: undefined }),
};
const decryptorSetup = fc.option(fc.constant('ONDEMAND' as const), { nil: undefined });

const header: fc.Arbitrary<WrmHeader> = fc
  .oneof(
    fc.record({
      version: fc.constant('4.0.0.0' as const),
      keys: fc.array(keyArbitrary(legacyAlgId), { minLength: 1, maxLength: 1 }),
      ...common,
    }),
    fc.record({
      version: fc.constant('4.1.0.0' as const),
      keys: fc.array(keyArbitrary(legacyAlgId), { maxLength: 1 }),
      decryptorSetup,
      ...common,
    }),
    fc.record({
      version: fc.constant('4.2.0.0' as const),
      keys: fc.array(keyArbitrary(legacyAlgId), { maxLength: 4 }),
      decryptorSetup,
      ...common,
    }),
    fc.constantFrom<PlayReadyAlgorithm | undefined>('AESCTR', 'AESCBC', 'COCKTAIL', undefined).chain((algId) =>
      fc.record({
        version: fc.constant('4.3.0.0' as const),
        keys: fc.array(keyArbitrary(fc.constant(algId)), { maxLength: 4 }),
        decryptorSetup,
        licenseRequested: fc.option(fc.boolean(), { nil: undefined }),
        ...common,
      }),
    ),
  )
  .map((h) => Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as unknown as WrmHeader);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DOCUMENTED_CODES = documentedErrorCodes(join(import.meta.dirname, '..'));

/** For fuzzed input: `run` returns an answer that `checkAnswer` accepts, or throws a PlayReadyError with a code the README lists. */
function answerOrPlayReadyError<T>(run: () => T, checkAnswer: (answer: T) => void): void {
  expectAnswerOrDocumentedError(run, PlayReadyError, DOCUMENTED_CODES, checkAnswer);
}

/** A PlayReady Object read from `bytes`: its records, encoded again, give those bytes. */
function recordsOf(bytes: Uint8Array): (object: PlayReadyObject) => void {
  return (object) => expect(encodePlayReadyObject(object.records)).toEqual(bytes);
}

/**
 * A header read from fuzzed text is a header of a known version, whose keys are UUIDs with known
 * algorithms, as many as the version allows (the reader is lenient with what writing would refuse,
 * such as mixed ALGIDs in 4.3, so writing it again is not required to work).
 */
function isHeader(read: WrmHeader): void {
  expect(WRMHEADER_VERSIONS).toContain(read.version);
  if (read.version === '4.0.0.0') expect(read.keys).toHaveLength(1);
  if (read.version === '4.1.0.0') expect(read.keys.length).toBeLessThanOrEqual(1);
  for (const key of read.keys) {
    expect(key.kid).toMatch(UUID);
    if (key.algId !== undefined) expect(['AESCTR', 'AESCBC', 'COCKTAIL']).toContain(key.algId);
  }
}

describe('properties', () => {
  it('parseWrmHeader(buildWrmHeader(h)) gives h back, and building again the same XML', () => {
    fc.assert(
      fc.property(header, (h) => {
        const xml = buildWrmHeader(h);
        const parsed = parseWrmHeader(xml);
        // A 4.0–4.2 key without ALGID is written as AESCTR, and read back with it.
        const expected = {
          ...h,
          keys: h.keys.map((k) => (h.version === '4.3.0.0' || k.algId ? k : { ...k, algId: 'AESCTR' })),
        };
        expect(parsed).toEqual(expected);
        expect(buildWrmHeader(parsed)).toBe(xml);
      }),
    );
  });

  it('decodePlayReadyObject(encodePlayReadyObject(records)) gives the records back', () => {
    const record = fc
      .record({ type: fc.integer({ min: 0, max: 0xffff }), value: fc.uint8Array({ maxLength: 64 }) })
      .map((r) => (r.type === 1 && r.value.length % 2 === 1 ? { ...r, value: r.value.subarray(1) } : r));
    fc.assert(
      fc.property(fc.array(record, { maxLength: 4 }), (records) => {
        expect(decodePlayReadyObject(encodePlayReadyObject(records)).records).toEqual(records);
      }),
    );
  });

  it('reads random bytes to a PlayReady Object that encodes back to them, or a documented PlayReadyError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) =>
        answerOrPlayReadyError(() => decodePlayReadyObject(bytes), recordsOf(bytes)),
      ),
      { numRuns: 2000 },
    );
  });

  it('reads random and corrupted text to well-formed headers, or a documented PlayReadyError', () => {
    const corrupted = fc
      .tuple(header, fc.array(fc.tuple(fc.nat(), fc.string({ maxLength: 2 })), { minLength: 1, maxLength: 3 }))
      .map(([h, edits]) => {
        let xml = buildWrmHeader(h);
        for (const [at, insert] of edits) {
          const i = at % (xml.length + 1);
          xml = xml.slice(0, i) + insert + xml.slice(i + 1);
        }
        return xml;
      });
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), corrupted), (input) => {
        answerOrPlayReadyError(() => parseWrmHeader(input), isHeader);
        answerOrPlayReadyError(
          () => parseSmoothStreamingProtectionHeader(input),
          (header) => {
            expect(header.systemId).toMatch(UUID);
            recordsOf(header.pro)(header.object);
          },
        );
      }),
      { numRuns: 2000 },
    );
  });
});
