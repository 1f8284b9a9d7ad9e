/** The one error type thrown by `@cpixkit/key-seed`, with a stable machine-readable `code`. */
export class KeySeedError extends Error {
  override readonly name = 'KeySeedError';
  readonly code: string;

  constructor(code: `ERR_KEY_SEED_${string}`, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
  }
}
