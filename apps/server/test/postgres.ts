import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../tooling/src/free-port.js';

/** A throwaway PostgreSQL server on loopback, for the store tests. */
export interface LocalPostgres {
  url: string;
  stop(): Promise<void>;
}

const INSTALL_HINT =
  'PostgreSQL server binaries (initdb, pg_ctl) are needed for the PostgreSQL key store tests: ' +
  'run `bash tooling/scripts/install-system-deps.sh pg_ctlcluster:postgresql` (Debian package postgresql)';

/** Finds `name` on PATH or in Debian's versioned /usr/lib/postgresql/<n>/bin. */
function findBinary(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian).sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const candidate = join(debian, version, 'bin', name);
      if (existsSync(candidate)) return candidate;
    }
  }
  return undefined;
}

/** PostgreSQL refuses to run as root: as root, run its tools as the `postgres` system user. */
function runAs(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error(`${INSTALL_HINT} (running as root needs the postgres system user it creates)`);
  }
}

/**
 * Starts PostgreSQL in a temporary directory on a free loopback port (trust authentication).
 * Throws with the install command when the binaries are missing: the tests never skip silently.
 */
export async function startLocalPostgres(): Promise<LocalPostgres> {
  const initdb = findBinary('initdb');
  const postgres = findBinary('postgres');
  if (initdb === undefined || postgres === undefined) throw new Error(INSTALL_HINT);
  const user = runAs();
  const dir = mkdtempSync(join(tmpdir(), 'cpixkit-pg-'));
  const dataDir = join(dir, 'data');
  if (user) chownSync(dir, user.uid, user.gid);
  execFileSync(initdb, ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-instructions'], {
    stdio: 'ignore',
    cwd: dir,
    ...(user ?? {}),
  });
  const port = await freePort();
  const server: ChildProcess = spawn(
    postgres,
    ['-D', dataDir, '-p', String(port), '-h', '127.0.0.1', '-k', dir, '-c', 'fsync=off', '-c', 'max_connections=250'],
    { stdio: ['ignore', 'ignore', 'pipe'], cwd: dir, ...(user ?? {}) },
  );
  let log = '';
  server.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString();
  });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const started = Date.now();
  for (;;) {
    if (/ready to accept connections/.test(log)) break;
    if (server.exitCode !== null || Date.now() - started > 30_000) {
      server.kill('SIGKILL');
      throw new Error(`PostgreSQL did not start: ${log.slice(-500)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    async stop() {
      if (server.exitCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve));
        server.kill('SIGINT');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
