import { readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { createKeyService } from '@cpixkit/key-service';
import type { FastifyInstance } from 'fastify';
import { buildServer } from './app.js';
import { TenantDirectory } from './auth.js';
import { DataDir } from './data-dir.js';
import { ServerError } from './errors.js';
import type { ServerKeyStore } from './key-store.js';
import { loadMasterKey } from './master-key.js';
import { openPostgresKeyStore } from './postgres-key-store.js';
import type { Environment, ServerSettings } from './settings.js';
import { openSqliteKeyStore } from './sqlite-key-store.js';
import { type LoadedTenants, loadDevTenants, loadTenantsFile } from './tenants-config.js';

/** Name of the SQLite key store file in the data directory. */
export const SQLITE_STORE_FILE = 'keys.sqlite';

/** A configured key server, not yet listening. */
export interface KeyServer {
  app: FastifyInstance;
  tenants: LoadedTenants;
  /** The key store, when a tenant has `keySource: store` or enables ClearKey. */
  store?: ServerKeyStore;
}

/** The server's version, from its package.json (one level above both `src/` and `dist/`). */
export function serverVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return manifest.version;
}

function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (cause) {
    throw new ServerError('ERR_SERVER_CONFIG', 500, `cannot read ${what} ${path}`, { cause });
  }
}

/**
 * Puts the server together from its settings: tenants from the config file (or the development
 * tenant in the data directory), the key store when a tenant needs one (`keySource: store` or
 * ClearKey enabled; PostgreSQL with
 * `DATABASE_URL`, SQLite in the data directory otherwise; its driver is loaded only then), the
 * engine, and the fastify app.
 */
export async function createKeyServer(
  settings: ServerSettings,
  env: Environment,
  options: { logStream?: Writable; logLevel?: string | false } = {},
): Promise<KeyServer> {
  const dataDir = new DataDir(settings.dataDir);
  const tenants: LoadedTenants =
    settings.configPath !== undefined
      ? { tenants: loadTenantsFile(settings.configPath, env), source: settings.configPath }
      : loadDevTenants(dataDir, env, settings.devToken);
  // Everything that can fail on a bad setting is read before the key store is opened.
  const https = settings.tls
    ? { cert: readPem(settings.tls.certPath, 'TLS_CERT'), key: readPem(settings.tls.keyPath, 'TLS_KEY') }
    : undefined;
  let store: ServerKeyStore | undefined;
  // ClearKey keys are kept in the store whatever the tenant's key source.
  if (tenants.tenants.some((tenant) => tenant.keySource === 'store' || tenant.settings.clearKey.enabled)) {
    if (settings.databaseUrl !== undefined) {
      // Instances sharing a database must share the master key: one generated per data directory would not be.
      if (settings.masterKey === undefined) {
        throw new ServerError(
          'ERR_SERVER_CONFIG',
          500,
          'DATABASE_URL needs CPIXKIT_MASTER_KEY, the same on every instance',
        );
      }
      store = await openPostgresKeyStore(settings.databaseUrl, loadMasterKey(settings.masterKey, dataDir));
    } else {
      const masterKey = loadMasterKey(settings.masterKey, dataDir);
      dataDir.ensure();
      store = await openSqliteKeyStore(dataDir.file(SQLITE_STORE_FILE), masterKey);
    }
  }
  const version = serverVersion();
  const keyService = createKeyService({ ...(store ? { store } : {}), userAgent: `cpixkit-server/${version}` });
  const app = buildServer({
    tenants: new TenantDirectory(tenants.tenants),
    keyService,
    ...(store ? { store } : {}),
    bodyLimit: settings.bodyLimit,
    ...(settings.publicUrl !== undefined ? { publicUrl: settings.publicUrl } : {}),
    ...(settings.allowedHosts !== undefined ? { allowedHosts: settings.allowedHosts } : {}),
    requestTimeoutMs: settings.requestTimeoutMs,
    maxConnections: settings.maxConnections,
    authFailuresPerMinute: settings.authFailuresPerMinute,
    ...(settings.metricsToken !== undefined ? { metricsToken: settings.metricsToken } : {}),
    metricsTenantLabels: settings.metricsTenantLabels,
    logLevel: options.logLevel ?? settings.logLevel,
    ...(options.logStream ? { logStream: options.logStream } : {}),
    ...(https ? { https } : {}),
    version,
  });
  return { app, tenants, ...(store ? { store } : {}) };
}
