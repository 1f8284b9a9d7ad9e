import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ServerError } from './errors.js';

/**
 * The server's local data directory (development tenant, generated master key, SQLite store).
 * Created with mode 0700; its secret files are written once with mode 0600 and never rewritten.
 * Looser modes found on an existing directory or secret file (another umask, a copy) are
 * tightened to 0700/0600 whenever they are used.
 */
export class DataDir {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  /** Creates the directory (0700) when it does not exist yet. */
  ensure(): void {
    try {
      mkdirSync(this.path, { recursive: true, mode: 0o700 });
      if (!statSync(this.path).isDirectory()) throw new Error('not a directory');
      chmodSync(this.path, 0o700);
    } catch (cause) {
      throw new ServerError('ERR_SERVER_CONFIG', 500, `cannot use data directory ${this.path}`, { cause });
    }
  }

  /** Absolute path of a file in the directory. */
  file(name: string): string {
    return join(this.path, name);
  }

  /** Contents of a secret file in the directory (its mode tightened to 0600), or `undefined` when it does not exist. */
  read(name: string): string | undefined {
    const path = this.file(name);
    try {
      if ((statSync(path).mode & 0o077) !== 0) chmodSync(path, 0o600);
      return readFileSync(path, 'utf8');
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw new ServerError('ERR_SERVER_CONFIG', 500, `cannot read ${path}`, { cause });
    }
  }

  /**
   * Writes a new secret file (mode 0600). Returns `false` without touching it when the file exists
   * already, so two processes starting at once keep whichever was written first.
   */
  createSecretFile(name: string, contents: string): boolean {
    this.ensure();
    try {
      writeFileSync(this.file(name), contents, { mode: 0o600, flag: 'wx' });
      return true;
    } catch (cause) {
      if ((cause as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw new ServerError('ERR_SERVER_CONFIG', 500, `cannot write ${this.file(name)}`, { cause });
    }
  }
}
