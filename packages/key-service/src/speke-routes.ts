import { KeyServiceError } from './errors.js';
import type { HttpAnswer } from './http-answer.js';
import type { Dialect } from './types.js';

/** A SPEKE key-exchange route: its path and the dialect it speaks. */
export interface SpekeRoute {
  method: 'POST';
  /** The path as registered, without any stage or base-path prefix. */
  path: string;
  /** A fixed dialect, or `by-speke-version` to choose by the `X-Speke-Version` request header. */
  dialect: 'speke-v1' | 'speke-v2' | 'by-speke-version';
}

/**
 * The SPEKE routes every cpixkit front end (the fastify server, the Lambda) answers: AWS's
 * `/speke/v{1,2}.0/copyProtection`, the CPIX `/cpix/getKey` (dialect by `X-Speke-Version`) and
 * Axinom's `/Speke` and `/SpekeV2`.
 */
export const SPEKE_ROUTES: readonly SpekeRoute[] = [
  { method: 'POST', path: '/speke/v2.0/copyProtection', dialect: 'speke-v2' },
  { method: 'POST', path: '/speke/v1.0/copyProtection', dialect: 'speke-v1' },
  { method: 'POST', path: '/cpix/getKey', dialect: 'by-speke-version' },
  { method: 'POST', path: '/Speke', dialect: 'speke-v1' },
  { method: 'POST', path: '/SpekeV2', dialect: 'speke-v2' },
];

/** The SPEKE heartbeat route (`GET`), answered with {@link spekeHeartbeatAnswer}. */
export const SPEKE_HEARTBEAT_PATH = '/speke/v1.0/heartbeat';

/** The answer to the SPEKE heartbeat: 200 with a one-line status message. */
export function spekeHeartbeatAnswer(): HttpAnswer {
  return {
    status: 200,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
    body: 'cpixkit SPEKE key service is running',
  };
}

/**
 * The dialect of a request on `route`: the route's own, or for `/cpix/getKey` the one its
 * `X-Speke-Version` header names (`2.0` → SPEKE v2; `1.0` or no header → SPEKE v1).
 *
 * @throws {@link KeyServiceError} `ERR_KEY_SERVICE_BAD_SPEKE_VERSION` (400) for any other version.
 */
export function spekeDialectOf(route: SpekeRoute, spekeVersionHeader: string | string[] | undefined): Dialect {
  if (route.dialect !== 'by-speke-version') return route.dialect;
  if (spekeVersionHeader === undefined) return 'speke-v1';
  const value = Array.isArray(spekeVersionHeader) ? spekeVersionHeader[0] : spekeVersionHeader;
  if (value === '2.0') return 'speke-v2';
  if (value === '1.0') return 'speke-v1';
  throw new KeyServiceError(
    'ERR_KEY_SERVICE_BAD_SPEKE_VERSION',
    400,
    `unsupported X-Speke-Version ${JSON.stringify(String(value).slice(0, 16))}: use 2.0, or none for SPEKE v1`,
  );
}
