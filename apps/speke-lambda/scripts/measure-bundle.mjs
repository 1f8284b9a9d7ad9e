#!/usr/bin/env node
// Measures the Lambda bundle: its size (raw and gzip, as in the deployment zip), what it is made of
// (from esbuild's metafile), and its cold-start cost in fresh Node processes: the time to import
// it, then to answer a first heartbeat and a first SPEKE v2 request. An empty ES module imported
// the same way gives the baseline every import pays (the ESM loader itself). Wall-clock times
// suffer from whatever else the machine runs; the CPU time of the import (user + system) much less.
//
// Usage: node scripts/measure-bundle.mjs [--runs N] [--json]   (after `pnpm build`)
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { brotliCompressSync, gzipSync } from 'node:zlib';

const SIZE_GOAL_BYTES = 300 * 1024;
const IMPORT_GOAL_MS = 100;

const { values: options } = parseArgs({
  options: { runs: { type: 'string', default: '15' }, json: { type: 'boolean', default: false } },
});
const runs = Number(options.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a positive integer');

const appDir = fileURLToPath(new URL('..', import.meta.url));
const bundle = join(appDir, 'dist/handler.js');
const metafile = join(appDir, 'dist/metafile-esm.json');
if (!existsSync(bundle) || !existsSync(metafile)) {
  console.error(
    'dist/handler.js is missing: build first (npx -y pnpm@10.34.9 exec turbo run build --filter=@cpixkit/speke-lambda)',
  );
  process.exit(1);
}

// --- size and composition
const code = readFileSync(bundle);
const size = { bytes: code.length, gzip: gzipSync(code, { level: 9 }).length, brotli: brotliCompressSync(code).length };

/** Groups the bundle's inputs by package: workspace packages by directory, dependencies by npm name. */
function packageOf(input) {
  const modules = input.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = input.slice(modules + 'node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const workspace = /(?:^|\/)(packages|apps)\/([^/]+)\//.exec(input);
  if (workspace) return `${workspace[1]}/${workspace[2]}`;
  return input.startsWith('src/') || input === 'package.json' ? 'apps/speke-lambda' : input;
}
const { outputs } = JSON.parse(readFileSync(metafile, 'utf8'));
const output = Object.entries(outputs).find(([name]) => name.endsWith('handler.js'))?.[1];
const composition = {};
for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
  const name = packageOf(input);
  composition[name] = (composition[name] ?? 0) + bytesInOutput;
}
const externals = [...new Set(output.imports.filter((item) => item.external).map((item) => item.path))].sort();

// --- cold start, each run in a fresh process
const scratch = mkdtempSync(join(tmpdir(), 'cpixkit-lambda-measure-'));
const emptyModule = join(scratch, 'empty.mjs');
writeFileSync(emptyModule, 'export const empty = true;\n');
const speke = readFileSync(
  join(appDir, '../../tooling/fixtures/documents/axinom-speke-v2-request.xml'),
  'utf8',
).replaceAll('commonEncryptionScheme="cenc"', 'commonEncryptionScheme="cbcs"');
const probe = `
const cpu = process.cpuUsage();
const started = performance.now();
const module = await import(process.argv[1]);
const imported = performance.now();
const used = process.cpuUsage(cpu);
const importCpu = (used.user + used.system) / 1000;
if (process.argv[2] === 'bundle') {
  const event = (method, path, body) => ({
    version: '2.0', rawPath: path, rawQueryString: '',
    headers: { 'content-type': 'application/xml', 'x-speke-version': '2.0' },
    requestContext: { http: { method }, domainName: 'measure.example', stage: '$default' },
    ...(body ? { body, isBase64Encoded: false } : {}),
  });
  const heartbeat = await module.handler(event('GET', '/speke/v1.0/heartbeat'));
  const answered = performance.now();
  const keys = await module.handler(event('POST', '/speke/v2.0/copyProtection', process.env.MEASURE_BODY));
  const exchanged = performance.now();
  if (heartbeat.statusCode !== 200 || keys.statusCode !== 200) throw new Error('unexpected status ' + keys.statusCode + ' ' + keys.body);
  console.log(JSON.stringify({ import: imported - started, importCpu, heartbeat: answered - imported, speke: exchanged - answered }));
} else {
  console.log(JSON.stringify({ import: imported - started, importCpu }));
}
`;

function sample(target, kind) {
  const stdout = execFileSync(
    process.execPath,
    ['--input-type=module', '-e', probe, pathToFileURL(target).href, kind],
    {
      env: { PATH: process.env.PATH, CPIXKIT_KEY_SEED: randomBytes(32).toString('base64'), MEASURE_BODY: speke },
      encoding: 'utf8',
    },
  );
  // The bundle logs one JSON line per request; the measurement is the last line.
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  const round = (value) => Math.round(value * 10) / 10;
  return { median: round(at(0.5)), p90: round(at(0.9)), min: round(sorted[0]), max: round(sorted.at(-1)) };
}

const bundleRuns = [];
const baselineRuns = [];
try {
  for (let run = 0; run < runs; run += 1) {
    // Interleaved, so that load on the machine weighs on both alike.
    baselineRuns.push(sample(emptyModule, 'baseline'));
    bundleRuns.push(sample(bundle, 'bundle'));
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const coldStart = {
  runs,
  node: process.version,
  emptyModuleImportMs: stats(baselineRuns.map((run) => run.import)),
  emptyModuleImportCpuMs: stats(baselineRuns.map((run) => run.importCpu)),
  bundleImportMs: stats(bundleRuns.map((run) => run.import)),
  bundleImportCpuMs: stats(bundleRuns.map((run) => run.importCpu)),
  firstHeartbeatMs: stats(bundleRuns.map((run) => run.heartbeat)),
  firstSpekeV2RequestMs: stats(bundleRuns.map((run) => run.speke)),
};
const report = {
  size,
  sizeGoalBytes: SIZE_GOAL_BYTES,
  composition: Object.fromEntries(Object.entries(composition).sort((a, b) => b[1] - a[1])),
  externals,
  coldStart,
  importGoalMs: IMPORT_GOAL_MS,
  loadAverage: loadavg(),
  cpus: availableParallelism(),
};

if (options.json) {
  console.log(JSON.stringify(report, null, 2));
} else {
  const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
  const verdict = (ok) => (ok ? 'within goal' : 'OVER GOAL');
  console.log(
    `dist/handler.js: ${kb(size.bytes)} (gzip ${kb(size.gzip)}, brotli ${kb(size.brotli)}), goal < ${kb(
      SIZE_GOAL_BYTES,
    )}: ${verdict(size.bytes < SIZE_GOAL_BYTES)}`,
  );
  console.log(`external imports: ${externals.join(', ')}`);
  console.log('composition (bytes in output):');
  for (const [name, bytes] of Object.entries(report.composition))
    console.log(`  ${name.padEnd(32)} ${kb(bytes).padStart(10)}`);
  console.log(`cold start over ${runs} fresh processes on Node ${process.version} (median / p90 / min / max, ms):`);
  for (const [label, value] of [
    ['import an empty ES module (baseline)', coldStart.emptyModuleImportMs],
    ['  CPU time', coldStart.emptyModuleImportCpuMs],
    ['import dist/handler.js', coldStart.bundleImportMs],
    ['  CPU time', coldStart.bundleImportCpuMs],
    ['then answer the heartbeat', coldStart.firstHeartbeatMs],
    ['then answer a SPEKE v2 request', coldStart.firstSpekeV2RequestMs],
  ]) {
    console.log(
      `  ${label.padEnd(38)} ${[value.median, value.p90, value.min, value.max]
        .map((n) => String(n).padStart(6))
        .join(' ')}`,
    );
  }
  console.log(
    `bundle import, median: ${coldStart.bundleImportMs.median} ms wall (${verdict(
      coldStart.bundleImportMs.median < IMPORT_GOAL_MS,
    )}), ${coldStart.bundleImportCpuMs.median} ms CPU (${verdict(
      coldStart.bundleImportCpuMs.median < IMPORT_GOAL_MS,
    )}); goal < ${IMPORT_GOAL_MS} ms`,
  );
  console.log(
    `load average while measuring: ${loadavg()
      .map((value) => value.toFixed(1))
      .join(' ')} on ${availableParallelism()} CPUs`,
  );
}
