/** The one error type thrown by `@cpixkit/hls-signaling`, with a stable machine-readable `code`. */
export class HlsSignalingError extends Error {
  override readonly name = 'HlsSignalingError';
  readonly code: string;

  constructor(code: `ERR_HLS_${string}`, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
  }
}
