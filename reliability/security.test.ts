import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseCpix } from '@cpixkit/cpix-model';
import type { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDocument } from '../tooling/src/fixtures.js';
import { checkAnswer, refusalCode } from './support/answers.js';
import { type HttpAnswer, type HttpExchange, keepAlivePool, rawRequest, send } from './support/http.js';
import { expectNoSecretsInLogs } from './support/log-audit.js';
import { dialectRequest } from './support/requests.js';
import { runDir } from './support/run-dir.js';
import { SecretLedger } from './support/secrets.js';
import { mb, ServerProcess, type ServerProcessOptions } from './support/server-process.js';
import { healthzStallDuring } from './support/stall.js';
import { type TestTenant, testTenant, writeTenantsConfig } from './support/tenants.js';

const WIDEVINE = 'edef8ba9-79d6-4ace-a3c8-27dcd51d21ed';
const PLAYREADY = '9a04f079-9840-4286-ab92-e65be0885f95';
const FAIRPLAY = '94ce86fb-07ff-4f43-adb8-93d2fa968ca2';
const AES128 = '81376844-f976-481e-a84e-cc25d39b0b33';
const KID = '0f6e9a1c-52b4-4c1e-9d3f-7a8b6c5d4e3f';
/**
 * Most CPU time the server may spend on the worst single request: its one thread, hence the
 * longest it can keep the event loop from anything else. The target is about 100 ms; the figure
 * includes GC threads and the /healthz probes, comes in 10 ms ticks and grows with cache
 * contention on a loaded machine, hence the margin (measured: 20–50 ms for the largest answer,
 * 70–130 ms for 0.8 MB of namespace-dense XML).
 */
const REQUEST_CPU_LIMIT_MS = 150;
/**
 * Longest `/healthz` answer accepted meanwhile. Wall-clock time, which other processes on a
 * shared machine stretch several times over: a bound for gross stalls (the old 4.4 s), the CPU
 * time above is the precise one.
 */
const STALL_LIMIT_MS = 1_000;

/**
 * Runs `work` against `server` three times, measuring the server's CPU time for each and the
 * slowest `/healthz` meanwhile. The CPU time reported is the least of the three: other processes
 * on the machine only ever add to it (cache misses, a shared core), never take from it.
 */
async function measured<T>(
  server: ServerProcess,
  work: () => Promise<T>,
): Promise<{ result: T; cpuMs: number; stallMs: number; samples: number }> {
  let best: { result: T; cpuMs: number } | undefined;
  let stallMs = 0;
  let samples = 0;
  for (let run = 0; run < 3; run += 1) {
    const cpuBefore = server.cpuMs();
    const { result, stall } = await healthzStallDuring(server.origin, work);
    // The /healthz probes cost a little CPU too: counted, so the figure is conservative.
    const cpuMs = server.cpuMs() - cpuBefore;
    if (best === undefined || cpuMs < best.cpuMs) best = { result, cpuMs };
    stallMs = Math.max(stallMs, stall.maxMs);
    samples += stall.samples;
  }
  return { result: best!.result, cpuMs: best!.cpuMs, stallMs, samples };
}

const ledger = new SecretLedger(runDir(), 'security');
const dir = mkdtempSync(join(tmpdir(), 'cpixkit-security-'));
const servers: ServerProcess[] = [];

afterAll(async () => {
  for (const server of servers) if (server.running) expect((await server.stop()).code).toBe(0);
  expectNoSecretsInLogs(ledger);
  rmSync(dir, { recursive: true, force: true });
});

/** Starts a server for these tenants (config file and data directory of its own). */
async function start(
  name: string,
  tenants: readonly TestTenant[],
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const home = mkdtempSync(join(dir, `${name}-`));
  const config = writeTenantsConfig(home, tenants, ledger);
  return startWith({ name, runDir: runDir(), config, dataDir: join(home, 'data'), env });
}

async function startWith(options: ServerProcessOptions): Promise<ServerProcess> {
  const server = await ServerProcess.start(options);
  servers.push(server);
  return server;
}

