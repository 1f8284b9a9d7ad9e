import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAnswer } from './support/answers.js';
import { keepAlivePool, send } from './support/http.js';
import { dialectRequest } from './support/requests.js';
import { expectNoSecretsInLogs } from './support/log-audit.js';
import { runDir } from './support/run-dir.js';
import { SecretLedger } from './support/secrets.js';
import { mb, ServerProcess } from './support/server-process.js';
import { testTenant, writeTenantsConfig } from './support/tenants.js';
import { validSpekeV2 } from './support/xml-attacks.js';

/** Requests per second, all connections together (`RELIABILITY_LOAD_RATE`); well under the machine's capacity. */
const RATE = Number(process.env.RELIABILITY_LOAD_RATE ?? 200);
/** Seconds of load (`RELIABILITY_LOAD_SECONDS`). */
const SECONDS = Number(process.env.RELIABILITY_LOAD_SECONDS ?? 10);
const CONNECTIONS = 10;
/** Loose bound on RSS growth over the run: the heap settles after warm-up; a per-request leak of the 10 kB answers would pass it. */
const MAX_RSS_GROWTH = 64 * 1024 * 1024;

const ledger = new SecretLedger(runDir(), 'load');
const tenant = testTenant('loaded');
const dir = mkdtempSync(join(tmpdir(), 'cpixkit-load-'));
let server: ServerProcess;

beforeAll(async () => {
  const config = writeTenantsConfig(dir, [tenant], ledger);
  server = await ServerProcess.start({ name: 'load', runDir: runDir(), config, dataDir: join(dir, 'data') });
});

afterAll(async () => {
  if (server) expect((await server.stop()).code).toBe(0);
  expectNoSecretsInLogs(ledger);
  rmSync(dir, { recursive: true, force: true });
});

describe('load', () => {
  it(`answers a SPEKE v2 request at ${RATE} requests/s for ${SECONDS} s without errors, with flat memory`, async () => {
    const request = dialectRequest('speke-v2', tenant.token, validSpekeV2());
    // The request is answerable (a 200 with a CPIX document), so the load measures real answers.
    const pool = keepAlivePool(server.origin, 1);
    const control = await send(pool, request);
    expect(control.status).toBe(200);
    expect(checkAnswer(control, ledger)).toBeUndefined();
    await pool.close();

    const rssStart = server.rssBytes();
    const result = await autocannon({
      url: `${server.origin}${request.path}`,
      method: 'POST',
      headers: request.headers,
      body: request.body as string,
      connections: CONNECTIONS,
      overallRate: RATE,
      duration: SECONDS,
      timeout: 10,
    });
    const rssEnd = server.rssBytes();
    const statuses = Object.entries(result.statusCodeStats ?? {})
      .map(([status, { count }]) => `${status} × ${count}`)
      .join(', ');
    console.log(
      [
        `[reliability] load: SPEKE v2 (1 key, Widevine) at ${RATE} requests/s over ${CONNECTIONS} connections for ${SECONDS} s: ${result.requests.total} requests (${result.requests.average} /s average), ${statuses}`,
        `  latency p50 ${result.latency.p50} ms, p90 ${result.latency.p90} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`,
        `  errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx}; server RSS ${mb(rssStart)} at start, ${mb(rssEnd)} at end (${mb(rssEnd - rssStart)} growth)`,
      ].join('\n'),
    );
    expect(result.errors).toBe(0);
    expect(result.timeouts).toBe(0);
    expect(result.non2xx).toBe(0);
    // Loose: the machine is shared; at a fixed rate the total only falls short when the server lags.
    expect(result.requests.total).toBeGreaterThan(RATE * SECONDS * 0.7);
    expect(rssEnd - rssStart).toBeLessThan(MAX_RSS_GROWTH);
    expect((await fetch(`${server.origin}/healthz`)).status).toBe(200);
  }, 60_000);
});
