import { describe, expect, it } from 'vitest';
import { startupBanner } from './banner.js';

const tenants = { tenants: [], source: 'tenants.yaml' } as unknown as Parameters<typeof startupBanner>[1];

describe('startupBanner', () => {
  it('names /metrics only when a metrics token makes the route exist', () => {
    const health = (metrics: boolean) =>
      startupBanner('http://127.0.0.1:8080', tenants, { metrics }).find((line) => line.includes('/healthz'));
    expect(health(false)).toBe(
      '  health          GET  http://127.0.0.1:8080/healthz, http://127.0.0.1:8080/readyz, http://127.0.0.1:8080/openapi.json',
    );
    expect(health(true)).toContain('http://127.0.0.1:8080/readyz, http://127.0.0.1:8080/metrics, ');
  });

  it('names the ClearKey licence route', () => {
    expect(startupBanner('http://127.0.0.1:8080', tenants, { metrics: false })).toContain(
      '  ClearKey        POST http://127.0.0.1:8080/clearkey/{tenantId}/license',
    );
  });
});
