import { expect } from 'vitest';
import { thrownBy } from '../../../tooling/src/thrown.js';
import { PsshError, type PsshErrorCode } from '../src/errors.js';

/**
 * Asserts that `fn` throws a {@link PsshError} with `code`, at byte `offset` when given (`null`: with
 * no offset), and when given a `message`: exactly that text (followed by ` (at byte <offset>)` when there
 * is an offset), or text matching that pattern; returns the error.
 */
export function expectPsshError(
  fn: () => unknown,
  code: PsshErrorCode,
  offset?: number | null,
  message?: string | RegExp,
): PsshError {
  const error = thrownBy(fn, PsshError);
  expect(error.name).toBe('PsshError');
  expect(error.code).toBe(code);
  if (offset !== undefined) expect(error.offset).toBe(offset ?? undefined);
  const { message: actual, offset: at } = error;
  if (typeof message === 'string') expect(actual).toBe(at === undefined ? message : `${message} (at byte ${at})`);
  else if (message !== undefined) expect(actual).toMatch(message);
  return error;
}
