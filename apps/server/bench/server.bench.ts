import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { promisify } from 'node:util';
import Fastify, { type FastifyInstance } from 'fastify';
import { bench, describe } from 'vitest';
import { SPEKE_V2_REQUEST, testApp, testTenant } from '../test/helpers.js';

// SPEKE v2 with 2 keys × 3 DRM systems (FairPlay, PlayReady, Widevine): Axinom's seed request.
const tenant = testTenant('bench');
const HEADERS = {
  authorization: `Bearer ${tenant.token}`,
  'content-type': 'application/xml',
  'x-speke-version': '2.0',
};
/** Loopback only, bounded: each measured autocannon run lasts this long. */
const LOAD_SECONDS = 2;
const WARMUP_SECONDS = 2;
/**
 * Each server is measured this many times, the servers taking turns, and the median run counts: a
 * burst of load from elsewhere on the machine then falls on no server's figure alone. Twelve rounds
 * take the three servers twice in each of their six orders (see {@link loadAll}).
 */
const ROUNDS = 12;
const CONNECTIONS = 10;
/**
 * autocannon's command line, run as a child process: load generated in this process would take
 * its CPU from the servers under test, and take more of it from the faster route.
 */
const AUTOCANNON = createRequire(import.meta.url).resolve('autocannon/autocannon.js');
const runFile = promisify(execFile);

/** Listens on loopback; the socket is unref'd so that it never keeps the bench worker alive. */
async function listen(app: FastifyInstance, path: string): Promise<string> {
  const origin = await app.listen({ host: '127.0.0.1', port: 0 });
  app.server.unref();
  return `${origin}${path}`;
}

// vitest's bench mode runs no beforeAll hooks: the servers start when the file loads.
const SPEKE_PATH = '/speke/v2.0/copyProtection';
// As deployed: `info`, one line per request through the server's own asynchronous destination,
// written to a real file (the null device, so that the disk is not what is measured).
const deployedUrl = await listen(testApp([tenant], { logFile: '/dev/null' }), SPEKE_PATH);
const quietUrl = await listen(testApp([tenant]), SPEKE_PATH);
const first = await fetch(deployedUrl, { method: 'POST', headers: HEADERS, body: SPEKE_V2_REQUEST });
const spekeAnswer = await first.text();
if (first.status !== 200) throw new Error(`the key server answered ${first.status}: ${spekeAnswer}`);
const sameSize = 'x'.repeat(Buffer.byteLength(spekeAnswer));
const plainServer = Fastify();
plainServer.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
plainServer.post('/plain', async (_request, reply) => reply.header('content-type', 'application/xml').send(sameSize));
const plainUrl = await listen(plainServer, '/plain');

interface AutocannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  errors: number;
  non2xx: number;
  /** CPU time this process (the servers, and their threads writing log lines) spent during the run, in µs. */
  cpuMicros: number;
}

async function autocannon(url: string, seconds: number): Promise<AutocannonResult> {
  const headers = Object.entries(HEADERS).flatMap(([name, value]) => ['-H', `${name}=${value}`]);
  const args = ['--json', '--no-progress', '-c', String(CONNECTIONS), '-d', String(seconds), '-m', 'POST'];
  const cpu = process.cpuUsage();
  const { stdout } = await runFile(process.execPath, [AUTOCANNON, ...args, ...headers, '-b', SPEKE_V2_REQUEST, url], {
    maxBuffer: 16 * 1024 * 1024,
  });
  const used = process.cpuUsage(cpu);
  const result = { ...(JSON.parse(stdout) as AutocannonResult), cpuMicros: used.user + used.system };
  if (result.non2xx > 0 || result.errors > 0)
    throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return result;
}

