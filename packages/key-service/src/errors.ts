/** The HTTP statuses a refusal maps to. */
export type KeyServiceErrorStatus = 400 | 401 | 403 | 404 | 413 | 415 | 422 | 503;

/** Stable machine-readable codes of {@link KeyServiceError}. */
export type KeyServiceErrorCode =
  // --- the request body
  | 'ERR_KEY_SERVICE_EMPTY_BODY'
  | 'ERR_KEY_SERVICE_NOT_XML'
  | 'ERR_KEY_SERVICE_BAD_ENCODING'
  | 'ERR_KEY_SERVICE_DTD_FORBIDDEN'
  | 'ERR_KEY_SERVICE_NOT_CPIX'
  | 'ERR_KEY_SERVICE_TOO_LARGE'
  | 'ERR_KEY_SERVICE_INVALID_CPIX'
  | 'ERR_KEY_SERVICE_MISSING_ATTRIBUTE'
  | 'ERR_KEY_SERVICE_INVALID_UUID'
  | 'ERR_KEY_SERVICE_INVALID_BASE64'
  | 'ERR_KEY_SERVICE_INVALID_IV'
  // --- dialect rules
  | 'ERR_KEY_SERVICE_UNSUPPORTED_VERSION'
  | 'ERR_KEY_SERVICE_MISSING_CONTENT_ID'
  | 'ERR_KEY_SERVICE_CONTENT_ID_TOO_LONG'
  | 'ERR_KEY_SERVICE_UNKNOWN_ELEMENT'
  | 'ERR_KEY_SERVICE_MISSING_LIST'
  | 'ERR_KEY_SERVICE_EMPTY_LIST'
  | 'ERR_KEY_SERVICE_MISSING_SCHEME'
  | 'ERR_KEY_SERVICE_UNSUPPORTED_SCHEME'
  | 'ERR_KEY_SERVICE_MISSING_TRACK_TYPE'
  | 'ERR_KEY_SERVICE_RULE_WITHOUT_FILTER'
  | 'ERR_KEY_SERVICE_ALL_NOT_ALONE'
  | 'ERR_KEY_SERVICE_FAIRPLAY_NEEDS_CBCS'
  | 'ERR_KEY_SERVICE_UNSUPPORTED_SYSTEM'
  | 'ERR_KEY_SERVICE_UNSUPPORTED_SIGNALING'
  | 'ERR_KEY_SERVICE_UNKNOWN_KID'
  | 'ERR_KEY_SERVICE_DUPLICATE_KID'
  | 'ERR_KEY_SERVICE_DUPLICATE_DRM_SYSTEM'
  | 'ERR_KEY_SERVICE_UNKNOWN_PERIOD'
  | 'ERR_KEY_SERVICE_AMBIGUOUS_PERIOD'
  | 'ERR_KEY_SERVICE_KID_COLLISION'
  | 'ERR_KEY_SERVICE_KEY_PROVIDED'
  | 'ERR_KEY_SERVICE_TOO_MANY_KEYS'
  | 'ERR_KEY_SERVICE_AES128_DISABLED'
  | 'ERR_KEY_SERVICE_CLEARKEY_DISABLED'
  | 'ERR_KEY_SERVICE_CLEARKEY_KEY_SHARED'
  | 'ERR_KEY_SERVICE_AES128_DRM_KEY'
  | 'ERR_KEY_SERVICE_ANSWER_TOO_LARGE'
  | 'ERR_KEY_SERVICE_INVALID_RECIPIENT'
  | 'ERR_KEY_SERVICE_INVALID_PARAMS'
  | 'ERR_KEY_SERVICE_INVALID_REQUEST'
  // --- key delivery
  | 'ERR_KEY_SERVICE_UNSIGNED_KEY_URL'
  | 'ERR_KEY_SERVICE_BAD_KEY_URL_SIGNATURE'
  | 'ERR_KEY_SERVICE_KEY_URL_EXPIRED'
  | 'ERR_KEY_SERVICE_WRONG_TENANT'
  | 'ERR_KEY_SERVICE_KEY_NOT_FOUND'
  | 'ERR_KEY_SERVICE_BAD_LICENSE_REQUEST'
  | 'ERR_KEY_SERVICE_INVALID_KEY_URL'
  // --- keys and configuration
  | 'ERR_KEY_SERVICE_STORE_UNAVAILABLE'
  | 'ERR_KEY_SERVICE_NO_STORE'
  | 'ERR_KEY_SERVICE_CONFIG'
  // --- front ends (`http-answer.ts`, `speke-routes.ts`)
  | 'ERR_KEY_SERVICE_NOT_FOUND'
  | 'ERR_KEY_SERVICE_BODY_TOO_LARGE'
  | 'ERR_KEY_SERVICE_BAD_SPEKE_VERSION';

/**
 * The one error type thrown by `@cpixkit/key-service`: a stable machine-readable `code`, the HTTP
 * `status` the refusal maps to, and a one-line reason that never contains keys, seeds or tokens.
 */
export class KeyServiceError extends Error {
  override readonly name = 'KeyServiceError';
  readonly code: KeyServiceErrorCode;
  readonly status: KeyServiceErrorStatus;

  constructor(
    code: KeyServiceErrorCode,
    status: KeyServiceErrorStatus,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.status = status;
  }
}

/** Throws the {@link KeyServiceError} of a refused request. */
export function refuse(code: KeyServiceErrorCode, status: KeyServiceErrorStatus, message: string): never {
  throw new KeyServiceError(code, status, message);
}

/** Longest reason a refusal carries, in characters. */
const MAX_REASON_LENGTH = 300;

/** Text folded onto one line of at most 300 characters, for reasons built from other text (a parser's message, say). */
export function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_REASON_LENGTH ? `${line.slice(0, MAX_REASON_LENGTH - 3)}...` : line;
}
