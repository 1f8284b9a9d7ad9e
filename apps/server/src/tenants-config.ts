import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { resolveTenantsConfig, type Tenant } from '@cpixkit/key-service';
import { parse as parseYaml } from 'yaml';
import { hashToken } from './auth.js';
import type { DataDir } from './data-dir.js';
import { ServerError } from './errors.js';
import type { Environment } from './settings.js';

/** Name of the development tenants file the embedded default keeps in the data directory. */
export const DEV_TENANTS_FILE = 'tenants.json';
/** Id of the development tenant. */
export const DEV_TENANT_ID = 'dev';

/** The tenants the server runs with, and where they came from. */
export interface LoadedTenants {
  tenants: Tenant[];
  /** The file they were read from. */
  source: string;
  /** Set when this start created the development tenant with a token it generated: shown once. */
  createdDevToken?: string;
}

/**
 * Replaces every string value `env:NAME` in a parsed config by the variable's value, so seeds and
 * secrets can stay out of the file. Throws naming the config path of a reference to an unset variable.
 */
export function resolveEnvReferences(value: unknown, env: Environment, path = ''): unknown {
  if (typeof value === 'string' && value.startsWith('env:')) {
    const name = value.slice(4);
    const resolved = env[name];
    if (resolved === undefined || resolved === '') {
      throw new ServerError('ERR_SERVER_CONFIG', 500, `${path || '(root)'}: environment variable ${name} is not set`);
    }
    return resolved;
  }
  if (Array.isArray(value)) return value.map((item, index) => resolveEnvReferences(item, env, `${path}[${index}]`));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, resolveEnvReferences(item, env, path ? `${path}.${key}` : key)]),
    );
  }
  return value;
}

function resolveFile(text: string, file: string, env: Environment): Tenant[] {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message.split('\n')[0] : 'unreadable';
    throw new ServerError('ERR_SERVER_CONFIG', 500, `${file}: not valid YAML or JSON: ${reason}`, { cause });
  }
  let tenants: Tenant[];
  try {
    tenants = resolveTenantsConfig(resolveEnvReferences(raw, env));
  } catch (cause) {
    if (cause instanceof ServerError) throw new ServerError('ERR_SERVER_CONFIG', 500, `${file}: ${cause.message}`);
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new ServerError('ERR_SERVER_CONFIG', 500, `${file}: ${reason}`, { cause });
  }
  checkDistinctTokens(tenants, file);
  return tenants;
}

/**
 * Refuses a token hash given twice: a Bearer token of two tenants would authenticate as whichever
 * comes first, and a token listed twice for one tenant is a slip of the pen.
 */
function checkDistinctTokens(tenants: readonly Tenant[], file: string): void {
  const owners = new Map<string, string>();
  for (const tenant of tenants) {
    for (const digest of tenant.tokenHashes ?? []) {
      const key = Buffer.from(digest).toString('hex');
      const owner = owners.get(key);
      if (owner !== undefined) {
        throw new ServerError(
          'ERR_SERVER_CONFIG',
          500,
          `${file}: tenants ${owner} and ${tenant.id} list the same token hash: give each tenant tokens of its own`,
        );
      }
      owners.set(key, tenant.id);
    }
  }
}

/**
 * Reads and validates a tenants config file (YAML or JSON; `env:NAME` references resolved). A file
 * that group or others may write is refused: whoever can write it can add a tenant and its token.
 */
export function loadTenantsFile(file: string, env: Environment): Tenant[] {
  let text: string;
  let mode: number;
  try {
    mode = statSync(file).mode;
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw new ServerError('ERR_SERVER_CONFIG', 500, `cannot read the tenants config ${file}`, { cause });
  }
  if ((mode & 0o022) !== 0) {
    const octal = (mode & 0o777).toString(8).padStart(4, '0');
    throw new ServerError(
      'ERR_SERVER_CONFIG',
      500,
      `the tenants config ${file} is writable by group or others (mode ${octal}): run chmod 600 on it`,
    );
  }
  return resolveFile(text, file, env);
}

/**
 * The development tenants config written on first start: random seed and secret, one token,
 * ClearKey enabled and any origin allowed, so that a local test page can play.
 */
function devTenantsConfig(token: string): Record<string, unknown> {
  return {
    tenants: [
      {
        id: DEV_TENANT_ID,
        keySeed: randomBytes(32).toString('base64'),
        derivationSecret: randomBytes(32).toString('base64'),
        tokens: [hashToken(token)],
        settings: { clearKey: { enabled: true }, cors: { allowedOrigins: ['*'] } },
      },
    ],
  };
}

/**
 * The embedded default: the development tenant kept in the data directory, created on first
 * start (token from `devToken` or random, and only a random one is returned for the banner) and read back unchanged on every later start, so keys
 * stay the same across restarts.
 */
export function loadDevTenants(dataDir: DataDir, env: Environment, devToken?: string): LoadedTenants {
  const file = dataDir.file(DEV_TENANTS_FILE);
  const existing = dataDir.read(DEV_TENANTS_FILE);
  if (existing !== undefined) return { tenants: resolveFile(existing, file, env), source: file };
  // The prefix makes the token easy to spot for secret scanners and keeps it from starting with '-'.
  const token = devToken ?? `cpx_${randomBytes(24).toString('base64url')}`;
  const created = dataDir.createSecretFile(DEV_TENANTS_FILE, `${JSON.stringify(devTenantsConfig(token), null, 2)}\n`);
  const tenants = resolveFile(dataDir.read(DEV_TENANTS_FILE) ?? '', file, env);
  // An operator who gave the token knows it: it is printed only when the server made it up.
  return { tenants, source: file, ...(created && devToken === undefined ? { createdDevToken: token } : {}) };
}
