import { expect } from 'vitest';
import { HlsSignalingError, type HlsSignalingErrorCode } from '../src/errors.js';

/**
 * Asserts that `fn` throws an {@link HlsSignalingError} with `code`, naming `attribute` (`undefined`: none),
 * with exactly `message` when given; returns the error.
 */
export function expectHlsError(fn: () => unknown, code: HlsSignalingErrorCode, attribute: string | undefined, message?: string): HlsSignalingError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(HlsSignalingError);
    expect((error as HlsSignalingError).code).toBe(code);
    expect((error as HlsSignalingError).attribute).toBe(attribute);
    if (message !== undefined) expect((error as HlsSignalingError).message).toBe(message);
    return error as HlsSignalingError;
  }
  return expect.unreachable('no error thrown');
}
