import { randomBytes } from 'node:crypto';
import { createKeyService, resolveTenantsConfig } from '@cpixkit/key-service';
import { buildServer, hashToken, TenantDirectory } from '@cpixkit/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSpekeHandler, type RequestLogEntry, type SpekeHandler, USER_AGENT } from '../src/handler.js';
import type { ProxyResult } from '../src/proxy-event.js';
import { EVENT_KINDS, EVENT_ORIGINS, type TestRequest } from './events.js';
import { seedDocument } from '../../../tooling/src/fixtures.js';

/**
 * The Lambda and the fastify server, given the same tenant, answer the same requests with the
 * same status, body and SPEKE headers. Each kind of event gets its own server whose public URL is
 * the origin the Lambda derives from that event, so signed AES-128 key URLs match too.
 */

const SPEKE_V2 = seedDocument('axinomSpekeV2Request');
const SPEKE_V2_CBCS = SPEKE_V2.replaceAll('commonEncryptionScheme="cenc"', 'commonEncryptionScheme="cbcs"');
const SPEKE_V1 = seedDocument('axinomSpekeV1Request');
const SPEKE_V1_AWS_LIVE = seedDocument('awsLiveRequest');

const NOW = new Date('2025-11-25T10:00:00Z');
const TENANT_ID = 'parity';
const KEY_SEED = randomBytes(32).toString('base64');
const DERIVATION_SECRET = randomBytes(32).toString('hex');
const TOKEN = randomBytes(18).toString('base64url');

/**
 * Two tenants' worth of settings: the engine defaults, and non-default PlayReady/Widevine/FairPlay
 * ones. Both let a key serve FairPlay and HLS AES-128, as the AWS SPEKE v1 sample (seed 003) asks.
 */
const SETTINGS: Record<string, Record<string, unknown>> = {
  defaults: { aes128: { allowDrmKeys: true } },
  custom: {
    aes128: { allowDrmKeys: true },
    playReady: {
      headerVersion: '4.2.0.0',
      laUrl: 'https://pr.example/rightsmanager.asmx?cfg=(kid:header)&x=1',
      customAttributes: '<PARTNER>acme</PARTNER>',
    },
    widevine: { provider: 'acme', contentId: 'cpix-id' },
    fairPlay: { uriForm: 'base64-kid' },
  },
};

type Server = ReturnType<typeof buildServer>;

function serverFor(settings: Record<string, unknown>, publicUrl: string): Server {
  const [tenant] = resolveTenantsConfig({
    tenants: [
      { id: TENANT_ID, keySeed: KEY_SEED, derivationSecret: DERIVATION_SECRET, tokens: [hashToken(TOKEN)], settings },
    ],
  });
  return buildServer({
    tenants: new TenantDirectory([tenant!]),
    keyService: createKeyService({ userAgent: USER_AGENT, now: () => NOW }),
    publicUrl,
  });
}

function lambdaFor(settings: Record<string, unknown>, log: RequestLogEntry[]): SpekeHandler {
  return createSpekeHandler({
    env: {
      CPIXKIT_TENANT_ID: TENANT_ID,
      CPIXKIT_KEY_SEED: KEY_SEED,
      CPIXKIT_DERIVATION_SECRET: DERIVATION_SECRET,
      CPIXKIT_TENANT_SETTINGS: JSON.stringify(settings),
    },
    now: () => NOW,
    log: (entry) => log.push(entry),
  });
}

interface Answer {
  status: number;
  body: Buffer;
  headers: Record<string, string>;
}

/** Headers of the HTTP connection rather than of the answer, which fastify adds and API Gateway sets itself. */
const TRANSPORT_HEADERS = new Set(['content-length', 'date', 'connection', 'keep-alive', 'transfer-encoding']);

function picked(headers: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers)
      .filter(([name, value]) => !TRANSPORT_HEADERS.has(name.toLowerCase()) && value !== undefined)
      .map(([name, value]) => [name.toLowerCase(), String(value)]),
  );
}

async function askServer(server: Server, request: TestRequest): Promise<Answer> {
  const response = await server.inject({
    method: request.method as 'GET' | 'POST',
    url: request.query ? `${request.path}?${request.query}` : request.path,
    headers: { authorization: `Bearer ${TOKEN}`, ...request.headers },
    ...(request.body !== undefined ? { payload: Buffer.from(request.body) } : {}),
  });
  return { status: response.statusCode, body: response.rawPayload, headers: picked(response.headers) };
}

