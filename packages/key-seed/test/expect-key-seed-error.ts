import { expect } from 'vitest';
import { KeySeedError, type KeySeedErrorCode } from '../src/errors.js';

/**
 * Asserts that `fn` throws a {@link KeySeedError} with `code` and, when given, a message that matches
 * `message`; returns the error for further checks.
 */
export function expectKeySeedError(fn: () => unknown, code: KeySeedErrorCode, message?: string | RegExp): KeySeedError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(KeySeedError);
    expect((error as KeySeedError).code).toBe(code);
    if (message !== undefined) expect((error as KeySeedError).message).toMatch(message);
    return error as KeySeedError;
  }
  return expect.unreachable('no error thrown');
}
