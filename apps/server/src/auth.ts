import { hash, timingSafeEqual } from 'node:crypto';
import type { Tenant } from '@cpixkit/key-service';
import { ServerError } from './errors.js';

/** A credential found on a request, before it is checked. */
export type Credential =
  | { kind: 'token'; source: 'path' | 'query' | 'bearer'; token: string }
  | { kind: 'basic'; tenantId: string; password: string };

const TOKEN_DIGEST_LENGTH = 32;

/** SHA-256 of a token's UTF-8 bytes, as tokens are compared. */
export function tokenDigest(token: string): Buffer {
  // One-shot hashing: about half the cost of a createHash() object for a short token.
  return hash('sha256', token, 'buffer');
}

/** The form a token is written in a tenants config: `sha256:<hex>` of its UTF-8 bytes. */
export function hashToken(token: string): string {
  return `sha256:${tokenDigest(token).toString('hex')}`;
}

function unauthenticated(message: string): ServerError {
  return new ServerError('ERR_SERVER_BAD_CREDENTIALS', 401, message);
}

/**
 * The configured tenants, looked up by id or authenticated by token. Tokens are compared as
 * SHA-256 digests in constant time against every stored hash, so the time taken says nothing
 * about which tenant, if any, a token belongs to.
 */
export class TenantDirectory {
  private readonly tenantsById: ReadonlyMap<string, Tenant>;

  constructor(tenants: readonly Tenant[]) {
    this.tenantsById = new Map(tenants.map((tenant) => [tenant.id, tenant]));
  }

  /** Every tenant, in config order. */
  get tenants(): Tenant[] {
    return [...this.tenantsById.values()];
  }

  /** The tenant with this id, if any. */
  byId(id: string): Tenant | undefined {
    return this.tenantsById.get(id);
  }

  private matches(tenant: Tenant, digest: Buffer): boolean {
    let matched = false;
    for (const hash of tenant.tokenHashes ?? []) {
      if (hash.length === TOKEN_DIGEST_LENGTH && timingSafeEqual(digest, hash)) matched = true;
    }
    return matched;
  }

  private tenantOf(credential: Credential): Tenant {
    if (credential.kind === 'basic') {
      const tenant = this.tenantsById.get(credential.tenantId);
      const digest = tokenDigest(credential.password);
      if (tenant === undefined || !this.matches(tenant, digest)) {
        throw unauthenticated('the Basic credentials match no tenant');
      }
      return tenant;
    }
    const digest = tokenDigest(credential.token);
    let found: Tenant | undefined;
    for (const tenant of this.tenantsById.values()) {
      if (this.matches(tenant, digest)) found ??= tenant;
    }
    if (found === undefined) throw unauthenticated(`the ${credential.source} token matches no tenant`);
    return found;
  }

  /**
   * The tenant that every presented credential belongs to. Throws 401 when there is none or one
   * is unknown, and 403 when they name different tenants.
   */
  authenticate(credentials: readonly Credential[]): Tenant {
    if (credentials.length === 0) {
      throw new ServerError(
        'ERR_SERVER_UNAUTHENTICATED',
        401,
        'credentials required: an enc-token, a Bearer token or Basic credentials',
      );
    }
    const tenants = credentials.map((credential) => this.tenantOf(credential));
    const [first] = tenants;
    if (first === undefined || tenants.some((tenant) => tenant !== first)) {
      throw new ServerError('ERR_SERVER_FORBIDDEN', 403, 'the credentials belong to different tenants');
    }
    return first;
  }
}

/**
 * Reads the credentials a request carries: the `:encToken` path parameter, the `enc-token` query
 * parameter and the `Authorization` header (Bearer, or Basic with the tenant id as user name).
 * Throws 401 for a malformed header; an Authorization scheme other than Bearer/Basic (such as an
 * AWS SigV4 signature passed through a gateway) is ignored.
 */
export function credentialsOf(request: {
  params?: unknown;
  query?: unknown;
  headers: Record<string, string | string[] | undefined>;
}): Credential[] {
  const found: Credential[] = [];
  const pathToken = (request.params as { encToken?: unknown } | undefined)?.encToken;
  if (typeof pathToken === 'string' && pathToken !== '')
    found.push({ kind: 'token', source: 'path', token: pathToken });
  const queryToken = (request.query as Record<string, unknown> | undefined)?.['enc-token'];
  if (Array.isArray(queryToken)) throw unauthenticated('give the enc-token query parameter once');
  if (typeof queryToken === 'string' && queryToken !== '') {
    found.push({ kind: 'token', source: 'query', token: queryToken });
  }
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string') {
    const match = /^(\S+)\s+(\S+)\s*$/.exec(authorization);
    const scheme = match?.[1]?.toLowerCase();
    if (scheme === 'bearer') {
      found.push({ kind: 'token', source: 'bearer', token: match![2]! });
    } else if (scheme === 'basic') {
      const decoded = Buffer.from(match![2]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon <= 0) throw unauthenticated('Basic credentials must be base64 of "tenant-id:token"');
      found.push({ kind: 'basic', tenantId: decoded.slice(0, colon), password: decoded.slice(colon + 1) });
    } else if (match === null && /^\s*(bearer|basic)\b/i.test(authorization)) {
      throw unauthenticated('the Authorization header is malformed');
    }
  }
  return found;
}
