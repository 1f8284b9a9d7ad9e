import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalPostgres, startLocalPostgres } from '../test/postgres.js';
import { ServerError } from './errors.js';
import type { ServerKeyStore } from './key-store.js';
import { openPostgresKeyStore } from './postgres-key-store.js';
import { openSqliteKeyStore } from './sqlite-key-store.js';

const KID = '98ee5596-cd3e-a20d-163a-e382420c6eff';

interface StoreFixture {
  open(masterKey: Uint8Array): Promise<ServerKeyStore>;
  rows(): Promise<{ tenant_id: string; kid: string; sealed_key: Buffer }[]>;
}

function behavesAsKeyStore(name: string, setup: () => Promise<StoreFixture>, teardown: () => Promise<void>) {
  describe(name, () => {
    let fixture: StoreFixture;
    const masterKey = randomBytes(32);
    beforeAll(async () => {
      fixture = await setup();
    }, 60_000);
    afterAll(teardown);

    it('creates a key once and returns it on every later call', async () => {
      const store = await fixture.open(masterKey);
      let created = 0;
      const create = () => {
        created += 1;
        return randomBytes(16);
      };
      const first = await store.getOrCreateKey('tenant-a', KID, create);
      const second = await store.getOrCreateKey('tenant-a', KID, create);
      expect(first).toHaveLength(16);
      expect(Buffer.from(second)).toEqual(Buffer.from(first));
      expect(created).toBe(1);
      expect(Buffer.from((await store.getKey('tenant-a', KID))!)).toEqual(Buffer.from(first));
      await store.close();
    });

    it('keeps tenants and kids apart, and answers undefined for a missing key', async () => {
      const store = await fixture.open(masterKey);
      const a = await store.getOrCreateKey('tenant-b', KID, () => randomBytes(16));
      const b = await store.getOrCreateKey('tenant-c', KID, () => randomBytes(16));
      expect(Buffer.from(a)).not.toEqual(Buffer.from(b));
      expect(await store.getKey('tenant-b', '53abdba2-f210-43cb-bc90-f18f9a890a02')).toBeUndefined();
      await store.close();
    });

    it('stores exactly one key for 200 concurrent first requests', async () => {
      const store = await fixture.open(masterKey);
      const keys = await Promise.all(
        Array.from({ length: 200 }, () => store.getOrCreateKey('tenant-race', KID, () => randomBytes(16))),
      );
      const distinct = new Set(keys.map((key) => Buffer.from(key).toString('hex')));
      expect(distinct.size).toBe(1);
      const rows = (await fixture.rows()).filter((row) => row.tenant_id === 'tenant-race');
      expect(rows).toHaveLength(1);
      await store.close();
    });

    it('keeps keys encrypted at rest, bound to their tenant and kid', async () => {
      const store = await fixture.open(masterKey);
      const key = await store.getOrCreateKey('tenant-sealed', KID, () => randomBytes(16));
      await store.close();
      const [row] = (await fixture.rows()).filter((candidate) => candidate.tenant_id === 'tenant-sealed');
      expect(row).toBeDefined();
      expect(row!.sealed_key.includes(Buffer.from(key))).toBe(false);
      // A reopened store with the same master key reads the same key back.
      const reopened = await fixture.open(masterKey);
      expect(Buffer.from((await reopened.getKey('tenant-sealed', KID))!)).toEqual(Buffer.from(key));
      await reopened.close();
      // Another master key cannot open it.
      const wrong = await fixture.open(randomBytes(32));
      await expect(wrong.getKey('tenant-sealed', KID)).rejects.toMatchObject({ code: 'ERR_SERVER_STORE_CORRUPT' });
      await wrong.close();
    });

    it('answers ping while reachable', async () => {
      const store = await fixture.open(masterKey);
      await expect(store.ping()).resolves.toBeUndefined();
      await store.close();
    });
  });
}

let sqliteDir: string;
behavesAsKeyStore(
  'SQLite key store',
  async () => {
    sqliteDir = mkdtempSync(join(tmpdir(), 'cpixkit-sqlite-'));
    const file = join(sqliteDir, 'keys.sqlite');
    return {
      open: (masterKey) => openSqliteKeyStore(file, masterKey),
      rows: async () => {
        const db = new DatabaseSync(file, { readOnly: true });
        try {
          const rows = db.prepare('SELECT tenant_id, kid, sealed_key FROM cpixkit_content_keys').all() as {
            tenant_id: string;
            kid: string;
            sealed_key: Uint8Array;
          }[];
          return rows.map((row) => ({ ...row, sealed_key: Buffer.from(row.sealed_key) }));
        } finally {
          db.close();
        }
      },
    };
  },
  async () => rmSync(sqliteDir, { recursive: true, force: true }),
);

let postgres: LocalPostgres;
behavesAsKeyStore(
  'PostgreSQL key store',
  async () => {
    postgres = await startLocalPostgres();
    return {
      open: (masterKey) => openPostgresKeyStore(postgres.url, masterKey),
      rows: async () => {
        const client = new pg.Client({ connectionString: postgres.url });
        await client.connect();
        try {
          return (await client.query('SELECT tenant_id, kid, sealed_key FROM cpixkit_content_keys')).rows;
        } finally {
          await client.end();
        }
      },
    };
  },
  async () => postgres?.stop(),
);

describe('an unreachable store', () => {
  it('reports ERR_SERVER_STORE_UNAVAILABLE (503) for PostgreSQL', async () => {
    const store = await openPostgresKeyStore('postgres://nobody@127.0.0.1:1/none', randomBytes(32));
    const failure = await store.getKey('tenant', KID).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ServerError);
    expect(failure).toMatchObject({ code: 'ERR_SERVER_STORE_UNAVAILABLE', status: 503 });
    await expect(store.ping()).rejects.toMatchObject({ status: 503 });
    await store.close();
  });

  it('reports ERR_SERVER_STORE_UNAVAILABLE for an SQLite file that cannot be opened', async () => {
    await expect(openSqliteKeyStore('/nonexistent-dir/keys.sqlite', randomBytes(32))).rejects.toThrow(
      expect.objectContaining({
        code: 'ERR_SERVER_STORE_UNAVAILABLE',
        message: expect.stringMatching(
          /^the sqlite key store \/nonexistent-dir\/keys\.sqlite cannot be opened: ENOENT/,
        ),
      }),
    );
  });
});
