import { chmodSync, closeSync, existsSync, openSync } from 'node:fs';
import type { DatabaseSync } from 'node:sqlite';
import { ServerError } from './errors.js';
import { contentKeysTableSql, sealedKeyStore, type ServerKeyStore, storeUnavailable } from './key-store.js';

/**
 * Creates the database file with mode 0600 before SQLite opens it (and tightens an existing one):
 * SQLite gives its `-wal` and `-shm` files the mode of the database file, so none of the three is
 * readable by others, whatever the process umask.
 */
function createPrivateFile(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  for (const path of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(path)) chmodSync(path, 0o600);
}

/**
 * The embedded key store: one SQLite file (WAL mode, Node's built-in `node:sqlite`) holding sealed
 * keys, one row per (tenant, kid) enforced by the primary key. Several processes may share the file.
 * `node:sqlite` is loaded here, on first use, so a server without a store never loads it.
 */
export async function openSqliteKeyStore(file: string, masterKey: Uint8Array): Promise<ServerKeyStore> {
  let db: DatabaseSync;
  try {
    const { DatabaseSync } = await import('node:sqlite');
    createPrivateFile(file);
    db = new DatabaseSync(file, { timeout: 5000 });
    db.exec('PRAGMA journal_mode = WAL');
    db.exec(contentKeysTableSql('BLOB'));
  } catch (cause) {
    // At start, the operator needs the reason (a path, a permission); clients never see this one.
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new ServerError(
      'ERR_SERVER_STORE_UNAVAILABLE',
      503,
      `the sqlite key store ${file} cannot be opened: ${reason}`,
      { cause },
    );
  }
  const select = db.prepare('SELECT sealed_key FROM cpixkit_content_keys WHERE tenant_id = ? AND kid = ?');
  const insert = db.prepare(
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
      select: (tenantId, kid) =>
        guarded(() => (select.get(tenantId, kid) as { sealed_key: Uint8Array } | undefined)?.sealed_key),
      insertIfAbsent: (tenantId, kid, sealed) =>
        guarded(() => void insert.run(tenantId, kid, sealed, new Date().toISOString())),
    },
    masterKey,
  );
  return {
    kind: 'sqlite',
    ...keys,
    ping: () => guarded(() => void ping.get()),
    close: () => guarded(() => (db.isOpen ? db.close() : undefined)),
  };
}