/** Sends a request and checks that what came back is a CPIX document or a one-line 4xx. */
async function exchange(pool: Pool, request: HttpExchange): Promise<HttpAnswer> {
  const answer = await send(pool, request);
  expect(checkAnswer(answer, ledger), `${request.method} ${request.path}`).toBeUndefined();
  return answer;
}

/** A SPEKE v2 request: one cbcs key per kid, each with the given DRM systems (their default signalling) and a video rule. */
function spekeV2(contentId: string, kids: readonly string[], systems: readonly string[], signaling = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<cpix:CPIX contentId="${contentId}" version="2.3" xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc">
<cpix:ContentKeyList>${kids.map((kid) => `<cpix:ContentKey kid="${kid}" commonEncryptionScheme="cbcs"/>`).join('')}</cpix:ContentKeyList>
<cpix:DRMSystemList>${kids.flatMap((kid) => systems.map((system) => `<cpix:DRMSystem kid="${kid}" systemId="${system}">${signaling}</cpix:DRMSystem>`)).join('')}</cpix:DRMSystemList>
<cpix:ContentKeyUsageRuleList>${kids.map((kid) => `<cpix:ContentKeyUsageRule kid="${kid}" intendedTrackType="VIDEO"><cpix:VideoFilter/></cpix:ContentKeyUsageRule>`).join('')}</cpix:ContentKeyUsageRuleList>
</cpix:CPIX>`;
}

function kidNumber(index: number): string {
  return `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`;
}

/** The PallyCon DASH VOD sample with its content id made `contentId`. */
function pallyConWithContentId(contentId: string): string {
  return seedDocument('pallyConDashVodRequest').replace(/(<cpix:CPIX[^>]*?\bid=")[^"]*"/, `$1${contentId}"`);
}

/** The HLS AES-128 key URL (path and query) of `kid` in a 200 answer, and its content key. */
function keyUrlOf(answer: HttpAnswer, kid: string): { path: string; key: Buffer } {
  expect(answer.status, answer.body.toString('utf8').slice(0, 200)).toBe(200);
  const { document } = parseCpix(answer.body);
  const system = document.drmSystemList!.drmSystems.find(
    (entry) => entry.kid === kid && entry.systemId.toLowerCase() === AES128,
  );
  const key = document.contentKeyList!.contentKeys.find((entry) => entry.kid === kid)!.data!.secret!.plainValue!;
  const url = new URL(Buffer.from(system!.uriExtXKey!).toString('utf8'));
  return { path: `${url.pathname}${url.search}`, key: Buffer.from(key) };
}

