import { expect } from 'vitest';
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
