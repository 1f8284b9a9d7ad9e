import { randomUUID } from 'node:crypto';
import { bench, describe } from 'vitest';
import { createKeyService } from '../src/index.js';
import { MemoryKeyStore, testTenant } from '../test/fixtures.js';
import { spekeV2Request, TWO_KEYS } from '../test/requests.js';

const [video, audio] = TWO_KEYS;
/** A SPEKE v2 request with 2 keys (video, audio; cbcs) × 3 DRM systems (Widevine, PlayReady, FairPlay), every element asked for. */
function requestFor(videoKid: string, audioKid: string): string {
  return spekeV2Request({
    keys: [
      { kid: videoKid, scheme: 'cbcs' },
      { kid: audioKid, scheme: 'cbcs', filter: 'audio' },
    ],
    systems: [videoKid, audioKid].flatMap((kid) => [
      { system: 'widevine' as const, kid },
      { system: 'playready' as const, kid },
      { system: 'fairplay' as const, kid },
    ]),
  });
}
const body = requestFor(video, audio);
/** The same request with KIDs no earlier request used, so that nothing can come from a cache. */
const freshBodies = Array.from({ length: 1000 }, () => requestFor(randomUUID(), randomUUID()));
let fresh = 0;
const baseUrl = 'https://keys.example.com';
const OPTIONS = { time: 3000, warmupTime: 1000 };
const seedTenant = testTenant();
const storeTenant = testTenant({ keySource: 'store' });
const seedService = createKeyService();
const storeService = createKeyService({ store: new MemoryKeyStore() });

describe('answer a SPEKE v2 request, 2 keys × 3 DRM systems', () => {
  bench(
    'keys from the tenant key seed',
    async () => {
      await seedService.answer({ tenant: seedTenant, dialect: 'speke-v2', body, baseUrl });
    },
    OPTIONS,
  );

  bench(
    'keys from the tenant key seed, fresh KIDs on every request',
    async () => {
      fresh = (fresh + 1) % freshBodies.length;
      await seedService.answer({ tenant: seedTenant, dialect: 'speke-v2', body: freshBodies[fresh]!, baseUrl });
    },
    OPTIONS,
  );

  bench(
    'keys from an in-memory key store',
    async () => {
      await storeService.answer({ tenant: storeTenant, dialect: 'speke-v2', body, baseUrl });
    },
    OPTIONS,
  );
});
