/** Stable machine-readable codes of {@link SpekeLambdaError}. */
export type SpekeLambdaErrorCode =
  /** The invocation is not an API Gateway (REST or HTTP API) or function URL event. */
  | 'ERR_SPEKE_LAMBDA_UNKNOWN_EVENT'
  /** The environment does not describe a usable tenant (missing or invalid variable). */
  | 'ERR_SPEKE_LAMBDA_CONFIG'
  /** The Secrets Manager secret cannot be read or does not hold the expected JSON. */
  | 'ERR_SPEKE_LAMBDA_SECRET';

/**
 * The one error type of `@cpixkit/speke-lambda`: a stable `code` and the HTTP `status` it is
 * answered with. Messages are one line and never contain key seeds, secrets or keys.
 */
export class SpekeLambdaError extends Error {
  override readonly name = 'SpekeLambdaError';
  readonly code: SpekeLambdaErrorCode;
  readonly status: number;

  constructor(code: SpekeLambdaErrorCode, status: number, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.status = status;
  }
}
