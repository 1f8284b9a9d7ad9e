import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { stringify as toYaml } from 'yaml';
import { createKeyServer, readServerSettings } from '../src/index.js';
import { type LocalPostgres, startLocalPostgres } from './postgres.js';
import { keysOf, SPEKE_V2_REQUEST, tenantsConfig, testTenant } from './helpers.js';

const dirs: string[] = [];
/** A development token strong enough for CPIXKIT_DEV_TOKEN. */
const DEV_TOKEN = 'cpx_lifecycle-0123456789-abcdefghijklmnop';
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cpixkit-server-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function spekeKeys(
  app: Awaited<ReturnType<typeof createKeyServer>>['app'],
  token: string,
  body = SPEKE_V2_REQUEST,
): Promise<Map<string, string>> {
  const response = await app.inject({
    method: 'POST',
    url: '/speke/v2.0/copyProtection',
    headers: { authorization: `Bearer ${token}`, 'x-speke-version': '2.0', 'content-type': 'application/xml' },
    payload: body,
  });
  expect(response.statusCode, response.body).toBe(200);
  return keysOf(response.body);
}

describe('embedded development tenant', () => {
  it('is created on first start (0600 file in a 0700 directory) and kept, with the same keys after a restart', async () => {
    const dataDir = join(tempDir(), 'data');
    const env = { CPIXKIT_DATA_DIR: dataDir };
    const first = await createKeyServer(readServerSettings(env), env, { logLevel: false });
    const token = first.tenants.createdDevToken;
    expect(token).toMatch(/^cpx_[A-Za-z0-9_-]{32}$/);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    const file = join(dataDir, 'tenants.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    // The file keeps the token's hash only.
    expect(readFileSync(file, 'utf8')).not.toContain(token);
    const keys = await spekeKeys(first.app, token!);
    expect(keys.size).toBe(2);
    await first.app.close();

    const second = await createKeyServer(readServerSettings(env), env, { logLevel: false });
    expect(second.tenants.createdDevToken).toBeUndefined();
    expect(await spekeKeys(second.app, token!)).toEqual(keys);
    await second.app.close();
  });

  it('takes its token from CPIXKIT_DEV_TOKEN, and keeps it off the banner', async () => {
    const env = { CPIXKIT_DATA_DIR: join(tempDir(), 'data'), CPIXKIT_DEV_TOKEN: DEV_TOKEN };
    const server = await createKeyServer(readServerSettings(env), env, { logLevel: false });
    expect(server.tenants.createdDevToken).toBeUndefined();
    expect((await spekeKeys(server.app, DEV_TOKEN)).size).toBe(2);
    await server.app.close();
  });
});

describe('tenants config file', () => {
  it('refuses a token hash given to two tenants, naming both', async () => {
    const dir = tempDir();
    const one = testTenant('one');
    const file = join(dir, 'tenants.json');
    writeFileSync(file, JSON.stringify(tenantsConfig([one, { ...testTenant('two'), token: one.token }])));
    const env = { CPIXKIT_CONFIG: file, CPIXKIT_DATA_DIR: join(dir, 'data') };
    await expect(createKeyServer(readServerSettings(env), env)).rejects.toThrow(
      /tenants one and two list the same token hash/,
    );
  });

  it('reads YAML with env: references for the secrets', async () => {
    const dir = tempDir();
    const tenant = testTenant('acme');
    const config = tenantsConfig([tenant]) as { tenants: Record<string, unknown>[] };
    config.tenants[0]!.keySeed = 'env:ACME_SEED';
    config.tenants[0]!.derivationSecret = 'env:ACME_SECRET';
    writeFileSync(join(dir, 'tenants.yaml'), toYaml(config));
    const env = {
      CPIXKIT_CONFIG: join(dir, 'tenants.yaml'),
      CPIXKIT_DATA_DIR: join(dir, 'data'),
      ACME_SEED: tenant.keySeed,
      ACME_SECRET: tenant.derivationSecret,
    };
    const server = await createKeyServer(readServerSettings(env), env, { logLevel: false });
    expect(server.tenants.tenants.map((t) => t.id)).toEqual(['acme']);
    expect((await spekeKeys(server.app, tenant.token)).size).toBe(2);
    // No development tenant is created next to a config file.
    expect(existsSync(join(dir, 'data', 'tenants.json'))).toBe(false);
    await server.app.close();

    // Same seed given inline (JSON): same keys.
    writeFileSync(join(dir, 'tenants.json'), JSON.stringify(tenantsConfig([tenant])));
    const inlineEnv = { CPIXKIT_CONFIG: join(dir, 'tenants.json'), CPIXKIT_DATA_DIR: join(dir, 'data') };
    const inline = await createKeyServer(readServerSettings(inlineEnv), inlineEnv, { logLevel: false });
    const again = await spekeKeys(inline.app, tenant.token);
    expect(again.size).toBe(2);
    await inline.app.close();
  });

  it('names the file and the path of a bad value, without echoing secrets', async () => {
    const dir = tempDir();
    const tenant = testTenant('acme', { keySeed: 'c2hvcnQ=' });
    writeFileSync(join(dir, 'bad.yaml'), toYaml(tenantsConfig([tenant])));
    const env = { CPIXKIT_CONFIG: join(dir, 'bad.yaml') };
    let failure: unknown;
    try {
      await createKeyServer(readServerSettings(env), env, { logLevel: false });
    } catch (error) {
      failure = error;
    }
    expect(failure).toMatchObject({ code: 'ERR_SERVER_CONFIG' });
    const message = (failure as Error).message;
    expect(message).toContain(join(dir, 'bad.yaml'));
    expect(message).toMatch(/tenants\[0\]\.keySeed/);
    expect(message).not.toContain(tenant.derivationSecret);
  });

  it('names an unset env: reference', async () => {
    const dir = tempDir();
    const config = tenantsConfig([testTenant('acme')]) as { tenants: Record<string, unknown>[] };
    config.tenants[0]!.keySeed = 'env:NOT_SET_ANYWHERE';
    writeFileSync(join(dir, 'tenants.yaml'), toYaml(config));
    const env = { CPIXKIT_CONFIG: join(dir, 'tenants.yaml') };
    await expect(createKeyServer(readServerSettings(env), env)).rejects.toThrow(
      /tenants\[0\]\.keySeed: environment variable NOT_SET_ANYWHERE is not set/,
    );
  });

  it('reports YAML syntax errors and a missing file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'broken.yaml'), 'tenants: [\n  - id: "unclosed\n');
    await expect(createKeyServer(readServerSettings({ CPIXKIT_CONFIG: join(dir, 'broken.yaml') }), {})).rejects.toThrow(
      /broken\.yaml: not valid YAML or JSON/,
    );
    await expect(
      createKeyServer(readServerSettings({ CPIXKIT_CONFIG: join(dir, 'missing.yaml') }), {}),
    ).rejects.toThrow(/cannot read the tenants config/);
  });
});

/** A `keySource: store` tenant in a config file, with a SQLite store in `dataDir` or PostgreSQL. */
async function storeServer(
  dir: string,
  tenant: ReturnType<typeof testTenant>,
  databaseUrl?: string,
  masterKey?: string,
) {
  writeFileSync(join(dir, 'tenants.json'), JSON.stringify(tenantsConfig([tenant])));
  const env = {
    CPIXKIT_CONFIG: join(dir, 'tenants.json'),
    CPIXKIT_DATA_DIR: join(dir, 'data'),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...(masterKey ? { CPIXKIT_MASTER_KEY: masterKey } : {}),
  };
  return createKeyServer(readServerSettings(env), env, { logLevel: false });
}

/** 200 identical SPEKE requests at once over a real socket; the distinct keys per kid. */
async function concurrentKeys(origin: string, token: string): Promise<Map<string, Set<string>>> {
  const answers = await Promise.all(
    Array.from({ length: 200 }, () =>
      fetch(`${origin}/speke/v2.0/copyProtection`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'x-speke-version': '2.0' },
        body: SPEKE_V2_REQUEST,
      }).then(async (response) => {
        const text = await response.text();
        expect(response.status, text).toBe(200);
        return keysOf(text);
      }),
    ),
  );
  const distinct = new Map<string, Set<string>>();
  for (const keys of answers) {
    for (const [kid, key] of keys) distinct.set(kid, (distinct.get(kid) ?? new Set()).add(key));
  }
  return distinct;
}

