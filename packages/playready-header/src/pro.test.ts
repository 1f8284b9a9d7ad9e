import { parsePsshBox, PLAYREADY_SYSTEM_ID, PsshError } from '@cpixkit/pssh';
import { describe, expect, it } from 'vitest';
import { PlayReadyError } from './errors.js';
import { decodePlayReadyObject, encodePlayReadyObject, encodePlayReadyPsshBox, PlayReadyRecordType } from './pro.js';

const HEADER =
  '<WRMHEADER xmlns="http://schemas.microsoft.com/DRM/2007/03/PlayReadyHeader" version="4.3.0.0"><DATA></DATA></WRMHEADER>';

/** Asserts ERR_PLAYREADY_INVALID_OBJECT at `offset` (`null`: none), with a message matching `message` when given. */
function expectObjectError(fn: () => unknown, offset?: number | null, message?: string): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PlayReadyError);
    expect((error as PlayReadyError).code).toBe('ERR_PLAYREADY_INVALID_OBJECT');
    if (offset !== undefined) expect((error as PlayReadyError).offset).toBe(offset ?? undefined);
    if (message !== undefined) expect((error as PlayReadyError).message).toBe(message);
    return;
  }
  expect.unreachable('no error thrown');
}

describe('PlayReady Object', () => {
  it('writes the header as UTF-16LE without BOM in one type 1 record, little-endian lengths', () => {
    const pro = encodePlayReadyObject({ wrmHeader: HEADER });
    const view = new DataView(pro.buffer);
    expect(view.getUint32(0, true)).toBe(pro.length);
    expect(view.getUint16(4, true)).toBe(1);
    expect(view.getUint16(6, true)).toBe(PlayReadyRecordType.HEADER);
    expect(view.getUint16(8, true)).toBe(HEADER.length * 2);
    expect(pro.length).toBe(HEADER.length * 2 + 10);
    expect([pro[10], pro[11]]).toEqual([0x3c, 0x00]);
    expect(decodePlayReadyObject(pro)).toEqual({
      records: [{ type: 1, value: pro.slice(10) }],
      wrmHeader: HEADER,
    });
  });

  it('keeps several records, an empty embedded license store included, in order', () => {
    const records = [
      { type: PlayReadyRecordType.HEADER, value: Uint8Array.from(Buffer.from(HEADER, 'utf16le')) },
      { type: PlayReadyRecordType.EMBEDDED_LICENSE_STORE, value: new Uint8Array(10) },
    ];
    const pro = encodePlayReadyObject(records);
    expect(decodePlayReadyObject(pro)).toEqual({ records, wrmHeader: HEADER });
    expect(decodePlayReadyObject(encodePlayReadyObject([]))).toEqual({ records: [], wrmHeader: undefined });
  });

  it('wraps the PRO in a PlayReady pssh box, version 1 with KIDs when asked', () => {
    const pro = encodePlayReadyObject({ wrmHeader: HEADER });
    const v0 = encodePlayReadyPsshBox(HEADER);
    expect(parsePsshBox(v0)).toStrictEqual({
      systemId: PLAYREADY_SYSTEM_ID,
      version: 0,
      flags: 0,
      keyIds: [],
      data: pro,
      byteLength: 32 + pro.length,
    });
    const kid = '98ee5596-cd3e-a20d-163a-e382420c6eff';
    const v1 = encodePlayReadyPsshBox(HEADER, { keyIds: [kid] });
    expect(parsePsshBox(v1)).toStrictEqual({
      systemId: PLAYREADY_SYSTEM_ID,
      version: 1,
      flags: 0,
      keyIds: [kid],
      data: pro,
      byteLength: 52 + pro.length,
    });
    expect(parsePsshBox(encodePlayReadyPsshBox(HEADER, { version: 1 }))).toStrictEqual({
      systemId: PLAYREADY_SYSTEM_ID,
      version: 1,
      flags: 0,
      keyIds: [],
      data: pro,
      byteLength: 36 + pro.length,
    });
    expectObjectError(
      () => encodePlayReadyPsshBox(HEADER, { version: 0, keyIds: [kid] }),
      null,
      'a version 0 pssh box cannot list KIDs; use version 1',
    );
    expectObjectError(() => encodePlayReadyPsshBox(''), null, 'wrmHeader must be a non-empty string');
    expectObjectError(
      () => encodePlayReadyPsshBox('x'.repeat(0x8000)),
      null,
      'a record holds at most 65535 bytes, got 65536',
    );
    expect(parsePsshBox(encodePlayReadyPsshBox('x'.repeat(0x7fff))).data).toHaveLength(10 + 0xfffe);
  });

  it('reports inconsistent lengths at their byte offset', () => {
    const pro = encodePlayReadyObject({ wrmHeader: HEADER });
    expectObjectError(() => decodePlayReadyObject(pro.subarray(0, 4)), 0);
    expectObjectError(() => decodePlayReadyObject(pro.subarray(0, pro.length - 2)), 0);
    const badRecord = Uint8Array.from(pro);
    new DataView(badRecord.buffer).setUint16(8, 0xfff0, true);
    expectObjectError(() => decodePlayReadyObject(badRecord), 8);
    const extraRecord = Uint8Array.from(pro);
    new DataView(extraRecord.buffer).setUint16(4, 2, true);
    expectObjectError(() => decodePlayReadyObject(extraRecord), pro.length);
    const fewerRecords = Uint8Array.from(pro);
    new DataView(fewerRecords.buffer).setUint16(4, 0, true);
    expectObjectError(() => decodePlayReadyObject(fewerRecords), 6);
    const odd = encodePlayReadyObject([{ type: 2, value: Uint8Array.of(0x3c) }]);
    odd[6] = 1; // make the odd-length record a WRMHEADER record
    expectObjectError(() => decodePlayReadyObject(odd), 10);
  });

  it('refuses what cannot be written', () => {
    expectObjectError(() => encodePlayReadyObject({ wrmHeader: '' }));
    expectObjectError(() => encodePlayReadyObject([{ type: 1, value: new Uint8Array(0x10000) }]));
    expectObjectError(() => encodePlayReadyObject([{ type: 1, value: new Uint8Array(3) }]));
    expectObjectError(() => encodePlayReadyObject([{ type: 0x10000, value: new Uint8Array() }]));
    expectObjectError(() => encodePlayReadyObject([{ type: 1, value: 'x' as unknown as Uint8Array }]));
    expectObjectError(() => decodePlayReadyObject('AAAA' as unknown as Uint8Array));
  });

  it('keeps the pssh error as the cause of a box it cannot write', () => {
    try {
      encodePlayReadyPsshBox(HEADER, { keyIds: ['nope'] });
      expect.unreachable('no error thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(PlayReadyError);
      expect((error as PlayReadyError).cause).toBeInstanceOf(PsshError);
      expect((error as PlayReadyError).message).toBe((error as PlayReadyError & { cause: Error }).cause.message);
    }
  });

  it('takes record types 0 to 65535 and record values up to 65535 bytes', () => {
    const records = [
      { type: 0, value: new Uint8Array() },
      { type: 0xffff, value: new Uint8Array(0xffff) },
    ];
    const pro = encodePlayReadyObject(records);
    expect(pro.length).toBe(6 + 4 + 4 + 0xffff);
    expect([...pro.subarray(0, 10)]).toEqual([0x0d, 0x00, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00]);
    expect(decodePlayReadyObject(pro)).toStrictEqual({ records, wrmHeader: undefined });
  });

  it('names what it refuses', () => {
    expectObjectError(() => encodePlayReadyObject({ wrmHeader: '' }), null, 'wrmHeader must be a non-empty string');
    expectObjectError(
      () => encodePlayReadyObject({} as { wrmHeader: string }),
      null,
      'wrmHeader must be a non-empty string',
    );
    expectObjectError(
      () => encodePlayReadyObject([{ type: 1, value: new Uint8Array(0x10000) }]),
      null,
      'a record holds at most 65535 bytes, got 65536',
    );
    expectObjectError(
      () => encodePlayReadyObject([{ type: 1, value: new Uint8Array(3) }]),
      null,
      'a WRMHEADER record is UTF-16LE, so its length is even',
    );
    for (const type of [-1, 0x10000, 1.5]) {
      expectObjectError(
        () => encodePlayReadyObject([{ type, value: new Uint8Array() }]),
        null,
        `record type must be a 16-bit unsigned integer, got ${type}`,
      );
    }
    expectObjectError(
      () => encodePlayReadyObject([{ type: 3, value: [1] as unknown as Uint8Array }]),
      null,
      'record value must be a Uint8Array',
    );
    expectObjectError(
      () => encodePlayReadyObject(Array.from({ length: 0x10000 }, () => ({ type: 3, value: new Uint8Array() }))),
      null,
      'a PlayReady Object holds at most 65535 records, got 65536',
    );
    expectObjectError(
      () => decodePlayReadyObject([6, 0, 0, 0, 0, 0] as unknown as Uint8Array),
      null,
      'a PlayReady Object must be a Uint8Array',
    );
  });

  it('writes 65535 records, the most a record count can say', () => {
    const records = Array.from({ length: 0xffff }, () => ({ type: 3, value: new Uint8Array() }));
    const pro = encodePlayReadyObject(records);
    expect(pro.length).toBe(6 + 4 * 0xffff);
    expect([pro[4], pro[5]]).toEqual([0xff, 0xff]);
  });

  it('refuses an init that is neither records nor { wrmHeader }', () => {
    for (const init of [undefined, null, 'x', { wrmHeader: 7 }]) {
      expectObjectError(() => encodePlayReadyObject(init as never), null, 'wrmHeader must be a non-empty string');
    }
  });

  it('reads the smallest object (6 bytes, no records) and refuses 5 bytes', () => {
    expect(decodePlayReadyObject(Uint8Array.of(6, 0, 0, 0, 0, 0))).toStrictEqual({ records: [], wrmHeader: undefined });
    expectObjectError(
      () => decodePlayReadyObject(Uint8Array.of(5, 0, 0, 0, 0)),
      0,
      'a PlayReady Object has a 6-byte header, got 5 bytes (at byte 0)',
    );
  });

  it('says where and why the lengths disagree', () => {
    const pro = encodePlayReadyObject({ wrmHeader: HEADER });
    expectObjectError(
      () => decodePlayReadyObject(pro.subarray(0, pro.length - 2)),
      0,
      `Length says ${pro.length} bytes, the object has ${pro.length - 2} (at byte 0)`,
    );
    const cutHeader = Uint8Array.of(9, 0, 0, 0, 1, 0, 1, 0, 0);
    expectObjectError(() => decodePlayReadyObject(cutHeader), 6, 'record 1 of 1 is cut off (at byte 6)');
    const longRecord = Uint8Array.of(12, 0, 0, 0, 1, 0, 3, 0, 3, 0, 0, 0);
    expectObjectError(() => decodePlayReadyObject(longRecord), 8, 'record 1 claims 3 bytes, 2 left (at byte 8)');
    const exact = Uint8Array.of(12, 0, 0, 0, 1, 0, 3, 0, 2, 0, 7, 7);
    expect(decodePlayReadyObject(exact)).toStrictEqual({
      records: [{ type: 3, value: Uint8Array.of(7, 7) }],
      wrmHeader: undefined,
    });
    const trailing = Uint8Array.of(12, 0, 0, 0, 1, 0, 3, 0, 1, 0, 7, 7);
    expectObjectError(() => decodePlayReadyObject(trailing), 11, '1 bytes after the last of 1 records (at byte 11)');
    const odd = Uint8Array.of(11, 0, 0, 0, 1, 0, 1, 0, 1, 0, 0x3c);
    expectObjectError(
      () => decodePlayReadyObject(odd),
      10,
      'the WRMHEADER record has an odd length, so it is not UTF-16 (at byte 10)',
    );
  });

  it('reads the first WRMHEADER record, without its byte order mark', () => {
    const utf16 = (text: string) => Uint8Array.from(Buffer.from(text, 'utf16le'));
    const records = [
      { type: 3, value: new Uint8Array(2) },
      { type: 1, value: utf16(`\uFEFF${HEADER}`) },
      { type: 1, value: utf16('<second/>') },
    ];
    expect(decodePlayReadyObject(encodePlayReadyObject(records))).toStrictEqual({ records, wrmHeader: HEADER });
  });
});
