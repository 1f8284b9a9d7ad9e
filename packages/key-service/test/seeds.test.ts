import { describe, expect, it } from 'vitest';
import { seedSamples } from '../../../tooling/src/fixtures.js';
import { createKeyService, type Dialect, type Tenant } from '../src/index.js';
import { checkAnswer } from './decode.js';
import { MemoryKeyStore, type SeedName, seed, testTenant } from './fixtures.js';

/** Every request of the seeds, with the dialect(s) it is sent in. */
const REQUESTS: [SeedName, Dialect[]][] = [
  ['pallyConDashLiveRequest', ['pallycon-v1', 'pallycon-v2']],
  ['pallyConHlsLiveRequest', ['pallycon-v1', 'pallycon-v2']],
  ['pallyConDashVodRequest', ['pallycon-v1', 'pallycon-v2']],
  ['pallyConHlsVodRequest', ['pallycon-v1', 'pallycon-v2']],
  ['pallyCon2DashVodRequest', ['pallycon-v1', 'pallycon-v2']],
  ['pallyCon2HlsVodRequest', ['pallycon-v1', 'pallycon-v2']],
  ['pallyCon2DashLiveRequest', ['pallycon-v1', 'pallycon-v2']],
  ['pallyCon2HlsLiveRequest', ['pallycon-v1', 'pallycon-v2']],
  ['axinomSpekeV1Request', ['speke-v1']],
  ['awsLiveRequest', ['speke-v1']],
  ['awsVodRequest', ['speke-v1']],
];

/** Tenants that write the signalling differently: defaults, PallyCon-like 4.3 headers, derived KIDs, stored keys. */
const TENANTS: [string, Tenant][] = [
  ['defaults', testTenant()],
  [
    '4.3 headers, Widevine content id and track type, base64 skd',
    testTenant({
      settings: {
        playReady: {
          headerVersion: '4.3.0.0',
          laUrl: 'https://pr.example/lic?a=1&b=2',
          customAttributes: '<TENANT>x</TENANT>',
          includeChecksum: true,
        },
        widevine: {
          provider: 'cpixkit',
          contentId: 'content-id-and-period',
          protectionScheme: true,
          algorithm: true,
          trackType: true,
        },
        fairPlay: { uriForm: 'kid-base64' },
      },
    }),
  ],
  [
    'derived KIDs, content-period skd',
    testTenant({ settings: { kidPolicy: 'derive', fairPlay: { uriForm: 'content-period' } } }),
  ],
  ['stored keys', testTenant({ keySource: 'store' })],
];

const NOW = new Date();

describe('every PSSH, header, HLS line and key URI answered to a seed request decodes consistently with the keys', () => {
  for (const [tenantName, tenant] of TENANTS) {
    // One clock for the whole file: two answers to one request must be equal to the byte, key-URL expiry included.
    const service = createKeyService({ store: new MemoryKeyStore(), now: () => NOW });
    for (const [name, dialects] of REQUESTS) {
      for (const dialect of dialects) {
        it(`${name} as ${dialect}, ${tenantName}`, async () => {
          const answer = await service.answer({ tenant, dialect, body: seed(name), baseUrl: 'https://keys.example' });
          const { counts } = await checkAnswer(answer.body, service, tenant);
          const decoded =
            counts.pssh + counts.contentProtectionData + counts.hls + counts.smoothStreaming + counts.uriExtXKey;
          expect(decoded).toBeGreaterThan(0);
          const again = await service.answer({ tenant, dialect, body: seed(name), baseUrl: 'https://keys.example' });
          expect(again.body).toBe(answer.body);
        });
      }
    }

    it(`axinomSpekeV2Request as speke-v2 with cbcs keys, ${tenantName}`, async () => {
      const body = seed('axinomSpekeV2Request').replace(
        /commonEncryptionScheme="cenc"/g,
        'commonEncryptionScheme="cbcs"',
      );
      const answer = await service.answer({ tenant, dialect: 'speke-v2', body, baseUrl: 'https://keys.example' });
      const { counts } = await checkAnswer(answer.body, service, tenant);
      expect(counts.hls).toBe(12);
    });
  }

  it("refuses Axinom's SPEKE 2.0 sample as it is: FairPlay with cenc keys", async () => {
    await expect(
      createKeyService().answer({
        tenant: testTenant(),
        dialect: 'speke-v2',
        body: seed('axinomSpekeV2Request'),
        baseUrl: 'https://keys.example',
      }),
    ).rejects.toMatchObject({ code: 'ERR_KEY_SERVICE_FAIRPLAY_NEEDS_CBCS', status: 422 });
  });

  // Neither copy is XML: the request's ends inside its root, the response's lost its root's start tag.
  const damagedRefusals: Record<string, { status: number; code: string }> = {
    '004#1': { status: 400, code: 'ERR_KEY_SERVICE_NOT_XML' },
    '004#2': { status: 400, code: 'ERR_KEY_SERVICE_NOT_XML' },
  };

  it('refuses the damaged copies of seed 004 (list elements lost) as not XML, 400', async () => {
    const damaged = seedSamples().filter((sample) => sample.name.startsWith('004'));
    expect(damaged.map((sample) => sample.name)).toEqual(Object.keys(damagedRefusals));
    for (const sample of damaged) {
      for (const dialect of ['speke-v1', 'speke-v2'] as const) {
        await expect(
          createKeyService().answer({ tenant: testTenant(), dialect, body: sample.xml, baseUrl: 'https://k.example' }),
        ).rejects.toMatchObject(damagedRefusals[sample.name]!);
      }
    }
  });
});
