import { createHmac } from 'node:crypto';
import { isUuid } from '@cpixkit/cpix-model';
import { hmacKeyOf, secretsEqual } from '@cpixkit/key-seed';
import { KeyServiceError } from './errors.js';
import type { Tenant } from './types.js';

const LABEL = 'cpixkit/key-url/v1';
const EXP = /^[0-9]{1,12}$/;
const SIG = /^[A-Za-z0-9_-]{43}$/;

/** u32be(length) ‖ UTF-8 bytes, so that no two field lists give the same MAC input. */
function field(text: string): Buffer {
  // Stryker disable next-line StringLiteral: Buffer.from reads an empty encoding name as UTF-8
  const bytes = Buffer.from(text, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

function signature(tenant: Tenant, kid: string, exp: string): string {
  const hmac = createHmac('sha256', hmacKeyOf(tenant.settings.aes128.keyUrlSecret ?? tenant.derivationSecret));
  for (const part of [LABEL, tenant.id, kid, exp]) hmac.update(field(part));
  return hmac.digest('base64url');
}

/**
 * The signed key-delivery URL of an HLS AES-128 key:
 * `${base}/${tenantId}/${kid}?exp=<unix seconds>&sig=<base64url HMAC-SHA256>`, where `base` is
 * `settings.aes128.keyUriBase` or `${baseUrl}/keys`. The MAC is keyed with the tenant's
 * `aes128.keyUrlSecret` (its derivation secret when none is set) over the length-prefixed label `cpixkit/key-url/v1`, tenant id, KID and expiry.
 */
export function signedKeyUrl(tenant: Tenant, kid: string, baseUrl: string, now: Date): string {
  const base = tenant.settings.aes128.keyUriBase ?? `${baseUrl.replace(/\/+$/, '')}/keys`;
  const exp = String(Math.floor(now.getTime() / 1000) + tenant.settings.aes128.keyUrlTtlSeconds);
  return `${base}/${encodeURIComponent(tenant.id)}/${kid}?exp=${exp}&sig=${signature(tenant, kid, exp)}`;
}

/**
 * The one refusal of a key-delivery URL, whatever is wrong with it (`cause` keeps the reason for the
 * log): a key URL tells nothing about which tenants, kids or signatures exist.
 */
export function invalidKeyUrl(cause?: unknown): KeyServiceError {
  return new KeyServiceError('ERR_KEY_SERVICE_INVALID_KEY_URL', 403, 'the key URL is not valid', { cause });
}

/**
 * Checks the path and query of a key-delivery URL (`/…/<tenantId>/<kid>?exp=…&sig=…`) for `tenant`
 * and returns its KID. The signature is compared in constant time before the expiry is looked at.
 * No URL is valid while the tenant has HLS AES-128 turned off.
 *
 * @throws {@link KeyServiceError} 401 when `exp` or `sig` is missing or malformed; 403 when AES-128
 *   is off, for a URL of another tenant, a wrong signature or an expired URL; 404 when the path
 *   names no KID.
 */
export function verifyKeyPath(tenant: Tenant, signedPath: string, now: Date): string {
  if (!tenant.settings.aes128.enabled) {
    throw new KeyServiceError('ERR_KEY_SERVICE_AES128_DISABLED', 403, 'HLS AES-128 is not enabled for this tenant');
  }
  let url: URL;
  try {
    url = new URL(signedPath, 'http://key-url.invalid');
  } catch {
    throw new KeyServiceError('ERR_KEY_SERVICE_UNSIGNED_KEY_URL', 401, 'the key URL cannot be read');
  }
  const segments = url.pathname.split('/').filter((segment) => segment !== '');
  // Stryker disable next-line StringLiteral: a path without segments names no KID: '' and any other text that is not a UUID are refused alike
  const kid = segments.at(-1) ?? '';
  const tenantSegment = segments.at(-2);
  // The KID as signedKeyUrl writes it: a UUID in lower case.
  if (!isUuid(kid) || kid !== kid.toLowerCase() || tenantSegment === undefined) {
    throw new KeyServiceError('ERR_KEY_SERVICE_KEY_NOT_FOUND', 404, 'the key URL does not end in /<tenant>/<kid>');
  }
  const exp = url.searchParams.get('exp');
  const sig = url.searchParams.get('sig');
  if (exp === null || sig === null) {
    throw new KeyServiceError('ERR_KEY_SERVICE_UNSIGNED_KEY_URL', 401, 'the key URL has no exp and sig parameters');
  }
  if (!EXP.test(exp) || !SIG.test(sig)) {
    throw new KeyServiceError('ERR_KEY_SERVICE_UNSIGNED_KEY_URL', 401, 'the key URL exp or sig parameter is malformed');
  }
  let tenantId: string;
  try {
    tenantId = decodeURIComponent(tenantSegment);
    // Stryker disable next-line BlockStatement: a segment that does not decode names no tenant: left unassigned or '', tenantId is no tenant's id (tenants-config refuses an empty one)
  } catch {
    // Stryker disable next-line StringLiteral: as above: any text that is no tenant's id is refused alike
    tenantId = '';
  }
  if (tenantId !== tenant.id) {
    throw new KeyServiceError('ERR_KEY_SERVICE_WRONG_TENANT', 403, 'the key URL belongs to another tenant');
  }
  if (!secretsEqual(sig, signature(tenant, kid, exp))) {
    throw new KeyServiceError('ERR_KEY_SERVICE_BAD_KEY_URL_SIGNATURE', 403, 'the key URL signature does not match');
  }
  if (Number(exp) * 1000 <= now.getTime()) {
    throw new KeyServiceError('ERR_KEY_SERVICE_KEY_URL_EXPIRED', 403, 'the key URL has expired');
  }
  return kid;
}
