import { CpixError } from '@cpixkit/cpix-model';
import { HlsSignalingError } from '@cpixkit/hls-signaling';
import { PlayReadyError } from '@cpixkit/playready-header';
import { PsshError } from '@cpixkit/pssh';
import { aneviaRequest } from './anevia.js';
import { answerDocument } from './answer.js';
import { clearKeyLicense } from './clearkey-license.js';
import { DIALECT_PROFILES } from './dialects.js';
import { KeyServiceError, oneLine } from './errors.js';
import { existingContentKey } from './key-source.js';
import { invalidKeyUrl, verifyKeyPath } from './key-url.js';
import { type ReadRequest, readRequest } from './read-request.js';
import type { KeyService, KeyServiceOptions, KeyServiceRequest, Tenant } from './types.js';

/** `X-Speke-User-Agent` / `Speke-User-Agent` when the caller names none. */
const DEFAULT_USER_AGENT = 'cpixkit-key-service';

/**
 * A value from the request that a signalling package refuses to write (a content id that cannot go
 * into a URI, say) is the request's fault: 422 with that package's reason.
 */
function asRequestError(error: unknown): unknown {
  if (
    error instanceof CpixError ||
    error instanceof PlayReadyError ||
    error instanceof HlsSignalingError ||
    error instanceof PsshError
  ) {
    return new KeyServiceError(
      'ERR_KEY_SERVICE_INVALID_REQUEST',
      422,
      `the request cannot be answered: ${oneLine(error.message)}`,
      { cause: error },
    );
  }
  return error;
}

function checkTenant(tenant: Tenant): void {
  if (typeof tenant !== 'object' || tenant === null || typeof tenant.id !== 'string' || tenant.settings === undefined) {
    throw new KeyServiceError('ERR_KEY_SERVICE_INVALID_REQUEST', 400, 'the request names no valid tenant');
  }
}

/**
 * The key engine the server and the SPEKE Lambda share. `answer` reads a request in its dialect
 * and returns the filled CPIX document; `deliverKey` serves HLS AES-128 keys behind signed URLs;
 * `clearKeyLicense` answers W3C ClearKey licence requests with the keys issued for ClearKey.
 * Keys come from the tenant's key seed or, for `keySource: 'store'` tenants, from `options.store`.
 */
export function createKeyService(options: KeyServiceOptions = {}): KeyService {
  const now = options.now ?? (() => new Date());
  const userAgent = options.userAgent ?? DEFAULT_USER_AGENT;
  const { store } = options;
  return {
    async answer(request: KeyServiceRequest) {
      if (typeof request !== 'object' || request === null) {
        throw new KeyServiceError('ERR_KEY_SERVICE_INVALID_REQUEST', 400, 'answer takes a KeyServiceRequest');
      }
      const { tenant, dialect, baseUrl } = request;
      checkTenant(tenant);
      const { body } = request;
      const requestBytes = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : (body?.byteLength ?? 0);
      const context = { tenant, baseUrl, now: now(), store, userAgent, requestBytes };
      const options = {
        spekeRules: request.spekeRules === 'axinom' ? ('axinom' as const) : ('aws' as const),
        overrideKeyIds: request.overrideKeyIds === true,
      };
      try {
        const profile = DIALECT_PROFILES[dialect];
        if (profile === undefined) {
          throw new KeyServiceError(
            'ERR_KEY_SERVICE_INVALID_REQUEST',
            400,
            `unknown dialect ${JSON.stringify(String(dialect).slice(0, 32))}`,
          );
        }
        const { document, warnings }: ReadRequest =
          dialect === 'anevia'
            ? { document: aneviaRequest(request.params, tenant), warnings: [] }
            : readRequest(request.body, tenant.settings.maxKeysPerRequest);
        return await answerDocument(profile, document, warnings, context, options);
      } catch (error) {
        throw asRequestError(error);
      }
    },

    async deliverKey(tenant: Tenant, signedPath: string, at?: Date) {
      checkTenant(tenant);
      try {
        if (typeof signedPath !== 'string') {
          throw new KeyServiceError('ERR_KEY_SERVICE_UNSIGNED_KEY_URL', 401, 'the key URL cannot be read');
        }
        const kid = verifyKeyPath(tenant, signedPath, at ?? now());
        return await existingContentKey(tenant, kid, store);
      } catch (error) {
        // Every client-side fault is the same refusal; an unreachable store stays a 503.
        if (error instanceof KeyServiceError && error.status < 500) throw invalidKeyUrl(error);
        throw error;
      }
    },

    async clearKeyLicense(tenant: Tenant, body: string | Uint8Array | undefined) {
      checkTenant(tenant);
      return clearKeyLicense(tenant, body, store);
    },
  };
}
