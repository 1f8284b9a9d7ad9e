/** Stable machine-readable codes of {@link PsshError}. */
export type PsshErrorCode =
  | 'ERR_PSSH_INVALID_UUID'
  | 'ERR_PSSH_INVALID_ENCODING'
  | 'ERR_PSSH_TRUNCATED'
  | 'ERR_PSSH_BAD_BOX'
  | 'ERR_PSSH_UNSUPPORTED_VERSION'
  | 'ERR_PSSH_BAD_WIDEVINE_DATA'
  | 'ERR_PSSH_INVALID_INPUT';

/** The one error type thrown by `@cpixkit/pssh`. `offset` is the byte offset of the fault, when it has one. */
export class PsshError extends Error {
  override readonly name = 'PsshError';
  readonly code: PsshErrorCode;
  readonly offset: number | undefined;

  constructor(code: PsshErrorCode, message: string, options: { offset?: number; cause?: unknown } = {}) {
    super(options.offset === undefined ? message : `${message} (at byte ${options.offset})`, { cause: options.cause });
    this.code = code;
    this.offset = options.offset;
  }
}
