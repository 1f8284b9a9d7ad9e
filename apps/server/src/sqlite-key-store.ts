import type Database from 'better-sqlite3';
import { contentKeysTableSql, sealedKeyStore, type ServerKeyStore, storeUnavailable } from './key-store.js';
import { loadStoreDriver } from './store-driver.js';

/**
 * The embedded key store: one SQLite file (WAL mode) holding sealed keys, one row per (tenant,
 * kid) enforced by the primary key. Several processes may share the file. better-sqlite3 is
 * loaded here, on first use, so a server without a store never loads it.
 */
export async function openSqliteKeyStore(file: string, masterKey: Uint8Array): Promise<ServerKeyStore> {
  const { default: SqliteDatabase } = await loadStoreDriver('sqlite', () => import('better-sqlite3'));
  let db: Database.Database;
  try {
    db = new SqliteDatabase(file);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.exec(contentKeysTableSql('BLOB'));
  } catch (cause) {
    throw storeUnavailable('sqlite', cause);
  }
  const select = db.prepare<[string, string], { sealed_key: Buffer }>(
    'SELECT sealed_key FROM cpixkit_content_keys WHERE tenant_id = ? AND kid = ?',
  );
  const insert = db.prepare<[string, string, Buffer, string]>(
    'INSERT INTO cpixkit_content_keys (tenant_id, kid, sealed_key, created_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
  );
  const ping = db.prepare('SELECT 1');

  function guarded<T>(operation: () => T): Promise<T> {
    try {
      return Promise.resolve(operation());
    } catch (cause) {
      return Promise.reject(storeUnavailable('sqlite', cause));
    }
  }

  const keys = sealedKeyStore(
    {
      select: (tenantId, kid) => guarded(() => select.get(tenantId, kid)?.sealed_key),
      insertIfAbsent: (tenantId, kid, sealed) =>
        guarded(() => void insert.run(tenantId, kid, Buffer.from(sealed), new Date().toISOString())),
    },
    masterKey,
  );
  return {
    kind: 'sqlite',
    ...keys,
    ping: () => guarded(() => void ping.get()),
    close: () => guarded(() => (db.open ? void db.close() : undefined)),
  };
}
