import { randomBytes } from 'node:crypto';
import { createKeyService, resolveTenantsConfig } from '@cpixkit/key-service';
import { bench, describe } from 'vitest';
import { seedDocument } from '../../../tooling/src/fixtures.js';
import { createSpekeHandler } from '../src/handler.js';
import { restApiEvent } from '../test/events.js';

// A warm instance answering SPEKE v2 (seed 002: 2 keys × FairPlay, PlayReady, Widevine): the
// handler (event reading, routing, answer shaping) against the engine alone, same tenant.
const body = seedDocument('axinomSpekeV2Request').replaceAll(
  'commonEncryptionScheme="cenc"',
  'commonEncryptionScheme="cbcs"',
);
const keySeed = randomBytes(32).toString('base64');
const handler = createSpekeHandler({ env: { CPIXKIT_KEY_SEED: keySeed }, log: () => {} });
const event = restApiEvent({
  method: 'POST',
  path: '/speke/v2.0/copyProtection',
  headers: { 'Content-Type': 'application/xml', 'X-Speke-Version': '2.0' },
  body,
  base64: true,
});
const [tenant] = resolveTenantsConfig({ tenants: [{ id: 'speke', keySeed, derivationSecret: keySeed }] });
const keyService = createKeyService();
const bytes = new Uint8Array(Buffer.from(body));

async function throughHandler(): Promise<void> {
  const result = await handler(event);
  if (result.statusCode !== 200) throw new Error(result.body);
}

async function engineAlone(): Promise<void> {
  await keyService.answer({ tenant: tenant!, dialect: 'speke-v2', body: bytes, baseUrl: 'https://bench.example' });
}

/** CPU time per call, in µs, of `calls` calls one after the other. */
async function cpuMicrosPerCall(run: () => Promise<void>, calls: number): Promise<number> {
  const start = process.cpuUsage();
  for (let call = 0; call < calls; call += 1) await run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / calls;
}

// Both warm before either is measured: the first request of the instance reads its settings and
// tenant, and the engine's code is shared, so whichever ran first would pay for compiling it. Then
// the two take turns, and the median turn counts, so that load from elsewhere falls on neither alone.
const WARMUP_CALLS = 1_000;
const ROUNDS = 9;
const CALLS_PER_ROUND = 300;
for (let call = 0; call < WARMUP_CALLS; call += 1) {
  await throughHandler();
  await engineAlone();
}
const handlerMicros: number[] = [];
const engineMicros: number[] = [];
for (let round = 0; round < ROUNDS; round += 1) {
  handlerMicros.push(await cpuMicrosPerCall(throughHandler, CALLS_PER_ROUND));
  engineMicros.push(await cpuMicrosPerCall(engineAlone, CALLS_PER_ROUND));
}
const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const handlerMedian = median(handlerMicros);
const engineMedian = median(engineMicros);
console.log(
  `\nSPEKE v2 (2 keys × 3 DRM), warm, CPU time per request (median of ${ROUNDS} alternating rounds of ${CALLS_PER_ROUND}): ` +
    `Lambda handler ${handlerMedian.toFixed(0)} µs, engine alone ${engineMedian.toFixed(0)} µs; ` +
    `handler = ${(handlerMedian / engineMedian).toFixed(2)}× the engine (goal ≤ 1.3×)\n`,
);

describe('SPEKE v2 request, 2 keys × 3 DRM systems, warm', () => {
  bench('Lambda handler (REST API event, base64 body)', throughHandler, { time: 2000 });
  bench('engine alone (keyService.answer)', engineAlone, { time: 2000 });
});
