import { SpekeLambdaError } from './errors.js';

/** Environment variables, as `process.env` holds them. */
export type Environment = Record<string, string | undefined>;

/** Where the tenant's key seed and derivation secret come from. */
export type SecretSource =
  /** A Secrets Manager secret (ARN or name) holding `{"keySeed": "…", "derivationSecret": "…"}`. */
  | { kind: 'secrets-manager'; secretId: string }
  /** Clear values from the environment: for tests and local runs only. */
  | { kind: 'environment'; keySeed: string; derivationSecret?: string };

/** The function's configuration, read from its environment. */
export interface LambdaSettings {
  /** The one tenant's id (it appears in key-delivery URLs). */
  tenantId: string;
  secrets: SecretSource;
  /** The tenant's signalling settings in tenants-config form, checked by the engine when the tenant is built. */
  tenantSettings: Record<string, unknown>;
  /** Public origin for key-delivery URLs; absent → the domain and stage the request came through. */
  publicUrl?: string;
  /** Largest request body in bytes. */
  bodyLimit: number;
}

/** Default tenant id when `CPIXKIT_TENANT_ID` is not set. */
export const DEFAULT_TENANT_ID = 'speke';
/** Default largest request body, the same as the server's. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

type SettingKind = 'string' | 'boolean' | 'integer';

/**
 * Variables that set one tenant setting each, applied over `CPIXKIT_TENANT_SETTINGS` (a JSON object
 * in the form of a tenants config's `settings`).
 */
export const SETTING_VARIABLES: readonly { name: string; path: readonly string[]; kind: SettingKind }[] = [
  { name: 'CPIXKIT_PLAYREADY_LA_URL', path: ['playReady', 'laUrl'], kind: 'string' },
  { name: 'CPIXKIT_PLAYREADY_LUI_URL', path: ['playReady', 'luiUrl'], kind: 'string' },
  { name: 'CPIXKIT_PLAYREADY_DS_ID', path: ['playReady', 'dsId'], kind: 'string' },
  { name: 'CPIXKIT_PLAYREADY_HEADER_VERSION', path: ['playReady', 'headerVersion'], kind: 'string' },
  { name: 'CPIXKIT_PLAYREADY_CHECKSUM', path: ['playReady', 'includeChecksum'], kind: 'boolean' },
  { name: 'CPIXKIT_WIDEVINE_PROVIDER', path: ['widevine', 'provider'], kind: 'string' },
  { name: 'CPIXKIT_FAIRPLAY_URI_FORM', path: ['fairPlay', 'uriForm'], kind: 'string' },
  { name: 'CPIXKIT_FAIRPLAY_URI_TEMPLATE', path: ['fairPlay', 'uriTemplate'], kind: 'string' },
  { name: 'CPIXKIT_AES128_KEY_URI_BASE', path: ['aes128', 'keyUriBase'], kind: 'string' },
  { name: 'CPIXKIT_KID_POLICY', path: ['kidPolicy'], kind: 'string' },
  { name: 'CPIXKIT_MAX_KEYS_PER_REQUEST', path: ['maxKeysPerRequest'], kind: 'integer' },
];

/** Every variable the function reads, besides {@link SETTING_VARIABLES}. */
const CORE_VARIABLES = [
  'CPIXKIT_TENANT_ID',
  'CPIXKIT_SECRET_ARN',
  'CPIXKIT_KEY_SEED',
  'CPIXKIT_DERIVATION_SECRET',
  'CPIXKIT_TENANT_SETTINGS',
  'CPIXKIT_PUBLIC_URL',
  'CPIXKIT_BODY_LIMIT',
];

function configError(message: string): SpekeLambdaError {
  return new SpekeLambdaError('ERR_SPEKE_LAMBDA_CONFIG', 500, message);
}

/** A variable's value; unset and empty (what an unfilled SAM parameter gives) are the same. */
function settingValue(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function typedValue(name: string, text: string, kind: SettingKind): string | boolean | number {
  if (kind === 'boolean') {
    if (text === 'true' || text === 'false') return text === 'true';
    throw configError(`${name} must be true or false`);
  }
  if (kind === 'integer') {
    if (/^\d{1,9}$/.test(text)) return Number(text);
    throw configError(`${name} must be a whole number`);
  }
  return text;
}

function setAt(target: Record<string, unknown>, path: readonly string[], value: unknown, name: string): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const child = node[key] ?? {};
    if (typeof child !== 'object' || child === null || Array.isArray(child)) {
      throw configError(`${name}: CPIXKIT_TENANT_SETTINGS.${key} is not an object`);
    }
    node[key] = { ...(child as Record<string, unknown>) };
    node = node[key] as Record<string, unknown>;
  }
  node[path[path.length - 1]!] = value;
}

