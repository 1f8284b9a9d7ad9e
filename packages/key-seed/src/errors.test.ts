import { describe, expect, it } from 'vitest';
import { KeySeedError } from './index.js';

describe('KeySeedError', () => {
  it('carries a stable code and its own name', () => {
    const error = new KeySeedError('ERR_KEY_SEED_TOO_SHORT', 'example');
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('KeySeedError');
    expect(error.code).toBe('ERR_KEY_SEED_TOO_SHORT');
  });

  it('keeps the error it wraps as its cause', () => {
    const cause = new RangeError('inner');
    expect(new KeySeedError('ERR_KEY_SEED_INVALID_KID', 'outer', { cause }).cause).toBe(cause);
  });
});
