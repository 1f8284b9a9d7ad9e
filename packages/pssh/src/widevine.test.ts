import { describe, expect, it } from 'vitest';
import { expectPsshError } from '../test/expect-pssh-error.js';
import { PsshError } from './errors.js';
import { fourCcToUint32, uint32ToFourCc } from './fourcc.js';
import {
  decodeWidevinePsshData,
  encodeWidevinePsshData,
  WidevineAlgorithm,
  type WidevinePsshData,
  WidevinePsshType,
} from './widevine.js';

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const fromHex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'));

const everyField: WidevinePsshData = {
  algorithm: WidevineAlgorithm.AESCTR,
  keyIds: ['12ea753c-23e7-bc02-4474-b2b976c43beb', '98ee5596-cd3e-a20d-163a-e382420c6eff'],
  provider: 'inkaentworks',
  contentId: new TextEncoder().encode('cpix-test-cid'),
  trackType: 'HD',
  policy: 'default',
  cryptoPeriodIndex: 128,
  groupedLicense: Uint8Array.of(1, 2, 3),
  protectionScheme: 'cbcs',
  cryptoPeriodSeconds: 3600,
  type: WidevinePsshType.ENTITLED_KEY,
  keySequence: 7,
  groupIds: [Uint8Array.of(0xaa), Uint8Array.of(0xbb, 0xcc)],
  entitledKeys: [
    {
      entitlementKeyId: new Uint8Array(16).fill(1),
      keyId: new Uint8Array(16).fill(2),
      key: new Uint8Array(32).fill(3),
      iv: new Uint8Array(16).fill(4),
      entitlementKeySizeBytes: 32,
    },
  ],
  videoFeature: 'HDR',
};

describe('Widevine PSSH data', () => {
  it('round-trips every field', () => {
    const bytes = encodeWidevinePsshData(everyField);
    expect(decodeWidevinePsshData(bytes)).toEqual(everyField);
    expect(hex(encodeWidevinePsshData(decodeWidevinePsshData(bytes)))).toBe(hex(bytes));
  });

  it('writes fields in ascending order with the expected tags', () => {
    const bytes = encodeWidevinePsshData({ videoFeature: 'HDR', keySequence: 1, algorithm: 0 });
    expect(hex(bytes)).toBe('0800' + '6001' + '7a03484452');
  });

  it('keeps unknown fields and wire-type mismatches, and writes them back in place', () => {
    // field 2 (16-byte kid), field 9 as bytes (mismatch), unknown field 16 (varint 5), unknown field 99 (bytes)
    const input = fromHex('1210' + '00112233445566778899aabbccddeeff' + '4a0163' + '800105' + '9a0602beef');
    const decoded = decodeWidevinePsshData(input);
    expect(decoded.keyIds).toEqual(['00112233-4455-6677-8899-aabbccddeeff']);
    expect(decoded.protectionScheme).toBeUndefined();
    expect(decoded.unknownFields?.map((f) => [f.fieldNumber, f.wireType, hex(f.bytes)])).toEqual([
      [9, 2, '4a0163'],
      [16, 0, '800105'],
      [99, 2, '9a0602beef'],
    ]);
    expect(hex(encodeWidevinePsshData(decoded))).toBe(hex(input));
  });

  it('keeps a default value that is present on the wire', () => {
    const input = fromHex('0800');
    expect(decodeWidevinePsshData(input)).toEqual({ algorithm: 0, keyIds: [] });
    expect(hex(encodeWidevinePsshData(decodeWidevinePsshData(input)))).toBe('0800');
  });

  it('decodes an empty message to no fields', () => {
    expect(decodeWidevinePsshData(new Uint8Array())).toEqual({ keyIds: [] });
  });

  it('accepts contentId as a UTF-8 string', () => {
    expect(hex(encodeWidevinePsshData({ contentId: 'é' }))).toBe('2202c3a9');
  });

  it('reports malformed data with the offset of the field', () => {
    expectPsshError(() => decodeWidevinePsshData(fromHex('0801' + '1210' + '0011')), 'ERR_PSSH_BAD_WIDEVINE_DATA', 2);
    expectPsshError(() => decodeWidevinePsshData(fromHex('0801' + '120400112233')), 'ERR_PSSH_BAD_WIDEVINE_DATA', 2);
    expectPsshError(() => decodeWidevinePsshData(fromHex('1a02c328')), 'ERR_PSSH_BAD_WIDEVINE_DATA', 0);
    expectPsshError(() => decodeWidevinePsshData(fromHex('0880')), 'ERR_PSSH_BAD_WIDEVINE_DATA', 0);
    expectPsshError(() => decodeWidevinePsshData(fromHex('0f')), 'ERR_PSSH_BAD_WIDEVINE_DATA', 0);
    expectPsshError(() => decodeWidevinePsshData(fromHex('0801' + '7204' + '0a0501')), 'ERR_PSSH_BAD_WIDEVINE_DATA', 2);
    // A malformed entitled key is reported at the offset of its own field inside the outer message.
    expectPsshError(() => decodeWidevinePsshData(fromHex('0801' + '7203' + '0a0501')), 'ERR_PSSH_BAD_WIDEVINE_DATA', 4);
    expectPsshError(() => decodeWidevinePsshData('CAE=' as unknown as Uint8Array), 'ERR_PSSH_INVALID_INPUT');
  });

  it('refuses values the wire format cannot hold', () => {
    expectPsshError(() => encodeWidevinePsshData({ cryptoPeriodIndex: -1 }), 'ERR_PSSH_INVALID_INPUT');
    expectPsshError(() => encodeWidevinePsshData({ keySequence: 2 ** 32 }), 'ERR_PSSH_INVALID_INPUT');
    expectPsshError(() => encodeWidevinePsshData({ algorithm: 1.5 }), 'ERR_PSSH_INVALID_INPUT');
    expectPsshError(() => encodeWidevinePsshData({ protectionScheme: 'cenc1' }), 'ERR_PSSH_INVALID_INPUT');
    expectPsshError(() => encodeWidevinePsshData({ protectionScheme: 'c€nc' }), 'ERR_PSSH_INVALID_INPUT');
    expectPsshError(() => encodeWidevinePsshData({ keyIds: ['abc'] }), 'ERR_PSSH_INVALID_UUID');
    expectPsshError(() => encodeWidevinePsshData({ provider: 5 as unknown as string }), 'ERR_PSSH_INVALID_INPUT');
    expectPsshError(() => encodeWidevinePsshData({ groupIds: ['x' as unknown as Uint8Array] }), 'ERR_PSSH_INVALID_INPUT');
  });
});

describe('FourCC', () => {
  it('maps the CENC schemes both ways', () => {
    expect(fourCcToUint32('cenc')).toBe(0x63656e63);
    expect(uint32ToFourCc(0x63626373)).toBe('cbcs');
    expect(uint32ToFourCc(0)).toBe('\0\0\0\0');
    expect(() => uint32ToFourCc(-1)).toThrow(PsshError);
  });
});
