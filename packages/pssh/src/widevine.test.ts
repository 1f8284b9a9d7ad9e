import { describe, expect, it } from 'vitest';
import { expectPsshError } from '../test/expect-pssh-error.js';
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
    expectPsshError(
      () => encodeWidevinePsshData({ groupIds: ['x' as unknown as Uint8Array] }),
      'ERR_PSSH_INVALID_INPUT',
    );
  });
});

describe('Widevine PSSH data, field by field', () => {
  it.each([
    ['provider', 3, '1a'],
    ['trackType', 5, '2a'],
    ['policy', 6, '32'],
    ['videoFeature', 15, '7a'],
  ] as const)('writes %s (field %i) as a length-delimited UTF-8 string and reads it back', (name, _, tag) => {
    const bytes = encodeWidevinePsshData({ [name]: 'é' });
    expect(hex(bytes)).toBe(`${tag}02c3a9`);
    expect(decodeWidevinePsshData(bytes)).toStrictEqual({ keyIds: [], [name]: 'é' });
  });

  it.each([
    ['provider', '1a'],
    ['track_type', '2a'],
    ['policy', '32'],
    ['video_feature', '7a'],
  ])('refuses a %s that is not UTF-8, at its field', (name, tag) => {
    expectPsshError(
      () => decodeWidevinePsshData(fromHex(`0801${tag}02c328`)),
      'ERR_PSSH_BAD_WIDEVINE_DATA',
      2,
      `${name} is not valid UTF-8`,
    );
  });

  it.each([
    ['cryptoPeriodIndex', '38'],
    ['cryptoPeriodSeconds', '50'],
    ['keySequence', '60'],
  ] as const)('writes %s as a uint32 varint, 0 to 0xffffffff, and refuses what is outside', (name, tag) => {
    expect(hex(encodeWidevinePsshData({ [name]: 0 }))).toBe(`${tag}00`);
    expect(hex(encodeWidevinePsshData({ [name]: 127 }))).toBe(`${tag}7f`);
    expect(hex(encodeWidevinePsshData({ [name]: 128 }))).toBe(`${tag}8001`);
    const widest = encodeWidevinePsshData({ [name]: 0xffff_ffff });
    expect(hex(widest)).toBe(`${tag}ffffffff0f`);
    expect(decodeWidevinePsshData(widest)).toStrictEqual({ keyIds: [], [name]: 0xffff_ffff });
    for (const value of [-1, 2 ** 32, 0.5]) {
      expectPsshError(
        () => encodeWidevinePsshData({ [name]: value }),
        'ERR_PSSH_INVALID_INPUT',
        null,
        `${name} must be a uint32, got ${value}`,
      );
    }
  });

  it.each([
    ['algorithm', '08'],
    ['type', '58'],
  ] as const)(
    'writes %s as an int32 varint, negative values in ten bytes, and refuses what is outside',
    (name, tag) => {
      expect(hex(encodeWidevinePsshData({ [name]: 0x7fff_ffff }))).toBe(`${tag}ffffffff07`);
      const lowest = encodeWidevinePsshData({ [name]: -0x8000_0000 });
      expect(hex(lowest)).toBe(`${tag}80808080f8ffffffff01`);
      expect(decodeWidevinePsshData(lowest)).toStrictEqual({ keyIds: [], [name]: -0x8000_0000 });
      for (const value of [-0x8000_0001, 0x8000_0000, 1.5]) {
        expectPsshError(
          () => encodeWidevinePsshData({ [name]: value }),
          'ERR_PSSH_INVALID_INPUT',
          null,
          `${name} must be an int32, got ${value}`,
        );
      }
    },
  );

  it('reads a varint field written with a length as an unknown field, for every varint field', () => {
    for (const fieldNumber of [1, 7, 9, 10, 11, 12]) {
      const input = Uint8Array.of((fieldNumber << 3) | 2, 1, 0x63);
      expect(decodeWidevinePsshData(input)).toStrictEqual({
        keyIds: [],
        unknownFields: [{ fieldNumber, wireType: 2, bytes: input }],
      });
    }
  });

  it('reads a bytes or string field written as a varint as an unknown field, for every such field', () => {
    for (const fieldNumber of [2, 3, 4, 5, 6, 8, 13, 14, 15]) {
      const input = Uint8Array.of(fieldNumber << 3, 5);
      expect(decodeWidevinePsshData(input)).toStrictEqual({
        keyIds: [],
        unknownFields: [{ fieldNumber, wireType: 0, bytes: input }],
      });
    }
  });

  it('copies bytes fields out of the input', () => {
    const input = encodeWidevinePsshData({
      contentId: Uint8Array.of(1),
      groupedLicense: Uint8Array.of(2),
      groupIds: [Uint8Array.of(3)],
    });
    const decoded = decodeWidevinePsshData(input);
    input.fill(0);
    expect(decoded).toStrictEqual({
      keyIds: [],
      contentId: Uint8Array.of(1),
      groupedLicense: Uint8Array.of(2),
      groupIds: [Uint8Array.of(3)],
    });
  });

  it('refuses a key_id of 15 or 17 bytes, saying how long it is', () => {
    for (const length of [15, 17]) {
      const input = Uint8Array.from([0x12, length, ...new Uint8Array(length)]);
      expectPsshError(
        () => decodeWidevinePsshData(input),
        'ERR_PSSH_BAD_WIDEVINE_DATA',
        0,
        `key_id is ${length} bytes, expected 16`,
      );
    }
  });

  it('says why the wire reader gave up, and keeps its error as the cause', () => {
    const error = expectPsshError(
      () => decodeWidevinePsshData(fromHex('0801' + '0880')),
      'ERR_PSSH_BAD_WIDEVINE_DATA',
      2,
      /^malformed Widevine PSSH data: .+ \(at byte 2\)$/,
    );
    expect(error.cause).toBeInstanceOf(Error);
    expect(error.message).toContain((error.cause as Error).message);
  });

  it('refuses a length-delimited field that runs past the end, known or unknown', () => {
    expectPsshError(
      () => decodeWidevinePsshData(fromHex('2205' + '0102')),
      'ERR_PSSH_BAD_WIDEVINE_DATA',
      0,
      /^malformed Widevine PSSH data: premature EOF/,
    );
    expectPsshError(
      () => decodeWidevinePsshData(fromHex('0801' + '820105' + '0102')),
      'ERR_PSSH_BAD_WIDEVINE_DATA',
      2,
      'malformed Widevine PSSH data: premature EOF',
    );
  });

  it('keeps a leading byte order mark in a string field, so the bytes come back the same', () => {
    const bytes = fromHex('1a05' + 'efbbbf' + '6869');
    expect(decodeWidevinePsshData(bytes)).toStrictEqual({ keyIds: [], provider: '\uFEFFhi' });
    expect(hex(encodeWidevinePsshData(decodeWidevinePsshData(bytes)))).toBe(hex(bytes));
  });

  it('reads and writes every field of an entitled key, keeping its unknown fields', () => {
    const entitled = {
      entitlementKeyId: Uint8Array.of(1),
      keyId: Uint8Array.of(2),
      key: Uint8Array.of(3),
      iv: Uint8Array.of(4),
      entitlementKeySizeBytes: 0xffff_ffff,
      unknownFields: [{ fieldNumber: 6, wireType: 0, bytes: Uint8Array.of(0x30, 1) }],
    };
    const bytes = encodeWidevinePsshData({ entitledKeys: [entitled] });
    const decoded = decodeWidevinePsshData(bytes);
    bytes.fill(0);
    expect(decoded).toStrictEqual({ keyIds: [], entitledKeys: [entitled] });
    expect(hex(encodeWidevinePsshData({ entitledKeys: [entitled] }))).toBe(
      '7214' + '0a0101' + '120102' + '1a0103' + '220104' + '28ffffffff0f' + '3001',
    );
  });

  it('keeps entitled-key fields of an unexpected wire type as unknown fields', () => {
    // field 1 as a varint, field 5 as bytes, field 6 (unknown) as bytes
    const inner = fromHex('0801' + '2a0100' + '320101');
    expect(decodeWidevinePsshData(Uint8Array.from([0x72, inner.length, ...inner]))).toStrictEqual({
      keyIds: [],
      entitledKeys: [
        {
          unknownFields: [
            { fieldNumber: 1, wireType: 0, bytes: fromHex('0801') },
            { fieldNumber: 5, wireType: 2, bytes: fromHex('2a0100') },
            { fieldNumber: 6, wireType: 2, bytes: fromHex('320101') },
          ],
        },
      ],
    });
  });

  it('names each argument it refuses', () => {
    for (const data of [null, 'CAE=']) {
      expectPsshError(
        () => encodeWidevinePsshData(data as unknown as WidevinePsshData),
        'ERR_PSSH_INVALID_INPUT',
        null,
        'Widevine PSSH data must be an object',
      );
    }
    for (const [field, name] of [
      ['provider', 'provider'],
      ['trackType', 'trackType'],
      ['policy', 'policy'],
      ['videoFeature', 'videoFeature'],
    ]) {
      expectPsshError(
        () => encodeWidevinePsshData({ [field!]: 1 }),
        'ERR_PSSH_INVALID_INPUT',
        null,
        `${name} must be a string`,
      );
    }
    expectPsshError(
      () => encodeWidevinePsshData({ groupedLicense: 'x' as unknown as Uint8Array }),
      'ERR_PSSH_INVALID_INPUT',
      null,
      'groupedLicense must be a Uint8Array',
    );
    for (const field of ['entitlementKeyId', 'keyId', 'key', 'iv']) {
      expectPsshError(
        () => encodeWidevinePsshData({ entitledKeys: [{ [field]: 'x' }] }),
        'ERR_PSSH_INVALID_INPUT',
        null,
        `entitledKeys.${field} must be a Uint8Array`,
      );
    }
    for (const entitled of [null, 'x']) {
      expectPsshError(
        () => encodeWidevinePsshData({ entitledKeys: [entitled as unknown as object] }),
        'ERR_PSSH_INVALID_INPUT',
        null,
        'each entitled key must be an object',
      );
    }
    expectPsshError(
      () => encodeWidevinePsshData({ entitledKeys: [{ iv: [1] as unknown as Uint8Array }] }),
      'ERR_PSSH_INVALID_INPUT',
      null,
      'entitledKeys.iv must be a Uint8Array',
    );
    expectPsshError(
      () => encodeWidevinePsshData({ entitledKeys: [{ entitlementKeySizeBytes: -1 }] }),
      'ERR_PSSH_INVALID_INPUT',
      null,
      'entitledKeys.entitlementKeySizeBytes must be a uint32, got -1',
    );
    expectPsshError(
      () => encodeWidevinePsshData({ provider: 5 as unknown as string }),
      'ERR_PSSH_INVALID_INPUT',
      null,
      'provider must be a string',
    );
    expectPsshError(
      () => encodeWidevinePsshData({ contentId: 5 as unknown as string }),
      'ERR_PSSH_INVALID_INPUT',
      null,
      'contentId must be a Uint8Array',
    );
    expectPsshError(
      () => encodeWidevinePsshData({ groupIds: ['x' as unknown as Uint8Array] }),
      'ERR_PSSH_INVALID_INPUT',
      null,
      'groupIds must be a Uint8Array',
    );
    expectPsshError(
      () => encodeWidevinePsshData({ unknownFields: [{ fieldNumber: 20, wireType: 0 } as never] }),
      'ERR_PSSH_INVALID_INPUT',
      null,
      'unknown field 20 has no bytes',
    );
    expectPsshError(
      () => decodeWidevinePsshData('CAE=' as unknown as Uint8Array),
      'ERR_PSSH_INVALID_INPUT',
      null,
      'Widevine PSSH data must be a Uint8Array',
    );
  });

  it('merges unknown fields in by their number, after known fields of the same number', () => {
    const bytes = encodeWidevinePsshData({
      algorithm: 1,
      videoFeature: 'HDR',
      unknownFields: [
        { fieldNumber: 16, wireType: 0, bytes: fromHex('800101') },
        { fieldNumber: 1, wireType: 2, bytes: fromHex('0a00') },
        { fieldNumber: 3, wireType: 0, bytes: fromHex('1800') },
      ],
    });
    expect(hex(bytes)).toBe('0801' + '0a00' + '1800' + '7a03484452' + '800101');
  });
});

describe('FourCC', () => {
  it('maps the CENC schemes both ways', () => {
    expect(fourCcToUint32('cenc')).toBe(0x63656e63);
    expect(fourCcToUint32('\xff\xff\xff\xff')).toBe(0xffff_ffff);
    expect(uint32ToFourCc(0x63626373)).toBe('cbcs');
    expect(uint32ToFourCc(0)).toBe('\0\0\0\0');
    expect(uint32ToFourCc(0xffff_ffff)).toBe('\xff\xff\xff\xff');
  });

  it('refuses what is not four one-byte characters, or not a uint32', () => {
    for (const text of ['cen', 'cenc1', 'c€nc', 'ce\u0100c']) {
      expectPsshError(
        () => fourCcToUint32(text),
        'ERR_PSSH_INVALID_INPUT',
        null,
        `a FourCC is 4 one-byte characters, got ${JSON.stringify(text)}`,
      );
    }
    for (const value of [-1, 2 ** 32, 1.5]) {
      expectPsshError(
        () => uint32ToFourCc(value),
        'ERR_PSSH_INVALID_INPUT',
        null,
        `a FourCC is a uint32, got ${value}`,
      );
    }
  });
});