describe('file modes', () => {
  const modeOf = (path: string) => statSync(path).mode & 0o777;

  it('keeps keys.sqlite, its -wal/-shm files and the master key 0600 in a 0700 directory, whatever the umask and the modes found', async () => {
    const previous = process.umask(0);
    try {
      const dir = tempDir();
      const data = join(dir, 'data');
      mkdirSync(data, { mode: 0o777 });
      writeFileSync(join(data, 'master.key'), `${randomBytes(32).toString('base64')}\n`, { mode: 0o666 });
      const tenant = testTenant('vault', { keySource: 'store' });
      writeFileSync(join(dir, 'tenants.json'), JSON.stringify(tenantsConfig([tenant])), { mode: 0o600 });
      const env = { CPIXKIT_CONFIG: join(dir, 'tenants.json'), CPIXKIT_DATA_DIR: data };
      const server = await createKeyServer(readServerSettings(env), env, { logLevel: false });
      await spekeKeys(server.app, tenant.token);
      expect(modeOf(data)).toBe(0o700);
      for (const name of ['master.key', 'keys.sqlite', 'keys.sqlite-wal', 'keys.sqlite-shm']) {
        expect([name, modeOf(join(data, name))]).toEqual([name, 0o600]);
      }
      await server.app.close();
    } finally {
      process.umask(previous);
    }
  });

  it('refuses a tenants config that group or others may write', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'tenants.json'), JSON.stringify(tenantsConfig([testTenant('loose')])));
    chmodSync(join(dir, 'tenants.json'), 0o666);
    const env = { CPIXKIT_CONFIG: join(dir, 'tenants.json'), CPIXKIT_DATA_DIR: join(dir, 'data') };
    await expect(createKeyServer(readServerSettings(env), env, { logLevel: false })).rejects.toMatchObject({
      code: 'ERR_SERVER_CONFIG',
      message: `the tenants config ${join(dir, 'tenants.json')} is writable by group or others (mode 0666): run chmod 600 on it`,
    });
  });
});

