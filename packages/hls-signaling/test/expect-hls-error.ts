import { join } from 'node:path';
import { expect } from 'vitest';
import { documentedErrorCodes } from '../../../tooling/src/error-codes.js';
import { expectAnswerOrDocumentedError } from '../../../tooling/src/fuzz-outcome.js';
import { thrownBy } from '../../../tooling/src/thrown.js';
import { HlsSignalingError, type HlsSignalingErrorCode } from '../src/errors.js';

/**
 * Asserts that `fn` throws an {@link HlsSignalingError} with `code`, naming `attribute` (`undefined`: none),
 * with exactly `message` when given; returns the error.
 */
export function expectHlsError(
  fn: () => unknown,
  code: HlsSignalingErrorCode,
  attribute: string | undefined,
  message?: string,
): HlsSignalingError {
  const error = thrownBy(fn, HlsSignalingError);
  expect(error.code).toBe(code);
  expect(error.attribute).toBe(attribute);
  if (message !== undefined) expect(error.message).toBe(message);
  return error;
}

const DOCUMENTED_CODES = documentedErrorCodes(join(import.meta.dirname, '..'));

/** For fuzzed input: `run` returns an answer that `checkAnswer` accepts, or throws an HlsSignalingError with a code the README lists. */
export function expectAnswerOrHlsError<T>(run: () => T, checkAnswer: (answer: T) => void): void {
  expectAnswerOrDocumentedError(run, HlsSignalingError, DOCUMENTED_CODES, checkAnswer);
}
