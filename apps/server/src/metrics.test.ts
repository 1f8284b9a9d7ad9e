import { describe, expect, it } from 'vitest';
import { LATENCY_BUCKETS, ServerMetrics } from './metrics.js';

describe('ServerMetrics', () => {
  it('writes counters and a cumulative latency histogram in Prometheus text format', () => {
    const metrics = new ServerMetrics();
    metrics.recordRequest({ route: '/cpix/getKey', method: 'POST', dialect: 'speke-v2', status: 200, seconds: 0.004 });
    metrics.recordRequest({ route: '/cpix/getKey', method: 'POST', dialect: 'speke-v2', status: 200, seconds: 0.03 });
    metrics.recordRequest({ route: '/cpix/getKey', method: 'POST', dialect: 'speke-v1', status: 401, seconds: 0.001 });
    metrics.recordKeysIssued('acme', 'speke-v2', 2);
    metrics.recordKeysIssued('acme', 'speke-v2', 3);
    const text = metrics.render();
    expect(text).toContain('# TYPE cpixkit_http_requests_total counter');
    expect(text).toContain(
      'cpixkit_http_requests_total{route="/cpix/getKey",method="POST",dialect="speke-v2",status="200"} 2',
    );
    expect(text).toContain(
      'cpixkit_http_requests_total{route="/cpix/getKey",method="POST",dialect="speke-v1",status="401"} 1',
    );
    expect(text).toContain('cpixkit_http_request_duration_seconds_bucket{route="/cpix/getKey",le="0.001"} 1');
    expect(text).toContain('cpixkit_http_request_duration_seconds_bucket{route="/cpix/getKey",le="0.005"} 2');
    expect(text).toContain('cpixkit_http_request_duration_seconds_bucket{route="/cpix/getKey",le="0.05"} 3');
    expect(text).toContain('cpixkit_http_request_duration_seconds_bucket{route="/cpix/getKey",le="+Inf"} 3');
    expect(text).toContain('cpixkit_http_request_duration_seconds_count{route="/cpix/getKey"} 3');
    expect(text).toMatch(/cpixkit_http_request_duration_seconds_sum\{route="\/cpix\/getKey"\} 0\.035/);
    expect(text).toContain('cpixkit_keys_issued_total{dialect="speke-v2"} 5');
    expect(text).not.toContain('acme');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('labels key counts by tenant only when asked to', () => {
    const metrics = new ServerMetrics({ tenantLabels: true });
    metrics.recordKeysIssued('acme', 'speke-v2', 2);
    metrics.recordKeysIssued('globex', 'speke-v2', 1);
    const text = metrics.render();
    expect(text).toContain('cpixkit_keys_issued_total{tenant="acme",dialect="speke-v2"} 2');
    expect(text).toContain('cpixkit_keys_issued_total{tenant="globex",dialect="speke-v2"} 1');
  });

  it('keeps bucket counts monotonic', () => {
    const metrics = new ServerMetrics();
    for (const seconds of [0.0005, 0.002, 0.02, 0.2, 2, 20]) {
      metrics.recordRequest({ route: '/healthz', method: 'GET', dialect: 'none', status: 200, seconds });
    }
    const counts = [...metrics.render().matchAll(/_bucket\{route="\/healthz",le="[^"]+"\} (\d+)/g)].map((m) =>
      Number(m[1]),
    );
    expect(counts).toHaveLength(LATENCY_BUCKETS.length + 1);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(counts.at(-1)).toBe(6);
  });

  it('escapes label values', () => {
    const metrics = new ServerMetrics({ tenantLabels: true });
    metrics.recordKeysIssued('we"ird\\id\n', 'anevia', 1);
    expect(metrics.render()).toContain('cpixkit_keys_issued_total{tenant="we\\"ird\\\\id\\n",dialect="anevia"} 1');
  });
});
