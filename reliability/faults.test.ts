import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCpix } from '@cpixkit/cpix-model';
import { afterAll, describe, expect, it } from 'vitest';
import { checkAnswer, refusalCode, Tally } from './support/answers.js';
import { type HttpAnswer, keepAlivePool, mapConcurrently, send } from './support/http.js';
import { baseRequests, dialectRequest, oneKeySpekeV2 } from './support/requests.js';
import { expectNoSecretsInLogs } from './support/log-audit.js';
import { runDir } from './support/run-dir.js';
import { SecretLedger } from './support/secrets.js';
import { ServerProcess } from './support/server-process.js';
import { testTenant, writeTenantsConfig } from './support/tenants.js';

/** How a client sees a connection the server closed or refused (not an answer). */
const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED']);
/** Clients sending without pause during the SIGTERM test. */
const LOAD_WORKERS = 16;
/** Distinct kids of the kill -9 burst (and a quarter as many PallyCon content ids); each is asked for twice at once. */
const BURST_KIDS = 400;

const ledger = new SecretLedger(runDir(), 'faults');
const dirs: string[] = [];
const started: ServerProcess[] = [];

afterAll(async () => {
  for (const server of started) if (server.running) await server.stop('SIGKILL');
  expectNoSecretsInLogs(ledger);
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `cpixkit-${name}-`));
  dirs.push(dir);
  return dir;
}

async function start(options: Parameters<typeof ServerProcess.start>[0]): Promise<ServerProcess> {
  const server = await ServerProcess.start(options);
  started.push(server);
  return server;
}

function errorCode(error: unknown): string {
  return (error as { code?: string } | undefined)?.code ?? String(error);
}

/** The keys of a CPIX answer, by kid (base64); every one goes into the ledger. */
function keysOf(answer: HttpAnswer): Map<string, string> {
  const keys = new Map<string, string>();
  for (const key of parseCpix(answer.body).document.contentKeyList?.contentKeys ?? []) {
    const value = key.data?.secret?.plainValue;
    if (value === undefined) continue;
    ledger.add('content key', value);
    keys.set(key.kid, Buffer.from(value).toString('base64'));
  }
  return keys;
}

/** A master key for the store, recorded in the ledger. */
function masterKey(): string {
  const key = randomBytes(32);
  ledger.add('master key', key.toString('hex'));
  ledger.add('master key', new Uint8Array(key));
  return key.toString('hex');
}

