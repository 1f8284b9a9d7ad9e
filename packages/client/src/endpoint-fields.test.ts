import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../tooling/src/thrown.js';
import { checkAuth, safeOrigin, secretsOf } from './endpoint.js';
import { buildKeyRequest, type ClientAuth, CpixClientError, type CpixDialect, httpRequestOf } from './index.js';

// httpRequestOf, checkAuth and secretsOf: every auth kind, every URL placement and placeholder, and
// each refusal with its code and whole message.

const ACCEPT = 'application/xml, text/xml;q=0.9, */*;q=0.1';
const CONTENT_TYPE = 'application/xml; charset=utf-8';

function http(
  url: string,
  dialect: CpixDialect,
  auth?: ClientAuth,
  drmSystems = ['widevine'],
  headers?: Record<string, string>,
) {
  return httpRequestOf(url, buildKeyRequest({ contentId: 'c/d', drmSystems }, dialect), auth, headers);
}

function invalid(fn: () => unknown): string {
  const error = thrownBy(fn, CpixClientError);
  expect(error.code).toBe('ERR_CLIENT_INVALID_OPTION');
  return error.message;
}

describe('httpRequestOf: the whole request', () => {
  it('SPEKE v1 with Basic credentials: POST, content type, no version header', () => {
    const request = http('https://h/Speke', 'speke-v1', { type: 'basic', username: 'acme', password: '' });
    expect(request).toStrictEqual({
      method: 'POST',
      url: 'https://h/Speke',
      headers: {
        accept: ACCEPT,
        'content-type': CONTENT_TYPE,
        authorization: `Basic ${Buffer.from('acme:').toString('base64')}`,
      },
      body: request.body,
    });
    expect(request.body).toMatch(/^<\?xml/);
  });

  it('SPEKE v2 without credentials, and with SigV4 (signed later): the version header only', () => {
    for (const auth of [undefined, { type: 'aws-sigv4' } as const]) {
      const request = http('http://h/speke/v2.0/copyProtection', 'speke-v2', auth);
      expect(request.headers).toStrictEqual({ accept: ACCEPT, 'content-type': CONTENT_TYPE, 'x-speke-version': '2.0' });
      expect(request.url).toBe('http://h/speke/v2.0/copyProtection');
    }
  });

  it('an enc-token with SPEKE v1 goes in the query, and the placeholder form leaves the query alone', () => {
    expect(http('https://h/cpix/getKey', 'speke-v1', { type: 'enc-token', token: 'a b' }).url).toBe(
      'https://h/cpix/getKey?enc-token=a+b',
    );
    expect(http('https://h/cpix/{enc-token}/getKey', 'speke-v1', { type: 'enc-token', token: 'a b' }).url).toBe(
      'https://h/cpix/a%20b/getKey',
    );
  });

  it('PallyCon: the token after the path, trailing slashes dropped; enc-token sends no Authorization', () => {
    const request = http('https://h/v1/getKey///', 'pallycon-v1', { type: 'enc-token', token: 't/1' });
    expect(request.url).toBe('https://h/v1/getKey/t%2F1');
    expect(request.headers).toStrictEqual({ accept: ACCEPT, 'content-type': CONTENT_TYPE });
    expect(http('https://h', 'pallycon-v2', { type: 'enc-token', token: 'tok' }).url).toBe('https://h/tok');
    expect(http('https://h/v2/getKey', 'pallycon-v2', { type: 'bearer', token: 'tok' }).url).toBe(
      'https://h/v2/getKey',
    );
  });

  it('ATEME: every placeholder spelling, a URL with only {contentId}, and no body or content type', () => {
    const token = { type: 'enc-token', token: 'tok' } as const;
    expect(http('https://h/{streamingFormat}/{encToken}/{cid}', 'anevia', token).url).toBe('https://h/dash/tok/c%2Fd');
    const request = http('https://h/cpix/tok/{format}/{contentId}', 'anevia', undefined, ['fairplay']);
    expect(request).toStrictEqual({ method: 'GET', url: 'https://h/cpix/tok/hls/c%2Fd', headers: { accept: ACCEPT } });
    expect(http('https://h/cpix/tok/dash/{cid}', 'anevia').url).toBe('https://h/cpix/tok/dash/c%2Fd');
  });

  it('lower-cases the caller header names, which override the client’s own', () => {
    expect(
      http('https://h/x', 'speke-v2', { type: 'bearer', token: 't' }, ['widevine'], {
        'X-Speke-Version': '2.1',
        Authorization: 'Other',
      }).headers,
    ).toStrictEqual({ accept: ACCEPT, 'content-type': CONTENT_TYPE, 'x-speke-version': '2.1', authorization: 'Other' });
  });

  it.each([
    [42, 'speke-v1', undefined, 'url must be a string'],
    ['/relative', 'speke-v1', undefined, 'url is not an absolute URL'],
    ['file:///etc/passwd', 'speke-v1', undefined, 'url must be http: or https:'],
    [
      'https://h/{encToken}',
      'speke-v1',
      { type: 'bearer', token: 't' },
      'the URL has an {enc-token} placeholder but auth is not an enc-token',
    ],
    [
      'https://h/{streamingFormat}',
      'pallycon-v2',
      undefined,
      'the {format} placeholder applies to the anevia dialect only',
    ],
    [
      'https://h/anevia',
      'anevia',
      { type: 'bearer', token: 't' },
      'the anevia dialect needs an enc-token (auth) or a URL with the token in it',
    ],
    ['https://h/{format}/tok', 'anevia', undefined, 'an anevia URL with placeholders must have {contentId}'],
  ] as const)('refuses the URL %j for %s', (url, dialect, auth, message) => {
    expect(invalid(() => http(url as string, dialect, auth))).toBe(message);
  });

  it('refuses a header value that is not a one-line string', () => {
    expect(invalid(() => http('https://h/x', 'speke-v1', undefined, ['widevine'], { 'X-A': 'a\nb' }))).toBe(
      'header X-A must be a one-line string',
    );
    expect(invalid(() => http('https://h/x', 'speke-v1', undefined, ['widevine'], { 'X-A': 'a\rb' }))).toBe(
      'header X-A must be a one-line string',
    );
    expect(invalid(() => http('https://h/x', 'speke-v1', undefined, ['widevine'], { 'X-A': 1 as never }))).toBe(
      'header X-A must be a one-line string',
    );
  });
});

