import fastifyCors, { type FastifyCorsOptions } from '@fastify/cors';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TenantDirectory } from './auth.js';

/** The ClearKey licence route: `POST /clearkey/<tenant>/license`. */
export const CLEARKEY_LICENSE_ROUTE = '/clearkey/:tenantId/license';

/** The routes a browser player calls, each with the tenant id in its path and the one method it answers. */
const BROWSER_ROUTES: readonly { path: RegExp; method: 'GET' | 'POST' }[] = [
  { path: /^\/keys\/([^/]+)\/[^/]+$/, method: 'GET' },
  { path: /^\/clearkey\/([^/]+)\/license$/, method: 'POST' },
];

/** How long a browser may keep a preflight answer. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/** The tenant id and method of a browser route (`/keys/<tenant>/<kid>`, `/clearkey/<tenant>/license`); `undefined` for any other path. */
export function browserRouteOf(url: string): { tenantId: string; method: 'GET' | 'POST' } | undefined {
  const path = url.split('?', 1)[0]!;
  for (const route of BROWSER_ROUTES) {
    const match = route.path.exec(path);
    if (match === null) continue;
    try {
      return { tenantId: decodeURIComponent(match[1]!), method: route.method };
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/**
 * The CORS answer for a request: on the browser routes, the origins the path's tenant allows
 * (`cors.allowedOrigins`; `*` for any), the route's method, `Authorization` and `Content-Type`,
 * and `X-Cpixkit-Error` readable by the page; everywhere else, and for a tenant that allows no
 * origin, no CORS headers at all (so preflights there are refused with 404).
 */
export function corsOptionsFor(request: Pick<FastifyRequest, 'url'>, tenants: TenantDirectory): FastifyCorsOptions {
  const route = browserRouteOf(request.url);
  const allowed = route === undefined ? undefined : tenants.byId(route.tenantId)?.settings.cors.allowedOrigins;
  if (route === undefined || allowed === undefined || allowed.length === 0) return { origin: false };
  return {
    origin: allowed.includes('*') ? '*' : allowed,
    methods: [route.method],
    allowedHeaders: ['authorization', 'content-type'],
    exposedHeaders: ['x-cpixkit-error'],
    maxAge: PREFLIGHT_MAX_AGE_SECONDS,
  };
}

/**
 * Registers `@fastify/cors` in `context` with the per-tenant origins of {@link corsOptionsFor}; preflights are
 * answered before any authentication. Give it a context that holds the browser routes only: @fastify/cors adds
 * `Vary: Origin` to every answer it sees, and the other routes' answers stay as they were.
 */
export async function registerCors(context: FastifyInstance, tenants: TenantDirectory): Promise<void> {
  await context.register(fastifyCors, {
    delegator: (request: FastifyRequest, callback: (error: Error | null, options: FastifyCorsOptions) => void) =>
      callback(null, corsOptionsFor(request, tenants)),
  });
}
