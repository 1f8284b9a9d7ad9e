import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { vectorCase } from '../../../tooling/src/fixtures.js';
import { PlayReadyError } from '@cpixkit/playready-header';
import { expectAnswerOrKeySeedError, expectKeySeedError } from '../test/expect-key-seed-error.js';
import { deriveContentKey, parseKeySeed, PLAYREADY_KEY_SEED_LENGTH } from './index.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const testSeed = parseKeySeed(vectorCase<string>('ms_test_key_seed_bytes').inputs.key_seed_b64!);

describe('deriveContentKey (PlayReady key seed)', () => {
  it('reads Microsoft’s public test key seed as the 30 published bytes', () => {
    expect(hex(testSeed)).toBe(vectorCase<string>('ms_test_key_seed_bytes').expected.key_seed_hex);
  });

  it('reproduces Microsoft’s known-good key (Azure Media Services SDK)', () => {
    const { inputs, expected } = vectorCase<string>('keyseed_azure_ams_sdk_known_good');
    expect(base64(deriveContentKey(testSeed, inputs.kid!))).toBe(expected.key_b64);
  });

  it('reproduces the key behind the PlayReady header spec’s 4.0 example checksum', () => {
    const { inputs, expected } = vectorCase<string>('ms_header_spec_4_0_example_checksum_via_test_key_seed');
    expect(hex(deriveContentKey(parseKeySeed(inputs.key_seed_b64!), inputs.kid!))).toBe(expected.derived_key_hex);
  });

  it.each([
    ['10000000-1000-1000-1000-100000000001', '3A2A1B68DD2BD9B2EEB25E84C4776668'],
    ['10000000-1000-1000-1000-100000000002', '07E4D653CFB45C66158D93FFCE422907'],
    ['A1B1C1D1-A2B2-A3B3-A4B4-A5B5C5D5E5F5', '2539FA84B987416009A7FBBA11B239AB'],
  ])('reproduces the dash.js ClearKey table entry for %s', (kid, key) => {
    expect(hex(deriveContentKey(testSeed, kid))).toBe(key.toLowerCase());
  });

  it('hashes the KID in GUID byte order, not RFC 4122 order', () => {
    const { inputs, decoded } = vectorCase<string>('keyseed_azure_ams_sdk_known_good') as unknown as {
      inputs: { kid: string };
      decoded: Record<string, string>;
    };
    expect(base64(deriveContentKey(testSeed, inputs.kid))).not.toBe(
      decoded['key_if_kid_hashed_big_endian_b64 (wrong)'],
    );
  });

  it('uses only the first 30 bytes of a longer seed', () => {
    const longer = Uint8Array.from([...testSeed, 1, 2, 3, 4]);
    const kid = '339c45b5-fb6d-4bd9-994c-eabd9d41c95b';
    expect(deriveContentKey(longer, kid)).toEqual(deriveContentKey(testSeed, kid));
  });

  it('matches the algorithm written out with node:crypto, for any seed and KID', () => {
    const sha = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 30, maxLength: 64 }), fc.uuid(), (seed, kid) => {
        const s = Buffer.from(seed.subarray(0, 30));
        const be = Buffer.from(kid.replace(/-/g, ''), 'hex');
        // GUID order: first three fields byte-reversed, last eight bytes unchanged.
        const k = Buffer.concat([
          be.subarray(0, 4).reverse(),
          be.subarray(4, 6).reverse(),
          be.subarray(6, 8).reverse(),
          be.subarray(8),
        ]);
        const [a, b, c] = [sha(s, k), sha(s, k, s), sha(s, k, s, k)];
        const key = Buffer.alloc(16);
        for (let i = 0; i < 16; i++) key[i] = a[i]! ^ a[i + 16]! ^ b[i]! ^ b[i + 16]! ^ c[i]! ^ c[i + 16]!;
        expect(hex(deriveContentKey(seed, kid))).toBe(key.toString('hex'));
      }),
    );
  });

  it('refuses a seed of 29 bytes without showing it', () => {
    const short = testSeed.subarray(0, 29);
    const error = expectKeySeedError(
      () => deriveContentKey(short, '339c45b5-fb6d-4bd9-994c-eabd9d41c95b'),
      'ERR_KEY_SEED_TOO_SHORT',
      'a PlayReady key seed is at least 30 bytes, got 29',
    );
    expect(error.message).not.toContain(hex(short).slice(0, 8));
    expect(error.message).not.toContain(base64(short).slice(0, 8));
    expect(PLAYREADY_KEY_SEED_LENGTH).toBe(30);
  });

  it('refuses a seed that is not bytes', () => {
    expectKeySeedError(
      () => deriveContentKey(base64(testSeed) as unknown as Uint8Array, '339c45b5-fb6d-4bd9-994c-eabd9d41c95b'),
      'ERR_KEY_SEED_INVALID_INPUT',
      'the key seed must be a Uint8Array',
    );
  });

  it('refuses a KID that is not a UUID, with the KID parser’s error as its cause', () => {
    const error = expectKeySeedError(() => deriveContentKey(testSeed, 'not-a-kid'), 'ERR_KEY_SEED_INVALID_KID');
    expect(error.cause).toBeInstanceOf(PlayReadyError);
    expect(error.message).toBe((error.cause as PlayReadyError).message);
  });

  it('refuses a KID that is not a string', () => {
    expectKeySeedError(
      () => deriveContentKey(testSeed, 42 as unknown as string),
      'ERR_KEY_SEED_INVALID_KID',
      'the KID must be a UUID string',
    );
  });

  it('gives a 16-byte key, the same each time, or a documented KeySeedError for arbitrary input', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (seed, kid) => {
        expectAnswerOrKeySeedError(
          () => deriveContentKey(seed as Uint8Array, kid as string),
          (key) => {
            expect(key).toBeInstanceOf(Uint8Array);
            expect(key).toHaveLength(16);
            expect(deriveContentKey(seed as Uint8Array, kid as string)).toEqual(key);
          },
        );
      }),
    );
  });
});
