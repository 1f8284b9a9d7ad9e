import { describe, expect, it } from 'vitest';
import { jsonErrorOf, redact, serverMessageOf } from './server-message.js';

// The server's reason for an error answer: each document shape, each field it is taken from, and
// the limits at their boundary.

const bytes = (text: string) => new TextEncoder().encode(text);
const read = (text: string, headers: Record<string, string> = {}, secrets: string[] = []) =>
  serverMessageOf(bytes(text), new Headers(headers), secrets);

describe('jsonErrorOf', () => {
  it.each([
    ['{"error_code":"A","error_message":"m"}', { code: 'A', message: 'm' }],
    ['{"errorCode":"A","errorMessage":"m"}', { code: 'A', message: 'm' }],
    ['{"code":"A","message":"m"}', { code: 'A', message: 'm' }],
    ['{"status_code":500,"error_description":"m"}', { code: '500', message: 'm' }],
    ['{"msg":"m"}', { message: 'm' }],
    ['{"detail":"m"}', { message: 'm' }],
    ['{"reason":"m"}', { message: 'm' }],
    ['{"error":"E","message":"m"}', { code: 'E', message: 'm' }],
    ['{"code":"C","error":"text"}', { code: 'C', message: 'text' }],
    ['{"error":{"code":"N","message":"nested"},"message":"top"}', { code: 'N', message: 'top' }],
    ['{"error":{"error_code":"N"}}', { code: 'N' }],
    ['{"error":null,"message":"m"}', { message: 'm' }],
    ['{"code":"","message":"  "}', {}],
    ['{"code":1e999,"message":true}', {}],
    ['{"code":0,"message":"m"}', { code: '0', message: 'm' }],
    ['  {"message":"padded"}  ', { message: 'padded' }],
    ['{}', {}],
  ])('reads %s', (text, expected) => {
    expect(jsonErrorOf(text)).toStrictEqual(expected);
  });

  it.each([[''], ['x{"a":1}'], ['{"a":'], ['[{"message":"m"}]']])('is undefined for %j', (text) => {
    expect(jsonErrorOf(text)).toBeUndefined();
  });
});

describe('serverMessageOf', () => {
  it('takes the x-cpixkit-error header over x-amzn-errortype, and either over a JSON code', () => {
    const json = '{"code":"J","message":"m"}';
    expect(read(json, { 'x-cpixkit-error': 'C', 'x-amzn-errortype': 'A' })).toStrictEqual({ code: 'C', message: 'm' });
    expect(read(json, { 'x-amzn-errortype': 'A' })).toStrictEqual({ code: 'A', message: 'm' });
    expect(read(json)).toStrictEqual({ code: 'J', message: 'm' });
  });

  it('splits a CODE: message text, unless a header names another code', () => {
    expect(read('  ERR_X: the reason')).toStrictEqual({ code: 'ERR_X', message: 'the reason' });
    expect(read('ERR_X: the reason', { 'x-cpixkit-error': 'ERR_X' })).toStrictEqual({
      code: 'ERR_X',
      message: 'the reason',
    });
    expect(read('ERR_X: the reason', { 'x-cpixkit-error': 'ERR_Y' })).toStrictEqual({
      code: 'ERR_Y',
      message: 'ERR_X: the reason',
    });
    expect(read('AB: too short a code')).toStrictEqual({ message: 'AB: too short a code' });
    expect(read('ABC: three letters')).toStrictEqual({ code: 'ABC', message: 'three letters' });
    expect(read('Err_x: lower case')).toStrictEqual({ message: 'Err_x: lower case' });
    expect(read('1ERR: digit first')).toStrictEqual({ message: '1ERR: digit first' });
  });

  it('drops scripts, styles and tags of an error page, whatever their case, keeping the text on one line', () => {
    expect(
      read('  <HTML><SCRIPT>alert(1)</SCRIPT><Style>p{}</Style><body>\n Gateway\t\ttimeout </body></HTML>'),
    ).toStrictEqual({ message: 'Gateway timeout' });
  });

  it('keeps a line of exactly 300 characters, and cuts a longer one to 297 and an ellipsis', () => {
    expect(read('a'.repeat(300))).toStrictEqual({ message: 'a'.repeat(300) });
    expect(read('a'.repeat(301))).toStrictEqual({ message: `${'a'.repeat(297)}...` });
  });

  it('keeps 64 characters of a code, on one line, with the secrets blanked', () => {
    expect(read('', { 'x-cpixkit-error': `s3cret ${'C'.repeat(80)}` }, ['s3cret'])).toStrictEqual({
      code: `[redacted] ${'C'.repeat(53)}`,
    });
  });

  it('reads bytes at any offset of their buffer', () => {
    const buffer = bytes('xxERR_X: m');
    expect(serverMessageOf(buffer.subarray(2), new Headers(), [])).toStrictEqual({ code: 'ERR_X', message: 'm' });
  });
});

describe('redact', () => {
  it('blanks secrets of 4 characters or more, every occurrence, and leaves shorter ones', () => {
    expect(redact('abcd abc abcd', ['abc'])).toBe('abcd abc abcd');
    expect(redact('abcd abc abcd', ['abcd'])).toBe('[redacted] abc [redacted]');
    expect(redact('token', [])).toBe('token');
  });

  it('does not reorder the list it is given', () => {
    const secrets = ['abcd', 'abcdef'];
    redact('abcdef', secrets);
    expect(secrets).toStrictEqual(['abcd', 'abcdef']);
  });
});
