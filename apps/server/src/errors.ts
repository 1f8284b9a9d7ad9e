/** Stable machine-readable codes of {@link ServerError}. */
export type ServerErrorCode =
  /** No credentials were presented on a route that needs a tenant. */
  | 'ERR_SERVER_UNAUTHENTICATED'
  /** The presented token or Basic credentials match no tenant. */
  | 'ERR_SERVER_BAD_CREDENTIALS'
  /** The credentials belong to another tenant than the one the route is bound to. */
  | 'ERR_SERVER_FORBIDDEN'
  /** A path parameter or header has a value the route does not accept. */
  | 'ERR_SERVER_BAD_REQUEST'
  /** The `Host` header is missing or names no host the server answers for (no `CPIXKIT_PUBLIC_URL`). */
  | 'ERR_SERVER_BAD_HOST'
  /** The client address failed to authenticate too often; refused until `Retry-After` seconds pass. */
  | 'ERR_SERVER_TOO_MANY_FAILURES'
  /** The key store cannot be reached; the request may be retried. */
  | 'ERR_SERVER_STORE_UNAVAILABLE'
  /** A stored key cannot be decrypted: wrong master key or a damaged row. */
  | 'ERR_SERVER_STORE_CORRUPT'
  /** The configured key store's driver package (pg) is not installed or cannot be loaded. */
  | 'ERR_SERVER_STORE_DRIVER'
  /** The configuration (environment, config file, data directory) is invalid. */
  | 'ERR_SERVER_CONFIG'
  /** An unexpected failure inside the server (answered 500; details only in the log). */
  | 'ERR_SERVER_INTERNAL';

/**
 * The one error type of `@cpixkit/server`: a stable `code` and the HTTP `status` it is answered
 * with. Messages are one line and never contain keys, seeds or tokens.
 */
export class ServerError extends Error {
  override readonly name = 'ServerError';
  readonly code: ServerErrorCode;
  readonly status: number;
  /** For a 429: seconds the client is asked to wait (`Retry-After`). */
  readonly retryAfterSeconds: number | undefined;

  constructor(
    code: ServerErrorCode,
    status: number,
    message: string,
    options: { cause?: unknown; retryAfterSeconds?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.status = status;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}
