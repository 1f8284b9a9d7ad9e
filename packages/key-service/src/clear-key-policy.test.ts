import { describe, expect, it } from 'vitest';
import { testTenant } from '../test/fixtures.js';
import { spekeV2Request, TWO_KEYS } from '../test/requests.js';
import { createKeyService, defaultTenantSettings, KeyServiceError } from './index.js';

const service = createKeyService();
const [KID, OTHER] = TWO_KEYS;
const answer = (body: string, allowDrmKeys = false) =>
  service.answer({
    tenant: testTenant({ settings: { aes128: { ...defaultTenantSettings().aes128, allowDrmKeys } } }),
    dialect: 'speke-v2',
    body,
    baseUrl: 'https://keys.example.com',
  });

describe('keys of DRM systems over the clear-key URL', () => {
  it.each(['widevine', 'playready', 'fairplay'] as const)(
    'refuses a kid asked for %s and HLS AES-128',
    async (system) => {
      const body = spekeV2Request({
        keys: [{ kid: KID, scheme: 'cbcs' }],
        systems: [
          { system, kid: KID },
          { system: 'aes128', kid: KID },
        ],
      });
      await expect(answer(body)).rejects.toMatchObject({ code: 'ERR_KEY_SERVICE_AES128_DRM_KEY', status: 422 });
      await expect(answer(body, true)).resolves.toMatchObject({ keysIssued: 1 });
    },
  );

  it('names the key and the first DRM system that shares it with HLS AES-128', async () => {
    const body = spekeV2Request({
      keys: [{ kid: KID, scheme: 'cbcs' }],
      systems: [
        { system: 'aes128', kid: KID },
        { system: 'fairplay', kid: KID },
        { system: 'widevine', kid: KID },
      ],
    });
    const error = await answer(body).then(
      () => expect.unreachable('answered'),
      (caught: unknown) => caught as KeyServiceError,
    );
    expect(error).toBeInstanceOf(KeyServiceError);
    expect([error.code, error.status, error.message]).toStrictEqual([
      'ERR_KEY_SERVICE_AES128_DRM_KEY',
      422,
      `kid ${KID} is asked for FairPlay and HLS AES-128: the clear-key URL would hand out the FairPlay key; use a key of its own for AES-128 (or set aes128.allowDrmKeys)`,
    ]);
  });

  it('answers AES-128 and DRM systems on keys of their own', async () => {
    const body = spekeV2Request({
      keys: [
        { kid: KID, scheme: 'cbcs' },
        { kid: OTHER, scheme: 'cbcs', trackType: 'AUDIO', filter: 'audio' },
      ],
      systems: [
        { system: 'widevine', kid: KID },
        { system: 'aes128', kid: OTHER },
      ],
    });
    await expect(answer(body)).resolves.toMatchObject({ keysIssued: 2 });
  });
});
