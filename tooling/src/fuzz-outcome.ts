import { expect } from 'vitest';

type TypedError = abstract new (...args: never[]) => Error & { code: string };

/** Checks an error thrown for fuzzed input: an instance of `type` whose `code` is one of `codes`. */
export function expectDocumentedError(error: unknown, type: TypedError, codes: ReadonlySet<string>): void {
  expect(error).toBeInstanceOf(type);
  expect(codes, (error as Error).message).toContain((error as { code: unknown }).code);
}

/**
 * What a property over fuzzed input checks: `run` either returns an answer, which `checkAnswer`
 * checks, or throws a `type` error with a documented code. Neither "no throw" nor "throws something"
 * alone passes.
 */
export function expectAnswerOrDocumentedError<T>(
  run: () => T,
  type: TypedError,
  codes: ReadonlySet<string>,
  checkAnswer: (answer: T) => void,
): void {
  let answer: T;
  try {
    answer = run();
  } catch (error) {
    expectDocumentedError(error, type, codes);
    return;
  }
  checkAnswer(answer);
}