describe('random-key store (keySource: store)', () => {
  it('SQLite: 200 concurrent identical requests get exactly one key per kid, the same after a restart', async () => {
    const dir = tempDir();
    const tenant = testTenant('vault', { keySource: 'store' });
    const first = await storeServer(dir, tenant);
    expect(first.store?.kind).toBe('sqlite');
    const origin = await first.app.listen({ host: '127.0.0.1', port: 0 });
    const distinct = await concurrentKeys(origin, tenant.token);
    expect(distinct.size).toBe(2);
    for (const keys of distinct.values()) expect(keys.size).toBe(1);
    expect((await first.app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({
      status: 'ready',
      store: 'sqlite',
    });
    await first.app.close();

    const db = new DatabaseSync(join(dir, 'data', 'keys.sqlite'), { readOnly: true });
    const rows = db.prepare('SELECT tenant_id, kid, sealed_key FROM cpixkit_content_keys').all() as {
      tenant_id: string;
      kid: string;
      sealed_key: Uint8Array;
    }[];
    db.close();
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      const [key] = distinct.get(row.kid)!;
      expect(Buffer.from(row.sealed_key).includes(Buffer.from(key!, 'base64'))).toBe(false);
    }
    expect(statSync(join(dir, 'data', 'master.key')).mode & 0o777).toBe(0o600);

    const second = await storeServer(dir, tenant);
    const again = await spekeKeys(second.app, tenant.token);
    for (const [kid, key] of again) expect(distinct.get(kid)).toEqual(new Set([key]));
    await second.app.close();
  }, 30_000);

  describe('PostgreSQL', () => {
    let postgres: LocalPostgres;
    beforeAll(async () => {
      postgres = await startLocalPostgres();
    }, 60_000);
    afterAll(() => postgres?.stop());

    it('200 concurrent identical requests get exactly one key per kid, shared by two instances', async () => {
      const dir = tempDir();
      const tenant = testTenant('vault', { keySource: 'store' });
      const masterKey = randomBytes(32).toString('hex');
      writeFileSync(join(dir, 'tenants.json'), JSON.stringify(tenantsConfig([tenant])));
      const env = {
        CPIXKIT_CONFIG: join(dir, 'tenants.json'),
        CPIXKIT_DATA_DIR: join(dir, 'data'),
        DATABASE_URL: postgres.url,
        CPIXKIT_MASTER_KEY: masterKey,
      };
      const a = await createKeyServer(readServerSettings(env), env, { logLevel: false });
      const b = await createKeyServer(readServerSettings(env), env, { logLevel: false });
      expect(a.store?.kind).toBe('postgres');
      const originA = await a.app.listen({ host: '127.0.0.1', port: 0 });
      const originB = await b.app.listen({ host: '127.0.0.1', port: 0 });
      const [fromA, fromB] = await Promise.all([
        concurrentKeys(originA, tenant.token),
        concurrentKeys(originB, tenant.token),
      ]);
      for (const [kid, keys] of fromA) {
        expect(keys.size).toBe(1);
        expect(fromB.get(kid)).toEqual(keys);
      }
      expect((await a.app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({
        status: 'ready',
        store: 'postgres',
      });
      await a.app.close();
      await b.app.close();
    }, 60_000);
  });

  it('refuses to start on PostgreSQL without CPIXKIT_MASTER_KEY (instances must share it)', async () => {
    await expect(
      storeServer(tempDir(), testTenant('vault', { keySource: 'store' }), 'postgres://db/keys'),
    ).rejects.toThrow(/DATABASE_URL needs CPIXKIT_MASTER_KEY/);
  });

  it('answers 503 with Retry-After when the store is unreachable, and /readyz says so', async () => {
    const dir = tempDir();
    const tenant = testTenant('vault', { keySource: 'store' });
    const server = await storeServer(
      dir,
      tenant,
      'postgres://nobody@127.0.0.1:1/keys',
      randomBytes(32).toString('hex'),
    );
    const response = await server.app.inject({
      method: 'POST',
      url: '/speke/v2.0/copyProtection',
      headers: { authorization: `Bearer ${tenant.token}`, 'x-speke-version': '2.0' },
      payload: SPEKE_V2_REQUEST,
    });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.body).toMatch(/^ERR_KEY_SERVICE_STORE_UNAVAILABLE: /);
    const ready = await server.app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    expect(ready.headers['retry-after']).toBe('5');
    await server.app.close();
  });
});

describe('TLS', () => {
  it('serves HTTPS when TLS_CERT and TLS_KEY are given', async () => {
    const dir = tempDir();
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const env = { CPIXKIT_DATA_DIR: join(dir, 'data'), TLS_CERT: join(dir, 'cert.pem'), TLS_KEY: join(dir, 'key.pem') };
    const { app } = await createKeyServer(readServerSettings(env), env, { logLevel: false });
    const origin = await app.listen({ host: '127.0.0.1', port: 0 });
    expect(origin).toMatch(/^https:/);
    const body = await new Promise<string>((resolve, reject) => {
      httpsGet(`${origin}/healthz`, { ca: readFileSync(join(dir, 'cert.pem')) }, (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve(text));
      }).on('error', reject);
    });
    expect(JSON.parse(body)).toEqual({ status: 'ok' });
    await app.close();
  }, 30_000);

  it('names an unreadable certificate', async () => {
    const env = {
      CPIXKIT_DATA_DIR: join(tempDir(), 'data'),
      TLS_CERT: '/nonexistent/cert.pem',
      TLS_KEY: '/nonexistent/key.pem',
    };
    await expect(createKeyServer(readServerSettings(env), env)).rejects.toThrow(
      /cannot read TLS_CERT \/nonexistent\/cert\.pem/,
    );
  });
});

describe('graceful shutdown', () => {
  it('finishes a request in flight, then closes', async () => {
    const env = { CPIXKIT_DATA_DIR: join(tempDir(), 'data'), CPIXKIT_DEV_TOKEN: DEV_TOKEN };
    const { app } = await createKeyServer(readServerSettings(env), env, { logLevel: false });
    let headersReceived!: () => void;
    const received = new Promise<void>((resolve) => (headersReceived = resolve));
    app.addHook('onRequest', async () => headersReceived());
    const origin = new URL(await app.listen({ host: '127.0.0.1', port: 0 }));
    const body = Buffer.from(SPEKE_V2_REQUEST);
    const request = httpRequest({
      host: origin.hostname,
      port: origin.port,
      method: 'POST',
      path: '/speke/v2.0/copyProtection',
      headers: { authorization: `Bearer ${DEV_TOKEN}`, 'x-speke-version': '2.0', 'content-length': body.length },
    });
    const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
      request.on('response', (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      });
      request.on('error', reject);
    });
    // Half the body: the request is in flight (routed, body still arriving) when close() starts.
    request.write(body.subarray(0, 100));
    await received;
    const closed = app.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    request.end(body.subarray(100));
    const { status, text } = await answered;
    expect(status, text).toBe(200);
    expect(keysOf(text).size).toBe(2);
    await closed;
    await expect(fetch(`${origin.origin}/healthz`)).rejects.toThrow();
  }, 30_000);
});

