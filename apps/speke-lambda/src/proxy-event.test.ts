import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EVENT_KINDS,
  EXECUTE_API_DOMAIN,
  FUNCTION_URL_DOMAIN,
  functionUrlEvent,
  httpApiEvent,
  restApiEvent,
} from '../test/events.js';
import { SpekeLambdaError } from './errors.js';
import { readProxyEvent, toProxyResult } from './proxy-event.js';

const xml = '<cpix:CPIX xmlns:cpix="urn:dashif:org:cpix" contentId="é-ü"/>';

describe('readProxyEvent', () => {
  it('reads the method, the path the client called and the host of each kind of event', () => {
    const request = { method: 'POST', path: '/speke/v2.0/copyProtection', body: xml };
    expect(readProxyEvent(restApiEvent(request))).toMatchObject({
      method: 'POST',
      path: '/prod/speke/v2.0/copyProtection',
      host: EXECUTE_API_DOMAIN,
    });
    expect(readProxyEvent(httpApiEvent(request))).toMatchObject({
      method: 'POST',
      path: '/prod/speke/v2.0/copyProtection',
      host: EXECUTE_API_DOMAIN,
    });
    expect(readProxyEvent(functionUrlEvent(request))).toMatchObject({
      method: 'POST',
      path: '/speke/v2.0/copyProtection',
      host: FUNCTION_URL_DOMAIN,
    });
  });

  for (const [kind, build] of Object.entries(EVENT_KINDS)) {
    it(`${kind}: gives the same body bytes whether or not it is base64-encoded`, () => {
      const plain = readProxyEvent(build({ method: 'POST', path: '/Speke', body: xml }));
      const encoded = readProxyEvent(build({ method: 'POST', path: '/Speke', body: xml, base64: true }));
      expect(Buffer.from(plain.body!).toString('utf8')).toBe(xml);
      expect(encoded.body).toEqual(plain.body);
    });

    it(`${kind}: lower-cases header names whatever case the client used`, () => {
      const request = readProxyEvent(
        build({
          method: 'POST',
          path: '/cpix/getKey',
          headers: { 'X-SPEKE-VERSION': '2.0', 'content-TYPE': 'text/xml' },
        }),
      );
      expect(request.headers['x-speke-version']).toBe('2.0');
      expect(request.headers['content-type']).toBe('text/xml');
      expect(Object.keys(request.headers).every((name) => name === name.toLowerCase())).toBe(true);
    });

    it(`${kind}: has no body for a GET`, () => {
      const request = readProxyEvent(build({ method: 'GET', path: '/speke/v1.0/heartbeat' }));
      expect(request.body).toBeUndefined();
      expect(request.query).toBe('');
    });

    it(`${kind}: keeps the query string`, () => {
      const request = readProxyEvent(build({ method: 'GET', path: '/keys/t/k', query: 'exp=1700000000&sig=a-b_c' }));
      expect(new URLSearchParams(request.query).get('exp')).toBe('1700000000');
      expect(new URLSearchParams(request.query).get('sig')).toBe('a-b_c');
    });
  }

  it('reads any body bytes back from a base64-encoded event, and any text as its UTF-8 bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 512 }), fc.string({ minLength: 1 }), (bytes, text) => {
        for (const build of Object.values(EVENT_KINDS)) {
          const binary = readProxyEvent(build({ method: 'POST', path: '/Speke', body: bytes, base64: true }));
          expect(Buffer.from(binary.body!)).toEqual(Buffer.from(bytes));
          const plain = readProxyEvent(build({ method: 'POST', path: '/Speke', body: text }));
          expect(Buffer.from(plain.body!)).toEqual(Buffer.from(text, 'utf8'));
        }
      }),
      { numRuns: 200 },
    );
  });

  it('joins repeated payload 1.0 headers as Node does, preferring multiValueHeaders', () => {
    const event = restApiEvent({ method: 'POST', path: '/Speke' });
    event.headers = { 'X-Speke-Version': '1.0' };
    event.multiValueHeaders = { 'X-Speke-Version': ['2.0', '1.0'], 'x-speke-version': ['3.0'] };
    expect(readProxyEvent(event).headers['x-speke-version']).toBe('2.0, 1.0, 3.0');
  });

  it('reads payload 1.0 headers from the single-valued map when there is no multiValueHeaders', () => {
    const event = restApiEvent({ method: 'POST', path: '/Speke', headers: { 'X-Speke-Version': '2.0' } });
    delete (event as Partial<typeof event>).multiValueHeaders;
    expect(readProxyEvent(event).headers['x-speke-version']).toBe('2.0');
  });

  it('takes the path from the event when a payload 1.0 requestContext has none', () => {
    const event = restApiEvent({ method: 'GET', path: '/speke/v1.0/heartbeat' });
    delete (event.requestContext as Partial<typeof event.requestContext>).path;
    expect(readProxyEvent(event).path).toBe('/speke/v1.0/heartbeat');
  });

  it('treats an empty body as none', () => {
    const event = httpApiEvent({ method: 'POST', path: '/Speke', body: '' });
    expect(readProxyEvent(event).body).toBeUndefined();
  });

  it('refuses anything that is not an API Gateway or function URL event', () => {
    for (const event of [null, 'GET /', [], { Records: [] }, { version: '2.0' }, { httpMethod: 'GET' }]) {
      expect(() => readProxyEvent(event)).toThrow(SpekeLambdaError);
      try {
        readProxyEvent(event);
      } catch (error) {
        expect((error as SpekeLambdaError).code).toBe('ERR_SPEKE_LAMBDA_UNKNOWN_EVENT');
      }
    }
  });
});

describe('toProxyResult', () => {
  it('sends text as is', () => {
    expect(toProxyResult({ status: 200, headers: { 'content-type': 'application/xml' }, body: xml })).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/xml' },
      body: xml,
      isBase64Encoded: false,
    });
  });

  it('sends bytes base64-encoded', () => {
    const bytes = Uint8Array.from({ length: 16 }, (_, index) => index * 17);
    const result = toProxyResult({ status: 200, headers: {}, body: bytes });
    expect(result.isBase64Encoded).toBe(true);
    expect(Buffer.from(result.body, 'base64')).toEqual(Buffer.from(bytes));
  });
});
