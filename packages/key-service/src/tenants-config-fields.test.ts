import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../tooling/src/thrown.js';
import { defaultTenantSettings, KeyServiceError, resolveTenantsConfig } from './index.js';

// resolveTenantsConfig setting by setting: each value accepted at its boundary and refused one step
// past it, with the code, the status and the whole message naming the path.

const SEED_HEX = '5d5068bec9b384ff6044867159f16d6b755544fcd5116989b1acc4278e88';
const SECRET_B64 = Buffer.alloc(32, 7).toString('base64');
const HASH_HEX = createHash('sha256').update('token').digest('hex');

const tenant = (fields: Record<string, unknown> = {}) => ({
  id: 'acme',
  keySeed: SEED_HEX,
  derivationSecret: SECRET_B64,
  ...fields,
});
const withSettings = (settings: unknown) => [tenant({ settings })];
const settingsOf = (settings: unknown) => resolveTenantsConfig(withSettings(settings))[0]!.settings;

function refusal(raw: unknown): string {
  const error = thrownBy(() => resolveTenantsConfig(raw), KeyServiceError);
  expect([error.code, error.status]).toStrictEqual(['ERR_KEY_SERVICE_CONFIG', 422]);
  return error.message;
}

describe('defaultTenantSettings', () => {
  it('is what its documentation says, value by value', () => {
    expect(defaultTenantSettings()).toStrictEqual({
      playReady: { headerVersion: '4.0.0.0', includeChecksum: true },
      widevine: { contentId: 'none', protectionScheme: true, algorithm: false, trackType: false },
      fairPlay: { uriForm: 'kid-iv' },
      aes128: { enabled: true, keyUrlTtlSeconds: 31_536_000, allowDrmKeys: false },
      kidPolicy: 'keep',
      kidPerScheme: true,
      maxKeysPerRequest: 64,
      maxAnswerBytes: 2_097_152,
      anevia: { hlsAes128: false },
      clearKey: { enabled: false },
      cors: { allowedOrigins: [] },
    });
  });
});

describe('resolveTenantsConfig: the whole tenant', () => {
  it('gives exactly the tenant and its defaults, with an empty token list kept', () => {
    expect(resolveTenantsConfig({ tenants: [tenant({ tokens: [], settings: {} })] })).toStrictEqual([
      {
        id: 'acme',
        keySeed: Uint8Array.from(Buffer.from(SEED_HEX, 'hex')),
        derivationSecret: Uint8Array.from(Buffer.alloc(32, 7)),
        keySource: 'seed',
        settings: defaultTenantSettings(),
        tokenHashes: [],
      },
    ]);
    expect(resolveTenantsConfig([tenant()])[0]).not.toHaveProperty('tokenHashes');
  });

  it('takes null for an absent optional text and an absent settings group', () => {
    expect(
      settingsOf({
        playReady: { laUrl: null, luiUrl: null, dsId: null, customAttributes: null },
        widevine: { provider: null },
        fairPlay: { uriTemplate: null },
        aes128: { keyUriBase: null },
      }),
    ).toStrictEqual(defaultTenantSettings());
    expect(
      settingsOf({
        playReady: null,
        widevine: null,
        fairPlay: null,
        aes128: null,
        anevia: null,
        clearKey: null,
        cors: null,
      }),
    ).toStrictEqual(defaultTenantSettings());
  });

  it('sets every PlayReady and Widevine field it is given', () => {
    const settings = settingsOf({
      playReady: {
        headerVersion: '4.2.0.0',
        laUrl: 'https://la',
        luiUrl: 'https://lui',
        dsId: 'AH+03juKbUGbHl1V/QIwRA==',
        customAttributes: '<A>1</A>',
        includeChecksum: false,
      },
      widevine: {
        provider: 'p',
        contentId: 'content-id-and-period',
        protectionScheme: false,
        algorithm: true,
        trackType: true,
      },
    });
    expect([settings.playReady, settings.widevine]).toStrictEqual([
      {
        headerVersion: '4.2.0.0',
        includeChecksum: false,
        laUrl: 'https://la',
        luiUrl: 'https://lui',
        dsId: 'AH+03juKbUGbHl1V/QIwRA==',
        customAttributes: '<A>1</A>',
      },
      { contentId: 'content-id-and-period', protectionScheme: false, algorithm: true, trackType: true, provider: 'p' },
    ]);
  });

  it('reads token hashes whatever the case of their prefix and digits', () => {
    const [read] = resolveTenantsConfig([
      tenant({ tokens: [`SHA256:${HASH_HEX.toUpperCase()}`, `sha256:${HASH_HEX}`] }),
    ]);
    const digest = Uint8Array.from(Buffer.from(HASH_HEX, 'hex'));
    expect(read!.tokenHashes).toStrictEqual([digest, digest]);
  });

  it('drops every trailing slash of the key URI base', () => {
    expect(settingsOf({ aes128: { keyUriBase: 'http://cdn.example/keys///' } }).aes128.keyUriBase).toBe(
      'http://cdn.example/keys',
    );
  });
});

