import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectAnswerOrKeySeedError, expectKeySeedError } from '../test/expect-key-seed-error.js';
import { parseKeySeed } from './index.js';

const seedHex = '5d5068bec9b384ff6044867159f16d6b755544fcd5116989b1acc4278e88';
const seed = Uint8Array.from(Buffer.from(seedHex, 'hex'));
const seedBase64 = 'XVBovsmzhP9gRIZxWfFta3VVRPzVEWmJsazEJ46I';
// 30 bytes whose base64 spelling uses both characters that differ between the alphabets.
const urlSeed = Uint8Array.from(Buffer.from('fbefbeffffff5d5068bec9b384ff6044867159f16d6b755544fcd5116989', 'hex'));
// A 31-byte seed: its base64 needs padding (…Qg==), so it can be written unpadded.
const seed31 = Uint8Array.from([...seed, 0x42]);

describe('parseKeySeed', () => {
  it('reads base64, URL-safe base64 and hex spellings of the same seed', () => {
    expect(parseKeySeed(seedBase64)).toStrictEqual(seed);
    expect(parseKeySeed(seedHex)).toStrictEqual(seed);
    expect(parseKeySeed(`0x${seedHex.toUpperCase()}`)).toStrictEqual(seed);
  });

  it('reads the URL-safe alphabet (- and _) as well as the standard one (+ and /)', () => {
    expect(Buffer.from(urlSeed).toString('base64')).toBe('++++////XVBovsmzhP9gRIZxWfFta3VVRPzVEWmJ');
    expect(parseKeySeed('++++////XVBovsmzhP9gRIZxWfFta3VVRPzVEWmJ')).toStrictEqual(urlSeed);
    expect(parseKeySeed('----____XVBovsmzhP9gRIZxWfFta3VVRPzVEWmJ')).toStrictEqual(urlSeed);
  });

  it('reads base64 with or without its padding', () => {
    expect(parseKeySeed('XVBovsmzhP9gRIZxWfFta3VVRPzVEWmJsazEJ46IQg==')).toStrictEqual(seed31);
    expect(parseKeySeed('XVBovsmzhP9gRIZxWfFta3VVRPzVEWmJsazEJ46IQg')).toStrictEqual(seed31);
  });

  it('ignores whitespace around the seed', () => {
    expect(parseKeySeed(` ${seedBase64}\n`)).toStrictEqual(seed);
    expect(parseKeySeed(`\t${seedHex} `)).toStrictEqual(seed);
  });

  it('round-trips any seed of 30 bytes or more through hex, base64 and base64url', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 30, maxLength: 64 }), (bytes) => {
        const text = Buffer.from(bytes);
        expect(parseKeySeed(text.toString('hex'))).toStrictEqual(bytes);
        expect(parseKeySeed(text.toString('base64'))).toStrictEqual(bytes);
        expect(parseKeySeed(text.toString('base64url'))).toStrictEqual(bytes);
      }),
    );
  });

  it('refuses a seed that decodes to fewer than 30 bytes, saying how many it got', () => {
    expectKeySeedError(
      () => parseKeySeed(seedHex.slice(0, 58)),
      'ERR_KEY_SEED_TOO_SHORT',
      'at least 30 bytes, this one decodes to 29',
    );
    expectKeySeedError(() => parseKeySeed(seedBase64.slice(0, 36)), 'ERR_KEY_SEED_TOO_SHORT', 'decodes to 27');
  });

  it.each([
    ['no base64 or hex character at all', 'not a seed at all!!'],
    ['nothing', ''],
    ['hex with an odd number of digits', `${seedHex}8`],
    ['padding that does not fit the length', `${seedBase64}=`],
    ['the two base64 alphabets mixed', '-+++////XVBovsmzhP9gRIZxWfFta3VVRPzVEWmJ'],
    ['a base64 length no bytes can have (4n + 1 characters)', `${seedBase64}Q`],
    ['a last character whose spare bits are not zero', 'XVBovsmzhP9gRIZxWfFta3VVRPzVEWmJsazEJ46IQh'],
    ['text before the seed', `seed:${seedBase64}`],
    ['text after the seed', `${seedBase64};`],
    ['text after hex', `${seedHex}/x`],
  ])('refuses %s as ERR_KEY_SEED_INVALID_ENCODING, never repeating the text', (_, text) => {
    const error = expectKeySeedError(
      () => parseKeySeed(text),
      'ERR_KEY_SEED_INVALID_ENCODING',
      `a key seed must be hex or base64 (${text.length} characters given, not valid as either)`,
    );
    if (text !== '') expect(error.message).not.toContain(text);
  });

  it('refuses what is not a string with ERR_KEY_SEED_INVALID_ENCODING', () => {
    for (const value of [undefined, null, 42, seed]) {
      expectKeySeedError(
        () => parseKeySeed(value as unknown as string),
        'ERR_KEY_SEED_INVALID_ENCODING',
        'a key seed must be given as a hex or base64 string',
      );
    }
  });

  it('gives a seed of 30 bytes or more, or a documented KeySeedError, for any input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.anything()), (text) => {
        expectAnswerOrKeySeedError(
          () => parseKeySeed(text as string),
          (seed) => {
            expect(seed).toBeInstanceOf(Uint8Array);
            expect(seed.length).toBeGreaterThanOrEqual(30);
          },
        );
      }),
    );
  });
});