describe('the built server process (pnpm start)', () => {
  const main = new URL('../dist/main.js', import.meta.url).pathname;

  function start(env: Record<string, string>) {
    if (!existsSync(main))
      throw new Error('apps/server/dist/main.js is missing: run `pnpm build` first (pnpm test does)');
    const child = spawn(process.execPath, [main], {
      env: { PATH: process.env.PATH ?? '', PORT: '0', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const listening = new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no banner: ${stdout} ${stderr}`)), 15_000);
      child.stdout.on('data', () => {
        const match = /listening on (http:\/\/[^\s]+)/.exec(stdout);
        if (match && stdout.includes('tenants:')) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      void exited.then((code) => reject(new Error(`exited with ${code}: ${stderr}`)));
    });
    return { child, listening, exited, output: () => ({ stdout, stderr }) };
  }

  it('creates the dev tenant, prints the token once, keeps keys across restarts and exits cleanly on SIGTERM', async () => {
    const dataDir = join(tempDir(), 'data');
    const first = start({ CPIXKIT_DATA_DIR: dataDir });
    const origin = await first.listening;
    const token = /token is shown this once[^\n]*\n\s+(\S+)/.exec(first.output().stdout)?.[1];
    expect(token).toBeDefined();
    const ask = async (at: string) => {
      const response = await fetch(`${at}/speke/v2.0/copyProtection`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'x-speke-version': '2.0', 'content-type': 'text/xml' },
        body: SPEKE_V2_REQUEST,
      });
      expect(response.status).toBe(200);
      return keysOf(await response.text());
    };
    const keys = await ask(origin);
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    // Log lines are written asynchronously: the request's one line is out by the time the process exits.
    const records = first
      .output()
      .stdout.split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg: string; route?: string; status?: number });
    expect(records.filter((record) => record.msg === 'request answered')).toMatchObject([
      { route: '/speke/v2.0/copyProtection', status: 200 },
    ]);
    expect(records.at(-1)?.msg).toBe('shutting down: finishing in-flight requests');
    // The token went to stdout once, never into the log lines.
    expect(first.output().stdout.split(token!).length - 1).toBe(1);
    for (const line of first
      .output()
      .stdout.split('\n')
      .filter((l) => l.startsWith('{'))) {
      expect(line).not.toContain(token);
    }

    const second = start({ CPIXKIT_DATA_DIR: dataDir });
    const secondOrigin = await second.listening;
    expect(second.output().stdout).not.toContain(token);
    expect(second.output().stdout).not.toMatch(/shown this once/);
    expect(await ask(secondOrigin)).toEqual(keys);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  }, 40_000);

  it('loads a store driver only when a store is needed (store keys or ClearKey), and only that one', async () => {
    // Preloaded into the child: on exit, names the store drivers that Node loaded (pg, node:sqlite).
    const dir = tempDir();
    const probe = join(dir, 'driver-probe.cjs');
    writeFileSync(
      probe,
      `process.on('exit', () => {
  const loaded = new Set();
  for (const file of Object.keys(require('node:module')._cache)) {
    const match = /node_modules\\/(pg)\\//.exec(file);
    if (match) loaded.add(match[1]);
  }
  if (process.moduleLoadList.includes('NativeModule sqlite')) loaded.add('node:sqlite');
  process.stderr.write('store drivers loaded: ' + JSON.stringify([...loaded].sort()) + '\\n');
});
`,
    );
    async function driversLoaded(env: Record<string, string>): Promise<string> {
      const server = start({ ...env, NODE_OPTIONS: `--require ${probe}` });
      await server.listening;
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      return /store drivers loaded: (.*)\n/.exec(server.output().stderr)?.[1] ?? server.output().stderr;
    }

    writeFileSync(join(dir, 'seed.json'), JSON.stringify(tenantsConfig([testTenant('plain')])));
    expect(await driversLoaded({ CPIXKIT_CONFIG: join(dir, 'seed.json'), CPIXKIT_DATA_DIR: join(dir, 'seed') })).toBe(
      '[]',
    );
    // The development tenant enables ClearKey, whose keys are kept in the store.
    expect(await driversLoaded({ CPIXKIT_DATA_DIR: join(dir, 'dev') })).toBe('["node:sqlite"]');
    writeFileSync(
      join(dir, 'tenants.json'),
      JSON.stringify(tenantsConfig([testTenant('vault', { keySource: 'store' })])),
    );
    expect(
      await driversLoaded({ CPIXKIT_CONFIG: join(dir, 'tenants.json'), CPIXKIT_DATA_DIR: join(dir, 'store') }),
    ).toBe('["node:sqlite"]');
  }, 40_000);

  it('exits non-zero with a one-line reason for a bad setting', async () => {
    const bad = start({ CPIXKIT_DATA_DIR: join(tempDir(), 'data'), TLS_CERT: 'only-cert.pem' });
    await expect(bad.listening).rejects.toThrow();
    expect(await bad.exited).toBe(1);
    expect(bad.output().stderr).toMatch(/^cpixkit server: TLS_CERT and TLS_KEY must be set together\n$/);
  }, 30_000);
});