function lambdaAnswer(result: ProxyResult): Answer {
  return {
    status: result.statusCode,
    body: Buffer.from(result.body, result.isBase64Encoded ? 'base64' : 'utf8'),
    headers: picked(result.headers ?? {}),
  };
}

const XML = { 'Content-Type': 'application/xml' };
const V2 = { ...XML, 'X-Speke-Version': '2.0' };

/** Requests both must answer alike: seeds, route aliases, header spellings and bad input. */
const CASES: Record<string, TestRequest> = {
  'SPEKE v2 (seed 002, FairPlay with cenc)': {
    method: 'POST',
    path: '/speke/v2.0/copyProtection',
    headers: V2,
    body: SPEKE_V2,
  },
  'SPEKE v2 (seed 002 with cbcs)': {
    method: 'POST',
    path: '/speke/v2.0/copyProtection',
    headers: V2,
    body: SPEKE_V2_CBCS,
  },
  'SPEKE v2 on /SpekeV2': { method: 'POST', path: '/SpekeV2', headers: V2, body: SPEKE_V2_CBCS },
  'SPEKE v2 on /cpix/getKey, header in capitals': {
    method: 'POST',
    path: '/cpix/getKey',
    headers: { 'CONTENT-TYPE': 'text/xml', 'X-SPEKE-VERSION': '2.0' },
    body: SPEKE_V2_CBCS,
  },
  'SPEKE v2, base64-encoded body': {
    method: 'POST',
    path: '/speke/v2.0/copyProtection',
    headers: V2,
    body: SPEKE_V2_CBCS,
    base64: true,
  },
  'SPEKE v1 (seed 002)': { method: 'POST', path: '/speke/v1.0/copyProtection', headers: XML, body: SPEKE_V1 },
  'SPEKE v1 on /Speke': { method: 'POST', path: '/Speke', headers: XML, body: SPEKE_V1 },
  'SPEKE v1 on /cpix/getKey without X-Speke-Version': {
    method: 'POST',
    path: '/cpix/getKey',
    headers: XML,
    body: SPEKE_V1,
  },
  'SPEKE v1 (seed 003, live with AES-128)': {
    method: 'POST',
    path: '/speke/v1.0/copyProtection',
    headers: XML,
    body: SPEKE_V1_AWS_LIVE,
  },
  'SPEKE v1 (seed 003), base64-encoded body, no content type': {
    method: 'POST',
    path: '/speke/v1.0/copyProtection',
    body: SPEKE_V1_AWS_LIVE,
    base64: true,
  },
  heartbeat: { method: 'GET', path: '/speke/v1.0/heartbeat' },
  'no body': { method: 'POST', path: '/speke/v2.0/copyProtection', headers: V2 },
  'not XML': { method: 'POST', path: '/speke/v2.0/copyProtection', headers: V2, body: '{"contentId": "abc"}' },
  'a DOCTYPE': {
    method: 'POST',
    path: '/speke/v1.0/copyProtection',
    headers: XML,
    body: `<!DOCTYPE x [<!ENTITY e "boom">]>${SPEKE_V1.replace('<?xml version="1.0"?>\n', '')}`,
  },
  'wrong CPIX version for SPEKE v2': {
    method: 'POST',
    path: '/speke/v2.0/copyProtection',
    headers: V2,
    body: SPEKE_V2_CBCS.replace('version="2.3"', 'version="2.1"'),
  },
  'unknown DRM system id': {
    method: 'POST',
    path: '/speke/v2.0/copyProtection',
    headers: V2,
    body: SPEKE_V2_CBCS.replaceAll('edef8ba9-79d6-4ace-a3c8-27dcd51d21ed', '11111111-2222-3333-4444-555555555555'),
  },
  'usage rule for an unknown kid': {
    method: 'POST',
    path: '/speke/v2.0/copyProtection',
    headers: V2,
    body: SPEKE_V2_CBCS.replace(
      'ContentKeyUsageRule kid="53abdba2-f210-43cb-bc90-f18f9a890a02"',
      'ContentKeyUsageRule kid="00000000-f210-43cb-bc90-f18f9a890a02"',
    ),
  },
  'unsupported X-Speke-Version': {
    method: 'POST',
    path: '/cpix/getKey',
    headers: { 'X-Speke-Version': '3.0' },
    body: SPEKE_V1,
  },
  'body over the 1 MiB limit': {
    method: 'POST',
    path: '/speke/v1.0/copyProtection',
    headers: XML,
    body: `${SPEKE_V1}<!--${'x'.repeat(1024 * 1024)}-->`,
  },
  'no such route': { method: 'POST', path: '/speke/v3.0/copyProtection', headers: XML, body: SPEKE_V1 },
  'heartbeat with POST': { method: 'POST', path: '/speke/v1.0/heartbeat' },
};

