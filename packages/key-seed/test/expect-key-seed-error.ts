import { join } from 'node:path';
import { expect } from 'vitest';
import { documentedErrorCodes } from '../../../tooling/src/error-codes.js';
import { expectAnswerOrDocumentedError } from '../../../tooling/src/fuzz-outcome.js';
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

const DOCUMENTED_CODES = documentedErrorCodes(join(import.meta.dirname, '..'));

/** For fuzzed input: `run` returns an answer that `checkAnswer` accepts, or throws a KeySeedError with a code the README lists. */
export function expectAnswerOrKeySeedError<T>(run: () => T, checkAnswer: (answer: T) => void): void {
  expectAnswerOrDocumentedError(run, KeySeedError, DOCUMENTED_CODES, checkAnswer);
}