/** Throughput under concurrency of each server, in the same run, loaded alike, taking turns. */
async function loadAll(urls: Record<string, string>) {
  // A short unmeasured run first, so that the JIT has compiled each server's hot paths.
  for (const url of Object.values(urls)) await autocannon(url, WARMUP_SECONDS);
  const runs = new Map<string, AutocannonResult[]>(Object.keys(urls).map((name) => [name, []]));
  // Each round takes the servers in another of their orders, every order in turn: within the
  // rounds, each server runs first, and right after each other server, equally often. (Rotating one
  // order put the deployed server after the plain route in 5 of its 6 runs, counting the warm-up.)
  const orders = permutations(Object.entries(urls));
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [name, url] of orders[round % orders.length]!) runs.get(name)!.push(await autocannon(url, LOAD_SECONDS));
  }
  const table = Object.fromEntries(
    [...runs].map(([name, results]) => [
      name,
      {
        'requests/s': Math.round(median(results.map((result) => result.requests.average))),
        'p50 ms': median(results.map((result) => result.latency.p50)),
        'p99 ms': median(results.map((result) => result.latency.p99)),
        requests: results.reduce((sum, result) => sum + result.requests.total, 0),
        // What one request costs the server's process, less disturbed by what else runs on the machine.
        'CPU µs/request': Math.round(median(results.map((result) => result.cpuMicros / result.requests.total))),
      },
    ]),
  );
  const cpuPerRequest = Object.fromEntries(
    [...runs].map(([name, results]) => [name, results.map((result) => result.cpuMicros / result.requests.total)]),
  );
  return { table, cpuPerRequest };
}

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, index) =>
    permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]),
  );
}

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

/**
 * How much more CPU per request `runs` took than `baseline`, round by round (the two ran one after
 * the other in each round, so a burst of load from elsewhere falls on both): the median and range.
 */
function pairedExtra(runs: number[], baseline: number[]): { median: number; least: number; most: number } {
  const extras = runs.map((value, round) => value / baseline[round]! - 1);
  return { median: median(extras), least: Math.min(...extras), most: Math.max(...extras) };
}

const load1 = loadavg()[0]!.toFixed(2);
const { table: figures, cpuPerRequest } = await loadAll({
  'SPEKE v2 as deployed (logging at info)': deployedUrl,
  'SPEKE v2, logging off': quietUrl,
  'plain fastify route': plainUrl,
});
const [deployed, quiet, plain] = Object.values(figures).map((figure) => figure['requests/s']) as [
  number,
  number,
  number,
];
// The same ratios from CPU time per request: requests per CPU second, as on one pinned core.
const [deployedCpu, quietCpu, plainCpu] = Object.values(figures).map((figure) => 1 / figure['CPU µs/request']) as [
  number,
  number,
  number,
];
const percent = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)}%`;
console.log(
  `\nautocannon (child process), ${CONNECTIONS} connections, ${ROUNDS} × ${LOAD_SECONDS} s each in turns (medians), loopback, ` +
    `${sameSize.length}-byte answers, load average ${load1}:`,
);
console.table(figures);
console.log(
  `SPEKE v2 as deployed = ${percent(deployed, plain)} of the plain route's requests/s (goal ≥ 50%), ` +
    `${percent(deployedCpu, plainCpu)} by CPU time per request; logging off: ${percent(quiet, plain)}, ${percent(quietCpu, plainCpu)}\n` +
    `logging at info costs ${percent(quiet - deployed, quiet)} of the requests/s (goal ≤ 5%), ` +
    `${percent(quietCpu - deployedCpu, quietCpu)} by CPU time per request`,
);
const [deployedRounds, quietRounds] = Object.values(cpuPerRequest) as [number[], number[]];
const logging = pairedExtra(deployedRounds, quietRounds);
console.log(
  `logging at info, round by round: ${percent(logging.median, 1)} more CPU per request (median; ` +
    `from ${percent(logging.least, 1)} to ${percent(logging.most, 1)} over ${ROUNDS} rounds)\n`,
);

async function post(url: string): Promise<void> {
  const response = await fetch(url, { method: 'POST', headers: HEADERS, body: SPEKE_V2_REQUEST });
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
  await response.arrayBuffer();
}

// Latency of one request at a time, through the same sockets.
describe('SPEKE v2 (2 keys × 3 DRM) vs a plain fastify route with a body of the same size', () => {
  bench('SPEKE v2 as deployed (logging at info), one at a time', () => post(deployedUrl), { time: 2000 });
  bench('SPEKE v2, logging off, one at a time', () => post(quietUrl), { time: 2000 });
  bench('plain fastify route, one at a time', () => post(plainUrl), { time: 2000 });
});
