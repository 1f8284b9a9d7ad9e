import { createKeyService, type KeyStore, resolveTenantsConfig } from '@cpixkit/key-service';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer, TenantDirectory } from '../src/index.js';
import { browserRouteOf } from '../src/cors.js';
import { keysOf, type TestTenant, tenantsConfig, testTenant } from './helpers.js';

const KID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const PLAYER = 'https://player.example';
const acme = testTenant('acme', { settings: { clearKey: { enabled: true }, cors: { allowedOrigins: [PLAYER] } } });
const open = testTenant('open', { settings: { clearKey: { enabled: true }, cors: { allowedOrigins: ['*'] } } });
const closed = testTenant('closed');

/** An in-memory key store, as the server's SQLite and PostgreSQL stores behave. */
function memoryStore(): KeyStore {
  const keys = new Map<string, Uint8Array>();
  return {
    async getOrCreateKey(tenantId, kid, create) {
      const id = `${tenantId}\n${kid}`;
      if (!keys.has(id)) keys.set(id, create());
      return keys.get(id)!;
    },
    async getKey(tenantId, kid) {
      return keys.get(`${tenantId}\n${kid}`);
    },
  };
}

let app: FastifyInstance;
beforeAll(async () => {
  app = buildServer({
    tenants: new TenantDirectory(resolveTenantsConfig(tenantsConfig([acme, open, closed]))),
    keyService: createKeyService({ store: memoryStore() }),
  });
  await app.ready();
});
afterAll(() => app.close());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const kidB64url = (kid: string) => Buffer.from(kid.replaceAll('-', ''), 'hex').toString('base64url');
const refusal = (response: { statusCode: number; headers: Record<string, unknown> }) =>
  `${response.statusCode} ${String(response.headers['x-cpixkit-error'])}`;

/** Asks the server for a ClearKey key for KID by SPEKE v2, as a packager does. */
async function issueClearKey(tenant: TestTenant): Promise<string> {
  const body =
    `<cpix:CPIX contentId="movie-1" version="2.3" xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc">` +
    `<cpix:ContentKeyList><cpix:ContentKey kid="${KID}" commonEncryptionScheme="cenc"/></cpix:ContentKeyList>` +
    `<cpix:DRMSystemList><cpix:DRMSystem kid="${KID}" systemId="e2719d58-a985-b3c9-781a-b030af78d30e"><cpix:PSSH/><cpix:ContentProtectionData/></cpix:DRMSystem></cpix:DRMSystemList>` +
    `<cpix:ContentKeyUsageRuleList><cpix:ContentKeyUsageRule kid="${KID}" intendedTrackType="ALL"/></cpix:ContentKeyUsageRuleList></cpix:CPIX>`;
  const answer = await app.inject({
    method: 'POST',
    url: '/speke/v2.0/copyProtection',
    headers: bearer(tenant.token),
    payload: body,
  });
  expect(answer.statusCode, answer.body).toBe(200);
  const laurl = Buffer.from(/<cpix:ContentProtectionData>([^<]+)</.exec(answer.body)![1]!, 'base64').toString('utf8');
  expect(laurl).toBe(
    `<dashif:Laurl xmlns:dashif="https://dashif.org/CPS" licenseType="EME-1.0">http://localhost:80/clearkey/${tenant.id}/license</dashif:Laurl>`,
  );
  return keysOf(answer.body).get(KID)!;
}

