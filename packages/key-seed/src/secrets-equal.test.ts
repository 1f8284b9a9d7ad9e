import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectKeySeedError } from '../test/expect-key-seed-error.js';
import { secretsEqual } from './index.js';

describe('secretsEqual', () => {
  it('is true for equal strings and equal bytes', () => {
    expect(secretsEqual('token-abc', 'token-abc')).toBe(true);
    expect(secretsEqual(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 3))).toBe(true);
    expect(secretsEqual('é', Buffer.from('é', 'utf8'))).toBe(true);
  });

  it('is false for different values, including different lengths, without throwing', () => {
    expect(secretsEqual('token-abc', 'token-abd')).toBe(false);
    expect(secretsEqual('token', 'token-abc')).toBe(false);
    expect(secretsEqual('', 'x')).toBe(false);
    expect(secretsEqual(Uint8Array.of(1, 2), Uint8Array.of(1, 2, 0))).toBe(false);
  });

  it('agrees with plain equality for any pair of strings', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(secretsEqual(a, b)).toBe(a === b);
        expect(secretsEqual(a, a)).toBe(true);
      }),
    );
  });

  it('refuses what is neither a string nor bytes with its own error', () => {
    for (const [a, b] of [
      [42, 'x'],
      ['x', null],
    ]) {
      expectKeySeedError(
        () => secretsEqual(a as string, b as string),
        'ERR_KEY_SEED_INVALID_INPUT',
        'secretsEqual compares strings or Uint8Arrays',
      );
    }
  });
});
