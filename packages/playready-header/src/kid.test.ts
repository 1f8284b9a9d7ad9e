import { describe, expect, it } from 'vitest';
import { vectorCases } from '../../../tooling/src/fixtures.js';
import { guidBase64ToKid, guidBytesToKid, kidToGuidBase64, kidToGuidBytes, swapGuidByteOrder } from './kid.js';
import { thrownBy } from '../../../tooling/src/thrown.js';
import { PlayReadyError } from './errors.js';

function refusal(fn: () => unknown): [string, string] {
  const error = thrownBy(fn, PlayReadyError);
  return [error.code, error.message];
}

describe('KID byte order', () => {
  it('writes the GUID little-endian base64 PallyCon and Axinom put in their headers', () => {
    expect(kidToGuidBase64('12ea753c-23e7-bc02-4474-b2b976c43beb')).toBe('PHXqEucjArxEdLK5dsQ76w==');
    expect(kidToGuidBase64('98ee5596-cd3e-a20d-163a-e382420c6eff')).toBe('llXumD7NDaIWOuOCQgxu/w==');
  });

  it('reads it back', () => {
    expect(guidBase64ToKid('w46sa+MOnzc9ISkLOivJww==')).toBe('6bac8ec3-0ee3-379f-3d21-290b3a2bc9c3');
  });

  it('swapping twice is the identity', () => {
    const bytes = kidToGuidBytes('339c45b5-fb6d-4bd9-994c-eabd9d41c95b');
    expect(swapGuidByteOrder(swapGuidByteOrder(bytes))).toEqual(bytes);
  });

  it('rejects a KID of the wrong size with ERR_PLAYREADY_INVALID_KID', () => {
    expect(refusal(() => guidBase64ToKid('AAAA'))).toStrictEqual([
      'ERR_PLAYREADY_INVALID_KID',
      'a base64 KID decodes to 16 bytes, got 3',
    ]);
    expect(refusal(() => kidToGuidBytes('xyz'))).toStrictEqual(['ERR_PLAYREADY_INVALID_KID', 'not a UUID: "xyz"']);
  });
});

describe('kid_encoding vectors (GUID little-endian header forms)', () => {
  it('writes the WRMHEADER KID/VALUE of each seed kid', () => {
    for (const c of vectorCases('kid_encoding')) {
      const e = c.expected as Record<string, string>;
      expect(kidToGuidBase64('cbbc38b6-b50d-ab53-f826-3e06b7382aa3')).toBe(e.cbbc38b6_wrmheader_value);
      expect(kidToGuidBase64('12ea753c-23e7-bc02-4474-b2b976c43beb')).toBe(e['12ea753c_wrmheader_kid']);
      expect(kidToGuidBase64('98ee5596-cd3e-a20d-163a-e382420c6eff')).toBe(e['98ee5596_wrmheader_kid']);
      expect(guidBase64ToKid(e.cbbc38b6_wrmheader_value!)).toBe('cbbc38b6-b50d-ab53-f826-3e06b7382aa3');
    }
  });

  it('refuses what is not a string or 16 bytes with ERR_PLAYREADY_INVALID_KID', () => {
    expect(refusal(() => guidBase64ToKid(7 as unknown as string))).toStrictEqual([
      'ERR_PLAYREADY_INVALID_KID',
      'a base64 KID must be a string, got number',
    ]);
    expect(refusal(() => swapGuidByteOrder([1, 2] as unknown as Uint8Array))).toStrictEqual([
      'ERR_PLAYREADY_INVALID_KID',
      'a KID is 16 bytes, got object',
    ]);
    expect(refusal(() => kidToGuidBytes(null as unknown as string))).toStrictEqual([
      'ERR_PLAYREADY_INVALID_KID',
      'a UUID must be a string, got object',
    ]);
  });
});

describe('KID errors', () => {
  const expectKidError = (fn: () => unknown, message: string) =>
    expect(fn).toThrow(expect.objectContaining({ name: 'PlayReadyError', code: 'ERR_PLAYREADY_INVALID_KID', message }));

  it('say what they got', () => {
    expectKidError(() => guidBase64ToKid('AAAA'), 'a base64 KID decodes to 16 bytes, got 3');
    expectKidError(() => guidBase64ToKid('PHXqEucjArxEdLK5dsQ76w8='), 'a base64 KID decodes to 16 bytes, got 17');
    expectKidError(() => guidBase64ToKid(7 as unknown as string), 'a base64 KID must be a string, got number');
    expectKidError(() => swapGuidByteOrder(new Uint8Array(15)), 'a KID is 16 bytes, got 15');
    expectKidError(() => swapGuidByteOrder([1, 2] as unknown as Uint8Array), 'a KID is 16 bytes, got object');
    expectKidError(() => kidToGuidBytes('xyz'), 'not a UUID: "xyz"');
  });

  it('swap the first three fields and keep the last eight bytes, leaving the input alone', () => {
    const input = Uint8Array.from({ length: 16 }, (_, i) => i);
    expect([...swapGuidByteOrder(input)]).toEqual([3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect([...input]).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect(guidBytesToKid(input)).toBe('03020100-0504-0706-0809-0a0b0c0d0e0f');
  });
});
