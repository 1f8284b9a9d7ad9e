import { HarnessError } from '../../tooling/src/harness-error.js';

/** Stable codes of {@link ReliabilityError}. */
export type ReliabilityErrorCode =
  /** `apps/server/dist/main.js` is missing: the suite runs the built server. */
  | 'ERR_RELIABILITY_NOT_BUILT'
  /** The key server process did not start, or exited when it should not have. */
  | 'ERR_RELIABILITY_SERVER_FAILED'
  /** The key server process did not exit in time after a signal. */
  | 'ERR_RELIABILITY_SERVER_HUNG'
  /** The vitest project was run without its global setup (no run directory). */
  | 'ERR_RELIABILITY_NO_RUN_DIR'
  /** A log line of a key server holds a key, seed or token. */
  | 'ERR_RELIABILITY_SECRET_IN_LOG';

/** The one error type of the reliability harness. Messages never carry keys, seeds or tokens. */
export class ReliabilityError extends HarnessError<ReliabilityErrorCode> {
  override readonly name = 'ReliabilityError';
}