describe('1. the work of one answer is bounded', () => {
  const acme = testTenant('acme', {
    settings: { widevine: { contentId: 'cpix-id' }, fairPlay: { uriForm: 'content-id' } },
  });
  let server: ServerProcess;
  let pool: Pool;

  beforeAll(async () => {
    server = await start('bounds', [acme]);
    pool = keepAlivePool(server.origin, 2);
  });
  afterAll(() => pool?.close());

  it('refuses a PallyCon request with a 1 MB content id quickly, without stalling /healthz or growing the process', async () => {
    const rssBefore = server.rssBytes();
    const body = pallyConWithContentId('c'.repeat(1_000_000));
    const send1 = () => exchange(pool, dialectRequest('pallycon-v2', acme.token, body));
    await send1();
    const { result: answer, cpuMs, stallMs, samples } = await measured(server, send1);
    const rssAfter = server.rssBytes();
    console.log(
      `[reliability] 1 MB PallyCon content id: ${answer.status} ${refusalCode(answer)} in ${answer.ms.toFixed(0)} ms, ${answer.body.length} bytes; ` +
        `server CPU ${cpuMs} ms (least of 3); slowest /healthz ${stallMs.toFixed(0)} ms over ${samples}; RSS ${mb(rssBefore)} → ${mb(rssAfter)}`,
    );
    expect([413, 422]).toContain(answer.status);
    expect(answer.body.length).toBeLessThan(1_000);
    expect(cpuMs).toBeLessThan(REQUEST_CPU_LIMIT_MS);
    expect(stallMs).toBeLessThan(STALL_LIMIT_MS);
    expect(rssAfter - rssBefore).toBeLessThan(64 * 1024 * 1024);
  });

  it('answers the largest request the defaults allow (64 keys × Widevine, PlayReady, FairPlay, every slot) without stalling /healthz', async () => {
    const kids = Array.from({ length: 64 }, (_, index) => kidNumber(index + 1));
    const body = spekeV2(`movie-${'x'.repeat(250)}`, kids, [WIDEVINE, PLAYREADY, FAIRPLAY]);
    // A server answers such requests warm: the first two compile the code paths.
    for (let warmUp = 0; warmUp < 2; warmUp += 1)
      expect((await exchange(pool, dialectRequest('speke-v2', acme.token, body))).status).toBe(200);
    const {
      result: answer,
      cpuMs,
      stallMs,
      samples,
    } = await measured(server, () => exchange(pool, dialectRequest('speke-v2', acme.token, body)));
    console.log(
      `[reliability] 64 keys × 3 systems: ${answer.status} in ${answer.ms.toFixed(0)} ms, answer ${mb(answer.body.length)}; server CPU ${cpuMs} ms (least of 3); slowest /healthz ${stallMs.toFixed(0)} ms over ${samples}`,
    );
    expect(answer.status, answer.body.toString('utf8').slice(0, 200)).toBe(200);
    expect(cpuMs).toBeLessThan(REQUEST_CPU_LIMIT_MS);
    expect(stallMs).toBeLessThan(STALL_LIMIT_MS);
  });

  it("refuses, before signalling, an answer larger than the tenant's maxAnswerBytes", async () => {
    const small = testTenant('small', { settings: { maxAnswerBytes: 65_536 } });
    const limited = await start('answer-bytes', [small]);
    const limitedPool = keepAlivePool(limited.origin, 1);
    try {
      const kids = Array.from({ length: 64 }, (_, index) => kidNumber(index + 1));
      const answer = await exchange(
        limitedPool,
        dialectRequest('speke-v2', small.token, spekeV2('movie', kids, [WIDEVINE, PLAYREADY, FAIRPLAY])),
      );
      expect([answer.status, refusalCode(answer)]).toEqual([413, 'ERR_KEY_SERVICE_ANSWER_TOO_LARGE']);
      const one = await exchange(
        limitedPool,
        dialectRequest('speke-v2', small.token, spekeV2('movie', [KID], [WIDEVINE, PLAYREADY, FAIRPLAY])),
      );
      expect(one.status).toBe(200);
    } finally {
      await limitedPool.close();
      await limited.stop();
    }
  });
});

