import { resolve } from 'node:path';
import { ServerError } from './errors.js';
import { hostNameOf, isLoopback } from './host-policy.js';
import { checkTokenStrength } from './token-strength.js';

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
  /** Public origin written into key-delivery URLs (`CPIXKIT_PUBLIC_URL`); https unless on a loopback host. */
  publicUrl?: string;
  /**
   * Host names whose requests may give the origin of key-delivery URLs when there is no public URL
   * (`CPIXKIT_ALLOWED_HOSTS`, comma-separated); absent → the loopback names, and only when `host` is a loopback address.
   */
  allowedHosts?: string[];
  /** Longest time to receive a whole request, headers and body (`REQUEST_TIMEOUT_MS`, default 10 s); then 408. */
  requestTimeoutMs: number;
  /** Most open connections (`MAX_CONNECTIONS`, default 1024); more are closed as they come. */
  maxConnections: number;
  /** Failed authentications per client address per minute before 429 (`AUTH_FAILURES_PER_MINUTE`, default 30; 0 = no limit). */
  authFailuresPerMinute: number;
  /** Bearer token of `/metrics` (`CPIXKIT_METRICS_TOKEN`); absent → no `/metrics` route. */
  metricsToken?: string;
  /** Label key counts by tenant id in `/metrics` (`CPIXKIT_METRICS_TENANT_LABELS=true`; default off). */
  metricsTenantLabels: boolean;
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

function booleanSetting(env: Environment, name: string): boolean {
  const raw = nonEmpty(env[name]);
  if (raw === undefined || raw === 'false') return false;
  if (raw === 'true') return true;
  throw new ServerError('ERR_SERVER_CONFIG', 500, `${name} must be true or false, got "${raw}"`);
}

function hostList(raw: string | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  return raw.split(',').map((entry) => {
    const name = hostNameOf(entry.trim());
    if (name === undefined)
      throw new ServerError('ERR_SERVER_CONFIG', 500, `CPIXKIT_ALLOWED_HOSTS: "${entry.trim()}" is not a host name`);
    return name;
  });
}

/**
 * Key-delivery URLs must not take their origin from whatever `Host` a client sends: off loopback,
 * the operator names the public origin (https) or the hosts the server answers for.
 */
function checkOriginSettings(host: string, publicUrl: string | undefined, allowedHosts: string[] | undefined): void {
  if (publicUrl !== undefined && !publicUrl.startsWith('https:') && !isLoopback(new URL(publicUrl).hostname)) {
    throw new ServerError(
      'ERR_SERVER_CONFIG',
      500,
      'CPIXKIT_PUBLIC_URL must be an https URL (http only for a loopback host)',
    );
  }
  if (publicUrl === undefined && allowedHosts === undefined && !isLoopback(host)) {
    throw new ServerError(
      'ERR_SERVER_CONFIG',
      500,
      `HOST ${host} is not a loopback address: set CPIXKIT_PUBLIC_URL (https) or CPIXKIT_ALLOWED_HOSTS, so that key URLs do not take their origin from the Host header`,
    );
  }
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
  if (devToken !== undefined) checkTokenStrength('CPIXKIT_DEV_TOKEN', devToken);
  const metricsToken = nonEmpty(env.CPIXKIT_METRICS_TOKEN);
  if (metricsToken !== undefined) checkTokenStrength('CPIXKIT_METRICS_TOKEN', metricsToken);
  const publicUrl = publicOrigin(nonEmpty(env.CPIXKIT_PUBLIC_URL));
  const allowedHosts = hostList(nonEmpty(env.CPIXKIT_ALLOWED_HOSTS));
  const host = nonEmpty(env.HOST) ?? '127.0.0.1';
  checkOriginSettings(host, publicUrl, allowedHosts);
  return {
    port: integerSetting(env, 'PORT', 8080, 0, 65535),
    host,
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
    ...(allowedHosts !== undefined ? { allowedHosts } : {}),
    requestTimeoutMs: integerSetting(env, 'REQUEST_TIMEOUT_MS', 10_000, 100, 600_000),
    maxConnections: integerSetting(env, 'MAX_CONNECTIONS', 1024, 1, 1_000_000),
    authFailuresPerMinute: integerSetting(env, 'AUTH_FAILURES_PER_MINUTE', 30, 0, 1_000_000),
    ...(metricsToken !== undefined ? { metricsToken } : {}),
    metricsTenantLabels: booleanSetting(env, 'CPIXKIT_METRICS_TENANT_LABELS'),
  };
}
