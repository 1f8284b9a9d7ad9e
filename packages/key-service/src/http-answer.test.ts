import { describe, expect, it } from 'vitest';
import { KeyServiceError } from './errors.js';
import {
  bodyTooLarge,
  keyDeliveryAnswer,
  keyExchangeAnswer,
  noSuchRoute,
  RETRY_AFTER_SECONDS,
  refusalAnswer,
  refusalOf,
  WARNINGS_HEADER,
  warningCodes,
} from './http-answer.js';

describe('refusalAnswer', () => {
  it('writes CODE: reason as text with the code in X-Cpixkit-Error', () => {
    expect(refusalAnswer({ status: 400, code: 'ERR_KEY_SERVICE_X', message: 'bad' })).toEqual({
      status: 400,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'x-cpixkit-error': 'ERR_KEY_SERVICE_X' },
      body: 'ERR_KEY_SERVICE_X: bad\n',
    });
  });

  it('asks 503 clients to retry later', () => {
    const answer = refusalAnswer({ status: 503, code: 'ERR_KEY_SERVICE_STORE', message: 'down' });
    expect(answer.headers['retry-after']).toBe(String(RETRY_AFTER_SECONDS));
  });

  it('folds the reason onto one line of at most 300 characters', () => {
    const { body } = refusalAnswer({ status: 400, code: 'ERR_KEY_SERVICE_X', message: `a\n\tb ${'c'.repeat(400)}` });
    const reason = body.slice('ERR_KEY_SERVICE_X: '.length, -1);
    expect(reason.startsWith('a b c')).toBe(true);
    expect(reason).toHaveLength(300);
    expect(reason.endsWith('...')).toBe(true);
    expect(body.indexOf('\n')).toBe(body.length - 1);
  });
});

describe('refusalOf', () => {
  it('keeps the status, code and message of a KeyServiceError', () => {
    expect(refusalOf(new KeyServiceError('ERR_KEY_SERVICE_INVALID_REQUEST', 422, 'why'))).toEqual({
      status: 422,
      code: 'ERR_KEY_SERVICE_INVALID_REQUEST',
      message: 'why',
    });
  });

  it('leaves other errors to the front end', () => {
    expect(refusalOf(new Error('boom'))).toBeUndefined();
    expect(refusalOf('boom')).toBeUndefined();
  });

  it('has the shared route-level refusals', () => {
    expect(refusalOf(noSuchRoute())).toMatchObject({ status: 404, code: 'ERR_KEY_SERVICE_NOT_FOUND' });
    expect(refusalOf(bodyTooLarge())).toMatchObject({ status: 413, code: 'ERR_KEY_SERVICE_BODY_TOO_LARGE' });
  });
});

describe('keyDeliveryAnswer', () => {
  it('sends the raw key as octets that no cache keeps', () => {
    const key = Uint8Array.from({ length: 16 }, (_, index) => index);
    expect(keyDeliveryAnswer(key)).toEqual({
      status: 200,
      headers: { 'content-type': 'application/octet-stream', 'cache-control': 'no-store' },
      body: key,
    });
  });
});

describe('keyExchangeAnswer', () => {
  it('sends the engine headers and body, never cached', () => {
    const answer = keyExchangeAnswer({
      body: '<cpix:CPIX/>',
      headers: { 'content-type': 'application/xml; charset=utf-8', 'x-speke-version': '2.0' },
      keysIssued: 1,
      warnings: [],
    });
    expect(answer).toEqual({
      status: 200,
      headers: {
        'cache-control': 'no-store',
        'content-type': 'application/xml; charset=utf-8',
        'x-speke-version': '2.0',
      },
      body: '<cpix:CPIX/>',
    });
  });

  it('lists the distinct warning codes in X-Cpixkit-Warnings, in the order they first occur', () => {
    const warnings = [
      {
        code: 'PLACEHOLDER_REMOVED',
        path: 'DRMSystem[1]',
        message: 'FairPlay has no PSSH in this answer: the empty PSSH was removed',
      },
      {
        code: 'NON_CANONICAL_BASE64',
        path: '/CPIX/ContentKeyList/ContentKey[2]/@explicitIV',
        message: 'read leniently',
      },
      {
        code: 'PLACEHOLDER_REMOVED',
        path: 'DRMSystem[2]',
        message: 'FairPlay has no ContentProtectionData in this answer',
      },
    ];
    expect(warningCodes(warnings)).toEqual(['PLACEHOLDER_REMOVED', 'NON_CANONICAL_BASE64']);
    const answer = keyExchangeAnswer({ body: '<cpix:CPIX/>', headers: {}, keysIssued: 1, warnings });
    expect(answer.headers[WARNINGS_HEADER]).toBe('PLACEHOLDER_REMOVED, NON_CANONICAL_BASE64');
    expect(WARNINGS_HEADER).toBe('x-cpixkit-warnings');
  });
});
