import { buildFairPlayUri, HlsSignalingError } from '@cpixkit/hls-signaling';
import { KeySeedError, parseKeySeed } from '@cpixkit/key-seed';
import { buildWrmHeader, PlayReadyError, WRMHEADER_VERSIONS } from '@cpixkit/playready-header';
import { KeyServiceError } from './errors.js';
import { defaultTenantSettings } from './settings.js';
import type { Tenant, TenantSettings } from './types.js';

const TENANT_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const TOKEN_HASH = /^sha256:([0-9a-f]{64})$/i;
const MAX_KEYS_LIMIT = 10_000;
const MAX_ALLOWED_ORIGINS = 64;
const MAX_ANSWER_BYTES_LIMIT = 64 * 1024 * 1024;
/** Values used only to check, at load time, that PlayReady and FairPlay settings can be written. */
const PROBE = {
  kid: '00000000-0000-0000-0000-000000000000',
  iv: new Uint8Array(16),
  contentId: 'probe',
  periodIndex: 0,
};

type Raw = Record<string, unknown>;

function configError(path: string, message: string): KeyServiceError {
  return new KeyServiceError('ERR_KEY_SERVICE_CONFIG', 422, `${path}: ${message}`);
}

function isObject(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function object(value: unknown, path: string, known: readonly string[]): Raw {
  if (!isObject(value)) throw configError(path, 'must be an object');
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw configError(`${path}.${key}`, `unknown setting (known: ${known.join(', ')})`);
  }
  return value;
}

function optionalString(value: unknown, path: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') throw configError(path, 'must be a non-empty string');
  return value;
}

function boolean(value: unknown, path: string, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw configError(path, 'must be true or false');
  return value;
}

/**
 * The FairPlay URI forms' earlier spellings, still read: they are the names `@cpixkit/hls-signaling`
 * gives the same forms (`kid-base64`, `content-period`) since both packages share one vocabulary.
 */
const FAIRPLAY_URI_FORM_ALIASES: Readonly<Record<string, TenantSettings['fairPlay']['uriForm']>> = {
  'base64-kid': 'kid-base64',
  'content-id': 'content-period',
};

function oneOf<T extends string>(value: unknown, path: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw configError(path, `must be one of ${allowed.map((item) => JSON.stringify(item)).join(', ')}`);
  }
  return value as T;
}

function positiveInteger(value: unknown, path: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > max) {
    throw configError(path, `must be an integer from 1 to ${max}`);
  }
  return value;
}

function httpUrl(value: unknown, path: string): string | undefined {
  const text = optionalString(value, path);
  if (text === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw configError(path, 'must be an absolute http(s) URL');
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '') {
    throw configError(path, 'must be an http(s) URL without query or fragment');
  }
  return text.replace(/\/+$/, '');
}

function secretBytes(value: unknown, path: string): Uint8Array {
  if (typeof value !== 'string') throw configError(path, 'must be a hex or base64 string');
  try {
    return parseKeySeed(value);
  } catch (error) {
    if (error instanceof KeySeedError) throw configError(path, 'must be hex or base64 of at least 30 bytes');
    throw error;
  }
}

function tokenHashes(value: unknown, path: string): Uint8Array[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw configError(path, "must be a list of 'sha256:<hex>' token hashes");
  return value.map((item, index) => {
    const match = typeof item === 'string' ? TOKEN_HASH.exec(item) : null;
    if (!match)
      throw configError(
        `${path}[${index}]`,
        "must be 'sha256:' followed by 64 hex digits (the token itself is never stored)",
      );
    return Uint8Array.from(Buffer.from(match[1]!, 'hex'));
  });
}

