import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../tooling/src/thrown.js';
import { CpixClientError, resolveSigV4, signSigV4 } from './index.js';

// resolveSigV4 source by source (option, environment, host name) compared whole, each refusal with
// its code and whole message; signSigV4's headers with and without a session token.

const URL_ = 'https://h.example/speke';
const KEYS = { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'secret' };

function refusal(fn: () => unknown): [string, string] {
  const error = thrownBy(fn, CpixClientError);
  return [error.code, error.message];
}

describe('resolveSigV4', () => {
  it('prefers the option over the environment, field by field', () => {
    expect(
      resolveSigV4(
        {
          type: 'aws-sigv4',
          accessKeyId: 'A2',
          secretAccessKey: 'S2',
          sessionToken: 'T2',
          region: 'r2',
          service: 's2',
        },
        URL_,
        { ...KEYS, AWS_SESSION_TOKEN: 'T', AWS_REGION: 'r' },
      ),
    ).toStrictEqual({ accessKeyId: 'A2', secretAccessKey: 'S2', sessionToken: 'T2', region: 'r2', service: 's2' });
    expect(
      resolveSigV4({ type: 'aws-sigv4' }, URL_, { ...KEYS, AWS_SESSION_TOKEN: 'T', AWS_REGION: 'r' }),
    ).toStrictEqual({
      accessKeyId: 'AKID',
      secretAccessKey: 'secret',
      sessionToken: 'T',
      region: 'r',
      service: 'execute-api',
    });
  });

  it('takes AWS_REGION, then AWS_DEFAULT_REGION, then the region of an execute-api host', () => {
    const regionOf = (url: string, env: Record<string, string>) =>
      resolveSigV4({ type: 'aws-sigv4' }, url, { ...KEYS, ...env }).region;
    expect(regionOf(URL_, { AWS_REGION: 'a', AWS_DEFAULT_REGION: 'b' })).toBe('a');
    expect(regionOf(URL_, { AWS_DEFAULT_REGION: 'b' })).toBe('b');
    expect(regionOf('https://x1.execute-api.eu-west-3.amazonaws.com/p', { AWS_DEFAULT_REGION: 'b' })).toBe('b');
    expect(regionOf('https://x1.execute-api.eu-west-3.amazonaws.com/p', {})).toBe('eu-west-3');
    expect(regionOf('https://x1.execute-api.cn-north-1.amazonaws.com.cn/p', {})).toBe('cn-north-1');
  });

  it.each([
    'https://a.x1.execute-api.eu-west-3.amazonaws.com/p',
    'https://x1.execute-api.eu-west-3.amazonaws.com.evil/p',
    'https://x1.execute-api.eu-west-3.amazonaws.co/p',
    'https://execute-api.eu-west-3.amazonaws.com/p',
  ])('finds no region in the host of %s', (url) => {
    expect(refusal(() => resolveSigV4({ type: 'aws-sigv4' }, url, KEYS))).toStrictEqual([
      'ERR_CLIENT_SIGV4_CONFIG',
      'SigV4 signing needs a region: set region or AWS_REGION',
    ]);
  });

  it.each([
    [{}, {}],
    [{ accessKeyId: 'A' }, {}],
    [{}, { AWS_SECRET_ACCESS_KEY: 'S' }],
    [{ accessKeyId: '', secretAccessKey: 'S' }, { AWS_ACCESS_KEY_ID: 'A' }],
    [{}, { AWS_ACCESS_KEY_ID: 'A', AWS_SECRET_ACCESS_KEY: '' }],
  ])('refuses the credentials %j with the environment %j', (auth, env) => {
    expect(refusal(() => resolveSigV4({ type: 'aws-sigv4', region: 'r', ...auth }, URL_, env))).toStrictEqual([
      'ERR_CLIENT_SIGV4_CONFIG',
      'SigV4 signing needs credentials: set accessKeyId/secretAccessKey or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY',
    ]);
  });

  it('leaves out an empty session token', () => {
    expect(resolveSigV4({ type: 'aws-sigv4', region: 'r' }, URL_, { ...KEYS, AWS_SESSION_TOKEN: '' })).toStrictEqual({
      accessKeyId: 'AKID',
      secretAccessKey: 'secret',
      region: 'r',
      service: 'execute-api',
    });
  });
});

describe('signSigV4', () => {
  const credentials = { accessKeyId: 'AKID', secretAccessKey: 'secret', region: 'eu-west-1', service: 'execute-api' };
  const request = { method: 'GET' as const, url: `${URL_}?b=2&a=1`, headers: { accept: 'text/xml' } };

  it('signs the date given, keeps the request, and adds the session token only when there is one', async () => {
    const signed = await signSigV4(request, credentials, '20260102T030405Z');
    expect(Object.keys(signed.headers).sort()).toStrictEqual(['accept', 'authorization', 'x-amz-date']);
    expect(signed.method).toBe('GET');
    expect(signed.body).toBeUndefined();
    expect(signed.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKID\/20260102\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=accept;host;x-amz-date, Signature=[0-9a-f]{64}$/,
    );
    const withToken = await signSigV4(request, { ...credentials, sessionToken: 'tok' }, '20260102T030405Z');
    expect(withToken.headers['x-amz-security-token']).toBe('tok');
    expect(withToken.headers.authorization).not.toBe(signed.headers.authorization);
    const now = await signSigV4(request, credentials);
    expect(now.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
  });

  it('signs the body it is given', async () => {
    const post = { method: 'POST' as const, url: URL_, headers: {}, body: '<a/>' };
    const one = await signSigV4(post, credentials, '20260102T030405Z');
    const other = await signSigV4({ ...post, body: '<b/>' }, credentials, '20260102T030405Z');
    expect(one.body).toBe('<a/>');
    expect(one.headers.authorization).not.toBe(other.headers.authorization);
  });
});
