/** Stable machine-readable codes of {@link CpixClientError}. */
export type CpixClientErrorCode =
  /** An option or request field is missing or invalid; nothing was sent. */
  | 'ERR_CLIENT_INVALID_OPTION'
  /** AWS SigV4 signing was asked for but credentials or the region are missing. */
  | 'ERR_CLIENT_SIGV4_CONFIG'
  /** The key server answered with an HTTP error status (4xx at once, 5xx after the last retry). */
  | 'ERR_CLIENT_HTTP_STATUS'
  /** The connection failed (refused, reset, DNS) on every attempt. */
  | 'ERR_CLIENT_NETWORK'
  /** The TLS handshake failed: untrusted or invalid server certificate, or a client certificate was refused. */
  | 'ERR_CLIENT_TLS'
  /** No complete answer arrived within the timeout, on every attempt. */
  | 'ERR_CLIENT_TIMEOUT'
  /** The caller's `AbortSignal` fired. */
  | 'ERR_CLIENT_ABORTED'
  /** The answer is larger than `maxResponseBytes`. */
  | 'ERR_CLIENT_RESPONSE_TOO_LARGE'
  /** The key server answered HTTP 200 with a vendor error document (PallyCon's JSON errors) instead of CPIX. */
  | 'ERR_CLIENT_VENDOR_ERROR'
  /** The answer is not a readable CPIX document, or a value in it is unusable (no key, a damaged PSSH box). */
  | 'ERR_CLIENT_MALFORMED_RESPONSE'
  /** The answer is CPIX but does not answer the request: a key, DRM system, scheme or content id is missing or different. */
  | 'ERR_CLIENT_RESPONSE_MISMATCH'
  /**
   * A signalling value of a `DRMSystem` belongs to another key than the DRMSystem's: a PSSH box,
   * Widevine data, PlayReady header, HLS `KEYID` or FairPlay `skd://` URI naming another KID, or a
   * PlayReady `CHECKSUM` of another key.
   */
  | 'ERR_CLIENT_SIGNALING_MISMATCH'
  /** The content keys came encrypted and could not be decrypted (no private key given, or decryption failed). */
  | 'ERR_CLIENT_ENCRYPTED_RESPONSE';

/** What a {@link CpixClientError} may carry besides its code and message. */
export interface CpixClientErrorDetails {
  cause?: unknown;
  /** The HTTP status of the answer, for `ERR_CLIENT_HTTP_STATUS`. */
  status?: number;
  /** The key server's own one-line reason (secrets the client knows are redacted). */
  serverMessage?: string;
  /** The key server's own error code, when it sent one (`x-cpixkit-error` header, PallyCon `error_code`...). */
  serverCode?: string;
  /** How many HTTP attempts were made before giving up. */
  attempts?: number;
}

/**
 * The one error type thrown by `@cpixkit/client`, with a stable machine-readable `code`. Messages
 * never contain content keys, tokens, passwords or AWS secrets.
 */
export class CpixClientError extends Error {
  override readonly name = 'CpixClientError';
  readonly code: CpixClientErrorCode;
  readonly status: number | undefined;
  readonly serverMessage: string | undefined;
  readonly serverCode: string | undefined;
  readonly attempts: number | undefined;

  constructor(code: CpixClientErrorCode, message: string, details: CpixClientErrorDetails = {}) {
    super(message, { cause: details.cause });
    this.code = code;
    this.status = details.status;
    this.serverMessage = details.serverMessage;
    this.serverCode = details.serverCode;
    this.attempts = details.attempts;
  }
}
