/** Stable machine-readable codes of {@link HlsSignalingError}. */
export type HlsSignalingErrorCode =
  /** The text is not an `#EXT-X-KEY` / `#EXT-X-SESSION-KEY` line, or its attribute list does not scan. */
  | 'ERR_HLS_INVALID_LINE'
  /** An attribute has a value its type does not allow (`attribute` names it). */
  | 'ERR_HLS_INVALID_ATTRIBUTE'
  /** A required attribute is missing (`attribute` names it). */
  | 'ERR_HLS_MISSING_ATTRIBUTE'
  /** An attribute occurs twice (`attribute` names it). */
  | 'ERR_HLS_DUPLICATE_ATTRIBUTE'
  /** An attribute is not allowed with this METHOD or tag (`attribute` names it). */
  | 'ERR_HLS_FORBIDDEN_ATTRIBUTE'
  /** A FairPlay `skd://` URI, or its parts, is malformed. */
  | 'ERR_HLS_INVALID_FAIRPLAY_URI'
  /** A `data:` URI is malformed. */
  | 'ERR_HLS_INVALID_DATA_URI'
  /** Any other argument is of the wrong type or out of range. */
  | 'ERR_HLS_INVALID_INPUT';

/**
 * The one error type thrown by `@cpixkit/hls-signaling`, with a stable machine-readable `code` and,
 * for attribute faults, the offending attribute name in `attribute`.
 */
export class HlsSignalingError extends Error {
  override readonly name = 'HlsSignalingError';
  readonly code: HlsSignalingErrorCode;
  readonly attribute: string | undefined;

  constructor(code: HlsSignalingErrorCode, message: string, options: { attribute?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.attribute = options.attribute;
  }
}
