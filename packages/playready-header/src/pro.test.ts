import { parsePsshBox, PLAYREADY_SYSTEM_ID } from '@cpixkit/pssh';
import { describe, expect, it } from 'vitest';
import { PlayReadyError } from './errors.js';
import { decodePlayReadyObject, encodePlayReadyObject, encodePlayReadyPsshBox, PlayReadyRecordType } from './pro.js';

const HEADER = '<WRMHEADER xmlns="http://schemas.microsoft.com/DRM/2007/03/PlayReadyHeader" version="4.3.0.0"><DATA></DATA></WRMHEADER>';

function expectObjectError(fn: () => unknown, offset?: number): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PlayReadyError);
    expect((error as PlayReadyError).code).toBe('ERR_PLAYREADY_INVALID_OBJECT');
    if (offset !== undefined) expect((error as PlayReadyError).offset).toBe(offset);
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
    const v0 = parsePsshBox(encodePlayReadyPsshBox(HEADER));
    expect(v0).toMatchObject({ systemId: PLAYREADY_SYSTEM_ID, version: 0, keyIds: [] });
    expect(decodePlayReadyObject(v0.data).wrmHeader).toBe(HEADER);
    const kid = '98ee5596-cd3e-a20d-163a-e382420c6eff';
    const v1 = parsePsshBox(encodePlayReadyPsshBox(HEADER, { keyIds: [kid] }));
    expect(v1).toMatchObject({ version: 1, keyIds: [kid] });
    expect(v1.data).toEqual(encodePlayReadyObject({ wrmHeader: HEADER }));
    expect(() => encodePlayReadyPsshBox(HEADER, { version: 0, keyIds: [kid] })).toThrow(PlayReadyError);
    expect(() => encodePlayReadyPsshBox('')).toThrow(PlayReadyError);
    expect(() => encodePlayReadyPsshBox('x'.repeat(0x8000))).toThrow(PlayReadyError);
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
});