describe('3. DRM keys are never handed out over the clear-key URL', () => {
  const acme = testTenant('acme');
  const lenient = testTenant('lenient', { settings: { aes128: { allowDrmKeys: true } } });
  const firstSecret = Buffer.alloc(32, 1).toString('base64');
  const rotating = testTenant('rotating', { settings: { aes128: { keyUrlSecret: firstSecret } } });
  ledger.add('first key URL secret of rotating', firstSecret);

  it('refuses a kid asked for a DRM system and AES-128 together, unless the tenant allows it', async () => {
    const server = await start('clear-key', [acme, lenient]);
    const pool = keepAlivePool(server.origin, 1);
    try {
      const shared = spekeV2('movie', [KID], [WIDEVINE, AES128]);
      const refused = await exchange(pool, dialectRequest('speke-v2', acme.token, shared));
      expect([refused.status, refusalCode(refused)]).toEqual([422, 'ERR_KEY_SERVICE_AES128_DRM_KEY']);
      const allowed = await exchange(pool, dialectRequest('speke-v2', lenient.token, shared));
      expect(allowed.status).toBe(200);
      const clearOnly = await exchange(pool, dialectRequest('speke-v2', acme.token, spekeV2('movie', [KID], [AES128])));
      expect(clearOnly.status).toBe(200);
    } finally {
      await pool.close();
      await server.stop();
    }
  });

  it('stops key URLs already issued when aes128 is turned off or the signing secret is rotated', async () => {
    const home = mkdtempSync(join(dir, 'rotation-'));
    const dataDir = join(home, 'data');
    const run = async (tenant: TestTenant, name: string) =>
      startWith({ name, runDir: runDir(), config: writeTenantsConfig(home, [tenant], ledger), dataDir });
    const first = await run(rotating, 'rotation-1');
    const firstPool = keepAlivePool(first.origin, 1);
    const request = dialectRequest('speke-v2', rotating.token, spekeV2('movie', [KID], [AES128], '<cpix:URIExtXKey/>'));
    const { path, key } = keyUrlOf(await exchange(firstPool, request), KID);
    const delivered = await send(firstPool, { method: 'GET', path });
    expect(delivered.status).toBe(200);
    expect(delivered.body.equals(key)).toBe(true);
    await firstPool.close();
    await first.stop();

    const secondSecret = Buffer.alloc(32, 2).toString('base64');
    ledger.add('second key URL secret of rotating', secondSecret);
    for (const [name, settings] of [
      ['rotated', { aes128: { keyUrlSecret: secondSecret } }],
      ['disabled', { aes128: { enabled: false, keyUrlSecret: firstSecret } }],
    ] as const) {
      const server = await run({ ...rotating, settings }, `rotation-${name}`);
      const pool = keepAlivePool(server.origin, 1);
      const answer = await send(pool, { method: 'GET', path });
      expect(answer.status, name).toBe(403);
      await pool.close();
      await server.stop();
    }
  });
});

