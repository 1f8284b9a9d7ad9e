import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seed, testTenant } from '../test/fixtures.js';
import { type SYSTEM, spekeV2Request } from '../test/requests.js';
import { createKeyService, defaultTenantSettings, type Tenant } from './index.js';

const service = createKeyService();
const BASE_URL = 'https://keys.example.com';

/** The bound the engine computes for a request, read from the refusal it gives with a one-byte limit. */
async function boundOf(tenant: Tenant, body: string): Promise<number> {
  const tiny = { ...tenant, settings: { ...tenant.settings, maxAnswerBytes: 1 } };
  const refusal = await service.answer({ tenant: tiny, dialect: 'speke-v2', body, baseUrl: BASE_URL }).then(
    () => undefined,
    (error: unknown) => error as { code: string; status: number; message: string },
  );
  expect(refusal).toMatchObject({ code: 'ERR_KEY_SERVICE_ANSWER_TOO_LARGE', status: 413 });
  return Number(/could take (\d+) bytes/.exec(refusal!.message)![1]);
}

describe('the answer size bound', () => {
  it('is never below the answer, and within a small factor of it', async () => {
    const systemSets: (keyof typeof SYSTEM)[][] = [
      ['widevine'],
      ['playready'],
      ['fairplay'],
      ['aes128'],
      ['widevine', 'playready', 'fairplay'],
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom(...systemSets),
        fc.integer({ min: 1, max: 1_024 }),
        fc.constantFrom('none', 'cpix-id', 'content-id-and-period'),
        fc.constantFrom('kid-iv', 'content-period'),
        async (keyCount, systems, contentIdLength, widevineContentId, uriForm) => {
          const defaults = defaultTenantSettings();
          const tenant = testTenant({
            settings: {
              widevine: { ...defaults.widevine, contentId: widevineContentId as 'none', provider: 'acme' },
              fairPlay: { uriForm: uriForm as 'kid-iv' },
              playReady: { ...defaults.playReady, laUrl: 'https://pr.example/rightsmanager.asmx?a=1&b=2' },
            },
          });
          const kids = Array.from(
            { length: keyCount },
            (_, index) => `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
          );
          const body = spekeV2Request({
            contentId: 'c'.repeat(contentIdLength),
            keys: kids.map((kid) => ({ kid, scheme: 'cbcs' })),
            systems: kids.flatMap((kid) => systems.map((system) => ({ system, kid }))),
          });
          const answer = await service.answer({ tenant, dialect: 'speke-v2', body, baseUrl: BASE_URL });
          const size = Buffer.byteLength(answer.body, 'utf8');
          const bound = await boundOf(tenant, body);
          expect(bound).toBeGreaterThanOrEqual(size);
          expect(bound).toBeLessThan(4 * size + Buffer.byteLength(body));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('refuses a PallyCon request with a 1 MB content id before writing any signalling', async () => {
    const body = seed('pallyConDashVodRequest').replace(
      /(<cpix:CPIX[^>]*?\bid=")[^"]*"/,
      `$1${'c'.repeat(1_000_000)}"`,
    );
    await expect(
      service.answer({ tenant: testTenant(), dialect: 'pallycon-v2', body, baseUrl: BASE_URL }),
    ).rejects.toMatchObject({
      code: 'ERR_KEY_SERVICE_CONTENT_ID_TOO_LONG',
      status: 422,
    });
  });

  it('refuses the largest request the key limit allows when its answer would pass the tenant bound, before issuing a key', async () => {
    // 64 keys (the default limit) × Widevine, PlayReady and FairPlay with every slot, content id at its limit.
    const kids = Array.from({ length: 64 }, (_, index) => `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`);
    const body = spekeV2Request({
      contentId: 'c'.repeat(1_024),
      keys: kids.map((kid) => ({ kid, scheme: 'cbcs' })),
      systems: kids.flatMap((kid) =>
        (['widevine', 'playready', 'fairplay'] as const).map((system) => ({ system, kid })),
      ),
    });
    const store = {
      calls: 0,
      getKey: async () => undefined,
      getOrCreateKey: async () => {
        store.calls += 1;
        return new Uint8Array(16);
      },
    };
    const tenant = testTenant({ keySource: 'store', settings: { maxAnswerBytes: 256 * 1024 } });
    await expect(
      createKeyService({ store }).answer({ tenant, dialect: 'speke-v2', body, baseUrl: BASE_URL }),
    ).rejects.toMatchObject({
      code: 'ERR_KEY_SERVICE_ANSWER_TOO_LARGE',
      status: 413,
    });
    expect(store.calls).toBe(0);
  });

  it('answers what fits the limit and refuses what does not', async () => {
    const body = spekeV2Request({
      keys: [{ kid: '11111111-2222-3333-4444-555555555555', scheme: 'cbcs' }],
      systems: [{ system: 'widevine', kid: '11111111-2222-3333-4444-555555555555' }],
    });
    const bound = await boundOf(testTenant(), body);
    const exact = testTenant({ settings: { maxAnswerBytes: bound } });
    await expect(
      service.answer({ tenant: exact, dialect: 'speke-v2', body, baseUrl: BASE_URL }),
    ).resolves.toMatchObject({ keysIssued: 1 });
    const under = testTenant({ settings: { maxAnswerBytes: bound - 1 } });
    await expect(service.answer({ tenant: under, dialect: 'speke-v2', body, baseUrl: BASE_URL })).rejects.toMatchObject(
      { code: 'ERR_KEY_SERVICE_ANSWER_TOO_LARGE' },
    );
  });
});
