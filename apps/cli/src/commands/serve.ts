import { CliError, EXIT } from '../errors.js';

/** Options of `cpixkit serve`; each sets the environment variable the key server reads. */
export interface ServeOptions {
  port?: string;
  host?: string;
  config?: string;
  dataDir?: string;
  logLevel?: string;
  databaseUrl?: string;
  publicUrl?: string;
  tlsCert?: string;
  tlsKey?: string;
}

/** Which environment variable each option sets. */
const VARIABLES: Record<keyof ServeOptions, string> = {
  port: 'PORT',
  host: 'HOST',
  config: 'CPIXKIT_CONFIG',
  dataDir: 'CPIXKIT_DATA_DIR',
  logLevel: 'LOG_LEVEL',
  databaseUrl: 'DATABASE_URL',
  publicUrl: 'CPIXKIT_PUBLIC_URL',
  tlsCert: 'TLS_CERT',
  tlsKey: 'TLS_KEY',
};

/** The key server's package; the CLI does not install it, so that `npx cpixkit` stays light. */
const SERVER_PACKAGE = '@cpixkit/server';

function isServerMissing(cause: unknown): boolean {
  const { code, message } = (cause ?? {}) as { code?: unknown; message?: unknown };
  return code === 'ERR_MODULE_NOT_FOUND' && typeof message === 'string' && message.includes(`'${SERVER_PACKAGE}'`);
}

/**
 * `cpixkit serve`: runs the key server of `@cpixkit/server` when it is installed beside the CLI:
 * options become the environment variables it reads, and it prints its endpoints and, on first
 * start, the development tenant's token; SIGINT/SIGTERM drain it. Without the package, one line
 * says how to get it (`ERR_CLI_SERVER_NOT_INSTALLED`, exit code 3).
 */
export async function serve(options: ServeOptions): Promise<void> {
  for (const [option, variable] of Object.entries(VARIABLES) as Array<[keyof ServeOptions, string]>) {
    const value = options[option];
    if (value !== undefined) process.env[variable] = value;
  }
  try {
    await import('@cpixkit/server/main');
  } catch (cause) {
    if (!isServerMissing(cause)) throw cause;
    throw new CliError(
      'ERR_CLI_SERVER_NOT_INSTALLED',
      `serving needs the key server package, which is not installed: run \`npx ${SERVER_PACKAGE}\`, or \`npm install --global ${SERVER_PACKAGE}\` and then \`cpixkit serve\``,
      { exitCode: EXIT.FAILED },
    );
  }
}