describe('4. namespace declarations cost linear time', () => {
  const acme = testTenant('acme');
  let server: ServerProcess;
  let pool: Pool;

  beforeAll(async () => {
    server = await start('namespaces', [acme]);
    pool = keepAlivePool(server.origin, 1);
  });
  afterAll(() => pool?.close());

  it('answers 30,000 declarations with 30,000 prefixed attributes in well under a second, without stalling /healthz', async () => {
    // Distinct namespaces (a shared one would make the second attribute a duplicate, refused at once).
    const name = (index: number) => index.toString(36);
    const declarations = Array.from({ length: 30_000 }, (_, index) => `xmlns:n${name(index)}="${name(index)}"`).join(
      ' ',
    );
    const attributes = Array.from({ length: 30_000 }, (_, index) => `n${name(index)}:a=""`).join(' ');
    const body = spekeV2('movie', [KID], [WIDEVINE]).replace(
      'contentId="movie"',
      `contentId="movie" ${declarations} ${attributes}`,
    );
    const {
      result: answer,
      cpuMs,
      stallMs,
    } = await measured(server, () => exchange(pool, dialectRequest('speke-v2', acme.token, body)));
    console.log(
      `[reliability] 30,000 xmlns + 30,000 prefixed attributes (${mb(body.length)}): ${answer.status} ${refusalCode(answer)} in ${answer.ms.toFixed(0)} ms; server CPU ${cpuMs} ms (least of 3); slowest /healthz ${stallMs.toFixed(0)} ms`,
    );
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(cpuMs).toBeLessThan(REQUEST_CPU_LIMIT_MS);
    expect(stallMs).toBeLessThan(STALL_LIMIT_MS);
  });

  it('reads 3,750 nested declarations and 250 elements of 250 prefixed attributes each, in linear time', async () => {
    // 15 nested elements of 250 declarations; below them 250 elements, each declaring one more
    // (so that no lookup cache is shared) and naming 250 outer prefixes: 62,500 lookups, each a
    // walk of thousands of bindings for a reader that follows the chain. The control is the same
    // document with unprefixed attributes, measured in the same run: linear lookups keep the two
    // within a small factor, where walking the chain would multiply the control's time by hundreds.
    let open = '';
    let close = '';
    for (let depth = 0; depth < 15; depth += 1) {
      open += `<x:e${Array.from({ length: 250 }, (_, index) => ` xmlns:p${depth}_${index}="${depth}_${index}"`).join('')} xmlns:x="urn:x">`;
      close += '</x:e>';
    }
    const document = (attribute: (k: number, index: number) => string) => {
      const uses = Array.from(
        { length: 250 },
        (_, k) =>
          `<x:u xmlns:z="z${k}"${Array.from({ length: 250 }, (_, index) => ` ${attribute(k, index)}=""`).join('')}/>`,
      ).join('');
      return spekeV2('movie', [KID], [WIDEVINE]).replace('</cpix:CPIX>', `${open}${uses}${close}</cpix:CPIX>`);
    };
    const body = document((k, index) => `p${k % 15}_${index}:a`);
    const controlBody = document((k, index) => `p${k % 15}_${index}_a`);
    expect(controlBody.length).toBe(body.length);
    await exchange(pool, dialectRequest('speke-v2', acme.token, body));
    const control = await measured(server, () => exchange(pool, dialectRequest('speke-v2', acme.token, controlBody)));
    const {
      result: answer,
      cpuMs,
      stallMs,
    } = await measured(server, () => exchange(pool, dialectRequest('speke-v2', acme.token, body)));
    console.log(
      `[reliability] 3,750 nested declarations + 62,500 prefixed attributes (${mb(body.length)}): ${answer.status} ${refusalCode(answer) ?? ''} in ${answer.ms.toFixed(0)} ms; server CPU ${cpuMs} ms (least of 3), unprefixed control ${control.cpuMs} ms; slowest /healthz ${stallMs.toFixed(0)} ms, control ${control.stallMs.toFixed(0)} ms`,
    );
    expect(answer.status).toBeLessThan(500);
    expect(control.result.status).toBe(answer.status);
    expect(cpuMs).toBeLessThan(3 * control.cpuMs + 30);
    expect(stallMs).toBeLessThan(Math.max(STALL_LIMIT_MS, 3 * control.stallMs));
  });

  it('refuses more than 4,096 declarations in one document', async () => {
    const elements = Array.from(
      { length: 20 },
      (_, depth) =>
        `<x:e${Array.from({ length: 250 }, (_, index) => ` xmlns:p${depth}_${index}="u"`).join('')} xmlns:x="urn:x"/>`,
    ).join('');
    const answer = await exchange(
      pool,
      dialectRequest(
        'speke-v2',
        acme.token,
        spekeV2('movie', [KID], [WIDEVINE]).replace('</cpix:CPIX>', `${elements}</cpix:CPIX>`),
      ),
    );
    expect([answer.status, refusalCode(answer)]).toEqual([413, 'ERR_KEY_SERVICE_TOO_LARGE']);
  });
});

/** Opens a connection, sends a request head and `bodyBytes` of a body in 64 kB writes; resolves with what came back once the server closes or `waitMs` passes. */
function pushBody(
  origin: string,
  head: string,
  bodyBytes: number,
  waitMs: number,
): Promise<{ answer: string; socket: Socket }> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const finish = () => resolve({ answer: Buffer.concat(chunks).toString('latin1'), socket });
    const timer = setTimeout(finish, waitMs);
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      finish();
    });
    socket.write(head);
    const chunk = Buffer.alloc(64 * 1024, 0x61);
    let sent = 0;
    const pump = () => {
      while (sent < bodyBytes && !socket.destroyed) {
        const size = Math.min(chunk.length, bodyBytes - sent);
        sent += size;
        if (!socket.write(chunk.subarray(0, size))) return void socket.once('drain', pump);
      }
    };
    pump();
  });
}

