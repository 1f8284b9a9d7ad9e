import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../tooling/src/thrown.js';
import { KeyServiceError } from './errors.js';
import {
  bodyTooLarge,
  keyDeliveryAnswer,
  keyExchangeAnswer,
  noSuchRoute,
  refusalAnswer,
  refusalOf,
  warningCodes,
} from './http-answer.js';
import {
  SPEKE_HEARTBEAT_PATH,
  SPEKE_ROUTES,
  spekeDialectOf,
  spekeHeartbeatAnswer,
  spekeRequestOptions,
} from './speke-routes.js';
import type { KeyServiceAnswer } from './types.js';

// What every front end sends, compared whole: answers, refusals, routes and their options.

const answer = (warnings: { code: string }[], headers: Record<string, string> = {}) =>
  ({ body: '<CPIX/>', headers, warnings }) as unknown as KeyServiceAnswer;

describe('keyExchangeAnswer and keyDeliveryAnswer', () => {
  it('sends the body with no-store, the engine’s headers over it, and no warnings header without warnings', () => {
    expect(keyExchangeAnswer(answer([], { 'x-speke-version': '2.0', 'cache-control': 'private' }))).toStrictEqual({
      status: 200,
      headers: { 'cache-control': 'private', 'x-speke-version': '2.0' },
      body: '<CPIX/>',
    });
    expect(keyExchangeAnswer(answer([]))).toStrictEqual({
      status: 200,
      headers: { 'cache-control': 'no-store' },
      body: '<CPIX/>',
    });
  });

  it('lists each warning code once, in the order they first occur', () => {
    const warnings = [{ code: 'B' }, { code: 'A' }, { code: 'B' }];
    expect(warningCodes(warnings as never)).toStrictEqual(['B', 'A']);
    expect(keyExchangeAnswer(answer(warnings)).headers).toStrictEqual({
      'cache-control': 'no-store',
      'x-cpixkit-warnings': 'B, A',
    });
  });

  it('sends a key as octets, never cached', () => {
    const key = new Uint8Array(16).fill(1);
    expect(keyDeliveryAnswer(key)).toStrictEqual({
      status: 200,
      headers: { 'content-type': 'application/octet-stream', 'cache-control': 'no-store' },
      body: key,
    });
  });
});

describe('refusalAnswer and refusalOf', () => {
  it('writes CODE: reason on one line, the code again in a header, and Retry-After on 503 only', () => {
    expect(refusalAnswer({ status: 503, code: 'ERR_X', message: ' store\n  down\t' })).toStrictEqual({
      status: 503,
      headers: { 'content-type': 'text/plain; charset=utf-8', 'x-cpixkit-error': 'ERR_X', 'retry-after': '5' },
      body: 'ERR_X: store down\n',
    });
    for (const status of [500, 502, 504]) {
      expect(refusalAnswer({ status, code: 'ERR_Y', message: 'm' })).toStrictEqual({
        status,
        headers: { 'content-type': 'text/plain; charset=utf-8', 'x-cpixkit-error': 'ERR_Y' },
        body: 'ERR_Y: m\n',
      });
    }
  });

  it('keeps a reason of 300 characters and cuts a longer one to 297 and an ellipsis', () => {
    expect(refusalAnswer({ status: 422, code: 'E', message: 'r'.repeat(300) }).body).toBe(`E: ${'r'.repeat(300)}\n`);
    expect(refusalAnswer({ status: 422, code: 'E', message: 'r'.repeat(301) }).body).toBe(`E: ${'r'.repeat(297)}...\n`);
  });

  it('turns a KeyServiceError into its refusal, and nothing else', () => {
    expect(refusalOf(new KeyServiceError('ERR_KEY_SERVICE_NO_STORE', 503, 'no store'))).toStrictEqual({
      status: 503,
      code: 'ERR_KEY_SERVICE_NO_STORE',
      message: 'no store',
    });
    expect(refusalOf(new Error('x'))).toBeUndefined();
    expect(refusalOf({ status: 400, code: 'ERR_KEY_SERVICE_X', message: 'duck' })).toBeUndefined();
  });

  it('refuses an unknown route with 404 and a large body with 413', () => {
    expect(refusalOf(noSuchRoute())).toStrictEqual({
      status: 404,
      code: 'ERR_KEY_SERVICE_NOT_FOUND',
      message: 'no such route',
    });
    expect(refusalOf(bodyTooLarge())).toStrictEqual({
      status: 413,
      code: 'ERR_KEY_SERVICE_BODY_TOO_LARGE',
      message: 'the request body is larger than the server accepts',
    });
  });
});

