import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { E2eError } from './errors.js';
import { REPO_ROOT, requireBuilt } from './tools.js';

/** A key server started by {@link startKeyServer}. */
export interface RunningKeyServer {
  /** `http://127.0.0.1:<port>`, as the server printed it. */
  origin: string;
  /** Sends SIGTERM and waits for the process to exit (SIGKILL after 15 s). Resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Options of {@link startKeyServer}. */
export interface KeyServerOptions {
  /** `CPIXKIT_DATA_DIR`: where the development tenant is created on first start and read on later ones. */
  dataDir: string;
  /** `CPIXKIT_DEV_TOKEN`: the development tenant's token when this start creates it. */
  devToken: string;
  /** `CPIXKIT_CONFIG`: a tenants config file to run with instead of the development tenant. */
  config?: string;
}

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;
/** Settings of the developer's shell that would point the server elsewhere than the temp data directory. */
const CLEARED = [
  'CPIXKIT_CONFIG',
  'DATABASE_URL',
  'CPIXKIT_MASTER_KEY',
  'CPIXKIT_PUBLIC_URL',
  'TLS_CERT',
  'TLS_KEY',
  'BODY_LIMIT',
];

/**
 * Starts the built key server (`apps/server/dist/main.js`) as a child process with its embedded defaults, on a
 * port the system picks on the loopback interface, and resolves once it prints where it listens.
 */
export async function startKeyServer(options: KeyServerOptions): Promise<RunningKeyServer> {
  const main = requireBuilt('apps/server/dist/main.js');
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of CLEARED) delete env[name];
  Object.assign(env, {
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    CPIXKIT_DATA_DIR: options.dataDir,
    CPIXKIT_DEV_TOKEN: options.devToken,
    ...(options.config !== undefined && { CPIXKIT_CONFIG: options.config }),
  });
  const child = spawn(process.execPath, [main], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  // A test run that ends without stop() (a crash, a timeout) must not leave the server running.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.once('exit', () => process.removeListener('exit', killOnExit));
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const origin = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    const fail = (reason: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new E2eError('ERR_E2E_PROCESS_FAILED', `key server ${reason}; stderr:\n${stderr.trim()}`));
    };
    const timer = setTimeout(() => fail(`did not print its address within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    const onEarlyExit = (code: number | null, signal: NodeJS.Signals | null) =>
      fail(`exited before listening (${code ?? signal})`);
    child.once('exit', onEarlyExit);
    child.once('error', (error) => fail(`could not be started: ${error.message}`));
    const onBanner = (chunk: string) => {
      stdout += chunk;
      const listening = /listening on (https?:\/\/\S+)/.exec(stdout);
      if (listening) {
        clearTimeout(timer);
        child.removeListener('exit', onEarlyExit);
        // The rest of the banner (the development token among it) is read and dropped.
        child.stdout.removeListener('data', onBanner).resume();
        resolve(listening[1]!);
      }
    };
    child.stdout.setEncoding('utf8').on('data', onBanner);
  });
  return { origin, stop: () => stopChild(child) };
}

async function stopChild(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  const [code] = await exited;
  clearTimeout(timer);
  return code;
}