for (const [settingsName, settings] of Object.entries(SETTINGS)) {
  for (const [kind, eventOf] of Object.entries(EVENT_KINDS)) {
    describe(`${kind}, ${settingsName} settings: the Lambda answers as the server`, () => {
      const server = serverFor(settings, EVENT_ORIGINS[kind as keyof typeof EVENT_KINDS]);
      const log: RequestLogEntry[] = [];
      const handler = lambdaFor(settings, log);
      beforeAll(() => server.ready());
      afterAll(() => server.close());

      for (const [name, request] of Object.entries(CASES)) {
        it(name, async () => {
          const expected = await askServer(server, request);
          const actual = lambdaAnswer(await handler(eventOf(request)));
          expect(actual.status).toBe(expected.status);
          expect(actual.headers).toEqual(expected.headers);
          expect(actual.body.toString('utf8')).toBe(expected.body.toString('utf8'));
        });
      }

      it('delivers the AES-128 key its signed URL names, as the server does', async () => {
        const answer = lambdaAnswer(await handler(eventOf(CASES['SPEKE v1 (seed 003, live with AES-128)']!)));
        expect(answer.status).toBe(200);
        const encoded = /<cpix:URIExtXKey>([^<]+)</.exec(answer.body.toString('utf8'))?.[1];
        const keyUrl = new URL(Buffer.from(encoded!, 'base64').toString('utf8'));
        const origin = EVENT_ORIGINS[kind as keyof typeof EVENT_KINDS];
        expect(keyUrl.href.startsWith(`${origin}/keys/${TENANT_ID}/`)).toBe(true);
        const request: TestRequest = {
          method: 'GET',
          path: keyUrl.pathname.slice(new URL(origin).pathname.replace(/\/$/, '').length),
          query: keyUrl.search.slice(1),
        };
        // The server's key URL route answers CORS, so its answers vary by Origin; the Lambda leaves CORS to API Gateway.
        const withoutVary = <T extends { headers: Record<string, string> }>(answer: T): T => {
          const { vary, ...headers } = answer.headers;
          expect(vary).toBe('Origin');
          return { ...answer, headers };
        };
        const fromServer = withoutVary(await askServer(server, request));
        const fromLambda = lambdaAnswer(await handler(eventOf(request)));
        expect(fromServer.status).toBe(200);
        expect(fromLambda).toEqual(fromServer);
        expect(fromLambda.body).toHaveLength(16);

        const tampered = {
          ...request,
          query: request.query!.replace(/sig=./, (match) => (match.endsWith('A') ? 'sig=B' : 'sig=A')),
        };
        const refusedByServer = withoutVary(await askServer(server, tampered));
        const refusedByLambda = lambdaAnswer(await handler(eventOf(tampered)));
        expect(refusedByLambda.status).toBe(403);
        expect(refusedByLambda).toEqual(refusedByServer);
      });

      it('logs one line per request with no key, seed or body in it', () => {
        expect(log.length).toBeGreaterThanOrEqual(Object.keys(CASES).length);
        const text = JSON.stringify(log);
        expect(text).not.toContain(KEY_SEED);
        expect(text).not.toContain(DERIVATION_SECRET);
        expect(text).not.toContain('PlainValue');
        expect(log.find((entry) => entry.route === '/speke/v2.0/copyProtection' && entry.status === 200)).toMatchObject(
          {
            method: 'POST',
            dialect: 'speke-v2',
          },
        );
      });
    });
  }
}
