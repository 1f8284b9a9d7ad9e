import { expect } from 'vitest';
import { thrownBy } from '../../../tooling/src/thrown.js';
import { KeySeedError, type KeySeedErrorCode } from '../src/errors.js';

/**
 * Asserts that `fn` throws a {@link KeySeedError} with `code` and, when given, a message that matches
 * `message`; returns the error for further checks.
 */
export function expectKeySeedError(fn: () => unknown, code: KeySeedErrorCode, message?: string | RegExp): KeySeedError {
  const error = thrownBy(fn, KeySeedError);
  expect(error.code).toBe(code);
  if (message !== undefined) expect(error.message).toMatch(message);
  return error;
}
