import { KeyServiceError } from './errors.js';
import type { HttpAnswer } from './http-answer.js';
import type { Dialect, SpekeRules } from './types.js';

/** A SPEKE key-exchange route: its path and the dialect it speaks. */
export interface SpekeRoute {
  method: 'POST';
  /** The path as registered, without any stage or base-path prefix. */
  path: string;
  /** A fixed dialect, or `by-speke-version` to choose by the `X-Speke-Version` request header. */
  dialect: 'speke-v1' | 'speke-v2' | 'by-speke-version';
  /** Whose rules requests on it are read by: AWS's, or Axinom Key Service's on Axinom's paths. */
  rules: SpekeRules;
}

/**
 * The SPEKE routes every cpixkit front end (the fastify server, the Lambda) answers: AWS's
 * `/speke/v{1,2}.0/copyProtection`, the CPIX `/cpix/getKey` (dialect by `X-Speke-Version`), both
 * under AWS's rules, and Axinom's `/Speke` and `/SpekeV2` under Axinom's.
 */
export const SPEKE_ROUTES: readonly SpekeRoute[] = [
  { method: 'POST', path: '/speke/v2.0/copyProtection', dialect: 'speke-v2', rules: 'aws' },
  { method: 'POST', path: '/speke/v1.0/copyProtection', dialect: 'speke-v1', rules: 'aws' },
  { method: 'POST', path: '/cpix/getKey', dialect: 'by-speke-version', rules: 'aws' },
  { method: 'POST', path: '/Speke', dialect: 'speke-v1', rules: 'axinom' },
  { method: 'POST', path: '/SpekeV2', dialect: 'speke-v2', rules: 'axinom' },
];

/** What a SPEKE route adds to a key request besides its dialect. */
export interface SpekeRequestOptions {
  spekeRules: SpekeRules;
  overrideKeyIds: boolean;
}

/**
 * The rules of a request on `route`, and Axinom's KID override: `?overrideKeyIds=true` on Axinom's
 * `/Speke` and `/SpekeV2` has the server derive the KIDs; AWS's routes keep AWS's rules and ignore it.
 *
 * @param query - the query string without `?` (`''` when none).
 */
export function spekeRequestOptions(route: SpekeRoute, query: string): SpekeRequestOptions {
  const override =
    route.rules === 'axinom' && new URLSearchParams(query).get('overrideKeyIds')?.toLowerCase() === 'true';
  return { spekeRules: route.rules, overrideKeyIds: override };
}

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
