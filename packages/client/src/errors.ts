/** The one error type thrown by `@cpixkit/client`, with a stable machine-readable `code`. */
export class CpixClientError extends Error {
  override readonly name = 'CpixClientError';
  readonly code: string;

  constructor(code: `ERR_CLIENT_${string}`, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
  }
}
