import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseCpix } from '@cpixkit/cpix-model';
import type { Pool } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAnswer, refusalCode } from './support/answers.js';
import { type HttpAnswer, type HttpExchange, keepAlivePool, quantile, rawRequest, send } from './support/http.js';
import { baseRequests, dialectRequest } from './support/requests.js';
import { expectNoSecretsInLogs } from './support/log-audit.js';
import { runDir } from './support/run-dir.js';
import { describeFinding, findSecrets, SecretLedger } from './support/secrets.js';
import { ServerProcess } from './support/server-process.js';
import { testTenant, writeTenantsConfig } from './support/tenants.js';

const AES128_SYSTEM_ID = '81376844-f976-481e-a84e-cc25d39b0b33';
/** The kid of the AWS SPEKE v1 live sample, which asks for HLS AES-128 signalling. */
const SAMPLE_KID = '98ee5596-cd3e-a20d-163a-e382420c6eff';
const OTHER_KID = '5f0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d';
/** Wrong tokens per group in the timing check, sent alternately. */
const TIMING_SAMPLES = 600;

const ledger = new SecretLedger(runDir(), 'auth');
// The AWS live sample asks FairPlay and HLS AES-128 for one key, which a tenant must allow.
const acme = testTenant('acme', { settings: { aes128: { allowDrmKeys: true } } });
const studio = testTenant('studio');
/** Key URLs of this tenant expire one second after they are made. */
const brief = testTenant('brief', { settings: { aes128: { enabled: true, keyUrlTtlSeconds: 1, allowDrmKeys: true } } });
const dir = mkdtempSync(join(tmpdir(), 'cpixkit-auth-'));
const awsLive = baseRequests().find((base) => base.name.startsWith('SPEKE v1 (AWS'))!.body;
let server: ServerProcess;
let pool: Pool;

beforeAll(async () => {
  const config = writeTenantsConfig(dir, [acme, studio, brief], ledger);
  // The timing check sends 1,200 wrong tokens: the per-address limit on failures is off here
  // (security.test.ts checks it).
  server = await ServerProcess.start({
    name: 'auth',
    runDir: runDir(),
    config,
    dataDir: join(dir, 'data'),
    env: { AUTH_FAILURES_PER_MINUTE: '0' },
  });
  pool = keepAlivePool(server.origin, 4);
});

afterAll(async () => {
  await pool?.close();
  if (server) expect((await server.stop()).code).toBe(0);
  expectNoSecretsInLogs(ledger);
  rmSync(dir, { recursive: true, force: true });
});

