import { describe, expect, it } from 'vitest';
import { computeKeyChecksum } from './checksum.js';

const KID = '12ea753c-23e7-bc02-4474-b2b976c43beb';

describe('computeKeyChecksum', () => {
  it('is the first 8 bytes of AES-128-ECB(key, GUID-order KID), in base64', () => {
    expect(computeKeyChecksum(KID, Uint8Array.from(Buffer.from('SzC1qc1cEpyFU6t/lL7Byw==', 'base64')))).toBe(
      '/F7B1fH2e0c=',
    );
  });

  it('refuses a key that is not 16 bytes, saying what it got', () => {
    for (const [key, got] of [
      [new Uint8Array(15), '15'],
      [new Uint8Array(17), '17'],
      ['SzC1qc1cEpyFU6t/lL7Byw==', 'string'],
    ] as const) {
      expect(() => computeKeyChecksum(KID, key as Uint8Array)).toThrow(
        expect.objectContaining({
          code: 'ERR_PLAYREADY_INVALID_KEY',
          message: `an AESCTR content key is 16 bytes, got ${got}`,
        }),
      );
    }
  });

  it('refuses a KID that is not a UUID', () => {
    expect(() => computeKeyChecksum('nope', new Uint8Array(16))).toThrow(
      expect.objectContaining({ code: 'ERR_PLAYREADY_INVALID_KID' }),
    );
  });
});
