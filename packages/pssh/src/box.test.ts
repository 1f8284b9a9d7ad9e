import { describe, expect, it } from 'vitest';
import { expectPsshError } from '../test/expect-pssh-error.js';
import { allocatePsshBox, encodePsshBox, parsePsshBox, parsePsshBoxes } from './box.js';
import { PsshError } from './errors.js';
import { PLAYREADY_SYSTEM_ID, WIDEVINE_SYSTEM_ID } from './systems.js';

const KID_A = '12ea753c-23e7-bc02-4474-b2b976c43beb';
const KID_B = '98ee5596-cd3e-a20d-163a-e382420c6eff';
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

/** An ISO-BMFF box with a 32-bit size. */
function box(type: string, ...body: Uint8Array[]): Uint8Array {
  const size = 8 + body.reduce((n, b) => n + b.length, 0);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, size);
  out.set(ascii(type), 4);
  let pos = 8;
  for (const b of body) {
    out.set(b, pos);
    pos += b.length;
  }
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => [...p]));
}

describe('encodePsshBox', () => {
  it('writes a version 1 box with its KIDs big-endian, and infers version 1 from keyIds', () => {
    const data = Uint8Array.of(1, 2, 3);
    const bytes = encodePsshBox({ systemId: PLAYREADY_SYSTEM_ID, keyIds: [KID_A, KID_B], data });
    expect(hex(bytes)).toBe(
      '00000047' + '70737368' + '01000000' + '9a04f07998404286ab92e65be0885f95' + '00000002' +
        '12ea753c23e7bc024474b2b976c43beb' + '98ee5596cd3ea20d163ae382420c6eff' + '00000003' + '010203',
    );
    expect(parsePsshBox(bytes)).toEqual({
      systemId: PLAYREADY_SYSTEM_ID,
      version: 1,
      flags: 0,
      keyIds: [KID_A, KID_B],
      data,
      byteLength: 71,
    });
  });

  it('defaults to version 0 without keyIds; an explicit version wins', () => {
    expect(parsePsshBox(encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, data: new Uint8Array() })).version).toBe(0);
    const v1 = encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, version: 1, data: new Uint8Array() });
    expect(parsePsshBox(v1)).toMatchObject({ version: 1, keyIds: [], byteLength: 36 });
  });

  it('accepts any UUID spelling and keeps flags', () => {
    const bytes = encodePsshBox({ systemId: '{EDEF8BA9-79D6-4ACE-A3C8-27DCD51D21ED}', flags: 0x000102, data: Uint8Array.of(9) });
    expect(parsePsshBox(bytes)).toMatchObject({ systemId: WIDEVINE_SYSTEM_ID, flags: 0x102 });
  });

  it('refuses a version 0 box with KIDs, unknown versions, bad flags and bad ids', () => {
    expectPsshError(() => encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, version: 0, keyIds: [KID_A], data: new Uint8Array() }), 'ERR_PSSH_INVALID_INPUT');
    expectPsshError(() => encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, version: 2 as 1, data: new Uint8Array() }), 'ERR_PSSH_UNSUPPORTED_VERSION');
    expectPsshError(() => encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, flags: 1 << 24, data: new Uint8Array() }), 'ERR_PSSH_INVALID_INPUT');
    expectPsshError(() => encodePsshBox({ systemId: 'widevine', data: new Uint8Array() }), 'ERR_PSSH_INVALID_UUID');
    expectPsshError(() => encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, keyIds: ['nope'], data: new Uint8Array() }), 'ERR_PSSH_INVALID_UUID');
    expectPsshError(() => encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, data: 'AAAA' as unknown as Uint8Array }), 'ERR_PSSH_INVALID_INPUT');
  });
});

describe('allocatePsshBox', () => {
  it('writes the box encodePsshBox writes once the caller fills the Data in place', () => {
    const data = Uint8Array.of(1, 2, 3, 4, 5);
    for (const init of [{ systemId: PLAYREADY_SYSTEM_ID }, { systemId: WIDEVINE_SYSTEM_ID, keyIds: [KID_A, KID_B], flags: 7 }]) {
      const { box, dataOffset } = allocatePsshBox(init, data.length);
      expect(box.length - dataOffset).toBe(data.length);
      box.set(data, dataOffset);
      expect(hex(box)).toBe(hex(encodePsshBox({ ...init, data })));
    }
  });

  it('refuses what encodePsshBox refuses, and a data length that is not a count of bytes', () => {
    expectPsshError(() => allocatePsshBox({ systemId: WIDEVINE_SYSTEM_ID, version: 0, keyIds: [KID_A] }, 0), 'ERR_PSSH_INVALID_INPUT');
    expectPsshError(() => allocatePsshBox({ systemId: 'widevine' }, 0), 'ERR_PSSH_INVALID_UUID');
    expectPsshError(() => allocatePsshBox({ systemId: WIDEVINE_SYSTEM_ID }, -1), 'ERR_PSSH_INVALID_INPUT');
    expectPsshError(() => allocatePsshBox({ systemId: WIDEVINE_SYSTEM_ID }, 1.5), 'ERR_PSSH_INVALID_INPUT');
    expectPsshError(() => allocatePsshBox(undefined as unknown as Parameters<typeof allocatePsshBox>[0], 0), 'ERR_PSSH_INVALID_INPUT');
  });
});

