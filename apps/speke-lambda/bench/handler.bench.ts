import { randomBytes } from 'node:crypto';
import { createKeyService, resolveTenantsConfig } from '@cpixkit/key-service';
import { bench, describe } from 'vitest';
import { seedDocument } from '../../../tooling/src/fixtures.js';
import { restApiEvent } from '../test/events.js';
import { createSpekeHandler } from '../src/handler.js';

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

describe('SPEKE v2 request, 2 keys × 3 DRM systems, warm', () => {
  bench(
    'Lambda handler (REST API event, base64 body)',
    async () => {
      const result = await handler(event);
      if (result.statusCode !== 200) throw new Error(result.body);
    },
    { time: 2000 },
  );

  bench(
    'engine alone (keyService.answer)',
    async () => {
      await keyService.answer({ tenant: tenant!, dialect: 'speke-v2', body: bytes, baseUrl: 'https://bench.example' });
    },
    { time: 2000 },
  );
});
