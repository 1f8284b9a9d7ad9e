/** Stable machine-readable codes of {@link PlayReadyError}. */
export type PlayReadyErrorCode =
  | 'ERR_PLAYREADY_INVALID_KID'
  | 'ERR_PLAYREADY_INVALID_KEY'
  | 'ERR_PLAYREADY_INVALID_HEADER'
  | 'ERR_PLAYREADY_INVALID_OBJECT'
  | 'ERR_PLAYREADY_UNSUPPORTED';

/** The one error type thrown by `@cpixkit/playready-header`. */
export class PlayReadyError extends Error {
  override readonly name = 'PlayReadyError';
  readonly code: PlayReadyErrorCode;
  readonly offset: number | undefined;

  constructor(code: PlayReadyErrorCode, message: string, options: { offset?: number; cause?: unknown } = {}) {
    super(options.offset === undefined ? message : `${message} (at byte ${options.offset})`, { cause: options.cause });
    this.code = code;
    this.offset = options.offset;
  }
}