function resolveSettings(value: unknown, path: string): TenantSettings {
  const defaults = defaultTenantSettings();
  if (value === undefined) return defaults;
  const raw = object(value, path, [
    'playReady',
    'widevine',
    'fairPlay',
    'aes128',
    'kidPolicy',
    'kidPerScheme',
    'maxKeysPerRequest',
    'maxAnswerBytes',
    'anevia',
    'clearKey',
    'cors',
  ]);

  const pr = object(raw.playReady ?? {}, `${path}.playReady`, [
    'headerVersion',
    'laUrl',
    'luiUrl',
    'dsId',
    'customAttributes',
    'includeChecksum',
  ]);
  const playReady: TenantSettings['playReady'] = {
    headerVersion: oneOf(
      pr.headerVersion,
      `${path}.playReady.headerVersion`,
      WRMHEADER_VERSIONS,
      defaults.playReady.headerVersion,
    ),
    includeChecksum: boolean(
      pr.includeChecksum,
      `${path}.playReady.includeChecksum`,
      defaults.playReady.includeChecksum,
    ),
  };
  for (const field of ['laUrl', 'luiUrl', 'dsId', 'customAttributes'] as const) {
    const text = optionalString(pr[field], `${path}.playReady.${field}`);
    if (text !== undefined) playReady[field] = text;
  }
  try {
    const { laUrl, luiUrl, dsId, customAttributes } = playReady;
    buildWrmHeader({
      version: playReady.headerVersion,
      keys: [{ kid: PROBE.kid }],
      laUrl,
      luiUrl,
      dsId,
      customAttributes,
    });
  } catch (error) {
    if (error instanceof PlayReadyError)
      throw configError(`${path}.playReady`, `cannot be written in a PlayReady header: ${error.message}`);
    throw error;
  }

  const wv = object(raw.widevine ?? {}, `${path}.widevine`, [
    'provider',
    'contentId',
    'protectionScheme',
    'algorithm',
    'trackType',
  ]);
  const widevine: TenantSettings['widevine'] = {
    contentId: oneOf(
      wv.contentId,
      `${path}.widevine.contentId`,
      ['none', 'cpix-id', 'content-id-and-period'],
      defaults.widevine.contentId,
    ),
    protectionScheme: boolean(
      wv.protectionScheme,
      `${path}.widevine.protectionScheme`,
      defaults.widevine.protectionScheme,
    ),
    algorithm: boolean(wv.algorithm, `${path}.widevine.algorithm`, defaults.widevine.algorithm),
    trackType: boolean(wv.trackType, `${path}.widevine.trackType`, defaults.widevine.trackType),
  };
  const provider = optionalString(wv.provider, `${path}.widevine.provider`);
  if (provider !== undefined) widevine.provider = provider;

  const fp = object(raw.fairPlay ?? {}, `${path}.fairPlay`, ['uriForm', 'uriTemplate']);
  const fairPlay: TenantSettings['fairPlay'] = {
    uriForm: oneOf(
      FAIRPLAY_URI_FORM_ALIASES[fp.uriForm as string] ?? fp.uriForm,
      `${path}.fairPlay.uriForm`,
      ['kid', 'kid-iv', 'kid-base64', 'content-period', 'template'],
      defaults.fairPlay.uriForm,
    ),
  };
  const uriTemplate = optionalString(fp.uriTemplate, `${path}.fairPlay.uriTemplate`);
  if (fairPlay.uriForm === 'template') {
    if (uriTemplate === undefined)
      throw configError(`${path}.fairPlay.uriTemplate`, "is required with uriForm 'template'");
    if (!uriTemplate.startsWith('skd://')) throw configError(`${path}.fairPlay.uriTemplate`, 'must start with skd://');
    try {
      buildFairPlayUri({ template: uriTemplate, ...PROBE });
    } catch (error) {
      if (error instanceof HlsSignalingError) throw configError(`${path}.fairPlay.uriTemplate`, error.message);
      throw error;
    }
    fairPlay.uriTemplate = uriTemplate;
  } else if (uriTemplate !== undefined) {
    throw configError(`${path}.fairPlay.uriTemplate`, "is only used with uriForm 'template'");
  }

  const aes = object(raw.aes128 ?? {}, `${path}.aes128`, [
    'enabled',
    'keyUriBase',
    'keyUrlTtlSeconds',
    'allowDrmKeys',
    'keyUrlSecret',
  ]);
  const aes128: TenantSettings['aes128'] = {
    enabled: boolean(aes.enabled, `${path}.aes128.enabled`, defaults.aes128.enabled),
    keyUrlTtlSeconds: positiveInteger(
      aes.keyUrlTtlSeconds,
      `${path}.aes128.keyUrlTtlSeconds`,
      defaults.aes128.keyUrlTtlSeconds,
      10 * 365 * 24 * 60 * 60,
    ),
    allowDrmKeys: boolean(aes.allowDrmKeys, `${path}.aes128.allowDrmKeys`, defaults.aes128.allowDrmKeys),
  };
  const keyUriBase = httpUrl(aes.keyUriBase, `${path}.aes128.keyUriBase`);
  if (keyUriBase !== undefined) aes128.keyUriBase = keyUriBase;
  if (aes.keyUrlSecret !== undefined)
    aes128.keyUrlSecret = secretBytes(aes.keyUrlSecret, `${path}.aes128.keyUrlSecret`);

  const an = object(raw.anevia ?? {}, `${path}.anevia`, ['hlsAes128']);
  const ck = object(raw.clearKey ?? {}, `${path}.clearKey`, ['enabled']);
  const cors = object(raw.cors ?? {}, `${path}.cors`, ['allowedOrigins']);
  const hlsAes128 = boolean(an.hlsAes128, `${path}.anevia.hlsAes128`, defaults.anevia.hlsAes128);
  if (hlsAes128 && !aes128.allowDrmKeys) {
    // ATEME's HLS answer gives one key both FairPlay and the clear-key URL.
    throw configError(
      `${path}.anevia.hlsAes128`,
      'delivers the FairPlay key over the clear-key URL: set aes128.allowDrmKeys to accept that',
    );
  }
  return {
    playReady,
    widevine,
    fairPlay,
    aes128,
    kidPolicy: oneOf(raw.kidPolicy, `${path}.kidPolicy`, ['keep', 'derive'], defaults.kidPolicy),
    kidPerScheme: boolean(raw.kidPerScheme, `${path}.kidPerScheme`, defaults.kidPerScheme),
    maxKeysPerRequest: positiveInteger(
      raw.maxKeysPerRequest,
      `${path}.maxKeysPerRequest`,
      defaults.maxKeysPerRequest,
      MAX_KEYS_LIMIT,
    ),
    maxAnswerBytes: positiveInteger(
      raw.maxAnswerBytes,
      `${path}.maxAnswerBytes`,
      defaults.maxAnswerBytes,
      MAX_ANSWER_BYTES_LIMIT,
    ),
    anevia: { hlsAes128 },
    clearKey: { enabled: boolean(ck.enabled, `${path}.clearKey.enabled`, defaults.clearKey.enabled) },
    cors: { allowedOrigins: allowedOrigins(cors.allowedOrigins, `${path}.cors.allowedOrigins`) },
  };
}

