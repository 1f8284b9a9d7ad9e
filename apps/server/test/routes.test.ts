import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { DOCUMENTED_OPERATIONS, openApiPath } from '../src/openapi.js';
import { keysOf, SPEKE_V2_REQUEST, testApp, testTenant } from './helpers.js';
import { seedDocument } from '../../../tooling/src/fixtures.js';

const acme = testTenant('acme');
const globex = testTenant('globex');
const PALLYCON = seedDocument('pallyConDashVodRequest');

/** Bearer token of /metrics in these tests. */
const METRICS_TOKEN = 'metrics-0123456789-abcdefghijklmnopqrstuvwxyz';

let app: FastifyInstance;

beforeAll(async () => {
  app = testApp([acme, globex], { metricsToken: METRICS_TOKEN });
  await app.ready();
});

/**
 * Every registered route as "METHOD /path", read from fastify's own route tree (a child line
 * continues its parent's path; HEAD twins of GET routes and CORS preflights left out).
 */
function registeredRoutes(): string[] {
  const parents: string[] = [];
  return app
    .printRoutes({ commonPrefix: false })
    .split('\n')
    .flatMap((line) => {
      const match = /^([│ ]*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?/.exec(line);
      if (!match) return [];
      const depth = match[1]!.length / 4;
      const path = `${parents[depth - 1] ?? ''}${match[2]}`;
      parents[depth] = path;
      return (
        (match[3] ?? '')
          .split(', ')
          // OPTIONS: @fastify/cors's catch-all preflight route, not an operation.
          .filter((method) => method !== '' && method !== 'HEAD' && method !== 'OPTIONS')
          .map((method) => `${method} ${openApiPath(path)}`)
      );
    });
}

function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

describe('authentication', () => {
  it.each([
    ['Bearer', { authorization: `Bearer ${acme.token}` }, '/speke/v2.0/copyProtection'],
    ['Basic (tenant id : token)', { authorization: basic('acme', acme.token) }, '/speke/v2.0/copyProtection'],
    ['?enc-token=', {}, `/speke/v2.0/copyProtection?enc-token=${encodeURIComponent(acme.token)}`],
  ])('accepts a token as %s', async (_name, headers, url) => {
    const response = await app.inject({
      method: 'POST',
      url,
      headers: { ...headers, 'x-speke-version': '2.0' },
      payload: SPEKE_V2_REQUEST,
    });
    expect(response.statusCode, response.body).toBe(200);
  });

  it('accepts the enc-token in the PallyCon path', async () => {
    const response = await app.inject({
      method: 'POST',
      url: `/v2/cpix/pallycon/getKey/${encodeURIComponent(acme.token)}`,
      payload: PALLYCON,
    });
    expect(response.statusCode, response.body).toBe(200);
  });

  it.each([
    ['no credentials', {}, '/speke/v2.0/copyProtection', 'ERR_SERVER_UNAUTHENTICATED'],
    [
      'an unknown Bearer token',
      { authorization: 'Bearer not-a-token' },
      '/speke/v2.0/copyProtection',
      'ERR_SERVER_BAD_CREDENTIALS',
    ],
    [
      'Basic with the wrong tenant id',
      { authorization: basic('globex', acme.token) },
      '/speke/v2.0/copyProtection',
      'ERR_SERVER_BAD_CREDENTIALS',
    ],
    [
      'Basic with an unknown tenant',
      { authorization: basic('nobody', acme.token) },
      '/speke/v2.0/copyProtection',
      'ERR_SERVER_BAD_CREDENTIALS',
    ],
    [
      'Basic without a colon',
      { authorization: `Basic ${Buffer.from('acme').toString('base64')}` },
      '/cpix/getKey',
      'ERR_SERVER_BAD_CREDENTIALS',
    ],
    ['an unknown enc-token query', {}, '/cpix/getKey?enc-token=nope', 'ERR_SERVER_BAD_CREDENTIALS'],
    ['an unknown path token', {}, '/v1/cpix/pallycon/getKey/nope', 'ERR_SERVER_BAD_CREDENTIALS'],
  ])('answers 401 for %s', async (_name, headers, url, code) => {
    const response = await app.inject({ method: 'POST', url, headers, payload: SPEKE_V2_REQUEST });
    expect(response.statusCode).toBe(401);
    expect(response.headers['x-cpixkit-error']).toBe(code);
    expect(response.body).toMatch(new RegExp(`^${code}: .+\n$`));
    expect(response.body).not.toContain(acme.token);
  });

  it('answers 403 when two credentials name different tenants', async () => {
    const response = await app.inject({
      method: 'POST',
      url: `/v2/cpix/pallycon/getKey/${encodeURIComponent(acme.token)}`,
      headers: { authorization: `Bearer ${globex.token}` },
      payload: PALLYCON,
    });
    expect(response.statusCode).toBe(403);
    expect(response.headers['x-cpixkit-error']).toBe('ERR_SERVER_FORBIDDEN');
  });

  it('ignores an Authorization scheme it does not use (SigV4 through a gateway) when a token is given', async () => {
    const response = await app.inject({
      method: 'POST',
      url: `/speke/v1.0/copyProtection?enc-token=${encodeURIComponent(acme.token)}`,
      headers: {
        authorization:
          'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/execute-api/aws4_request, SignedHeaders=host, Signature=abc',
      },
      payload: seedDocument('axinomSpekeV1Request'),
    });
    expect(response.statusCode, response.body).toBe(200);
  });

  it("never gives one tenant's keys to another: same request, different tenants, different keys", async () => {
    const answers = await Promise.all(
      [acme, globex].map((tenant) =>
        app.inject({
          method: 'POST',
          url: '/speke/v2.0/copyProtection',
          headers: { authorization: `Bearer ${tenant.token}`, 'x-speke-version': '2.0' },
          payload: SPEKE_V2_REQUEST,
        }),
      ),
    );
    const [acmeKeys, globexKeys] = answers.map((answer) => keysOf(answer.body));
    expect(acmeKeys!.size).toBe(2);
    for (const [kid, key] of acmeKeys!) expect(globexKeys!.get(kid)).not.toBe(key);
  });
});

describe('SPEKE dialect selection on /cpix/getKey', () => {
  it('speaks SPEKE v2 with X-Speke-Version: 2.0 and v1 without', async () => {
    const v2 = await app.inject({
      method: 'POST',
      url: '/cpix/getKey',
      headers: { authorization: `Bearer ${acme.token}`, 'x-speke-version': '2.0' },
      payload: SPEKE_V2_REQUEST,
    });
    expect(v2.statusCode, v2.body).toBe(200);
    expect(v2.headers['x-speke-version']).toBe('2.0');
    const v1 = await app.inject({
      method: 'POST',
      url: '/cpix/getKey',
      headers: { authorization: `Bearer ${acme.token}` },
      payload: seedDocument('axinomSpekeV1Request'),
    });
    expect(v1.statusCode, v1.body).toBe(200);
    expect(v1.headers['x-speke-version']).toBeUndefined();
  });

  it('refuses an unknown X-Speke-Version with 400', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/cpix/getKey',
      headers: { authorization: `Bearer ${acme.token}`, 'x-speke-version': '3.0' },
      payload: SPEKE_V2_REQUEST,
    });
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatch(/^ERR_KEY_SERVICE_BAD_SPEKE_VERSION: unsupported X-Speke-Version "3.0"/);
  });
});

