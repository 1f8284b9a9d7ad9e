import { expect } from 'vitest';
import { PsshError } from '../src/errors.js';

/** Asserts that `fn` throws a {@link PsshError} with `code` (and, when given, at byte `offset`). */
export function expectPsshError(fn: () => unknown, code: string, offset?: number): void {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(PsshError);
    expect((error as PsshError).code).toBe(code);
    if (offset !== undefined) expect((error as PsshError).offset).toBe(offset);
    return;
  }
  expect.unreachable('no error thrown');
}