/** `*`, or origins written as browsers send them: `scheme://host[:port]`, nothing after. */
function allowedOrigins(value: unknown, path: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.length > MAX_ALLOWED_ORIGINS) {
    throw configError(path, `must be a list of at most ${MAX_ALLOWED_ORIGINS} origins, or ['*']`);
  }
  return value.map((item, index) => {
    if (item === '*') return item;
    let origin: string | undefined;
    try {
      origin = typeof item === 'string' ? new URL(item).origin : undefined;
      // Stryker disable next-line BlockStatement: without it origin stays undefined, which is refused the same
    } catch {
      origin = undefined;
    }
    if (origin === undefined || origin !== item || !/^https?:/.test(origin)) {
      throw configError(
        `${path}[${index}]`,
        "must be '*' or an http(s) origin such as https://player.example.com (no path, no trailing slash)",
      );
    }
    return origin;
  });
}

function resolveTenant(value: unknown, path: string): Tenant {
  const raw = object(value, path, ['id', 'keySeed', 'derivationSecret', 'keySource', 'tokens', 'settings']);
  if (typeof raw.id !== 'string' || !TENANT_ID.test(raw.id)) {
    throw configError(
      `${path}.id`,
      'must be 1 to 64 letters, digits, ".", "_" or "-", starting with a letter or digit',
    );
  }
  const tenant: Tenant = {
    id: raw.id,
    keySeed: secretBytes(raw.keySeed, `${path}.keySeed`),
    derivationSecret: secretBytes(raw.derivationSecret, `${path}.derivationSecret`),
    keySource: oneOf(raw.keySource, `${path}.keySource`, ['seed', 'store'], 'seed'),
    settings: resolveSettings(raw.settings, `${path}.settings`),
  };
  const hashes = tokenHashes(raw.tokens, `${path}.tokens`);
  if (hashes !== undefined) tenant.tokenHashes = hashes;
  return tenant;
}

/**
 * Validates a parsed tenants config (YAML or JSON: `{ tenants: [...] }` or the bare list) and
 * returns the tenants with every setting filled from {@link defaultTenantSettings}. Per tenant:
 * `id`, `keySeed` and `derivationSecret` (hex or base64, at least 30 bytes each), optional
 * `keySource` (`seed` or `store`), `tokens` (`sha256:<hex>` hashes, kept as `tokenHashes`) and
 * `settings`. Unknown settings are refused so that typos do not pass silently.
 *
 * @throws {@link KeyServiceError} `ERR_KEY_SERVICE_CONFIG` naming the path at fault, e.g.
 *   `tenants[1].settings.playReady.headerVersion: must be one of …`; never the secret values.
 */
export function resolveTenantsConfig(raw: unknown): Tenant[] {
  let list: unknown = raw;
  const path = 'tenants';
  if (isObject(raw)) {
    object(raw, '(root)', ['tenants']);
    list = raw.tenants;
  } else if (!Array.isArray(raw)) {
    throw configError('(root)', 'must be an object with a tenants list');
  }
  if (!Array.isArray(list) || list.length === 0) throw configError(path, 'must be a non-empty list');
  const tenants = list.map((item, index) => resolveTenant(item, `${path}[${index}]`));
  const seen = new Set<string>();
  tenants.forEach((tenant, index) => {
    if (seen.has(tenant.id))
      throw configError(`${path}[${index}].id`, `duplicate tenant id ${JSON.stringify(tenant.id)}`);
    seen.add(tenant.id);
  });
  return tenants;
}