describe('request bodies', () => {
  it.each([
    'application/xml',
    'text/xml',
    'text/xml; charset=utf-8',
    'application/octet-stream',
    'application/json',
    'text/plain',
  ])('reads a CPIX body sent as %s', async (contentType) => {
    const response = await app.inject({
      method: 'POST',
      url: '/speke/v2.0/copyProtection',
      headers: { authorization: `Bearer ${acme.token}`, 'x-speke-version': '2.0', 'content-type': contentType },
      payload: SPEKE_V2_REQUEST,
    });
    expect(response.statusCode, response.body).toBe(200);
  });

  it.each([{}, { 'content-type': '' }])('reads a CPIX body sent with no content type (%o)', async (contentType) => {
    const response = await app.inject({
      method: 'POST',
      url: '/speke/v2.0/copyProtection',
      headers: { authorization: `Bearer ${acme.token}`, 'x-speke-version': '2.0', ...contentType },
      payload: Buffer.from(SPEKE_V2_REQUEST),
    });
    expect(response.statusCode, response.body).toBe(200);
  });

  it('answers 413 for a body over the limit', async () => {
    const small = testApp([acme], { bodyLimit: 1024 });
    const response = await small.inject({
      method: 'POST',
      url: '/speke/v2.0/copyProtection',
      headers: { authorization: `Bearer ${acme.token}`, 'content-type': 'application/xml' },
      payload: SPEKE_V2_REQUEST,
    });
    expect(response.statusCode).toBe(413);
    expect(response.headers['x-cpixkit-error']).toBe('ERR_KEY_SERVICE_BODY_TOO_LARGE');
    await small.close();
  });
});

