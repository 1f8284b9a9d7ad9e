/** The one error type thrown by `@cpixkit/cpix-model`, with a stable machine-readable `code`. */
export class CpixError extends Error {
  override readonly name = 'CpixError';
  readonly code: string;

  constructor(code: `ERR_CPIX_${string}`, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
  }
}