describe('5. bodies are not read before authentication; slow and abusive clients are cut off', () => {
  const acme = testTenant('acme');
  let server: ServerProcess;

  beforeAll(async () => {
    server = await start('connections', [acme], { REQUEST_TIMEOUT_MS: '2000', AUTH_FAILURES_PER_MINUTE: '20' });
  });

  it('answers an unauthenticated upload 401 without waiting for its body', async () => {
    const head = `POST /speke/v2.0/copyProtection HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/xml\r\nContent-Length: ${1024 * 1024}\r\n\r\n`;
    // 64 kB of the 1 MB announced, then nothing: a server that reads bodies first never answers.
    const results = await Promise.all(
      Array.from({ length: 20 }, () => pushBody(server.origin, head, 64 * 1024, 5_000)),
    );
    for (const { socket } of results) socket.destroy();
    expect(results.map(({ answer }) => answer.split('\r\n')[0])).toEqual(Array(20).fill('HTTP/1.1 401 Unauthorized'));
  });

  it('refuses 200 unauthenticated 1 MB uploads before reading them, with little memory', async () => {
    const rssBefore = server.rssBytes();
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, server.rssBytes());
    }, 20);
    const head = `POST /speke/v2.0/copyProtection HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/xml\r\nContent-Length: ${1024 * 1024}\r\n\r\n`;
    const results = await Promise.all(
      Array.from({ length: 200 }, () => pushBody(server.origin, head, 1024 * 1024, 10_000)),
    );
    clearInterval(sampler);
    for (const { socket } of results) socket.destroy();
    // A client still writing when the server closes may get a reset before it reads the 401.
    const statuses = results.map(({ answer }) => /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 'reset');
    console.log(
      `[reliability] 200 unauthenticated 1 MB uploads: RSS ${mb(rssBefore)} → peak ${mb(rssPeak)}; ${statuses.filter((status) => status === '401').length} answered 401, the others reset`,
    );
    expect(statuses.filter((status) => status !== '401' && status !== 'reset')).toEqual([]);
    expect(rssPeak - rssBefore).toBeLessThan(32 * 1024 * 1024);
  });

  it('answers 408 to a body trickled slower than REQUEST_TIMEOUT_MS and closes the connection', async () => {
    const { hostname, port } = new URL(server.origin);
    const started = performance.now();
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), hostname);
      const chunks: Buffer[] = [];
      socket.on('data', (chunk) => chunks.push(chunk));
      socket.on('error', () => undefined);
      const drip = setInterval(() => socket.write('a'), 200);
      const give = setTimeout(() => socket.destroy(), 8_000);
      socket.on('close', () => {
        clearInterval(drip);
        clearTimeout(give);
        resolve(Buffer.concat(chunks).toString('latin1'));
      });
      socket.write(
        `POST /speke/v2.0/copyProtection HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${acme.token}\r\nContent-Type: application/xml\r\nContent-Length: 100000\r\n\r\n`,
      );
    });
    const seconds = (performance.now() - started) / 1000;
    console.log(
      `[reliability] trickled body: closed after ${seconds.toFixed(1)} s with ${JSON.stringify(answer.split('\r\n')[0])}`,
    );
    expect(answer.split('\r\n')[0]).toMatch(/^HTTP\/1\.1 408/);
    expect(seconds).toBeLessThan(4);
  });

  it('answers 429 to a flood of wrong tokens from one address, the right token included, until the window passes', async () => {
    const pool = keepAlivePool(server.origin, 1);
    try {
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 40; attempt += 1) {
        statuses.push((await exchange(pool, dialectRequest('speke-v2', `wrong-${attempt}`, '<x/>'))).status);
      }
      expect(statuses.slice(0, 20).every((status) => status === 401)).toBe(true);
      expect(statuses.slice(20).every((status) => status === 429)).toBe(true);
      const right = await send(pool, dialectRequest('speke-v2', acme.token, spekeV2('movie', [KID], [WIDEVINE])));
      expect(right.status).toBe(429);
      expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await pool.close();
    }
  });
});

