import { execFile, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { E2eError } from './errors.js';

/** The repository root (the e2e directory's parent). */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

const INSTALL_HINT = 'bash tooling/scripts/install-system-deps.sh';

/**
 * Fails, with the command that installs it, when `command` (ffmpeg, curl) is not on PATH. The end-to-end tests
 * never skip for want of a tool: a machine without ffmpeg gets a red test that says how to fix it.
 */
export function requireTool(command: string): void {
  const probe = spawnSync('/bin/sh', ['-c', 'command -v "$1"', 'sh', command], { stdio: 'ignore' });
  if (probe.status !== 0) {
    throw new E2eError(
      'ERR_E2E_TOOL_MISSING',
      `${command} is not installed; the end-to-end tests need it: run \`${INSTALL_HINT} ${command}\` (as root) from the repository root`,
    );
  }
}

/** Fails, naming the build command, when a built file the tests run (`apps/…/dist/…`) is missing. */
export function requireBuilt(relativePath: string): string {
  const path = `${REPO_ROOT}${relativePath}`;
  if (!existsSync(path)) {
    throw new E2eError(
      'ERR_E2E_NOT_BUILT',
      `${relativePath} is missing: run \`npx -y pnpm@10.34.9 build\` first (\`pnpm test\` builds before testing)`,
    );
  }
  return path;
}

/** What a finished tool run printed. */
export interface ToolOutput {
  stdout: Buffer;
  stderr: string;
}

/** Options of {@link runTool}. */
export interface RunToolOptions {
  /** Names the run in an error message; the arguments are never shown, since they may hold keys. */
  label: string;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs `command` to completion. Rejects with {@link E2eError} naming `label`, the exit status and the end of
 * stderr when it fails.
 */
export function runTool(command: string, args: readonly string[], options: RunToolOptions): Promise<ToolOutput> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      {
        cwd: options.cwd ?? REPO_ROOT,
        env: options.env ?? process.env,
        encoding: 'buffer',
        maxBuffer: 256 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const errorText = stderr.toString('utf8');
        if (error) {
          const status = error.code ?? error.signal ?? 'unknown';
          const tail = errorText.trim().split('\n').slice(-8).join('\n');
          // No `cause`: the child-process error carries the whole command line, keys included.
          reject(new E2eError('ERR_E2E_PROCESS_FAILED', `${options.label} failed (exit ${status}):\n${tail}`));
          return;
        }
        resolve({ stdout, stderr: errorText });
      },
    );
  });
}

/** Seconds since `start` (a `performance.now()` reading), for the figures the tests annotate, e.g. `1.23 s`. */
export function secondsSince(start: number): string {
  return `${((performance.now() - start) / 1000).toFixed(2)} s`;
}
