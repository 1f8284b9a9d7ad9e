import { describe, expect, it } from 'vitest';
import { jsonErrorOf, redact, serverMessageOf } from './server-message.js';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('serverMessageOf', () => {
  it("reads cpixkit's server answers: the x-cpixkit-error header and the CODE: message text", () => {
    const headers = new Headers({ 'x-cpixkit-error': 'ERR_SERVER_BAD_CREDENTIALS' });
    expect(
      serverMessageOf(bytes('ERR_SERVER_BAD_CREDENTIALS: the path token matches no tenant\n'), headers, []),
    ).toEqual({
      code: 'ERR_SERVER_BAD_CREDENTIALS',
      message: 'the path token matches no tenant',
    });
  });

  it('reads JSON error documents, flat or nested', () => {
    expect(serverMessageOf(bytes('{"error_code":"4001","error_message":"Invalid token"}'), new Headers(), [])).toEqual({
      code: '4001',
      message: 'Invalid token',
    });
    expect(serverMessageOf(bytes('{"error":{"code":"E1","message":"nested"}}'), new Headers(), [])).toEqual({
      code: 'E1',
      message: 'nested',
    });
    expect(
      serverMessageOf(bytes('{"message":"Forbidden"}'), new Headers({ 'x-amzn-errortype': 'ForbiddenException' }), []),
    ).toEqual({
      code: 'ForbiddenException',
      message: 'Forbidden',
    });
    expect(jsonErrorOf('{"error":"invalid_request"}')).toEqual({ code: 'invalid_request' });
  });

  it('strips the markup of an HTML or XML error page and keeps one line of at most 300 characters', () => {
    const page = `<html><head><style>p{}</style></head><body><h1>502 Bad Gateway</h1>\n<p>${'x'.repeat(400)}</p></body></html>`;
    const { message } = serverMessageOf(bytes(page), new Headers(), []);
    expect(message).toMatch(/^502 Bad Gateway x+\.\.\.$/);
    expect(message).toHaveLength(300);
  });

  it('redacts the secrets it is given, whole and URL-encoded', () => {
    const token = 'eyJzaXRlX2lkIjoiREVNTyJ9/+=';
    const text = `bad token ${token} in /getKey/${encodeURIComponent(token)}`;
    const { message } = serverMessageOf(bytes(text), new Headers(), [token, encodeURIComponent(token)]);
    expect(message).toBe('bad token [redacted] in /getKey/[redacted]');
  });

  it('gives nothing for an empty body', () => {
    expect(serverMessageOf(new Uint8Array(0), new Headers(), [])).toEqual({});
  });
});

describe('redact', () => {
  it('blanks the longest secret first and ignores secrets too short to be secret', () => {
    expect(redact('abcdef abcd ab', ['abcd', 'abcdef', 'ab'])).toBe('[redacted] [redacted] ab');
  });
});

describe('jsonErrorOf', () => {
  it.each([['<CPIX/>'], ['{not json'], ['[1,2]'], ['"text"'], ['null']])('is undefined for %j', (text) => {
    expect(jsonErrorOf(text)).toBeUndefined();
  });
});
