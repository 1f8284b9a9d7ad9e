/** The one error type thrown by `@cpixkit/key-service`, with a stable machine-readable `code`. */
export class KeyServiceError extends Error {
  override readonly name = 'KeyServiceError';
  readonly code: string;

  constructor(code: `ERR_KEY_SERVICE_${string}`, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
  }
}