describe('checkAuth', () => {
  it.each([
    [{ type: 'bearer', token: 't' }],
    [{ type: 'enc-token', token: 't' }],
    [{ type: 'basic', username: 'u', password: '' }],
    [{ type: 'aws-sigv4' }],
    [undefined],
  ])('accepts %j', (auth) => {
    expect(checkAuth(auth as ClientAuth)).toBeUndefined();
  });

  it.each([
    [{ type: 'bearer' }, 'the bearer token must be a non-empty string'],
    [{ type: 'enc-token', token: '' }, 'the enc-token token must be a non-empty string'],
    [{ type: 'enc-token', token: 'a\rb' }, 'the enc-token token must be one line'],
    [{ type: 'bearer', token: 'a\nb' }, 'the bearer token must be one line'],
    [{ type: 'basic', username: '', password: 'p' }, 'the Basic username must be a non-empty string'],
    [{ type: 'basic', username: 7, password: 'p' }, 'the Basic username must be a non-empty string'],
    [{ type: 'basic', username: 'u:', password: 'p' }, 'the Basic username must not contain a colon'],
    [{ type: 'basic', username: 'u' }, 'the Basic password must be a string'],
    [{}, 'unknown auth type "undefined"'],
    [{ type: 'x'.repeat(40) }, `unknown auth type "${'x'.repeat(32)}"`],
    ['bearer', 'auth must be an object'],
    [null, 'auth must be an object'],
  ])('refuses %j', (auth, message) => {
    expect(invalid(() => checkAuth(auth as never))).toBe(message);
  });
});

describe('secretsOf and safeOrigin', () => {
  it('lists the secrets of every auth kind, leaving out empty ones', () => {
    expect(secretsOf({ type: 'bearer', token: 'a/b' })).toStrictEqual(['a/b', 'a%2Fb']);
    expect(secretsOf({ type: 'basic', username: 'u', password: '' })).toStrictEqual([
      Buffer.from('u:').toString('base64'),
    ]);
    expect(secretsOf({ type: 'aws-sigv4', secretAccessKey: '', sessionToken: 'sess' })).toStrictEqual(['sess']);
    expect(secretsOf({ type: 'aws-sigv4' })).toStrictEqual([]);
  });

  it('shows the origin of a URL only', () => {
    expect(safeOrigin('http://user:pw@h:81/p?q=1#f')).toBe('http://h:81');
    expect(safeOrigin('')).toBe('the key server');
  });
});
