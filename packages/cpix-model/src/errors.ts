/** The one error type thrown by `@cpixkit/cpix-model`, with a stable machine-readable `code`. */
export class CpixError extends Error {
  override readonly name = 'CpixError';
  readonly code: string;
  /** Where in the document the fault is, e.g. `/CPIX/ContentKeyList/ContentKey[2]/@kid`, when it has a place. */
  readonly path: string | undefined;

  constructor(code: `ERR_CPIX_${string}`, message: string, options: { path?: string; cause?: unknown } = {}) {
    super(options.path === undefined ? message : `${message} (at ${options.path})`, { cause: options.cause });
    this.code = code;
    this.path = options.path;
  }
}

/**
 * Runs `work`, turning anything but a CpixError it throws (a TypeError from an object that is not
 * a CPIX model, say) into `ERR_CPIX_INVALID_DOCUMENT`, so callers only ever see CpixError.
 */
export function withCpixErrors<T>(what: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof CpixError) throw error;
    throw new CpixError('ERR_CPIX_INVALID_DOCUMENT', `${what}: the document is not a well-formed CPIX model object`, { cause: error });
  }
}
