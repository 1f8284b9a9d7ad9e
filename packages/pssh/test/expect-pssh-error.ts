import { expect } from 'vitest';
import { PsshError, type PsshErrorCode } from '../src/errors.js';

/**
 * Asserts that `fn` throws a {@link PsshError} with `code`, at byte `offset` when given (`null`: with
 * no offset), and with a message matching `message` when given; returns the error.
 */
export function expectPsshError(fn: () => unknown, code: PsshErrorCode, offset?: number | null, message?: string | RegExp): PsshError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PsshError);
    expect((error as PsshError).name).toBe('PsshError');
    expect((error as PsshError).code).toBe(code);
    if (offset !== undefined) expect((error as PsshError).offset).toBe(offset ?? undefined);
    if (message !== undefined) expect((error as PsshError).message).toMatch(message);
    return error as PsshError;
  }
  return expect.unreachable('no error thrown');
}
