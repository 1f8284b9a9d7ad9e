import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpixClient, resolveSigV4, signSigV4 } from '../src/index.js';
import { type ReceivedRequest, reply, startServer, type TestServer } from './helpers.js';
import { seedDocument } from '../../../tooling/src/fixtures.js';

// AWS's documented example credentials (not a real account).
const ENV = {
  AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  AWS_SESSION_TOKEN: 'IQoJb3JpZ2luX2VjEXAMPLESESSION',
  AWS_REGION: 'eu-west-1',
};
const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

const sha256 = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
const rfc3986 = (text: string) =>
  encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/**
 * Recomputes a SigV4 signature from what the server received, following the AWS documentation
 * (canonical request, string to sign, HMAC key chain) with node:crypto only, and returns it.
 */
function expectedSignature(request: ReceivedRequest, secretAccessKey: string): string {
  const [, , date, region, service, signedHeaders] = AUTHORIZATION.exec(String(request.headers.authorization))!;
  const url = new URL(request.url, 'http://placeholder');
  const canonicalPath = url.pathname
    .split('/')
    .map((segment) => rfc3986(rfc3986(decodeURIComponent(segment))))
    .join('/');
  const canonicalQuery = [...url.searchParams]
    .map(([name, value]) => [rfc3986(name), rfc3986(value)])
    .sort(([a, av], [b, bv]) => (a! < b! ? -1 : a! > b! ? 1 : av! < bv! ? -1 : 1))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  const canonicalHeaders = signedHeaders!
    .split(';')
    .map((name) => `${name}:${String(request.headers[name]).trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const canonicalRequest = [
    request.method,
    canonicalPath,
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    sha256(request.body),
  ].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = [
    'AWS4-HMAC-SHA256',
    String(request.headers['x-amz-date']),
    scope,
    sha256(canonicalRequest),
  ].join('\n');
  const signingKey = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, date!), region!), service!), 'aws4_request');
  return createHmac('sha256', signingKey).update(stringToSign, 'utf8').digest('hex');
}

let server: TestServer;
let failFirst = false;
beforeAll(async () => {
  server = await startServer((_request, response) => {
    if (failFirst) {
      failFirst = false;
      return reply(response, 503, 'try again', { 'content-type': 'text/plain' });
    }
    reply(response, 200, seedDocument('axinomSpekeV1Response'));
  });
});
afterAll(() => server.close());

const REQUEST = {
  contentId: 'test_ch1',
  drmSystems: ['widevine', 'playready', 'fairplay'],
  periods: [213],
  kids: ['af1ed63c-5784-460b-9e51-309dd47b7d9c'],
};

describe('AWS SigV4 signing (API Gateway)', () => {
  it('signs with the environment credentials: Authorization shape, host and x-amz-date signed, session token sent', async () => {
    const client = new CpixClient({
      url: `${server.url}/speke/v1.0/copyProtection`,
      dialect: 'speke-v1',
      auth: { type: 'aws-sigv4' },
      env: ENV,
    });
    await client.requestKeys(REQUEST);
    const received = server.requests.at(-1)!;
    const match = AUTHORIZATION.exec(String(received.headers.authorization));
    expect(match, String(received.headers.authorization)).not.toBeNull();
    const [, accessKeyId, date, region, service, signedHeaders] = match!;
    expect([accessKeyId, region, service]).toEqual(['AKIDEXAMPLE', 'eu-west-1', 'execute-api']);
    expect(signedHeaders!.split(';')).toEqual(expect.arrayContaining(['host', 'x-amz-date', 'x-amz-security-token']));
    expect(signedHeaders!.split(';')).toEqual([...signedHeaders!.split(';')].sort());
    expect(received.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(String(received.headers['x-amz-date']).slice(0, 8)).toBe(date);
    expect(received.headers['x-amz-security-token']).toBe(ENV.AWS_SESSION_TOKEN);
    expect(received.headers.authorization).not.toContain(ENV.AWS_SECRET_ACCESS_KEY);
  });

  it('produces the signature the AWS algorithm gives for what the server received', async () => {
    const client = new CpixClient({
      url: `${server.url}/speke/v1.0/copyProtection?tenant=acme&a=b c`,
      dialect: 'speke-v1',
      auth: { type: 'aws-sigv4', accessKeyId: 'AKIDOTHER', secretAccessKey: 'other/secret+key', region: 'us-east-1' },
      env: {},
    });
    await client.requestKeys(REQUEST);
    const received = server.requests.at(-1)!;
    const signature = AUTHORIZATION.exec(String(received.headers.authorization))![6];
    expect(signature).toBe(expectedSignature(received, 'other/secret+key'));
    expect(received.headers['x-amz-security-token']).toBeUndefined();
  });

  it('signs every attempt again when it retries', async () => {
    failFirst = true;
    const before = server.requests.length;
    const client = new CpixClient({
      url: `${server.url}/speke/v1.0/copyProtection`,
      dialect: 'speke-v1',
      auth: { type: 'aws-sigv4' },
      env: ENV,
      retry: { retries: 1, baseDelayMs: 1 },
    });
    const result = await client.requestKeys(REQUEST);
    expect(result.attempts).toBe(2);
    for (const received of server.requests.slice(before)) {
      expect(AUTHORIZATION.test(String(received.headers.authorization))).toBe(true);
      expect(AUTHORIZATION.exec(String(received.headers.authorization))![6]).toBe(
        expectedSignature(received, ENV.AWS_SECRET_ACCESS_KEY),
      );
    }
  });

  it('takes the region from an execute-api host name and signs the date it is given', async () => {
    const url = 'https://abc123defg.execute-api.ap-southeast-2.amazonaws.com/prod/speke';
    const credentials = resolveSigV4({ type: 'aws-sigv4' }, url, {
      AWS_ACCESS_KEY_ID: 'AKID',
      AWS_SECRET_ACCESS_KEY: 'secret',
    });
    expect(credentials).toEqual({
      accessKeyId: 'AKID',
      secretAccessKey: 'secret',
      region: 'ap-southeast-2',
      service: 'execute-api',
    });
    const signed = await signSigV4(
      { method: 'POST', url, headers: { 'content-type': 'application/xml' }, body: '<CPIX/>' },
      credentials,
      '20260102T030405Z',
    );
    expect(signed.headers['x-amz-date']).toBe('20260102T030405Z');
    expect(signed.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKID\/20260102\/ap-southeast-2\/execute-api\/aws4_request, SignedHeaders=host;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
    expect(
      resolveSigV4({ type: 'aws-sigv4', region: 'us-west-2', service: 'lambda' }, url, {
        AWS_ACCESS_KEY_ID: 'A',
        AWS_SECRET_ACCESS_KEY: 'S',
        AWS_DEFAULT_REGION: 'x',
      }),
    ).toMatchObject({
      region: 'us-west-2',
      service: 'lambda',
    });
  });

  it('refuses to send without credentials or region (ERR_CLIENT_SIGV4_CONFIG), before any request', async () => {
    const before = server.requests.length;
    const noCredentials = new CpixClient({
      url: server.url,
      dialect: 'speke-v1',
      auth: { type: 'aws-sigv4' },
      env: { AWS_REGION: 'eu-west-1' },
    });
    await expect(noCredentials.requestKeys(REQUEST)).rejects.toMatchObject({
      code: 'ERR_CLIENT_SIGV4_CONFIG',
      message: /credentials/,
    });
    const noRegion = new CpixClient({
      url: server.url,
      dialect: 'speke-v1',
      auth: { type: 'aws-sigv4' },
      env: { AWS_ACCESS_KEY_ID: 'A', AWS_SECRET_ACCESS_KEY: 'S' },
    });
    await expect(noRegion.requestKeys(REQUEST)).rejects.toMatchObject({
      code: 'ERR_CLIENT_SIGV4_CONFIG',
      message: /region/,
    });
    expect(server.requests.length).toBe(before);
  });
});
