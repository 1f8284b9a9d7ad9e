import { readFileSync, statSync } from 'node:fs';
import { CliError, EXIT } from './errors.js';

/** Where an input came from. */
export type InputOrigin = 'argument' | 'file' | 'stdin';

/** The bytes of an input given on the command line, and where they came from. */
export interface Input {
  bytes: Buffer;
  origin: InputOrigin;
  /** The file path, when `origin` is `file`. */
  path?: string;
}

/** Reads all of standard input. */
async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Reads an input argument: `-` is standard input, `@path` a file, and any other text is taken as it is,
 * unless `paths` is set and a file of that name exists (so `cpixkit pssh decode init.mp4` works).
 */
export async function readInput(argument: string, options: { paths?: boolean } = {}): Promise<Input> {
  if (argument === '-') return { bytes: await readStdin(), origin: 'stdin' };
  if (argument.startsWith('@')) return readFile(argument.slice(1));
  if (options.paths && isFile(argument)) return readFile(argument);
  return { bytes: Buffer.from(argument, 'utf8'), origin: 'argument' };
}

/** Reads a file named on the command line; a missing or unreadable file is a {@link CliError}. */
export function readFile(path: string): Input {
  if (path === '') throw new CliError('ERR_CLI_USAGE', 'a file name must follow @');
  try {
    return { bytes: readFileSync(path), origin: 'file', path };
  } catch (cause) {
    const reason = (cause as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new CliError('ERR_CLI_READ_FAILED', `cannot read ${path} (${reason})`, {
      exitCode: EXIT.INVALID_INPUT,
      cause,
    });
  }
}

/**
 * A secret option value: the text itself, `@path` (first line of a file) or `env:NAME` (an environment
 * variable), so that seeds and tokens need not appear in the process list or shell history.
 */
export function readSecret(value: string, what: string): string {
  if (value.startsWith('@')) return readFile(value.slice(1)).bytes.toString('utf8').trim();
  if (value.startsWith('env:')) {
    const name = value.slice(4);
    const text = process.env[name];
    if (text === undefined || text.trim() === '') {
      throw new CliError('ERR_CLI_USAGE', `${what}: environment variable ${name} is not set`);
    }
    return text.trim();
  }
  return value;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** True when the bytes are plain text: printable ASCII and whitespace only (base64, hex, XML, URLs). */
export function isPlainText(bytes: Uint8Array): boolean {
  for (const byte of bytes) {
    if (byte > 0x7e || (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d)) return false;
  }
  return true;
}

/** Writes the result to stdout, ending it with one newline. */
export function writeResult(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Writes a JSON result to stdout: two-space indent, one trailing newline. */
export function writeJson(value: unknown): void {
  writeResult(JSON.stringify(value, null, 2));
}

/** Shown in place of a key, key seed or token unless `--show-keys` is given. */
export const HIDDEN = '****';

/** The secret, or {@link HIDDEN}. */
export function secret(value: string, show: boolean): string {
  return show ? value : HIDDEN;
}
