import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaultTenantSettings, KeyServiceError, resolveTenantsConfig } from './index.js';

const SEED_HEX = '5d5068bec9b384ff6044867159f16d6b755544fcd5116989b1acc4278e88';
const SECRET_B64 = Buffer.alloc(32, 7).toString('base64');
const tokenHash = `sha256:${createHash('sha256').update('s3cret-token').digest('hex')}`;

function config(tenant: Record<string, unknown> = {}): unknown {
  return { tenants: [{ id: 'acme', keySeed: SEED_HEX, derivationSecret: SECRET_B64, ...tenant }] };
}

function configError(raw: unknown): KeyServiceError {
  try {
    resolveTenantsConfig(raw);
  } catch (error) {
    if (error instanceof KeyServiceError) return error;
    throw error;
  }
  throw new Error('the config was accepted');
}

describe('resolveTenantsConfig', () => {
  it('reads a minimal tenant with every setting defaulted', () => {
    const [tenant] = resolveTenantsConfig(config({ tokens: [tokenHash] }));
    expect(tenant).toEqual({
      id: 'acme',
      keySeed: Uint8Array.from(Buffer.from(SEED_HEX, 'hex')),
      derivationSecret: Uint8Array.from(Buffer.alloc(32, 7)),
      keySource: 'seed',
      settings: defaultTenantSettings(),
      tokenHashes: [Uint8Array.from(createHash('sha256').update('s3cret-token').digest())],
    });
  });

  it('accepts the bare list and merges partial settings with the defaults', () => {
    const [tenant] = resolveTenantsConfig([
      {
        id: 'globex',
        keySeed: SEED_HEX,
        derivationSecret: SECRET_B64,
        keySource: 'store',
        settings: {
          playReady: { headerVersion: '4.3.0.0', laUrl: 'https://pr.example/rightsmanager.asmx?a=1&b=2' },
          widevine: { provider: 'widevine_test', contentId: 'cpix-id' },
          fairPlay: { uriForm: 'template', uriTemplate: 'skd://fps.example/{kidHex}' },
          aes128: {
            keyUriBase: 'https://cdn.example/keys/',
            keyUrlTtlSeconds: 3600,
            allowDrmKeys: true,
            keyUrlSecret: SECRET_B64,
          },
          kidPolicy: 'derive',
          kidPerScheme: false,
          maxKeysPerRequest: 8,
          anevia: { hlsAes128: true },
          clearKey: { enabled: true },
          cors: { allowedOrigins: ['https://player.example', 'http://127.0.0.1:8080'] },
        },
      },
    ]);
    const defaults = defaultTenantSettings();
    expect(tenant!.keySource).toBe('store');
    expect(tenant!.settings).toEqual({
      playReady: {
        ...defaults.playReady,
        headerVersion: '4.3.0.0',
        laUrl: 'https://pr.example/rightsmanager.asmx?a=1&b=2',
      },
      widevine: { ...defaults.widevine, provider: 'widevine_test', contentId: 'cpix-id' },
      fairPlay: { uriForm: 'template', uriTemplate: 'skd://fps.example/{kidHex}' },
      aes128: {
        enabled: true,
        keyUriBase: 'https://cdn.example/keys',
        keyUrlTtlSeconds: 3600,
        allowDrmKeys: true,
        keyUrlSecret: Uint8Array.from(Buffer.alloc(32, 7)),
      },
      kidPolicy: 'derive',
      kidPerScheme: false,
      maxKeysPerRequest: 8,
      maxAnswerBytes: defaults.maxAnswerBytes,
      anevia: { hlsAes128: true },
      clearKey: { enabled: true },
      cors: { allowedOrigins: ['https://player.example', 'http://127.0.0.1:8080'] },
    });
  });

  it.each([
    ['a non-object root', 'tenants: []', '(root)'],
    ['an empty list', { tenants: [] }, 'tenants: must be a non-empty list'],
    ['an unknown root key', { tenants: [], other: 1 }, '(root).other: unknown setting'],
    ['a bad tenant id', config({ id: 'a b' }), 'tenants[0].id: must be 1 to 64'],
    ['a short key seed', config({ keySeed: 'abcd' }), 'tenants[0].keySeed: must be hex or base64 of at least 30 bytes'],
    [
      'a missing secret',
      config({ derivationSecret: undefined }),
      'tenants[0].derivationSecret: must be a hex or base64 string',
    ],
    ['an unknown key source', config({ keySource: 'vault' }), 'tenants[0].keySource: must be one of "seed", "store"'],
    [
      'an origin with a path',
      config({ settings: { cors: { allowedOrigins: ['https://player.example/'] } } }),
      'tenants[0].settings.cors.allowedOrigins[0]: must be',
    ],
    [
      'an origin that is not http(s)',
      config({ settings: { cors: { allowedOrigins: ['file://x'] } } }),
      'tenants[0].settings.cors.allowedOrigins[0]: must be',
    ],
    [
      'origins not in a list',
      config({ settings: { cors: { allowedOrigins: '*' } } }),
      'tenants[0].settings.cors.allowedOrigins: must be a list',
    ],
    [
      'a plain token',
      config({ tokens: ['s3cret-token'] }),
      "tenants[0].tokens[0]: must be 'sha256:' followed by 64 hex digits",
    ],
    ['a typo in settings', config({ settings: { playready: {} } }), 'tenants[0].settings.playready: unknown setting'],
    [
      'an unknown header version',
      config({ settings: { playReady: { headerVersion: '4.4.0.0' } } }),
      'tenants[0].settings.playReady.headerVersion: must be one of',
    ],
    [
      'custom attributes that are not XML',
      config({ settings: { playReady: { customAttributes: '<a>' } } }),
      'tenants[0].settings.playReady: cannot be written in a PlayReady header',
    ],
    [
      'a template without template',
      config({ settings: { fairPlay: { uriForm: 'template' } } }),
      'tenants[0].settings.fairPlay.uriTemplate: is required',
    ],
    [
      'a template with an unknown placeholder',
      config({ settings: { fairPlay: { uriForm: 'template', uriTemplate: 'skd://{nope}' } } }),
      'tenants[0].settings.fairPlay.uriTemplate: unknown placeholder',
    ],
    [
      'a key URI base with a query',
      config({ settings: { aes128: { keyUriBase: 'https://cdn.example/k?x=1' } } }),
      'tenants[0].settings.aes128.keyUriBase: must be an http(s) URL without query',
    ],
    [
      'a zero key limit',
      config({ settings: { maxKeysPerRequest: 0 } }),
      'tenants[0].settings.maxKeysPerRequest: must be an integer from 1 to 10000',
    ],
    [
      'a string where a boolean belongs',
      config({ settings: { anevia: { hlsAes128: 'yes' } } }),
      'tenants[0].settings.anevia.hlsAes128: must be true or false',
    ],
    [
      'ATEME AES-128 without allowDrmKeys',
      config({ settings: { anevia: { hlsAes128: true } } }),
      'tenants[0].settings.anevia.hlsAes128: delivers the FairPlay key over the clear-key URL',
    ],
    [
      'a short key URL secret',
      config({ settings: { aes128: { keyUrlSecret: 'abcd' } } }),
      'tenants[0].settings.aes128.keyUrlSecret: must be hex or base64',
    ],
    [
      'a zero answer bound',
      config({ settings: { maxAnswerBytes: 0 } }),
      'tenants[0].settings.maxAnswerBytes: must be an integer from 1',
    ],
  ])('refuses %s, naming the path', (_what, raw, message) => {
    const error = configError(raw);
    expect(error.code).toBe('ERR_KEY_SERVICE_CONFIG');
    expect(error.message.startsWith(message)).toBe(true);
  });

  it('names the FairPlay URI forms as @cpixkit/hls-signaling does, and still reads their earlier spellings', () => {
    const formOf = (uriForm: string) =>
      resolveTenantsConfig(config({ settings: { fairPlay: { uriForm } } }))[0]!.settings.fairPlay.uriForm;
    expect(['kid', 'kid-iv', 'kid-base64', 'content-period'].map(formOf)).toEqual([
      'kid',
      'kid-iv',
      'kid-base64',
      'content-period',
    ]);
    expect(['base64-kid', 'content-id'].map(formOf)).toEqual(['kid-base64', 'content-period']);
    expect(configError(config({ settings: { fairPlay: { uriForm: 'kid-hex' } } })).message).toBe(
      'tenants[0].settings.fairPlay.uriForm: must be one of "kid", "kid-iv", "kid-base64", "content-period", "template"',
    );
  });

  it('refuses duplicate tenant ids', () => {
    const tenant = { id: 'acme', keySeed: SEED_HEX, derivationSecret: SECRET_B64 };
    expect(configError({ tenants: [tenant, tenant] }).message).toBe('tenants[1].id: duplicate tenant id "acme"');
  });

  it('never repeats a seed, secret or token in its messages', () => {
    for (const raw of [
      config({ keySeed: `${SEED_HEX}zz` }),
      config({ derivationSecret: 'tooshort' }),
      config({ tokens: ['s3cret-token'] }),
    ]) {
      const { message } = configError(raw);
      for (const secret of [SEED_HEX, 'tooshort', 's3cret-token']) expect(message).not.toContain(secret);
    }
  });
});
