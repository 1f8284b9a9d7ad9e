import type { QueryResult, QueryResultRow } from 'pg';
import { contentKeysTableSql, sealedKeyStore, type ServerKeyStore, storeUnavailable } from './key-store.js';
import { loadStoreDriver } from './store-driver.js';

/** PostgreSQL error codes of a lost CREATE TABLE IF NOT EXISTS race between two starting instances. */
const CREATE_RACE_CODES = new Set(['23505', '42P07']);

/**
 * The shared key store for several server instances: PostgreSQL (`DATABASE_URL`), same table as
 * the SQLite store. The table is created on first use, so the server starts while the database
 * is still down and answers 503 until it is reachable. pg is loaded here, on first use, so a
 * server without a store never loads it.
 */
export async function openPostgresKeyStore(connectionString: string, masterKey: Uint8Array): Promise<ServerKeyStore> {
  const { default: pg } = await loadStoreDriver('postgres', () => import('pg'));
  const pool = new pg.Pool({ connectionString, connectionTimeoutMillis: 3000, max: 10 });
  // An idle client losing its connection must not crash the process; the next query reports it.
  pool.on('error', () => {});
  let schema: Promise<void> | undefined;
  let closed = false;

  function ensureSchema(): Promise<void> {
    schema ??= pool.query(contentKeysTableSql('BYTEA')).then(
      () => undefined,
      (cause: { code?: string }) => {
        if (CREATE_RACE_CODES.has(cause.code ?? '')) return;
        schema = undefined;
        throw cause;
      },
    );
    return schema;
  }

  async function query<R extends QueryResultRow>(text: string, values: unknown[]): Promise<QueryResult<R>> {
    try {
      await ensureSchema();
      return await pool.query<R>(text, values);
    } catch (cause) {
      throw storeUnavailable('postgres', cause);
    }
  }

  const keys = sealedKeyStore(
    {
      async select(tenantId, kid) {
        const result = await query<{ sealed_key: Buffer }>(
          'SELECT sealed_key FROM cpixkit_content_keys WHERE tenant_id = $1 AND kid = $2',
          [tenantId, kid],
        );
        return result.rows[0]?.sealed_key;
      },
      async insertIfAbsent(tenantId, kid, sealed) {
        await query(
          'INSERT INTO cpixkit_content_keys (tenant_id, kid, sealed_key, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
          [tenantId, kid, Buffer.from(sealed), new Date().toISOString()],
        );
      },
    },
    masterKey,
  );
  return {
    kind: 'postgres',
    ...keys,
    async ping() {
      await query('SELECT 1', []);
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
