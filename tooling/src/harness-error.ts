/**
 * The error of a test harness (e2e, reliability): a stable `code` of the harness's own union. Its
 * messages never carry keys, seeds or tokens.
 */
export class HarnessError<Code extends string> extends Error {
  readonly code: Code;

  constructor(code: Code, message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.code = code;
  }
}