describe('SPEKE routes', () => {
  const route = (path: string) => SPEKE_ROUTES.find((candidate) => candidate.path === path)!;

  it('lists exactly the AWS, CPIX and Axinom routes', () => {
    expect(SPEKE_ROUTES).toStrictEqual([
      { method: 'POST', path: '/speke/v2.0/copyProtection', dialect: 'speke-v2', rules: 'aws' },
      { method: 'POST', path: '/speke/v1.0/copyProtection', dialect: 'speke-v1', rules: 'aws' },
      { method: 'POST', path: '/cpix/getKey', dialect: 'by-speke-version', rules: 'aws' },
      { method: 'POST', path: '/Speke', dialect: 'speke-v1', rules: 'axinom' },
      { method: 'POST', path: '/SpekeV2', dialect: 'speke-v2', rules: 'axinom' },
    ]);
    expect(SPEKE_HEARTBEAT_PATH).toBe('/speke/v1.0/heartbeat');
    expect(spekeHeartbeatAnswer()).toStrictEqual({
      status: 200,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
      body: 'cpixkit SPEKE key service is running',
    });
  });

  it.each([
    ['/Speke', 'overrideKeyIds=true', { spekeRules: 'axinom', overrideKeyIds: true }],
    ['/SpekeV2', 'a=1&overrideKeyIds=TRUE', { spekeRules: 'axinom', overrideKeyIds: true }],
    ['/SpekeV2', 'overrideKeyIds=false', { spekeRules: 'axinom', overrideKeyIds: false }],
    ['/SpekeV2', 'overrideKeyIds=1', { spekeRules: 'axinom', overrideKeyIds: false }],
    ['/SpekeV2', '', { spekeRules: 'axinom', overrideKeyIds: false }],
    ['/speke/v2.0/copyProtection', 'overrideKeyIds=true', { spekeRules: 'aws', overrideKeyIds: false }],
    ['/cpix/getKey', 'overrideKeyIds=true', { spekeRules: 'aws', overrideKeyIds: false }],
  ])('reads %s?%s', (path, query, expected) => {
    expect(spekeRequestOptions(route(path), query)).toStrictEqual(expected);
  });

  it.each([
    ['/speke/v2.0/copyProtection', '1.0', 'speke-v2'],
    ['/Speke', '2.0', 'speke-v1'],
    ['/cpix/getKey', undefined, 'speke-v1'],
    ['/cpix/getKey', '1.0', 'speke-v1'],
    ['/cpix/getKey', '2.0', 'speke-v2'],
    ['/cpix/getKey', ['2.0', '1.0'], 'speke-v2'],
    ['/cpix/getKey', ['1.0', '2.0'], 'speke-v1'],
  ])('takes %s with X-Speke-Version %j as %s', (path, header, dialect) => {
    expect(spekeDialectOf(route(path), header)).toBe(dialect);
  });

  it.each([
    ['2', '"2"'],
    ['2.0 ', '"2.0 "'],
    ['', '""'],
    ['x'.repeat(40), `"${'x'.repeat(16)}"`],
  ])('refuses X-Speke-Version %j on /cpix/getKey', (header, quoted) => {
    const error = thrownBy(() => spekeDialectOf(route('/cpix/getKey'), header), KeyServiceError);
    expect([error.code, error.status, error.message]).toStrictEqual([
      'ERR_KEY_SERVICE_BAD_SPEKE_VERSION',
      400,
      `unsupported X-Speke-Version ${quoted}: use 2.0, or none for SPEKE v1`,
    ]);
  });
});
