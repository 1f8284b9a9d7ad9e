import { describe, expect, it } from 'vitest';
import { checkAuth, safeOrigin, secretsOf } from './endpoint.js';
import { buildKeyRequest, type ClientAuth, type CpixDialect, httpRequestOf } from './index.js';

const TOKEN = 'eyJzaXRlX2lkIjoiREVNTyJ9/+=';
const ENCODED = encodeURIComponent(TOKEN);

function http(
  url: string,
  dialect: CpixDialect,
  auth?: ClientAuth,
  drmSystems = ['widevine'],
  headers?: Record<string, string>,
) {
  return httpRequestOf(url, buildKeyRequest({ contentId: 'test cid', drmSystems }, dialect), auth, headers);
}

describe('httpRequestOf', () => {
  it('appends a PallyCon enc-token as the last path segment', () => {
    expect(
      http('https://kms.pallycon.com/v2/cpix/pallycon/getKey/', 'pallycon-v2', { type: 'enc-token', token: TOKEN }).url,
    ).toBe(`https://kms.pallycon.com/v2/cpix/pallycon/getKey/${ENCODED}`);
    expect(
      http('https://kms.pallycon.com/v1/cpix/pallycon/getKey', 'pallycon-v1', { type: 'enc-token', token: TOKEN }).url,
    ).toBe(`https://kms.pallycon.com/v1/cpix/pallycon/getKey/${ENCODED}`);
  });

  it('puts an enc-token in the enc-token query parameter of a SPEKE URL (PallyCon SPEKE API)', () => {
    const url = new URL(
      http('https://kms.pallycon.com/cpix/getKey?x=1', 'speke-v2', { type: 'enc-token', token: TOKEN }).url,
    );
    expect(url.pathname).toBe('/cpix/getKey');
    expect(url.searchParams.get('enc-token')).toBe(TOKEN);
    expect(url.searchParams.get('x')).toBe('1');
  });

  it('builds the ATEME GET path /{format}/{encToken}/{cid}', () => {
    const request = http('https://kms.pallycon.com/cpix/anevia/', 'anevia', { type: 'enc-token', token: TOKEN }, [
      'fairplay',
    ]);
    expect(request).toEqual({
      method: 'GET',
      url: `https://kms.pallycon.com/cpix/anevia/hls/${ENCODED}/test%20cid`,
      headers: { accept: 'application/xml, text/xml;q=0.9, */*;q=0.1' },
    });
  });

  it('fills the {enc-token}, {contentId} and {format} placeholders', () => {
    expect(
      http('https://h/cpix/anevia/{format}/{enc-token}/{contentId}', 'anevia', { type: 'enc-token', token: TOKEN }).url,
    ).toBe(`https://h/cpix/anevia/dash/${ENCODED}/test%20cid`);
    expect(http('https://h/keys/{encToken}?cid={cid}', 'pallycon-v2', { type: 'enc-token', token: TOKEN }).url).toBe(
      `https://h/keys/${ENCODED}?cid=test%20cid`,
    );
  });

  it('writes the content type, SPEKE version, credentials and the caller headers', () => {
    const request = http(
      'https://h/speke/v2.0/copyProtection',
      'speke-v2',
      { type: 'bearer', token: 't0ken' },
      ['widevine'],
      {
        'X-Custom': 'yes',
        Accept: 'text/xml',
      },
    );
    expect(request.method).toBe('POST');
    expect(request.body).toContain('<cpix:CPIX');
    expect(request.headers).toEqual({
      accept: 'text/xml',
      'content-type': 'application/xml; charset=utf-8',
      'x-speke-version': '2.0',
      authorization: 'Bearer t0ken',
      'x-custom': 'yes',
    });
    const basic = http('https://h/Speke', 'speke-v1', { type: 'basic', username: 'acme', password: 'p:w' });
    expect(basic.headers.authorization).toBe(`Basic ${Buffer.from('acme:p:w').toString('base64')}`);
    expect(basic.headers['x-speke-version']).toBeUndefined();
  });

  it.each([
    ['not a url', 'speke-v1', undefined, /absolute URL/],
    ['ftp://h/x', 'speke-v1', undefined, /http: or https:/],
    ['https://h/{enc-token}', 'pallycon-v2', undefined, /placeholder but auth is not an enc-token/],
    ['https://h/{format}', 'speke-v1', undefined, /anevia dialect only/],
    ['https://h/cpix/anevia', 'anevia', undefined, /needs an enc-token/],
    ['https://h/cpix/anevia/{enc-token}', 'anevia', { type: 'enc-token', token: 't' }, /must have \{contentId\}/],
  ] as const)('refuses %s (%s)', (url, dialect, auth, message) => {
    expect(() => http(url, dialect as CpixDialect, auth as ClientAuth | undefined)).toThrowError(
      expect.objectContaining({ code: 'ERR_CLIENT_INVALID_OPTION', message: expect.stringMatching(message) }),
    );
  });

  it('refuses header values that would split the request', () => {
    expect(() => http('https://h/x', 'speke-v1', undefined, ['widevine'], { 'x-a': 'b\r\nx-evil: 1' })).toThrow(
      /one-line/,
    );
  });
});

describe('checkAuth and secretsOf', () => {
  it.each([
    [{ type: 'bearer', token: '' }, /non-empty/],
    [{ type: 'bearer', token: 'a\nb' }, /one line/],
    [{ type: 'basic', username: 'a:b', password: 'x' }, /colon/],
    [{ type: 'basic', username: 'a', password: 5 }, /password must be a string/],
    [{ type: 'oauth' }, /unknown auth type "oauth"/],
    [null, /must be an object/],
  ])('refuses %j without echoing it', (auth, message) => {
    expect(() => checkAuth(auth as never)).toThrowError(
      expect.objectContaining({ message: expect.stringMatching(message) }),
    );
  });

  it('lists what must never be echoed: tokens (raw and URL-encoded), passwords, Basic credentials, AWS secrets', () => {
    expect(secretsOf({ type: 'enc-token', token: TOKEN })).toEqual([TOKEN, ENCODED]);
    expect(secretsOf({ type: 'basic', username: 'u', password: 'pw' })).toEqual([
      'pw',
      Buffer.from('u:pw').toString('base64'),
    ]);
    expect(secretsOf({ type: 'aws-sigv4', secretAccessKey: 's3cr3t', sessionToken: 'sess' })).toEqual([
      's3cr3t',
      'sess',
    ]);
    expect(secretsOf(undefined)).toEqual([]);
  });

  it('shows only the origin of a URL', () => {
    expect(safeOrigin(`https://kms.example:8443/v2/cpix/pallycon/getKey/${ENCODED}?enc-token=${ENCODED}`)).toBe(
      'https://kms.example:8443',
    );
    expect(safeOrigin('::')).toBe('the key server');
  });
});
