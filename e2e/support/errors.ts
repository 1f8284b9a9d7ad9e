import { HarnessError } from '../../tooling/src/harness-error.js';

/** Stable codes of {@link E2eError}. */
export type E2eErrorCode =
  /** A system tool (ffmpeg) is not installed. */
  | 'ERR_E2E_TOOL_MISSING'
  /** A tool, the key server or the CLI exited with an error or did not start. */
  | 'ERR_E2E_PROCESS_FAILED'
  /** A built artefact (`dist/…`) the tests run is missing. */
  | 'ERR_E2E_NOT_BUILT'
  /** An MP4 file does not have the structure the box writer needs. */
  | 'ERR_E2E_BAD_MP4';

/** The one error type of the end-to-end harness. Messages never carry keys or tokens. */
export class E2eError extends HarnessError<E2eErrorCode> {
  override readonly name = 'E2eError';
}