describe('faults', () => {
  it('SIGTERM under load: answers every accepted request, refuses new ones, exits 0', async () => {
    const dir = tempDir('sigterm');
    const tenant = testTenant('busy');
    const config = writeTenantsConfig(dir, [tenant], ledger);
    const server = await start({ name: 'sigterm', runDir: runDir(), config, dataDir: join(dir, 'data') });
    const pool = keepAlivePool(server.origin, LOAD_WORKERS);
    const received = new Tally();
    const errorsBeforeSignal: string[] = [];
    const problems: string[] = [];
    let signalledAt = 0;
    let stopped = false;
    let received503 = 0;

    async function worker(): Promise<void> {
      while (!stopped) {
        const kid = randomUUID();
        const sentAt = performance.now();
        try {
          const answer = await send(pool, dialectRequest('speke-v2', tenant.token, oneKeySpekeV2(kid, 'sigterm')));
          const problem = answer.status === 503 ? undefined : checkAnswer(answer, ledger);
          if (problem !== undefined) problems.push(problem);
          if (answer.status === 200) keysOf(answer);
          if (answer.status === 503) received503 += 1;
          received.add(answer.status === 503 ? `503 ${refusalCode(answer)}` : String(answer.status));
        } catch (error) {
          const code = errorCode(error);
          received.add(`error ${code}`);
          if (signalledAt === 0 || sentAt < signalledAt - 1) errorsBeforeSignal.push(code);
          if (!CONNECTION_ERRORS.has(code)) problems.push(`unexpected client error ${code}`);
          // The listener is gone: nothing more will be accepted.
          if (code === 'ECONNREFUSED') return;
        }
      }
    }

    const workers = Array.from({ length: LOAD_WORKERS }, worker);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    const answeredBeforeSignal = received.get('200');
    signalledAt = performance.now();
    server.signal('SIGTERM');
    const exit = await server.exited;
    const shutdownMs = performance.now() - signalledAt;
    stopped = true;
    await Promise.all(workers);
    // After the exit, a new connection is refused.
    const late = await send(pool, dialectRequest('speke-v2', tenant.token, oneKeySpekeV2(randomUUID(), 'late'))).then(
      (answer) => `status ${answer.status}`,
      (error: unknown) => errorCode(error),
    );
    await pool.destroy();

    // Every request the server accepted wrote one "request answered" line: the client must have
    // received exactly as many 200s as the server finished.
    const logged = server
      .logRecords()
      .filter((record) => record.msg === 'request answered' && record.route === '/speke/v2.0/copyProtection');
    const logged200 = logged.filter((record) => record.status === 200).length;
    const logged503 = logged.filter((record) => record.status === 503).length;
    console.log(
      `[reliability] SIGTERM under load (${LOAD_WORKERS} clients): ${answeredBeforeSignal} answered before the signal, exit ${exit.code ?? exit.signal} after ${shutdownMs.toFixed(0)} ms; client saw: ${received}; server logged ${logged200} × 200, ${logged503} × 503; a request after the exit: ${late}`,
    );
    expect(problems).toEqual([]);
    expect(errorsBeforeSignal, 'no connection errors before the signal').toEqual([]);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(shutdownMs).toBeLessThan(10_000);
    expect(answeredBeforeSignal).toBeGreaterThan(0);
    expect(received.get('200'), 'every 200 the server finished reached its client').toBe(logged200);
    expect(received503, 'every 503 the server sent reached its client').toBe(logged503);
    expect(late).toBe('ECONNREFUSED');
    expect(server.output).toContain('shutting down: finishing in-flight requests');
  });

  it('kill -9 during a burst of key creation (SQLite store): every answered key survives unchanged, no kid or content id ever gets two keys', async () => {
    const dir = tempDir('kill9');
    const tenant = testTenant('stored', { keySource: 'store' });
    const config = writeTenantsConfig(dir, [tenant], ledger);
    const options = { runDir: runDir(), config, dataDir: join(dir, 'data'), env: { CPIXKIT_MASTER_KEY: masterKey() } };
    const first = await start({ ...options, name: 'kill9-first' });
    const pool = keepAlivePool(first.origin, 32);
    // SPEKE asks for the packager's kids; PallyCon for a content id, the server choosing the kids.
    type Burst = { dialect: 'speke-v2'; kid: string } | { dialect: 'pallycon-v2'; contentId: string };
    const pallycon = baseRequests().find((base) => base.name.startsWith('PallyCon v1 (DASH VOD'))!.body;
    const bodyOf = (entry: Burst) =>
      entry.dialect === 'speke-v2'
        ? oneKeySpekeV2(entry.kid, 'burst')
        : pallycon.replace('id="your-content-id"', `id="${entry.contentId}"`);
    const nameOf = (entry: Burst) => (entry.dialect === 'speke-v2' ? `kid ${entry.kid}` : `content ${entry.contentId}`);
    // Each kid and content id twice, the two requests side by side, so that concurrent first requests race.
    const requests: Burst[] = Array.from({ length: BURST_KIDS }, (_, index): Burst[] => {
      const kid: Burst = { dialect: 'speke-v2', kid: randomUUID() };
      const content: Burst = { dialect: 'pallycon-v2', contentId: `burst-${index}-${randomUUID()}` };
      return index % 4 === 0 ? [kid, kid, content, content] : [kid, kid];
    }).flat();
    /** Answers by kid or content id: the keys of each answer, by kid, as one sorted text. */
    const answered = new Map<string, { entry: Burst; keys: string[] }>();
    let answers = 0;
    let failed = 0;
    let killedAfter = -1;
    const keysText = (answer: HttpAnswer) => JSON.stringify([...keysOf(answer).entries()].sort());
    await mapConcurrently(requests, 32, async (entry) => {
      try {
        const answer = await send(pool, dialectRequest(entry.dialect, tenant.token, bodyOf(entry)));
        expect(checkAnswer(answer, ledger)).toBeUndefined();
        expect(answer.status).toBe(200);
        const keys = keysText(answer);
        expect(keys).not.toBe('[]');
        const seen = answered.get(nameOf(entry));
        if (seen) seen.keys.push(keys);
        else answered.set(nameOf(entry), { entry, keys: [keys] });
        answers += 1;
        if (answers === Math.floor(requests.length / 3)) {
          killedAfter = answers;
          first.signal('SIGKILL');
        }
      } catch (error) {
        if (!CONNECTION_ERRORS.has(errorCode(error))) throw error;
        failed += 1;
      }
    });
    await pool.destroy();
    const exit = await first.exited;
    expect(exit.signal).toBe('SIGKILL');

    const second = await start({ ...options, name: 'kill9-second' });
    const again = keepAlivePool(second.origin, 8);
    const changed: string[] = [];
    const twoKeys = [...answered.entries()].filter(([, { keys }]) => new Set(keys).size > 1).map(([name]) => name);
    await mapConcurrently([...answered.entries()], 8, async ([name, { entry, keys }]) => {
      const answer = await send(again, dialectRequest(entry.dialect, tenant.token, bodyOf(entry)));
      expect(answer.status).toBe(200);
      if (keysText(answer) !== keys[0]) changed.push(name);
    });
    await again.close();
    expect((await second.stop()).code).toBe(0);
    const contents = [...answered.values()].filter(({ entry }) => entry.dialect === 'pallycon-v2').length;
    console.log(
      `[reliability] kill -9 (SQLite store): killed after ${killedAfter} answers of ${requests.length} requests (each kid or content id asked twice at once); ${answered.size - contents} kids and ${contents} PallyCon content ids answered, ${failed} requests cut off; after restart ${changed.length} changed, ${twoKeys.length} with two keys`,
    );
    expect(killedAfter).toBeGreaterThan(0);
    expect(failed, 'the kill cut requests off').toBeGreaterThan(0);
    expect(contents).toBeGreaterThan(0);
    expect(twoKeys).toEqual([]);
    expect(changed).toEqual([]);
  });

  it('a PostgreSQL store on a closed port: 503 with Retry-After on key requests and /readyz; seed tenants still answered', async () => {
    // A port that was free a moment ago and has nothing listening on it.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer();
      probe.listen(0, '127.0.0.1', () => {
        const address = probe.address();
        probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const dir = tempDir('nostore');
    const stored = testTenant('stored', { keySource: 'store' });
    const seeded = testTenant('seeded');
    const config = writeTenantsConfig(dir, [stored, seeded], ledger);
    const password = randomBytes(12).toString('hex');
    ledger.add('database password', password);
    const server = await start({
      name: 'nostore',
      runDir: runDir(),
      config,
      dataDir: join(dir, 'data'),
      env: {
        DATABASE_URL: `postgres://cpixkit:${password}@127.0.0.1:${port}/cpixkit`,
        CPIXKIT_MASTER_KEY: masterKey(),
      },
    });
    const pool = keepAlivePool(server.origin, 4);
    const lines: string[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      const answer = await send(pool, dialectRequest('speke-v2', stored.token, oneKeySpekeV2(randomUUID(), 'nostore')));
      lines.push(
        `${answer.status} ${refusalCode(answer)} retry-after ${String(answer.headers['retry-after'])} in ${answer.ms.toFixed(0)} ms`,
      );
      expect(answer.status).toBe(503);
      expect(refusalCode(answer)).toMatch(/^ERR_[A-Z_]+_STORE_UNAVAILABLE$/);
      expect(answer.headers['x-cpixkit-error']).toBe(refusalCode(answer));
      expect(answer.headers['retry-after']).toMatch(/^\d+$/);
      expect(answer.ms).toBeLessThan(10_000);
    }
    const ready = await send(pool, { method: 'GET', path: '/readyz' });
    expect(ready.status).toBe(503);
    expect(ready.headers['retry-after']).toMatch(/^\d+$/);
    const seededAnswer = await send(
      pool,
      dialectRequest('speke-v2', seeded.token, oneKeySpekeV2(randomUUID(), 'seeded')),
    );
    expect(seededAnswer.status, 'a key-seed tenant needs no store').toBe(200);
    keysOf(seededAnswer);
    await pool.close();
    expect((await server.stop()).code).toBe(0);
    expect(server.output).not.toContain(password);
    console.log(`[reliability] unreachable PostgreSQL store: ${lines.join('; ')}; /readyz ${ready.status}`);
  });

  it('a SQLite store that stays locked by another process: 503 with Retry-After once the busy timeout passes, answered again once released', async () => {
    // Running as root, file modes do not make the file unreadable; an exclusive write lock held
    // by another connection makes the store unusable the way a stuck writer would.
    const dir = tempDir('locked');
    const tenant = testTenant('stored', { keySource: 'store' });
    const config = writeTenantsConfig(dir, [tenant], ledger);
    const server = await start({
      name: 'locked',
      runDir: runDir(),
      config,
      dataDir: join(dir, 'data'),
      env: { CPIXKIT_MASTER_KEY: masterKey() },
    });
    const pool = keepAlivePool(server.origin, 2);
    const before = await send(pool, dialectRequest('speke-v2', tenant.token, oneKeySpekeV2(randomUUID(), 'locked')));
    expect(before.status).toBe(200);
    keysOf(before);
    const locker = new DatabaseSync(join(dir, 'data', 'keys.sqlite'));
    locker.exec('BEGIN EXCLUSIVE');
    const kid = randomUUID();
    const locked = await send(pool, dialectRequest('speke-v2', tenant.token, oneKeySpekeV2(kid, 'locked')));
    locker.exec('ROLLBACK');
    locker.close();
    expect(locked.status).toBe(503);
    expect(refusalCode(locked)).toMatch(/^ERR_[A-Z_]+_STORE_UNAVAILABLE$/);
    expect(locked.headers['retry-after']).toMatch(/^\d+$/);
    const after = await send(pool, dialectRequest('speke-v2', tenant.token, oneKeySpekeV2(kid, 'locked')));
    expect(after.status).toBe(200);
    keysOf(after);
    await pool.close();
    expect((await server.stop()).code).toBe(0);
    console.log(
      `[reliability] locked SQLite store: ${locked.status} ${refusalCode(locked)} retry-after ${String(locked.headers['retry-after'])} after ${locked.ms.toFixed(0)} ms; ${after.status} once released`,
    );
  });
});
