/** Options of `cpixkit serve`; each sets the environment variable `pnpm start` reads. */
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

/**
 * `cpixkit serve`: the key server exactly as `pnpm start` runs it (apps/server's entry point, bundled
 * into the CLI): options become the environment variables it reads, and it prints its endpoints and, on
 * first start, the development tenant's token; SIGINT/SIGTERM drain it.
 */
export async function serve(options: ServeOptions): Promise<void> {
  for (const [option, variable] of Object.entries(VARIABLES) as Array<[keyof ServeOptions, string]>) {
    const value = options[option];
    if (value !== undefined) process.env[variable] = value;
  }
  await import('@cpixkit/server/main');
}