describe('POST /clearkey/:tenantId/license', () => {
  it('answers the JSON Web Key set of a key issued for ClearKey, never cached', async () => {
    const key = await issueClearKey(acme);
    const license = await app.inject({
      method: 'POST',
      url: '/clearkey/acme/license',
      headers: { ...bearer(acme.token), 'content-type': 'application/json' },
      payload: JSON.stringify({ kids: [kidB64url(KID)], type: 'temporary' }),
    });
    expect(license.statusCode).toBe(200);
    expect(license.headers['cache-control']).toBe('no-store');
    expect(license.headers['content-type']).toMatch(/^application\/json/);
    expect(license.json()).toEqual({
      keys: [{ kty: 'oct', kid: kidB64url(KID), k: Buffer.from(key, 'base64').toString('base64url') }],
      type: 'temporary',
    });
    // The enc-token query parameter works as well (what a player that cannot set headers uses).
    const byQuery = await app.inject({
      method: 'POST',
      url: `/clearkey/acme/license?enc-token=${acme.token}`,
      payload: JSON.stringify({ kids: [kidB64url(KID)] }),
    });
    expect(byQuery.statusCode).toBe(200);
  });

  it('refuses: no credentials 401, another tenant 403, a KID not issued for ClearKey 404, a tenant without ClearKey 403, a large body 413', async () => {
    await issueClearKey(acme);
    const ask = (
      url: string,
      headers: Record<string, string>,
      payload: string = JSON.stringify({ kids: [kidB64url(KID)] }),
    ) => app.inject({ method: 'POST', url, headers, payload }).then(refusal);
    expect(await ask('/clearkey/acme/license', {})).toBe('401 ERR_SERVER_UNAUTHENTICATED');
    expect(await ask('/clearkey/acme/license', bearer(open.token))).toBe('403 ERR_SERVER_FORBIDDEN');
    expect(await ask('/clearkey/open/license', bearer(open.token))).toBe('404 ERR_KEY_SERVICE_KEY_NOT_FOUND');
    expect(await ask('/clearkey/closed/license', bearer(closed.token))).toBe('403 ERR_KEY_SERVICE_CLEARKEY_DISABLED');
    expect(await ask('/clearkey/acme/license', bearer(acme.token), '{"kids":"nope"}')).toBe(
      '400 ERR_KEY_SERVICE_BAD_LICENSE_REQUEST',
    );
    expect(await ask('/clearkey/acme/license', bearer(acme.token), 'x'.repeat(20_000))).toMatch(/^413 /);
  });
});

describe('CORS on the browser routes', () => {
  const preflight = (url: string, origin: string, method = 'POST') =>
    app.inject({
      method: 'OPTIONS',
      url,
      headers: {
        origin,
        'access-control-request-method': method,
        'access-control-request-headers': 'authorization,content-type',
      },
    });

  it("answers preflights for the tenant's allowed origins, before authentication", async () => {
    const answer = await preflight('/clearkey/acme/license', PLAYER);
    expect(answer.statusCode).toBe(204);
    expect(answer.headers).toMatchObject({
      'access-control-allow-origin': PLAYER,
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'authorization, content-type',
      'access-control-max-age': '600',
    });
    expect(
      (await preflight('/clearkey/open/license', 'http://127.0.0.1:5555')).headers['access-control-allow-origin'],
    ).toBe('*');
  });

  it('gives no Access-Control-Allow-Origin to an origin the tenant does not allow, and no CORS at all elsewhere', async () => {
    expect(
      (await preflight('/clearkey/acme/license', 'https://elsewhere.example')).headers['access-control-allow-origin'],
    ).toBeUndefined();
    expect((await preflight('/clearkey/closed/license', PLAYER)).statusCode).toBe(404);
    expect((await preflight('/clearkey/nobody/license', PLAYER)).statusCode).toBe(404);
    expect((await preflight('/speke/v2.0/copyProtection', PLAYER)).statusCode).toBe(404);
  });

  it('marks answers and refusals of the key URL and licence routes, and exposes the error code', async () => {
    const refused = await app.inject({ method: 'GET', url: `/keys/acme/${KID}`, headers: { origin: PLAYER } });
    expect(refusal(refused)).toBe('403 ERR_KEY_SERVICE_INVALID_KEY_URL');
    expect(refused.headers['access-control-allow-origin']).toBe(PLAYER);
    expect(refused.headers['access-control-expose-headers']).toBe('x-cpixkit-error');
    const license = await app.inject({
      method: 'POST',
      url: '/clearkey/acme/license',
      headers: { origin: PLAYER },
      payload: '{}',
    });
    expect(license.headers['access-control-allow-origin']).toBe(PLAYER);
  });

  it('reads the tenant id from the path of the browser routes only', () => {
    expect(browserRouteOf(`/keys/acme/${KID}?exp=1&sig=x`)).toEqual({ tenantId: 'acme', method: 'GET' });
    expect(browserRouteOf('/clearkey/a%2Eb/license')).toEqual({ tenantId: 'a.b', method: 'POST' });
    expect(browserRouteOf('/clearkey/%E0%A4%A/license')).toBeUndefined();
    expect(browserRouteOf('/keys/acme')).toBeUndefined();
    expect(browserRouteOf('/speke/v2.0/copyProtection')).toBeUndefined();
  });
});
