import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { promisify } from 'node:util';
import Fastify from 'fastify';
import { bench, describe } from 'vitest';
import { SPEKE_V2_REQUEST, testApp, testTenant } from '../test/helpers.js';

// SPEKE v2 with 2 keys × 3 DRM systems (FairPlay, PlayReady, Widevine): Axinom's seed request.
const tenant = testTenant('bench');
const HEADERS = {
  authorization: `Bearer ${tenant.token}`,
  'content-type': 'application/xml',
  'x-speke-version': '2.0',
};
/** Loopback only, bounded: each autocannon run lasts this long. */
const LOAD_SECONDS = 5;
const WARMUP_SECONDS = 2;
const CONNECTIONS = 10;
/**
 * autocannon's command line, run as a child process: load generated in this process would take
 * its CPU from the servers under test, and take more of it from the faster route.
 */
const AUTOCANNON = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
const runFile = promisify(execFile);

// vitest's bench mode runs no beforeAll hooks: the servers start when the file loads. Their
// sockets are unref'd so that they never keep the bench worker alive.
const keyServer = testApp([tenant]);
const spekeUrl = `${await keyServer.listen({ host: '127.0.0.1', port: 0 })}/speke/v2.0/copyProtection`;
keyServer.server.unref();
const first = await fetch(spekeUrl, { method: 'POST', headers: HEADERS, body: SPEKE_V2_REQUEST });
const spekeAnswer = await first.text();
if (first.status !== 200) throw new Error(`the key server answered ${first.status}: ${spekeAnswer}`);
const sameSize = 'x'.repeat(Buffer.byteLength(spekeAnswer));
const plainServer = Fastify();
plainServer.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
plainServer.post('/plain', async (_request, reply) => reply.header('content-type', 'application/xml').send(sameSize));
const plainUrl = `${await plainServer.listen({ host: '127.0.0.1', port: 0 })}/plain`;
plainServer.server.unref();

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  errors: number;
  non2xx: number;
}

async function autocannon(url: string, seconds: number): Promise<AutocannonResult> {
  const headers = Object.entries(HEADERS).flatMap(([name, value]) => ['-H', `${name}=${value}`]);
  const args = ['--json', '--no-progress', '-c', String(CONNECTIONS), '-d', String(seconds), '-m', 'POST'];
  const { stdout } = await runFile(process.execPath, [AUTOCANNON, ...args, ...headers, '-b', SPEKE_V2_REQUEST, url], {
    maxBuffer: 16 * 1024 * 1024,
  });
  return JSON.parse(stdout) as AutocannonResult;
}

async function load(url: string) {
  // A short unmeasured run first, so that the JIT has compiled the hot paths of the server.
  await autocannon(url, WARMUP_SECONDS);
  const result = await autocannon(url, LOAD_SECONDS);
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return {
    'requests/s': Math.round(result.requests.average),
    'p50 ms': result.latency.p50,
    'p99 ms': result.latency.p99,
    requests: result.requests.total,
  };
}

// Throughput under concurrency, both routes in the same run on the same machine, loaded alike.
const load1 = loadavg()[0]!.toFixed(2);
const speke = await load(spekeUrl);
const plain = await load(plainUrl);
console.log(
  `\nautocannon (child process), ${CONNECTIONS} connections, ${LOAD_SECONDS} s each, loopback, ` +
    `${sameSize.length}-byte answers, load average ${load1}:`,
);
console.table({ 'SPEKE v2 (2 keys × 3 DRM)': speke, 'plain fastify route': plain });
console.log(
  `SPEKE v2 throughput = ${((100 * speke['requests/s']) / plain['requests/s']).toFixed(1)}% of the plain route (goal ≥ 50%)\n`,
);

async function post(url: string): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: HEADERS, body: SPEKE_V2_REQUEST });
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  await response.arrayBuffer();
}

// Latency of one request at a time, through the same sockets.
describe('SPEKE v2 (2 keys × 3 DRM) vs a plain fastify route with a body of the same size', () => {
  bench('SPEKE v2 request, one at a time', () => post(spekeUrl), { time: 2000 });
  bench('plain fastify route, one at a time', () => post(plainUrl), { time: 2000 });
});
