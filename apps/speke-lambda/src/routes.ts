import { SPEKE_HEARTBEAT_PATH, SPEKE_ROUTES, type SpekeRoute } from '@cpixkit/key-service';

/** A request matched to one of the function's routes. */
export type LambdaRoute = (
  | { kind: 'speke'; route: SpekeRoute }
  | { kind: 'heartbeat' }
  /** `keyPath` is the key URL's path from `/keys` on, as the engine verifies it. */
  | { kind: 'key-delivery'; keyPath: string }
) & {
  /** What came before the route's own path: the API Gateway stage or custom-domain base path, or `''`. */
  prefix: string;
};

/** Zero or more whole, non-empty path segments. */
const PREFIX = /^(?:\/[^/]+)*$/;
const KEY_DELIVERY = /^((?:\/[^/]+)*)(\/keys\/[^/]+\/[^/]+)$/;

/** The prefix before `routePath` when `path` is whole segments followed by it. */
function prefixBefore(path: string, routePath: string): string | undefined {
  if (!path.endsWith(routePath)) return undefined;
  const prefix = path.slice(0, path.length - routePath.length);
  return PREFIX.test(prefix) ? prefix : undefined;
}

/**
 * Matches a request to a route by its path. Any leading segments are allowed before the route's
 * own path, so `/prod/speke/v2.0/copyProtection` (a REST API stage) and
 * `/drm/speke/v2.0/copyProtection` (a custom-domain base path) both reach SPEKE v2. Paths and
 * methods are case-sensitive, as in the server; a known path with another method does not match.
 */
export function matchRoute(method: string, path: string): LambdaRoute | undefined {
  if (method === 'POST') {
    for (const route of SPEKE_ROUTES) {
      const prefix = prefixBefore(path, route.path);
      if (prefix !== undefined) return { kind: 'speke', route, prefix };
    }
    return undefined;
  }
  if (method !== 'GET') return undefined;
  const heartbeatPrefix = prefixBefore(path, SPEKE_HEARTBEAT_PATH);
  if (heartbeatPrefix !== undefined) return { kind: 'heartbeat', prefix: heartbeatPrefix };
  const keyDelivery = KEY_DELIVERY.exec(path);
  if (keyDelivery) return { kind: 'key-delivery', keyPath: keyDelivery[2]!, prefix: keyDelivery[1]! };
  return undefined;
}