describe('5. connections are capped', () => {
  it('closes connections past MAX_CONNECTIONS as they arrive, and serves again once they are gone', async () => {
    const server = await start('capped', [testTenant('acme')], { MAX_CONNECTIONS: '10' });
    const { hostname, port } = new URL(server.origin);
    const sockets = await Promise.all(
      Array.from(
        { length: 30 },
        (_, index) =>
          new Promise<{ socket: Socket; closed: boolean }>((resolve) => {
            // Staggered, so that the server has counted the earlier ones when the later ones arrive.
            setTimeout(() => {
              const socket = connect(Number(port), hostname);
              const entry = { socket, closed: false };
              socket.on('error', () => undefined);
              socket.on('close', () => {
                entry.closed = true;
              });
              socket.on('connect', () => resolve(entry));
              socket.on('close', () => resolve(entry));
            }, index * 10);
          }),
      ),
    );
    await sleep(300);
    const closed = sockets.filter((entry) => entry.closed).length;
    console.log(`[reliability] MAX_CONNECTIONS=10: ${closed} of 30 idle connections closed by the server`);
    expect(closed).toBeGreaterThanOrEqual(20);
    for (const { socket } of sockets) socket.destroy();
    await sleep(100);
    const pool = keepAlivePool(server.origin, 1);
    expect((await send(pool, { method: 'GET', path: '/healthz' })).status).toBe(200);
    await pool.close();
    await server.stop();
  });
});