describe('resolveTenantsConfig: the root and the tenant', () => {
  it.each([
    [null, '(root): must be an object with a tenants list'],
    ['tenants', '(root): must be an object with a tenants list'],
    [{}, 'tenants: must be a non-empty list'],
    [{ tenants: 'acme' }, 'tenants: must be a non-empty list'],
    [[], 'tenants: must be a non-empty list'],
    [{ tenants: [tenant()], extra: 1 }, '(root).extra: unknown setting (known: tenants)'],
    [[null], 'tenants[0]: must be an object'],
    [[[tenant()]], 'tenants[0]: must be an object'],
    [
      [tenant({ name: 'x' })],
      'tenants[0].name: unknown setting (known: id, keySeed, derivationSecret, keySource, tokens, settings)',
    ],
    [[tenant(), tenant({ id: 'b' }), tenant({ id: 'b' })], 'tenants[2].id: duplicate tenant id "b"'],
    [[tenant({ keySeed: 30 })], 'tenants[0].keySeed: must be a hex or base64 string'],
    [
      [tenant({ derivationSecret: SECRET_B64.slice(0, 8) })],
      'tenants[0].derivationSecret: must be hex or base64 of at least 30 bytes',
    ],
    [[tenant({ keySource: 5 })], 'tenants[0].keySource: must be one of "seed", "store"'],
    [[tenant({ tokens: 'sha256:x' })], "tenants[0].tokens: must be a list of 'sha256:<hex>' token hashes"],
    [
      [tenant({ tokens: [[`sha256:${HASH_HEX}`]] })],
      "tenants[0].tokens[0]: must be 'sha256:' followed by 64 hex digits (the token itself is never stored)",
    ],
    [
      [tenant({ tokens: [`sha256:${HASH_HEX}`, 5] })],
      "tenants[0].tokens[1]: must be 'sha256:' followed by 64 hex digits (the token itself is never stored)",
    ],
    [
      [tenant({ tokens: [`sha256:${HASH_HEX.slice(1)}`] })],
      "tenants[0].tokens[0]: must be 'sha256:' followed by 64 hex digits (the token itself is never stored)",
    ],
    [
      [tenant({ tokens: [`sha256:${HASH_HEX}0`] })],
      "tenants[0].tokens[0]: must be 'sha256:' followed by 64 hex digits (the token itself is never stored)",
    ],
    [
      [tenant({ tokens: [`xsha256:${HASH_HEX}`] })],
      "tenants[0].tokens[0]: must be 'sha256:' followed by 64 hex digits (the token itself is never stored)",
    ],
    [
      [tenant({ tokens: [`sha256:${HASH_HEX.slice(1)}g`] })],
      "tenants[0].tokens[0]: must be 'sha256:' followed by 64 hex digits (the token itself is never stored)",
    ],
  ])('refuses %j', (raw, message) => {
    expect(refusal(raw)).toBe(message);
  });

  it.each([
    ['a', true],
    ['0', true],
    ['a.b_c-D9', true],
    [`a${'b'.repeat(63)}`, true],
    [`a${'b'.repeat(64)}`, false],
    ['', false],
    ['.a', false],
    ['-a', false],
    ['_a', false],
    ['a/b', false],
    ['a\n', false],
    [7, false],
  ])('takes %j as a tenant id: %s', (id, accepted) => {
    if (accepted) {
      expect(resolveTenantsConfig([tenant({ id })])[0]!.id).toBe(id);
    } else {
      expect(refusal([tenant({ id })])).toBe(
        'tenants[0].id: must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit',
      );
    }
  });
});

