import { expect } from 'vitest';

/** The error `fn` throws, asserted to be an instance of `type`; fails the test when nothing is thrown. */
export function thrownBy<E extends Error>(fn: () => unknown, type: abstract new (...args: never[]) => E): E {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(type);
    return error as E;
  }
  return expect.unreachable('no error thrown');
}
