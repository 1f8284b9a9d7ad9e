import { resolve } from 'node:path';
import { ServerError } from './errors.js';

/** Where the server takes its settings from: the process environment or a test's own map. */
export type Environment = Record<string, string | undefined>;

/** The server's settings, read from the environment by {@link readServerSettings}. */
export interface ServerSettings {
  /** TCP port (`PORT`, default 8080; 0 lets the system pick one). */
  port: number;
  /** Listening address (`HOST`, default 127.0.0.1: loopback only until asked otherwise). */
  host: string;
  /** pino level (`LOG_LEVEL`, default `info`). */
  logLevel: string;
  /** PEM certificate and key paths (`TLS_CERT`, `TLS_KEY`); HTTPS when both are set. */
  tls?: { certPath: string; keyPath: string };
  /** Largest accepted request body in bytes (`BODY_LIMIT`, default 1 MiB). */
  bodyLimit: number;
  /** Tenants config file, YAML or JSON (`CPIXKIT_CONFIG`); absent → the embedded development tenant. */
  configPath?: string;
  /** Directory for the development tenant, the master key and the SQLite store (`CPIXKIT_DATA_DIR`, default `.cpixkit`). */
  dataDir: string;
  /** PostgreSQL connection string for the key store (`DATABASE_URL`); absent → SQLite in the data directory. */
  databaseUrl?: string;
  /** Master key for keys at rest, 32 bytes as base64 or hex (`CPIXKIT_MASTER_KEY`); absent → generated into the data directory. */
  masterKey?: string;
  /** Token of the development tenant when it is first created (`CPIXKIT_DEV_TOKEN`); absent → random. */
  devToken?: string;
  /** Public origin written into key-delivery URLs (`CPIXKIT_PUBLIC_URL`); absent → taken from each request. */
  publicUrl?: string;
}

const DEFAULT_BODY_LIMIT = 1024 * 1024;

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function integerSetting(env: Environment, name: string, fallback: number, min: number, max: number): number {
  const raw = nonEmpty(env[name]);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ServerError('ERR_SERVER_CONFIG', 500, `${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

function publicOrigin(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ServerError('ERR_SERVER_CONFIG', 500, `CPIXKIT_PUBLIC_URL is not a URL: "${raw}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ServerError('ERR_SERVER_CONFIG', 500, 'CPIXKIT_PUBLIC_URL must be an http or https URL');
  }
  return url.href.replace(/\/+$/, '');
}

/**
 * Reads the server's settings from environment variables, relative paths resolved against `cwd`.
 * Throws a `ServerError` (`ERR_SERVER_CONFIG`) naming the variable when a value is invalid.
 */
export function readServerSettings(env: Environment, cwd: string = process.cwd()): ServerSettings {
  const certPath = nonEmpty(env.TLS_CERT);
  const keyPath = nonEmpty(env.TLS_KEY);
  if ((certPath === undefined) !== (keyPath === undefined)) {
    throw new ServerError('ERR_SERVER_CONFIG', 500, 'TLS_CERT and TLS_KEY must be set together');
  }
  const configPath = nonEmpty(env.CPIXKIT_CONFIG);
  const databaseUrl = nonEmpty(env.DATABASE_URL);
  const masterKey = nonEmpty(env.CPIXKIT_MASTER_KEY);
  const devToken = nonEmpty(env.CPIXKIT_DEV_TOKEN);
  const publicUrl = publicOrigin(nonEmpty(env.CPIXKIT_PUBLIC_URL));
  return {
    port: integerSetting(env, 'PORT', 8080, 0, 65535),
    host: nonEmpty(env.HOST) ?? '127.0.0.1',
    logLevel: nonEmpty(env.LOG_LEVEL) ?? 'info',
    ...(certPath !== undefined && keyPath !== undefined
      ? { tls: { certPath: resolve(cwd, certPath), keyPath: resolve(cwd, keyPath) } }
      : {}),
    bodyLimit: integerSetting(env, 'BODY_LIMIT', DEFAULT_BODY_LIMIT, 1, 64 * 1024 * 1024),
    ...(configPath !== undefined ? { configPath: resolve(cwd, configPath) } : {}),
    dataDir: resolve(cwd, nonEmpty(env.CPIXKIT_DATA_DIR) ?? '.cpixkit'),
    ...(databaseUrl !== undefined ? { databaseUrl } : {}),
    ...(masterKey !== undefined ? { masterKey } : {}),
    ...(devToken !== undefined ? { devToken } : {}),
    ...(publicUrl !== undefined ? { publicUrl } : {}),
  };
}
