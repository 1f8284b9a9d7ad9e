import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, vi } from 'vitest';

// Every test starts Node processes; on a loaded machine a handful of them exceed the default 5 s.
vi.setConfig({ testTimeout: 60_000 });

/** The built binary; tests run after `pnpm build` (or `npx turbo run build --filter=cpixkit`). */
export const BIN = new URL('../dist/cli.js', import.meta.url).pathname;

/** What a run of the binary gave. */
export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of the tests without colour settings, so each test decides about colour itself. */
function baseEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NO_COLOR;
  delete env.FORCE_COLOR;
  return env;
}

/** Runs `cpixkit …` as a child process, stdin fed from `input`. */
export function cpixkit(
  args: readonly string[],
  options: { input?: string | Uint8Array; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Run {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    input: options.input ?? '',
    env: { ...baseEnv(), ...options.env },
    cwd: options.cwd,
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Runs and parses stdout as JSON; fails the test with stderr when the exit code is not 0. */
export function cpixkitJson<T = unknown>(args: readonly string[], options: Parameters<typeof cpixkit>[1] = {}): T {
  const run = cpixkit(args, options);
  if (run.status !== 0) throw new Error(`exit ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}

/** A fresh temporary directory, removed after the test file; call it at the top level of a test file. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cpixkit-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