describe('6–9. key URLs, metrics, hosts and logs', () => {
  const acme = testTenant('acme');
  const studio = testTenant('studio');
  const metricsToken = `metrics-${testTenant('m').token}`;
  ledger.add('metrics token', metricsToken);
  let server: ServerProcess;
  let pool: Pool;

  beforeAll(async () => {
    server = await start('surface', [acme, studio], { CPIXKIT_METRICS_TOKEN: metricsToken });
    pool = keepAlivePool(server.origin, 2);
  });
  afterAll(() => pool?.close());

  it('6. answers every failing key URL the same way, whether the tenant exists or not', async () => {
    const { path } = keyUrlOf(
      await exchange(
        pool,
        dialectRequest('speke-v2', acme.token, spekeV2('movie', [KID], [AES128], '<cpix:URIExtXKey/>')),
      ),
      KID,
    );
    const url = new URL(path, 'http://x');
    const exp = url.searchParams.get('exp')!;
    const sig = url.searchParams.get('sig')!;
    const failures: [string, string, Record<string, string>][] = [
      ['wrong signature', `/keys/acme/${KID}?exp=${exp}&sig=${'A'.repeat(43)}`, {}],
      ['unknown tenant', `/keys/nobody/${KID}?exp=${exp}&sig=${sig}`, {}],
      ['no signature', `/keys/acme/${KID}`, {}],
      ['not a kid', `/keys/acme/not-a-kid?exp=${exp}&sig=${sig}`, {}],
      ['expired', `/keys/acme/${KID}?exp=1&sig=${sig}`, {}],
      ['another tenant', `/keys/studio/${KID}?exp=${exp}&sig=${sig}`, {}],
      ["another tenant's token", path, { authorization: `Bearer ${studio.token}` }],
      ['a wrong token', path, { authorization: 'Bearer not-a-token' }],
    ];
    const answers = await Promise.all(
      failures.map(([, request, headers]) => exchange(pool, { method: 'GET', path: request, headers })),
    );
    const seen = new Set(answers.map((answer) => `${answer.status} ${answer.body.toString('utf8')}`));
    expect([...seen], failures.map(([name], index) => `${name}: ${answers[index]!.status}`).join('; ')).toHaveLength(1);
    expect(answers[0]!.status).toBe(403);
    expect((await send(pool, { method: 'GET', path })).status).toBe(200);
  });

  it('7. serves /metrics only with the metrics token, without tenant ids', async () => {
    expect((await exchange(pool, { method: 'GET', path: '/metrics' })).status).toBe(401);
    expect(
      (await exchange(pool, { method: 'GET', path: '/metrics', headers: { authorization: `Bearer ${acme.token}` } }))
        .status,
    ).toBe(401);
    const metrics = await send(pool, {
      method: 'GET',
      path: '/metrics',
      headers: { authorization: `Bearer ${metricsToken}` },
    });
    expect(metrics.status).toBe(200);
    const text = metrics.body.toString('utf8');
    expect(text).toMatch(/cpixkit_keys_issued_total\{/);
    expect(text).not.toMatch(/acme|studio/);
  });

  it('8. refuses a Host header that names no allowed host, and a request without Host', async () => {
    const body = spekeV2('movie', [KID], [AES128], '<cpix:URIExtXKey/>');
    const request = (host: string, version = '1.1') =>
      `POST /speke/v2.0/copyProtection HTTP/${version}\r\n${host}Authorization: Bearer ${acme.token}\r\nX-Speke-Version: 2.0\r\nContent-Type: application/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
    const evil = await rawRequest(server.origin, request('Host: evil.example\r\n'));
    expect(evil.split('\r\n')[0]).toMatch(/^HTTP\/1\.1 400/);
    expect(evil).not.toContain('evil.example');
    const hostless = await rawRequest(server.origin, request('', '1.0'));
    expect(hostless.split('\r\n')[0]).toMatch(/^HTTP\/1\.1 400/);
    const own = await rawRequest(server.origin, request(`Host: ${new URL(server.origin).host}\r\n`));
    expect(own.split('\r\n')[0]).toMatch(/^HTTP\/1\.1 200/);
  });

  it('9. logs an aborted upload without an error or a stack, and keeps log lines short', async () => {
    const head = `POST /speke/v2.0/copyProtection HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${acme.token}\r\nX-Speke-Version: 2.0\r\nContent-Type: application/xml\r\nContent-Length: ${1024 * 1024}\r\n\r\n`;
    const { socket } = await pushBody(server.origin, head, 256 * 1024, 300);
    socket.destroy();
    const attributes = Array.from({ length: 60_000 }, (_, index) => `u${index}="x"`).join(' ');
    const padded = spekeV2('movie', [KID], [WIDEVINE]).replace('<cpix:ContentKey ', `<cpix:ContentKey ${attributes} `);
    await exchange(pool, dialectRequest('speke-v2', acme.token, padded));
    await sleep(300);
    const lines = server.output.split('\n');
    const longest = Math.max(...lines.map((line) => line.length));
    const errors = server.logRecords().filter((record) => Number(record.level) >= 50);
    console.log(
      `[reliability] aborted upload and 60,000 unknown attributes: longest log line ${longest} characters, ${errors.length} error lines`,
    );
    expect(errors.map((record) => record.msg)).toEqual([]);
    expect(server.output).not.toMatch(/\n\s+at /);
    expect(longest).toBeLessThan(4_096);
  });
});

describe('10, 13. tokens at start', () => {
  it('refuses a weak development token and tokens shared by two tenants, with a clear reason', async () => {
    const devHome = mkdtempSync(join(dir, 'weak-'));
    await expect(
      startWith({
        name: 'weak-token',
        runDir: runDir(),
        config: '',
        dataDir: join(devHome, 'data'),
        env: { CPIXKIT_DEV_TOKEN: 'a' },
      }),
    ).rejects.toThrow(/CPIXKIT_DEV_TOKEN/);

    const shared = testTenant('one');
    const home = mkdtempSync(join(dir, 'shared-'));
    const config = writeTenantsConfig(home, [shared, { ...testTenant('two'), token: shared.token }], ledger);
    await expect(
      startWith({ name: 'shared-token', runDir: runDir(), config, dataDir: join(home, 'data') }),
    ).rejects.toThrow(/same token/);
  });

  it('prints the development token only when it generated it', async () => {
    const token = `cpx_${randomBytes(24).toString('base64url')}`;
    ledger.add('operator-supplied development token', token);
    const given = await startWith({
      name: 'dev-given',
      runDir: runDir(),
      config: '',
      dataDir: join(mkdtempSync(join(dir, 'dev-')), 'data'),
      env: { CPIXKIT_DEV_TOKEN: token },
    });
    await given.stop();
    expect(given.output).not.toContain(token);
    expect(given.output).not.toMatch(/shown this once/);

    const generated = await startWith({
      name: 'dev-generated',
      runDir: runDir(),
      config: '',
      dataDir: join(mkdtempSync(join(dir, 'dev-')), 'data'),
    });
    await generated.stop();
    // The banner prints it once on stdout, which the run's log file holds: it is not a leak.
    expect(generated.output).toMatch(/shown this once[^\n]*\n\s+cpx_\S{32}\n/);
  });
});
