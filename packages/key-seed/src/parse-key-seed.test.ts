import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeySeedError, parseKeySeed } from './index.js';

const seedHex = '5d5068bec9b384ff6044867159f16d6b755544fcd5116989b1acc4278e88';
const seed = Uint8Array.from(Buffer.from(seedHex, 'hex'));

describe('parseKeySeed', () => {
  it('reads base64, URL-safe base64 and hex spellings of the same seed', () => {
    expect(parseKeySeed('XVBovsmzhP9gRIZxWfFta3VVRPzVEWmJsazEJ46I')).toEqual(seed);
    expect(parseKeySeed(` ${Buffer.from(seed).toString('base64url')}\n`)).toEqual(seed);
    expect(parseKeySeed(seedHex)).toEqual(seed);
    expect(parseKeySeed(`0x${seedHex.toUpperCase()}`)).toEqual(seed);
  });

  it('round-trips any seed of 30 bytes or more through hex and base64', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 30, maxLength: 64 }), (bytes) => {
        expect(parseKeySeed(Buffer.from(bytes).toString('hex'))).toEqual(bytes);
        expect(parseKeySeed(Buffer.from(bytes).toString('base64'))).toEqual(bytes);
      }),
    );
  });

  it('refuses a seed that decodes to fewer than 30 bytes', () => {
    expect(() => parseKeySeed(seedHex.slice(0, 58))).toThrow(expect.objectContaining({ code: 'ERR_KEY_SEED_TOO_SHORT' }));
  });

  it('refuses text that is neither hex nor base64 and never repeats it', () => {
    for (const text of ['not a seed at all!!', 'XVBovsmzhP9gRIZxWfFta3VVRPzVEWmJsazEJ46J=', 'ab+cd-ef', '']) {
      let error: unknown;
      try {
        parseKeySeed(text);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(KeySeedError);
      if (text !== '') expect((error as Error).message).not.toContain(text);
    }
  });

  it('throws only KeySeedError for any input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.anything()), (text) => {
        try {
          parseKeySeed(text as string);
        } catch (error) {
          expect(error).toBeInstanceOf(KeySeedError);
        }
      }),
    );
  });
});