describe('resolveTenantsConfig: settings at their boundaries', () => {
  it('accepts each bound itself', () => {
    const settings = settingsOf({
      maxKeysPerRequest: 10_000,
      maxAnswerBytes: 64 * 1024 * 1024,
      aes128: { keyUrlTtlSeconds: 10 * 365 * 24 * 60 * 60 },
      cors: { allowedOrigins: Array.from({ length: 64 }, (_, i) => `https://o${i}.example`) },
    });
    expect([settings.maxKeysPerRequest, settings.maxAnswerBytes, settings.aes128.keyUrlTtlSeconds]).toStrictEqual([
      10_000,
      64 * 1024 * 1024,
      315_360_000,
    ]);
    expect(settings.cors.allowedOrigins).toHaveLength(64);
    expect(settingsOf({ maxKeysPerRequest: 1, maxAnswerBytes: 1, aes128: { keyUrlTtlSeconds: 1 } })).toMatchObject({
      maxKeysPerRequest: 1,
      maxAnswerBytes: 1,
    });
    expect(
      settingsOf({ fairPlay: { uriForm: 'template', uriTemplate: 'skd://fps.example/{contentId}/{kidHex}' } }).fairPlay,
    ).toStrictEqual({ uriForm: 'template', uriTemplate: 'skd://fps.example/{contentId}/{kidHex}' });
    expect(settingsOf({ cors: { allowedOrigins: ['*', 'http://a.example:8080'] } }).cors.allowedOrigins).toStrictEqual([
      '*',
      'http://a.example:8080',
    ]);
  });

  it.each([
    [{ maxKeysPerRequest: 10_001 }, 'maxKeysPerRequest: must be an integer from 1 to 10000'],
    [{ maxKeysPerRequest: 1.5 }, 'maxKeysPerRequest: must be an integer from 1 to 10000'],
    [{ maxKeysPerRequest: '8' }, 'maxKeysPerRequest: must be an integer from 1 to 10000'],
    [{ maxAnswerBytes: 64 * 1024 * 1024 + 1 }, 'maxAnswerBytes: must be an integer from 1 to 67108864'],
    [{ maxAnswerBytes: -1 }, 'maxAnswerBytes: must be an integer from 1 to 67108864'],
    [{ aes128: { keyUrlTtlSeconds: 315_360_001 } }, 'aes128.keyUrlTtlSeconds: must be an integer from 1 to 315360000'],
    [{ aes128: { keyUrlTtlSeconds: 0 } }, 'aes128.keyUrlTtlSeconds: must be an integer from 1 to 315360000'],
    [{ aes128: { keyUriBase: '' } }, 'aes128.keyUriBase: must be a non-empty string'],
    [{ aes128: { keyUriBase: 'cdn.example/keys' } }, 'aes128.keyUriBase: must be an absolute http(s) URL'],
    [
      { aes128: { keyUriBase: 'ftp://cdn.example/keys' } },
      'aes128.keyUriBase: must be an http(s) URL without query or fragment',
    ],
    [
      { aes128: { keyUriBase: 'https://cdn.example/keys#k' } },
      'aes128.keyUriBase: must be an http(s) URL without query or fragment',
    ],
    [{ aes128: { keyUrlSecret: 5 } }, 'aes128.keyUrlSecret: must be a hex or base64 string'],
    [{ aes128: { enabled: 1 } }, 'aes128.enabled: must be true or false'],
    [{ aes128: { allowDrmKeys: 'true' } }, 'aes128.allowDrmKeys: must be true or false'],
    [
      { aes128: { other: 1 } },
      'aes128.other: unknown setting (known: enabled, keyUriBase, keyUrlTtlSeconds, allowDrmKeys, keyUrlSecret)',
    ],
    [{ playReady: { laUrl: '' } }, 'playReady.laUrl: must be a non-empty string'],
    [{ playReady: { dsId: 5 } }, 'playReady.dsId: must be a non-empty string'],
    [{ playReady: { includeChecksum: 'no' } }, 'playReady.includeChecksum: must be true or false'],
    [{ playReady: 5 }, 'playReady: must be an object'],
    [
      { playReady: { headerVersion: 4 } },
      'playReady.headerVersion: must be one of "4.0.0.0", "4.1.0.0", "4.2.0.0", "4.3.0.0"',
    ],
    [
      { widevine: { contentId: 'cpix' } },
      'widevine.contentId: must be one of "none", "cpix-id", "content-id-and-period"',
    ],
    [{ widevine: { provider: '' } }, 'widevine.provider: must be a non-empty string'],
    [{ widevine: { protectionScheme: 0 } }, 'widevine.protectionScheme: must be true or false'],
    [{ widevine: { algorithm: 'x' } }, 'widevine.algorithm: must be true or false'],
    [{ widevine: { trackType: null } }, 'widevine.trackType: must be true or false'],
    [{ fairPlay: { uriTemplate: 'skd://{kidHex}' } }, "fairPlay.uriTemplate: is only used with uriForm 'template'"],
    [
      { fairPlay: { uriForm: 'template', uriTemplate: 'https://{kidHex}' } },
      'fairPlay.uriTemplate: must start with skd://',
    ],
    [{ fairPlay: { uriForm: 'template', uriTemplate: '' } }, 'fairPlay.uriTemplate: must be a non-empty string'],
    [{ kidPolicy: 'random' }, 'kidPolicy: must be one of "keep", "derive"'],
    [{ kidPerScheme: 'yes' }, 'kidPerScheme: must be true or false'],
    [{ clearKey: { enabled: 'on' } }, 'clearKey.enabled: must be true or false'],
    [{ clearKey: { on: true } }, 'clearKey.on: unknown setting (known: enabled)'],
    [{ anevia: { aes: true } }, 'anevia.aes: unknown setting (known: hlsAes128)'],
    [{ cors: { origins: [] } }, 'cors.origins: unknown setting (known: allowedOrigins)'],
    [{ cors: { allowedOrigins: ['https://a.example:443'] } }, 'cors.allowedOrigins[0]'],
    [{ cors: { allowedOrigins: ['HTTPS://a.example'] } }, 'cors.allowedOrigins[0]'],
    [{ cors: { allowedOrigins: ['*', 'a.example'] } }, 'cors.allowedOrigins[1]'],
    [{ cors: { allowedOrigins: [5] } }, 'cors.allowedOrigins[0]'],
    [{ cors: { allowedOrigins: ['ws://a.example'] } }, 'cors.allowedOrigins[0]'],
    [{ cors: { allowedOrigins: ['ftp://https:2121'] } }, 'cors.allowedOrigins[0]'],
  ])('refuses %j', (settings, message) => {
    const expected = /\[\d+\]$/.test(message)
      ? `${message}: must be '*' or an http(s) origin such as https://player.example.com (no path, no trailing slash)`
      : message;
    expect(refusal(withSettings(settings))).toBe(`tenants[0].settings.${expected}`);
  });

  it('refuses 65 origins', () => {
    const origins = Array.from({ length: 65 }, (_, i) => `https://o${i}.example`);
    expect(refusal(withSettings({ cors: { allowedOrigins: origins } }))).toBe(
      "tenants[0].settings.cors.allowedOrigins: must be a list of at most 64 origins, or ['*']",
    );
  });

  it('refuses settings that are not an object, and names every known setting for a typo', () => {
    expect(refusal(withSettings([]))).toBe('tenants[0].settings: must be an object');
    expect(refusal(withSettings({ maxkeys: 1 }))).toBe(
      'tenants[0].settings.maxkeys: unknown setting (known: playReady, widevine, fairPlay, aes128, kidPolicy, kidPerScheme, maxKeysPerRequest, maxAnswerBytes, anevia, clearKey, cors)',
    );
    expect(refusal(withSettings({ playReady: { la: 1 } }))).toBe(
      'tenants[0].settings.playReady.la: unknown setting (known: headerVersion, laUrl, luiUrl, dsId, customAttributes, includeChecksum)',
    );
    expect(refusal(withSettings({ widevine: { id: 1 } }))).toBe(
      'tenants[0].settings.widevine.id: unknown setting (known: provider, contentId, protectionScheme, algorithm, trackType)',
    );
    expect(refusal(withSettings({ fairPlay: { form: 1 } }))).toBe(
      'tenants[0].settings.fairPlay.form: unknown setting (known: uriForm, uriTemplate)',
    );
  });

  it('refuses PlayReady settings a 4.0 header cannot carry, with the writer’s reason', () => {
    expect(refusal(withSettings({ playReady: { customAttributes: '<a>' } }))).toMatch(
      /^tenants\[0\]\.settings\.playReady: cannot be written in a PlayReady header: ./,
    );
  });

  it('accepts ATEME AES-128 when DRM keys may be served over the key URL', () => {
    expect(settingsOf({ anevia: { hlsAes128: true }, aes128: { allowDrmKeys: true } }).anevia).toStrictEqual({
      hlsAes128: true,
    });
    expect(refusal(withSettings({ anevia: { hlsAes128: true }, aes128: { allowDrmKeys: false } }))).toBe(
      'tenants[0].settings.anevia.hlsAes128: delivers the FairPlay key over the clear-key URL: set aes128.allowDrmKeys to accept that',
    );
  });
});
