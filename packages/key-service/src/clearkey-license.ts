import { bytesToUuid, uuidToBytes } from '@cpixkit/pssh';
import { issuedClearKey } from './clearkey.js';
import { KeyServiceError } from './errors.js';
import type { ClearKeyLicense, KeyStore, Tenant } from './types.js';

/** Largest licence request body read: 64 KIDs take under 2 KiB. */
export const CLEARKEY_LICENSE_REQUEST_MAX_BYTES = 16 * 1024;
/** A KID in a licence request: base64url of 16 bytes (22 characters), padding tolerated. */
const KID = /^[A-Za-z0-9_-]{22}(==)?$/;

function badRequest(message: string): KeyServiceError {
  return new KeyServiceError('ERR_KEY_SERVICE_BAD_LICENSE_REQUEST', 400, message);
}

/**
 * The KIDs (lower-case UUIDs) of a W3C EME ClearKey licence request (`{"kids":[…],"type":"temporary"}`,
 * EME §9.1.3), at most `maxKids` of them. `type` may be left out; only `temporary` licences are issued.
 *
 * @throws {@link KeyServiceError} 400 `ERR_KEY_SERVICE_BAD_LICENSE_REQUEST`, 413 `ERR_KEY_SERVICE_TOO_MANY_KEYS`.
 */
export function readLicenseRequest(body: string | Uint8Array | undefined, maxKids: number): string[] {
  if (body === undefined || body.length === 0) throw badRequest('the licence request has no body');
  if (body.length > CLEARKEY_LICENSE_REQUEST_MAX_BYTES) {
    throw new KeyServiceError(
      'ERR_KEY_SERVICE_BODY_TOO_LARGE',
      413,
      `a licence request is at most ${CLEARKEY_LICENSE_REQUEST_MAX_BYTES} bytes`,
    );
  }
  const text =
    typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
  let request: unknown;
  try {
    request = JSON.parse(text);
  } catch {
    throw badRequest('the licence request is not JSON');
  }
  if (typeof request !== 'object' || request === null || !Array.isArray((request as { kids?: unknown }).kids)) {
    throw badRequest('the licence request is not {"kids":[…]}');
  }
  const { kids, type } = request as { kids: unknown[]; type?: unknown };
  if (type !== undefined && type !== 'temporary') throw badRequest('only "temporary" licences are issued');
  if (kids.length === 0) throw badRequest('the licence request lists no kids');
  if (kids.length > maxKids) {
    throw new KeyServiceError(
      'ERR_KEY_SERVICE_TOO_MANY_KEYS',
      413,
      `the licence request lists ${kids.length} kids; at most ${maxKids}`,
    );
  }
  const uuids = kids.map((kid, index) => {
    if (typeof kid !== 'string' || !KID.test(kid)) throw badRequest(`kids[${index}] is not base64url of 16 bytes`);
    // Stryker disable next-line MethodExpression: Buffer.from(…, 'base64url') reads the '==' padding KID allows as nothing
    return bytesToUuid(Buffer.from(kid.slice(0, 22), 'base64url'));
  });
  return [...new Set(uuids)];
}

/** Base64url without padding, as JSON Web Keys write `kid` and `k`. */
function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/**
 * The ClearKey licence of a request (EME §9.1.4): a JSON Web Key set with a `kty: "oct"` key per
 * KID. Every KID must have a key issued for ClearKey by this tenant: otherwise 404, the same answer
 * whichever KID it is, so the answer tells nothing about which KIDs exist.
 *
 * @throws {@link KeyServiceError} 403 `ERR_KEY_SERVICE_CLEARKEY_DISABLED`, 404 `ERR_KEY_SERVICE_KEY_NOT_FOUND`,
 *   the refusals of {@link readLicenseRequest}, 503 when the store is missing or fails.
 */
export async function clearKeyLicense(
  tenant: Tenant,
  body: string | Uint8Array | undefined,
  store: KeyStore | undefined,
): Promise<ClearKeyLicense> {
  if (!tenant.settings.clearKey.enabled) {
    throw new KeyServiceError('ERR_KEY_SERVICE_CLEARKEY_DISABLED', 403, 'ClearKey is not enabled for this tenant');
  }
  const kids = readLicenseRequest(body, tenant.settings.maxKeysPerRequest);
  const keys = await Promise.all(kids.map((kid) => issuedClearKey(tenant, kid, store)));
  if (keys.some((key) => key === undefined)) {
    throw new KeyServiceError(
      'ERR_KEY_SERVICE_KEY_NOT_FOUND',
      404,
      'no ClearKey key of this tenant answers the request',
    );
  }
  const jwks = kids.map((kid, index) => ({ kty: 'oct', kid: base64url(uuidToBytes(kid)), k: base64url(keys[index]!) }));
  return { body: JSON.stringify({ keys: jwks, type: 'temporary' }), keys: jwks.length };
}
