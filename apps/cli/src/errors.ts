import type { CpixClientErrorCode } from '@cpixkit/client';
import type { PlayReadyErrorCode } from '@cpixkit/playready-header';
import type { PsshErrorCode } from '@cpixkit/pssh';

/** Process exit codes of `cpixkit`. */
export const EXIT = Object.freeze({
  /** The command did what was asked. */
  OK: 0,
  /** The command line is wrong: unknown command or option, a missing or conflicting option. */
  USAGE: 1,
  /** The input is invalid or unreadable: a missing file, undecodable text, a malformed box or document, a failed signature check. */
  INVALID_INPUT: 2,
  /** The command could not finish for another reason: a file cannot be written, the network failed, the server refused. */
  FAILED: 3,
} as const);

/** One of the {@link EXIT} codes. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Stable machine-readable codes of {@link CliError}. */
export type CliErrorCode =
  /** Options that do not go together, or a value out of the allowed set. */
  | 'ERR_CLI_USAGE'
  /** An input that does not decode (bad hex/base64, a value of the wrong length). */
  | 'ERR_CLI_INVALID_INPUT'
  /** A file given with `@file` (or as a path) cannot be read. */
  | 'ERR_CLI_READ_FAILED'
  /** A binary input holds no `pssh` box. */
  | 'ERR_CLI_NO_PSSH'
  /** A CPIX document has problems (`cpix validate`, or a document other commands cannot use). */
  | 'ERR_CLI_INVALID_DOCUMENT'
  /**
   * `packager-args`: the keys cannot be given to the packager as they are (several keys where it takes
   * one, or per-key signalling it takes once for all tracks); select keys with `--kid`.
   */
  | 'ERR_CLI_PACKAGER_UNSUPPORTED'
  /** A signature does not verify. */
  | 'ERR_CLI_SIGNATURE_INVALID'
  /** The key server could not be reached or answered with an error. */
  | 'ERR_CLI_REQUEST_FAILED'
  /** `cpixkit serve` needs `@cpixkit/server`, which is not installed. */
  | 'ERR_CLI_SERVER_NOT_INSTALLED';

/**
 * Codes of library errors the CLI reports as its own, with its exit code and the offset in the whole input:
 * faults `pssh decode` finds inside a box, and the client's refusals in `request`.
 */
export type LibraryErrorCode = PsshErrorCode | PlayReadyErrorCode | CpixClientErrorCode;

/**
 * The one error type of the CLI itself. `exitCode` says how the process ends; `offset` is the byte offset
 * of the fault in the input, when it has one. Messages never contain keys, key seeds or tokens.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  /** A {@link CliErrorCode}, or the {@link LibraryErrorCode} of the library that found the fault. */
  readonly code: CliErrorCode | LibraryErrorCode;
  readonly exitCode: ExitCode;
  readonly offset: number | undefined;

  constructor(
    code: CliErrorCode | LibraryErrorCode,
    message: string,
    options: { exitCode?: ExitCode; offset?: number; cause?: unknown } = {},
  ) {
    super(message, { cause: options.cause });
    this.code = code;
    this.exitCode = options.exitCode ?? (code === 'ERR_CLI_USAGE' ? EXIT.USAGE : EXIT.INVALID_INPUT);
    this.offset = options.offset;
  }
}

/** Errors of the cpixkit libraries: an `Error` whose `code` starts with `ERR_`. */
interface LibraryError extends Error {
  code: string;
  offset?: number;
}

function isLibraryError(error: unknown): error is LibraryError {
  return (
    error instanceof Error &&
    typeof (error as { code?: unknown }).code === 'string' &&
    /^ERR_[A-Z0-9_]+$/.test((error as LibraryError).code)
  );
}

/** How an error is reported: one stderr line and the exit code. */
export interface ErrorReport {
  line: string;
  exitCode: ExitCode;
}

/**
 * Turns any error thrown by a command into its stderr line (`<code>: <message>`, the byte offset included by
 * the message when the fault has one) and exit code: {@link CliError} carries its own; errors of the cpixkit
 * libraries mean invalid input (2); system errors (ENOENT, ECONNREFUSED…) and anything else mean failure (3).
 */
export function reportError(error: unknown): ErrorReport {
  if (error instanceof CliError) {
    const at = error.offset === undefined ? '' : ` (at byte ${error.offset})`;
    return { line: `${error.code}: ${error.message}${at}`, exitCode: error.exitCode };
  }
  if (isLibraryError(error)) {
    return { line: `${error.code}: ${error.message}`, exitCode: EXIT.INVALID_INPUT };
  }
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { line: `${typeof code === 'string' ? `${code}: ` : ''}${error.message}`, exitCode: EXIT.FAILED };
  }
  return { line: String(error), exitCode: EXIT.FAILED };
}
