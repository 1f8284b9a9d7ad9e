import type { LoadedTenants } from './tenants-config.js';

/**
 * The lines printed to stdout once the server listens: where each endpoint is, and, only on the
 * start that created the development tenant, its token (it is stored hashed and never shown again).
 */
export function startupBanner(origin: string, tenants: LoadedTenants, options: { metrics: boolean }): string[] {
  const health = [
    `${origin}/healthz`,
    `${origin}/readyz`,
    ...(options.metrics ? [`${origin}/metrics`] : []),
    `${origin}/openapi.json`,
  ];
  const lines = [
    `cpixkit key server listening on ${origin}`,
    `  SPEKE v2        POST ${origin}/speke/v2.0/copyProtection`,
    `  SPEKE v1        POST ${origin}/speke/v1.0/copyProtection`,
    `  SPEKE (header)  POST ${origin}/cpix/getKey`,
    `  PallyCon v1/v2  POST ${origin}/v2/cpix/pallycon/getKey/{enc-token}`,
    `  ATEME NEA-DVR   GET  ${origin}/cpix/anevia/{dash|hls}/{enc-token}/{cid}`,
    `  ClearKey        POST ${origin}/clearkey/{tenantId}/license`,
    `  heartbeat       GET  ${origin}/speke/v1.0/heartbeat`,
    `  health          GET  ${health.join(', ')}`,
    `tenants: ${tenants.tenants.map((tenant) => tenant.id).join(', ')} (from ${tenants.source})`,
  ];
  if (tenants.createdDevToken !== undefined) {
    lines.push(
      `development tenant created; its token is shown this once (stored hashed in ${tenants.source}):`,
      `  ${tenants.createdDevToken}`,
      '  use it as "Authorization: Bearer <token>", "?enc-token=<token>" or in the PallyCon/ATEME paths',
    );
  }
  return lines;
}