/** Sends a request and checks that whatever came back is a CPIX document or a one-line 4xx. */
async function exchange(request: HttpExchange): Promise<HttpAnswer> {
  const answer = await send(pool, request);
  expect(checkAnswer(answer, ledger), `${request.method} ${request.path}`).toBeUndefined();
  return answer;
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** Every key exchange route, with the token (or none) placed where that route takes it. */
function routes(token: string | undefined): (HttpExchange & { name: string })[] {
  const spekeV2 = baseRequests().find((base) => base.dialect === 'speke-v2')!.body;
  const pallyconV1 = baseRequests().find((base) => base.dialect === 'pallycon-v1')!.body;
  const pallycon = baseRequests().find((base) => base.dialect === 'pallycon-v2')!.body;
  const bearer: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
  const pathToken = encodeURIComponent(token ?? '');
  const list: (HttpExchange & { name: string })[] = [
    {
      name: 'SPEKE v2',
      method: 'POST',
      path: '/speke/v2.0/copyProtection',
      headers: { ...bearer, 'x-speke-version': '2.0' },
      body: spekeV2,
    },
    { name: 'SPEKE v1', method: 'POST', path: '/speke/v1.0/copyProtection', headers: bearer, body: awsLive },
    {
      name: 'cpix/getKey',
      method: 'POST',
      path: '/cpix/getKey',
      headers: { ...bearer, 'x-speke-version': '2.0' },
      body: spekeV2,
    },
    { name: 'Axinom /Speke', method: 'POST', path: '/Speke', headers: bearer, body: awsLive },
    {
      name: 'Axinom /SpekeV2',
      method: 'POST',
      path: '/SpekeV2',
      headers: { ...bearer, 'x-speke-version': '2.0' },
      body: spekeV2,
    },
    {
      name: 'SPEKE with ?enc-token',
      method: 'POST',
      path: `/speke/v2.0/copyProtection${token === undefined ? '' : `?enc-token=${pathToken}`}`,
      headers: { 'x-speke-version': '2.0' },
      body: spekeV2,
    },
  ];
  if (token !== undefined) {
    list.push(
      { name: 'PallyCon v1', method: 'POST', path: `/v1/cpix/pallycon/getKey/${pathToken}`, body: pallyconV1 },
      { name: 'PallyCon v2', method: 'POST', path: `/v2/cpix/pallycon/getKey/${pathToken}`, body: pallycon },
      { name: 'ATEME dash', method: 'GET', path: `/cpix/anevia/dash/${pathToken}/movie` },
      { name: 'ATEME hls', method: 'GET', path: `/cpix/anevia/hls/${pathToken}/movie` },
    );
  } else {
    // An empty path token is no credential at all.
    list.push(
      {
        name: 'PallyCon v2 with an empty token segment',
        method: 'POST',
        path: '/v2/cpix/pallycon/getKey/',
        body: pallycon,
      },
      { name: 'ATEME with an empty token segment', method: 'GET', path: '/cpix/anevia/dash//movie' },
    );
  }
  return list;
}

/** The signed HLS AES-128 key URL (path and query) and the key of `kid`, from an answered SPEKE v1 request. */
async function keyUrl(tenant: typeof acme, kid: string): Promise<{ path: string; key: Buffer }> {
  const answer = await exchange(dialectRequest('speke-v1', tenant.token, awsLive.replaceAll(SAMPLE_KID, kid)));
  expect(answer.status, answer.body.toString('utf8').slice(0, 200)).toBe(200);
  const { document } = parseCpix(answer.body);
  const system = document.drmSystemList?.drmSystems.find(
    (entry) => entry.kid === kid && entry.systemId.toLowerCase() === AES128_SYSTEM_ID,
  );
  const key = document.contentKeyList?.contentKeys.find((entry) => entry.kid === kid)?.data?.secret?.plainValue;
  expect(system?.uriExtXKey, 'the answer signals an HLS AES-128 key URL').toBeDefined();
  expect(key).toBeDefined();
  const url = new URL(Buffer.from(system!.uriExtXKey!).toString('utf8'));
  return { path: `${url.pathname}${url.search}`, key: Buffer.from(key!) };
}

describe('authentication abuse', () => {
  it('answers every route with the right token (the control)', async () => {
    for (const route of routes(acme.token)) {
      const answer = await exchange(route);
      expect(answer.status, `${route.name}: ${answer.body.toString('utf8').slice(0, 200)}`).toBe(200);
    }
  });

  it('refuses every route without a token (401) and with a wrong token (401)', async () => {
    for (const route of routes(undefined)) {
      const answer = await exchange(route);
      expect([answer.status, refusalCode(answer)], route.name).toEqual([401, 'ERR_SERVER_UNAUTHENTICATED']);
    }
    for (const wrong of [
      `${acme.token}x`,
      acme.token.slice(0, -1),
      acme.token.toUpperCase(),
      'x',
      'a'.repeat(1500),
      `sha256:${'0'.repeat(64)}`,
    ]) {
      for (const route of routes(wrong)) {
        const answer = await exchange(route);
        expect([answer.status, refusalCode(answer)], `${route.name} with a wrong token`).toEqual([
          401,
          'ERR_SERVER_BAD_CREDENTIALS',
        ]);
      }
    }
  });

  it("refuses another tenant's token where a route or a second credential names a tenant (403), and Basic credentials that do not match (401)", async () => {
    const path = '/speke/v2.0/copyProtection';
    const body = baseRequests().find((base) => base.dialect === 'speke-v2')!.body;
    const cases: [string, HttpExchange, number, string][] = [
      [
        'Bearer of one tenant, enc-token of another',
        {
          method: 'POST',
          path: `${path}?enc-token=${studio.token}`,
          headers: { authorization: `Bearer ${acme.token}` },
          body,
        },
        403,
        'ERR_SERVER_FORBIDDEN',
      ],
      [
        'path token of one tenant, Bearer of another',
        {
          method: 'POST',
          path: `/v2/cpix/pallycon/getKey/${studio.token}`,
          headers: { authorization: `Bearer ${acme.token}` },
          body,
        },
        403,
        'ERR_SERVER_FORBIDDEN',
      ],
      [
        'Basic with the tenant id of one and the token of another',
        { method: 'POST', path, headers: { authorization: basic('acme', studio.token) }, body },
        401,
        'ERR_SERVER_BAD_CREDENTIALS',
      ],
      [
        'Basic with an unknown tenant id',
        { method: 'POST', path, headers: { authorization: basic('nobody', acme.token) }, body },
        401,
        'ERR_SERVER_BAD_CREDENTIALS',
      ],
      [
        'Basic without a colon',
        {
          method: 'POST',
          path,
          headers: { authorization: `Basic ${Buffer.from(acme.token).toString('base64')}` },
          body,
        },
        401,
        'ERR_SERVER_BAD_CREDENTIALS',
      ],
      [
        'Bearer without a token',
        { method: 'POST', path, headers: { authorization: 'Bearer' }, body },
        401,
        'ERR_SERVER_BAD_CREDENTIALS',
      ],
      [
        'enc-token twice',
        { method: 'POST', path: `${path}?enc-token=${acme.token}&enc-token=${acme.token}`, body },
        401,
        'ERR_SERVER_BAD_CREDENTIALS',
      ],
    ];
    for (const [name, request, status, code] of cases) {
      const answer = await exchange(request);
      expect([answer.status, refusalCode(answer)], name).toEqual([status, code]);
    }
    const basicOk = await exchange({
      method: 'POST',
      path,
      headers: { authorization: basic('acme', acme.token), 'x-speke-version': '2.0' },
      body,
    });
    expect(basicOk.status, 'Basic with the right tenant id and token').toBe(200);
  });

  it('takes as long to refuse a wrong token sharing a long prefix with a real one as an unrelated one', async () => {
    // Tokens are compared as SHA-256 digests in constant time, so the prefix must not matter.
    const prefix = acme.token.slice(0, -2);
    const request = (token: string): HttpExchange => ({
      method: 'POST',
      path: '/speke/v2.0/copyProtection',
      headers: { authorization: `Bearer ${token}` },
    });
    const near: number[] = [];
    const far: number[] = [];
    for (let warmup = 0; warmup < 100; warmup++) await send(pool, request(`w${warmup}`));
    for (let sample = 0; sample < TIMING_SAMPLES; sample++) {
      // Alternating the groups spreads the machine's noise evenly over both.
      const suffix = sample.toString(36).padStart(2, '0').slice(-2);
      const pair = sample % 2 === 0 ? [true, false] : [false, true];
      for (const sharesPrefix of pair) {
        const token = sharesPrefix
          ? `${prefix}${suffix === acme.token.slice(-2) ? 'zz' : suffix}`
          : `Q${'q'.repeat(prefix.length - 1)}${suffix}`;
        const answer = await send(pool, request(token));
        expect(answer.status).toBe(401);
        (sharesPrefix ? near : far).push(answer.ms);
      }
    }
    const figures = (values: number[]) => [0.25, 0.5, 0.75].map((q) => quantile(values, q));
    const [nearQ1, nearMedian, nearQ3] = figures(near);
    const [farQ1, farMedian, farQ3] = figures(far);
    console.log(
      `[reliability] token timing: ${TIMING_SAMPLES} wrong tokens each; sharing a ${prefix.length}-character prefix: median ${nearMedian!.toFixed(3)} ms (IQR ${nearQ1!.toFixed(3)}–${nearQ3!.toFixed(3)}); unrelated: median ${farMedian!.toFixed(3)} ms (IQR ${farQ1!.toFixed(3)}–${farQ3!.toFixed(3)})`,
    );
    // Loose: a loopback round trip on a shared machine is noisy; a byte-by-byte comparison leaking
    // through HTTP would still not show here, but an early exit that skipped the work would.
    const gap = Math.abs(nearMedian! - farMedian!);
    expect(gap).toBeLessThan(Math.max(0.25, 0.3 * Math.min(nearMedian!, farMedian!)));
  });

  it('does not let path parameters traverse: odd enc-tokens are unknown tokens, odd content ids are just content ids', async () => {
    const hostileSegments = [
      '..',
      '..%2F..%2Fetc%2Fpasswd',
      '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '..%5C..%5Cwindows',
      '%00',
      'a%00b',
      '%252e%252e%252f',
      encodeURIComponent('../'.repeat(50)),
    ];
    for (const segment of hostileSegments) {
      for (const path of [`/v2/cpix/pallycon/getKey/${segment}`, `/cpix/anevia/dash/${segment}/movie`]) {
        const answer = await exchange({
          method: path.startsWith('/v2') ? 'POST' : 'GET',
          path,
          ...(path.startsWith('/v2') ? { body: '<x/>' } : {}),
        });
        expect(answer.status, path).toBeGreaterThanOrEqual(400);
        expect(answer.status, path).toBeLessThan(500);
        expect(answer.body.toString('latin1'), path).not.toMatch(/root:.*:0:0:/);
      }
      const cid = await exchange({
        method: 'GET',
        path: `/cpix/anevia/dash/${encodeURIComponent(acme.token)}/${segment}`,
      });
      expect(cid.body.toString('latin1'), segment).not.toMatch(/root:.*:0:0:/);
      const keyPath = await exchange({
        method: 'GET',
        path: `/keys/${segment}/${SAMPLE_KID}?exp=1&sig=${'A'.repeat(43)}`,
      });
      expect([403, 404, 400], `/keys/${segment}`).toContain(keyPath.status);
    }
    // Raw dot segments, which a client would normally collapse: sent as written over a socket.
    for (const path of [
      `/cpix/anevia/dash/../../../../etc/passwd`,
      `/keys/../../etc/passwd`,
      `/v2/cpix/pallycon/getKey/../../../etc/passwd`,
    ]) {
      const head = await rawRequest(
        server.origin,
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`,
      );
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1]);
      expect(status, path).toBeGreaterThanOrEqual(400);
      expect(status, path).toBeLessThan(500);
      expect(head).not.toMatch(/root:.*:0:0:/);
    }
  });

  it('answers 431 to oversize headers and keeps serving', async () => {
    for (const [name, head] of [
      ['one 64 kB header', `X-Big: ${'a'.repeat(64 * 1024)}\r\n`],
      ['a 64 kB Authorization header', `Authorization: Bearer ${'a'.repeat(64 * 1024)}\r\n`],
      [
        '2,000 small headers',
        Array.from({ length: 2_000 }, (_, index) => `X-H${index}: ${'v'.repeat(16)}\r\n`).join(''),
      ],
    ] as const) {
      const started = performance.now();
      const answer = await rawRequest(
        server.origin,
        `POST /speke/v2.0/copyProtection HTTP/1.1\r\nHost: 127.0.0.1\r\n${head}Content-Length: 0\r\n\r\n`,
      );
      expect(answer.split('\r\n')[0], name).toBe('HTTP/1.1 431 Request Header Fields Too Large');
      expect(performance.now() - started, name).toBeLessThan(2_000);
    }
    expect((await send(pool, { method: 'GET', path: '/healthz' })).status).toBe(200);
  });
});

describe('open routes', () => {
  it('answers /healthz, /readyz and /openapi.json without credentials, none of them showing a token, seed or key; no /metrics without its token', async () => {
    const pages: { file: string; content: Buffer }[] = [];
    for (const path of ['/healthz', '/readyz', '/openapi.json', '/speke/v1.0/heartbeat']) {
      const answer = await send(pool, { method: 'GET', path });
      expect(answer.status, path).toBe(200);
      pages.push({ file: path, content: answer.body });
    }
    expect((await send(pool, { method: 'GET', path: '/metrics' })).status).toBe(404);
    expect(findSecrets(pages, ledger.all).map(describeFinding)).toEqual([]);
  });
});

describe('HLS AES-128 key delivery URLs', () => {
  it('delivers the key for the signed URL, and refuses tampered, replayed, cross-tenant and unsigned ones', async () => {
    const { path, key } = await keyUrl(acme, SAMPLE_KID);
    const other = await keyUrl(acme, OTHER_KID);
    const delivered = await exchangeKey(path);
    expect(delivered.status).toBe(200);
    expect(delivered.body.equals(key), 'the delivered bytes are the content key of the answer').toBe(true);

    const url = new URL(path, 'http://x');
    const sig = url.searchParams.get('sig')!;
    const exp = url.searchParams.get('exp')!;
    const flipped = `${sig[0] === 'A' ? 'B' : 'A'}${sig.slice(1)}`;
    // Every failure is answered alike: a key URL tells nothing about which tenants or kids exist.
    const cases: [string, string][] = [
      ['a signature with one character changed', `/keys/acme/${SAMPLE_KID}?exp=${exp}&sig=${flipped}`],
      ['a later expiry under the same signature', `/keys/acme/${SAMPLE_KID}?exp=${Number(exp) + 1}&sig=${sig}`],
      ["one kid's signature replayed for another kid", `/keys/acme/${OTHER_KID}?exp=${exp}&sig=${sig}`],
      ["one tenant's URL replayed under another tenant", `/keys/studio/${SAMPLE_KID}?exp=${exp}&sig=${sig}`],
      ['an unknown tenant', `/keys/nobody/${SAMPLE_KID}?exp=${exp}&sig=${sig}`],
      ['no signature', `/keys/acme/${SAMPLE_KID}?exp=${exp}`],
      ['a truncated signature', `/keys/acme/${SAMPLE_KID}?exp=${exp}&sig=${sig.slice(0, -1)}`],
      ['a non-numeric expiry', `/keys/acme/${SAMPLE_KID}?exp=1e12&sig=${sig}`],
    ];
    for (const [name, request] of cases) {
      const answer = await exchangeKey(request);
      expect([answer.status, refusalCode(answer)], name).toEqual([403, 'ERR_KEY_SERVICE_INVALID_KEY_URL']);
    }
    expect((await exchangeKey(other.path)).body.equals(other.key)).toBe(true);
    const foreign = await exchangeKey(path, { authorization: `Bearer ${studio.token}` });
    expect([foreign.status, refusalCode(foreign)], "another tenant's token on a key URL").toEqual([
      403,
      'ERR_KEY_SERVICE_INVALID_KEY_URL',
    ]);
  });

  it('refuses a key URL once it has expired', async () => {
    const { path, key } = await keyUrl(brief, SAMPLE_KID);
    const exp = Number(new URL(path, 'http://x').searchParams.get('exp'));
    const fresh = await exchangeKey(path);
    // Made in the same second it expires in on a slow machine: then only the expiry is checked.
    if (fresh.status === 200) expect(fresh.body.equals(key)).toBe(true);
    await sleep(Math.max(0, exp * 1000 - Date.now()) + 1_100);
    const expired = await exchangeKey(path);
    expect([expired.status, refusalCode(expired)]).toEqual([403, 'ERR_KEY_SERVICE_INVALID_KEY_URL']);
  });
});

/** GETs a key URL path; a 200 is 16 raw bytes (no CPIX), anything else a one-line 4xx. */
async function exchangeKey(path: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  const answer = await send(pool, { method: 'GET', path, headers });
  if (answer.status === 200) {
    expect(answer.body.length).toBe(16);
    expect(answer.headers['cache-control']).toBe('no-store');
    ledger.add('delivered key', new Uint8Array(answer.body));
  } else {
    expect(checkAnswer(answer, ledger), path).toBeUndefined();
  }
  return answer;
}
