import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { ReliabilityError } from './errors.js';
import { logDir } from './secrets.js';

/** The repository root (this file is `reliability/support/server-process.ts`). */
export const REPO_ROOT = new URL('../../', import.meta.url).pathname;
/** The built key server, as `pnpm start` runs it. */
export const SERVER_MAIN = join(REPO_ROOT, 'apps/server/dist/main.js');

const START_TIMEOUT_MS = 20_000;

/** Options of {@link startServerProcess}. */
export interface ServerProcessOptions {
  /** Names the process's log file in the run directory. */
  name: string;
  /** The suite's run directory (see `runDir()`). */
  runDir: string;
  /** `CPIXKIT_CONFIG`: the tenants config file. */
  config: string;
  /** `CPIXKIT_DATA_DIR`: master key and SQLite store. */
  dataDir: string;
  /** More environment variables (`BODY_LIMIT`, `DATABASE_URL`…). */
  env?: Record<string, string>;
  /** Node options before the script (e.g. `--max-old-space-size=256`). */
  nodeArgs?: string[];
}

/** How a server process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * The built key server (`apps/server/dist/main.js`) running as a child process on a port the system
 * picked on 127.0.0.1, logging at `info` into the run directory (stdout and stderr, every line).
 */
export class ServerProcess {
  /** `http://127.0.0.1:<port>`, as the server printed it. */
  readonly origin: string;
  readonly exited: Promise<ProcessExit>;
  private readonly child: ChildProcess;
  private readonly readOutput: () => string;

  private constructor(child: ChildProcess, origin: string, exited: Promise<ProcessExit>, readOutput: () => string) {
    this.child = child;
    this.origin = origin;
    this.exited = exited;
    this.readOutput = readOutput;
  }

  /** Starts the server and resolves once it prints where it listens. */
  static async start(options: ServerProcessOptions): Promise<ServerProcess> {
    if (!existsSync(SERVER_MAIN)) {
      throw new ReliabilityError(
        'ERR_RELIABILITY_NOT_BUILT',
        `${SERVER_MAIN} is missing: run \`pnpm test:reliability\` (it builds first)`,
      );
    }
    mkdirSync(logDir(options.runDir), { recursive: true });
    // A clean environment: nothing of the developer's shell may point the server elsewhere.
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), SERVER_MAIN], {
      env: {
        PATH: process.env.PATH ?? '',
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'info',
        CPIXKIT_CONFIG: options.config,
        CPIXKIT_DATA_DIR: options.dataDir,
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const log: WriteStream = createWriteStream(join(logDir(options.runDir), `${options.name}-${child.pid}.log`));
    let output = '';
    const capture = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      log.write(chunk);
    };
    child.stdout!.on('data', capture);
    child.stderr!.on('data', capture);
    const exited = new Promise<ProcessExit>((resolve) => {
      child.once('exit', (code, signal) => {
        // Both pipes are drained before the log file is closed.
        let open = 2;
        const done = () => {
          open -= 1;
          if (open === 0) log.end(() => resolve({ code, signal }));
        };
        if (child.stdout!.readableEnded) done();
        else child.stdout!.once('end', done);
        if (child.stderr!.readableEnded) done();
        else child.stderr!.once('end', done);
      });
    });
    const origin = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(
          new ReliabilityError(
            'ERR_RELIABILITY_SERVER_FAILED',
            `${options.name}: no "listening on" line within ${START_TIMEOUT_MS} ms`,
          ),
        );
      }, START_TIMEOUT_MS);
      const onData = () => {
        const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
        if (match && output.includes('\ntenants:')) {
          clearTimeout(timer);
          child.stdout!.off('data', onData);
          resolve(match[1]!);
        }
      };
      child.stdout!.on('data', onData);
      void exited.then(({ code, signal }) => {
        clearTimeout(timer);
        // stderr holds the server's one-line reason (no secrets: the server never prints them there).
        const reason = output
          .split('\n')
          .filter((line) => line.startsWith('cpixkit server:'))
          .join(' ');
        reject(
          new ReliabilityError(
            'ERR_RELIABILITY_SERVER_FAILED',
            `${options.name} exited (${code ?? signal}) before listening: ${reason}`,
          ),
        );
      });
    });
    return new ServerProcess(child, origin, exited, () => output);
  }

  /** The process id. */
  get pid(): number {
    return this.child.pid!;
  }

  /** Whether the process is still running. */
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Everything the process wrote to stdout and stderr so far. */
  get output(): string {
    return this.readOutput();
  }

  /** The JSON (pino) log lines written so far, parsed. */
  logRecords(): Record<string, unknown>[] {
    return this.output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** Resident set size of the process in bytes (Linux `/proc/<pid>/status`, VmRSS). */
  rssBytes(): number {
    const status = readFileSync(`/proc/${this.pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
    if (!match) throw new ReliabilityError('ERR_RELIABILITY_SERVER_FAILED', `no VmRSS for process ${this.pid}`);
    return Number(match[1]) * 1024;
  }

  /**
   * CPU time the process has used, user and system, in milliseconds (Linux `/proc/<pid>/stat`, in
   * clock ticks of 10 ms). Unlike wall-clock latencies it does not grow when other processes load
   * the machine: what one request costs the server's single thread, at most.
   */
  cpuMs(): number {
    const stat = readFileSync(`/proc/${this.pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  }

  /** Sends a signal. */
  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Sends a signal and waits for the process to exit; SIGKILL and an error after `timeoutMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', timeoutMs = 15_000): Promise<ProcessExit> {
    if (!this.running) return this.exited;
    this.child.kill(signal);
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        this.child.kill('SIGKILL');
        reject(
          new ReliabilityError(
            'ERR_RELIABILITY_SERVER_HUNG',
            `process ${this.pid} did not exit within ${timeoutMs} ms of ${signal}`,
          ),
        );
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.exited, hung]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Megabytes, one decimal, for the printed figures. */
export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
