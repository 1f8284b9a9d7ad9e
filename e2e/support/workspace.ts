import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyServerEndpoint } from './keys.js';
import { type RunningKeyServer, startKeyServer } from './key-server.js';
import { requireTool } from './tools.js';

/** A temp directory with a key server on a fresh data directory, for one test file. */
export interface E2eWorkspace {
  dir: string;
  dataDir: string;
  /** The development tenant's token; passed to the CLI in the environment, never on its command line. */
  token: string;
  server: RunningKeyServer;
  /** Where the CLI sends requests now, and with which token. */
  endpoint(): KeyServerEndpoint;
  /** Stops the server and starts it again on the same data directory (a new port). */
  restartServer(): Promise<RunningKeyServer>;
  /** Stops the server and removes the directory. */
  close(): Promise<void>;
  /** Path of a file in the directory. */
  path(name: string): string;
}

/** Checks for ffmpeg, then creates the temp directory and starts the key server in it. */
export async function openWorkspace(name: string): Promise<E2eWorkspace> {
  requireTool('ffmpeg');
  const dir = mkdtempSync(join(tmpdir(), `cpixkit-e2e-${name}-`));
  const dataDir = join(dir, 'data');
  const token = randomBytes(24).toString('base64url');
  const workspace: E2eWorkspace = {
    dir,
    dataDir,
    token,
    server: await startKeyServer({ dataDir, devToken: token }).catch((error: unknown) => {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }),
    endpoint: () => ({ origin: workspace.server.origin, token }),
    async restartServer() {
      await workspace.server.stop();
      workspace.server = await startKeyServer({ dataDir, devToken: token });
      return workspace.server;
    },
    async close() {
      await workspace.server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
    path: (file) => join(dir, file),
  };
  return workspace;
}