describe('parsePsshBox', () => {
  const sample = encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, data: Uint8Array.of(0x12, 0x10) });

  it('reads a box with a 64-bit size and one whose size is 0 (to the end)', () => {
    const body = sample.subarray(8);
    const large = new Uint8Array(16 + body.length);
    const view = new DataView(large.buffer);
    view.setUint32(0, 1);
    large.set(ascii('pssh'), 4);
    view.setBigUint64(8, BigInt(large.length));
    large.set(body, 16);
    expect(parsePsshBox(large)).toMatchObject({ systemId: WIDEVINE_SYSTEM_ID, byteLength: large.length });
    const toEnd = Uint8Array.from(sample);
    new DataView(toEnd.buffer).setUint32(0, 0);
    expect(parsePsshBox(toEnd).data).toEqual(Uint8Array.of(0x12, 0x10));
  });

  it('points at the fault: trailing bytes, DataSize, truncation, KID_count, version, type', () => {
    expectPsshError(() => parsePsshBox(concat(sample, Uint8Array.of(0))), 'ERR_PSSH_BAD_BOX', sample.length);
    const wrongDataSize = Uint8Array.from(sample);
    new DataView(wrongDataSize.buffer).setUint32(28, 3);
    expectPsshError(() => parsePsshBox(wrongDataSize), 'ERR_PSSH_BAD_BOX', 28);
    expectPsshError(() => parsePsshBox(sample.subarray(0, 20)), 'ERR_PSSH_TRUNCATED', 0);
    expectPsshError(() => parsePsshBox(sample.subarray(0, 5)), 'ERR_PSSH_TRUNCATED', 0);
    const v1 = encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, keyIds: [KID_A], data: new Uint8Array() });
    new DataView(v1.buffer).setUint32(28, 0xffff_ffff);
    expectPsshError(() => parsePsshBox(v1), 'ERR_PSSH_TRUNCATED', 28);
    const v2 = Uint8Array.from(sample);
    v2[8] = 2;
    expectPsshError(() => parsePsshBox(v2), 'ERR_PSSH_UNSUPPORTED_VERSION', 8);
    expectPsshError(() => parsePsshBox(box('free', new Uint8Array(24))), 'ERR_PSSH_BAD_BOX', 4);
    const tooSmall = Uint8Array.from(sample);
    new DataView(tooSmall.buffer).setUint32(0, 4);
    expectPsshError(() => parsePsshBox(tooSmall), 'ERR_PSSH_BAD_BOX', 0);
  });

  it('copies the data out of the input', () => {
    const input = Uint8Array.from(sample);
    const parsed = parsePsshBox(input);
    input[32] = 0xff;
    expect(parsed.data[0]).toBe(0x12);
  });
});

describe('parsePsshBoxes', () => {
  const widevine = encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, data: Uint8Array.of(1) });
  const playready = encodePsshBox({ systemId: PLAYREADY_SYSTEM_ID, keyIds: [KID_A], data: Uint8Array.of(2, 2) });

  it('reads concatenated boxes with their offsets', () => {
    const boxes = parsePsshBoxes(concat(widevine, playready));
    expect(boxes.map((b) => [b.systemId, b.offset, b.byteLength])).toEqual([
      [WIDEVINE_SYSTEM_ID, 0, widevine.length],
      [PLAYREADY_SYSTEM_ID, widevine.length, playready.length],
    ]);
  });

  it('finds pssh boxes in moov and moof of an fMP4 stream, skipping everything else', () => {
    const ftyp = box('ftyp', Uint8Array.from(ascii('iso6')), new Uint8Array(4));
    const trak = box('trak', box('tkhd', new Uint8Array(84)));
    const moov = box('moov', box('mvhd', new Uint8Array(100)), trak, widevine, playready);
    const moof = box('moof', box('mfhd', new Uint8Array(8)), widevine);
    // mdat with a 64-bit size, then a last box of size 0 running to the end.
    const mdatBody = new Uint8Array(10);
    const mdat = new Uint8Array(16 + mdatBody.length);
    new DataView(mdat.buffer).setUint32(0, 1);
    mdat.set(ascii('mdat'), 4);
    new DataView(mdat.buffer).setBigUint64(8, BigInt(mdat.length));
    const tail = box('free', new Uint8Array(3));
    new DataView(tail.buffer).setUint32(0, 0);
    const file = concat(ftyp, moov, moof, mdat, tail);
    const boxes = parsePsshBoxes(file);
    expect(boxes.map((b) => b.systemId)).toEqual([WIDEVINE_SYSTEM_ID, PLAYREADY_SYSTEM_ID, WIDEVINE_SYSTEM_ID]);
    const moovStart = ftyp.length;
    expect(boxes[0]!.offset).toBe(moovStart + 8 + 108 + trak.length);
    expect(boxes[2]!.offset).toBe(moovStart + moov.length + 8 + 16);
    expect(boxes[1]!.keyIds).toEqual([KID_A]);
  });

  it('returns no boxes for well-formed boxes without pssh and nothing for no bytes', () => {
    expect(parsePsshBoxes(box('free', new Uint8Array(4)))).toEqual([]);
    expect(parsePsshBoxes(new Uint8Array())).toEqual([]);
  });

  it('reports a truncated child box at its absolute offset', () => {
    const moov = box('moov', widevine.subarray(0, widevine.length - 1));
    new DataView(moov.buffer).setUint32(8, widevine.length);
    expectPsshError(() => parsePsshBoxes(moov), 'ERR_PSSH_TRUNCATED', 8);
  });
});

describe('encodePsshBox argument checks', () => {
  it('refuses a missing init object or a keyIds string with PsshError', () => {
    expect(() => encodePsshBox(undefined as unknown as Parameters<typeof encodePsshBox>[0])).toThrow(PsshError);
    expect(() => encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, keyIds: KID_A as unknown as string[], data: new Uint8Array() })).toThrow(PsshError);
    expect(() => parsePsshBox('AAAA' as unknown as Uint8Array)).toThrow(PsshError);
  });
});