function tenantSettingsOf(env: Environment): Record<string, unknown> {
  const json = settingValue(env, 'CPIXKIT_TENANT_SETTINGS');
  let settings: Record<string, unknown> = {};
  if (json !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch {
      throw configError('CPIXKIT_TENANT_SETTINGS is not valid JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw configError('CPIXKIT_TENANT_SETTINGS must be a JSON object');
    }
    settings = parsed as Record<string, unknown>;
  }
  for (const variable of SETTING_VARIABLES) {
    const text = settingValue(env, variable.name);
    if (text !== undefined)
      setAt(settings, variable.path, typedValue(variable.name, text, variable.kind), variable.name);
  }
  return settings;
}

function secretSourceOf(env: Environment): SecretSource {
  const secretId = settingValue(env, 'CPIXKIT_SECRET_ARN');
  const keySeed = settingValue(env, 'CPIXKIT_KEY_SEED');
  const derivationSecret = settingValue(env, 'CPIXKIT_DERIVATION_SECRET');
  if (secretId !== undefined) {
    if (keySeed !== undefined || derivationSecret !== undefined) {
      throw configError('set either CPIXKIT_SECRET_ARN or CPIXKIT_KEY_SEED (and CPIXKIT_DERIVATION_SECRET), not both');
    }
    return { kind: 'secrets-manager', secretId };
  }
  if (keySeed !== undefined) {
    return { kind: 'environment', keySeed, ...(derivationSecret !== undefined ? { derivationSecret } : {}) };
  }
  if (derivationSecret !== undefined) throw configError('CPIXKIT_DERIVATION_SECRET is set without CPIXKIT_KEY_SEED');
  throw configError('no key seed: set CPIXKIT_SECRET_ARN (Secrets Manager) or CPIXKIT_KEY_SEED');
}

function publicUrlOf(env: Environment): string | undefined {
  const text = settingValue(env, 'CPIXKIT_PUBLIC_URL');
  if (text === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw configError('CPIXKIT_PUBLIC_URL is not an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw configError('CPIXKIT_PUBLIC_URL must be http(s)');
  return text.replace(/\/+$/, '');
}

/**
 * Reads the function's settings from its environment:
 * `CPIXKIT_TENANT_ID`, `CPIXKIT_SECRET_ARN` (or `CPIXKIT_KEY_SEED` and optionally `CPIXKIT_DERIVATION_SECRET`),
 * `CPIXKIT_TENANT_SETTINGS` and the {@link SETTING_VARIABLES}, `CPIXKIT_PUBLIC_URL`, `CPIXKIT_BODY_LIMIT`.
 *
 * Any other `CPIXKIT_*` variable is refused, so that a misspelt one does not pass unnoticed.
 *
 * @throws {@link SpekeLambdaError} `ERR_SPEKE_LAMBDA_CONFIG` naming the variable at fault (never its value).
 */
export function readLambdaSettings(env: Environment): LambdaSettings {
  const known = new Set([...CORE_VARIABLES, ...SETTING_VARIABLES.map((variable) => variable.name)]);
  for (const name of Object.keys(env)) {
    // A misspelt variable would otherwise be ignored and leave a setting at its default.
    if (name.startsWith('CPIXKIT_') && !known.has(name)) throw configError(`unknown variable ${name}`);
  }
  const bodyLimitText = settingValue(env, 'CPIXKIT_BODY_LIMIT');
  const bodyLimit =
    bodyLimitText === undefined ? DEFAULT_BODY_LIMIT : typedValue('CPIXKIT_BODY_LIMIT', bodyLimitText, 'integer');
  if (bodyLimit === 0) throw configError('CPIXKIT_BODY_LIMIT must be at least 1');
  const publicUrl = publicUrlOf(env);
  return {
    tenantId: settingValue(env, 'CPIXKIT_TENANT_ID') ?? DEFAULT_TENANT_ID,
    secrets: secretSourceOf(env),
    tenantSettings: tenantSettingsOf(env),
    ...(publicUrl !== undefined ? { publicUrl } : {}),
    bodyLimit: bodyLimit as number,
  };
}
