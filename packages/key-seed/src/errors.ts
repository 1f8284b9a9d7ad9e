/** Stable machine-readable codes of {@link KeySeedError}. */
export type KeySeedErrorCode =
  /** The PlayReady key seed is shorter than 30 bytes. */
  | 'ERR_KEY_SEED_TOO_SHORT'
  /** The HMAC secret is shorter than 16 bytes. */
  | 'ERR_KEY_SEED_SECRET_TOO_SHORT'
  /** A key seed or secret given as text is neither hex nor base64. */
  | 'ERR_KEY_SEED_INVALID_ENCODING'
  /** The KID is not a UUID. */
  | 'ERR_KEY_SEED_INVALID_KID'
  /** Any other argument is of the wrong type or out of range (content id, track type, period index). */
  | 'ERR_KEY_SEED_INVALID_INPUT';

/**
 * The one error type thrown by `@cpixkit/key-seed`, with a stable machine-readable `code`.
 * Messages never contain a seed, a secret or a derived value.
 */
export class KeySeedError extends Error {
  override readonly name = 'KeySeedError';
  readonly code: KeySeedErrorCode;

  constructor(code: KeySeedErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
  }
}