describe('operations routes', () => {
  it('answers the SPEKE heartbeat without credentials', async () => {
    const response = await app.inject({ method: 'GET', url: '/speke/v1.0/heartbeat' });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.body).toMatch(/running/);
  });

  it('answers /healthz and /readyz (no store: ready)', async () => {
    expect((await app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ method: 'GET', url: '/readyz' })).json()).toEqual({ status: 'ready' });
  });

  it('answers 404 with the same one-line format for an unknown route, without echoing the path', async () => {
    const response = await app.inject({ method: 'GET', url: `/v2/cpix/pallycon/getKey/${acme.token}` });
    expect(response.statusCode).toBe(404);
    expect(response.body).toBe('ERR_KEY_SERVICE_NOT_FOUND: no such route\n');
  });

  it('answers 400 for an ATEME format other than dash or hls', async () => {
    const response = await app.inject({ method: 'GET', url: `/cpix/anevia/smooth/${acme.token}/cid` });
    expect(response.statusCode).toBe(400);
    expect(response.body).toMatch(/dash or hls/);
  });

  it('counts requests by route pattern, dialect and status, and keys issued', async () => {
    const metrics = testApp([acme], { metricsToken: METRICS_TOKEN });
    await metrics.inject({
      method: 'POST',
      url: '/speke/v2.0/copyProtection',
      headers: { authorization: `Bearer ${acme.token}`, 'x-speke-version': '2.0' },
      payload: SPEKE_V2_REQUEST,
    });
    await metrics.inject({ method: 'POST', url: '/v1/cpix/pallycon/getKey/wrong', payload: PALLYCON });
    expect((await metrics.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
    expect(
      (await metrics.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${acme.token}` } }))
        .statusCode,
    ).toBe(401);
    const text = (
      await metrics.inject({ method: 'GET', url: '/metrics', headers: { authorization: `Bearer ${METRICS_TOKEN}` } })
    ).body;
    expect(text).toContain(
      'cpixkit_http_requests_total{route="/speke/v2.0/copyProtection",method="POST",dialect="speke-v2",status="200"} 1',
    );
    expect(text).toContain(
      'cpixkit_http_requests_total{route="/v1/cpix/pallycon/getKey/:encToken",method="POST",dialect="pallycon-v1",status="401"} 1',
    );
    expect(text).toContain('cpixkit_keys_issued_total{dialect="speke-v2"} 2');
    expect(text).not.toContain('acme');
    expect(text).toContain('cpixkit_http_request_duration_seconds_count{route="/speke/v2.0/copyProtection"} 1');
    expect(text).not.toContain('wrong');
    await metrics.close();
  });

  it('serves no /metrics without a metrics token, and does not describe it then', async () => {
    const plain = testApp([acme]);
    expect((await plain.inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(404);
    const document = (await plain.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, unknown>;
    };
    expect(document.paths).not.toHaveProperty('/metrics');
    await plain.close();
  });

  it('describes exactly the registered routes in /openapi.json', async () => {
    const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
    };
    expect(document.openapi).toBe('3.1.0');
    const documented = Object.entries(document.paths)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    const actual = registeredRoutes().sort();
    expect(documented).toEqual(actual);
    expect(DOCUMENTED_OPERATIONS).toHaveLength(actual.length);
  });
});

describe('malformed requests', () => {
  it.each([
    ['a malformed percent-encoding in the path', '/keys/acme/%E0%A4%A'],
    ['a malformed percent-encoding in a token path', '/v1/cpix/pallycon/getKey/%zz'],
  ])('answers %s with a 4xx in the one-line format', async (_name, url) => {
    const response = await app.inject({
      method: url.startsWith('/keys') ? 'GET' : 'POST',
      url,
      payload: url.startsWith('/keys') ? undefined : PALLYCON,
    });
    expect(response.statusCode).toBeGreaterThanOrEqual(400);
    expect(response.statusCode).toBeLessThan(500);
    expect(response.body).toMatch(/^ERR_[A-Z0-9_]+: [^\n]+\n$/);
  });
});
