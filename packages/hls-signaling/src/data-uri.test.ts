import { describe, expect, it } from 'vitest';
import { expectHlsError } from '../test/expect-hls-error.js';
import { buildDataUri, parseDataUri } from './index.js';

describe('buildDataUri', () => {
  it('writes text/plain by default, a charset when given, and the base64 of the bytes', () => {
    expect(buildDataUri(Uint8Array.of(0xfb, 0xff))).toBe('data:text/plain;base64,+/8=');
    expect(buildDataUri(Uint8Array.of(1), { charset: 'UTF-16' })).toBe('data:text/plain;charset=UTF-16;base64,AQ==');
    expect(buildDataUri(new Uint8Array(), { mediaType: 'application/vnd.ms-sstr+xml' })).toBe(
      'data:application/vnd.ms-sstr+xml;base64,',
    );
  });

  it('writes only the bytes of a view, not the whole buffer under it', () => {
    const buffer = Uint8Array.of(9, 1, 2, 9);
    expect(buildDataUri(buffer.subarray(1, 3))).toBe('data:text/plain;base64,AQI=');
  });

  it('refuses a payload that is not bytes, and a media type or charset a data URI cannot carry', () => {
    expectHlsError(
      () => buildDataUri('AQ==' as unknown as Uint8Array),
      'ERR_HLS_INVALID_INPUT',
      undefined,
      'data URI payload must be a Uint8Array',
    );
    for (const options of [
      { mediaType: 'text' },
      { mediaType: 'text/plain;x=1' },
      { mediaType: ' text/plain' },
      { mediaType: 'text/plain ' },
      { charset: 'UTF 16' },
      { charset: 'a"b' },
    ]) {
      expectHlsError(
        () => buildDataUri(Uint8Array.of(1), options),
        'ERR_HLS_INVALID_INPUT',
        undefined,
        'media type or charset holds characters a data URI cannot carry',
      );
    }
  });
});

describe('parseDataUri', () => {
  it('reads the media type (lower-cased, text/plain when absent), parameters and a base64 payload', () => {
    expect(parseDataUri('DATA:Text/Plain;Charset=UTF-16;BASE64,AQI=')).toStrictEqual({
      mediaType: 'text/plain',
      parameters: { charset: 'UTF-16' },
      data: Uint8Array.of(1, 2),
    });
    expect(parseDataUri('data:;base64,')).toStrictEqual({
      mediaType: 'text/plain',
      parameters: {},
      data: new Uint8Array(),
    });
  });

  it('reads a payload that is not base64 as percent-encoded UTF-8', () => {
    expect(parseDataUri('data:,a%20b%C3%A9')).toStrictEqual({
      mediaType: 'text/plain',
      parameters: {},
      data: new TextEncoder().encode('a bé'),
    });
    expect(parseDataUri('data:text/x;a=1;b=,x')).toStrictEqual({
      mediaType: 'text/x',
      parameters: { a: '1', b: '' },
      data: Uint8Array.of(0x78),
    });
  });

  it('refuses base64 that is not canonical: bad characters, missing padding, spare bits', () => {
    for (const uri of [
      'data:;base64,AQ',
      'data:;base64,AQ=',
      'data:;base64,AR==',
      'data:;base64,A-==',
      'data:;base64, AQ==',
      'data:;base64,AQ==\n',
      'data:;base64,AQ===',
    ]) {
      expectHlsError(
        () => parseDataUri(uri),
        'ERR_HLS_INVALID_DATA_URI',
        undefined,
        'the data: URI payload is not canonical base64',
      );
    }
  });

  it('refuses what is not a data: URI, a missing comma, a bad parameter and a bad percent-escape', () => {
    for (const uri of ['https://x', ' data:,x', 42, { toString: () => 'data:,x' }]) {
      expectHlsError(() => parseDataUri(uri as string), 'ERR_HLS_INVALID_DATA_URI', undefined, 'not a data: URI');
    }
    expectHlsError(
      () => parseDataUri('data:text/plain'),
      'ERR_HLS_INVALID_DATA_URI',
      undefined,
      'a data: URI needs a comma before its data',
    );
    expectHlsError(
      () => parseDataUri('data:text/plain;charset,x'),
      'ERR_HLS_INVALID_DATA_URI',
      undefined,
      'bad data: URI parameter "charset"',
    );
    expectHlsError(
      () => parseDataUri('data:text/plain;=x,x'),
      'ERR_HLS_INVALID_DATA_URI',
      undefined,
      'bad data: URI parameter "=x"',
    );
    const error = expectHlsError(
      () => parseDataUri('data:,%E0%A4%A'),
      'ERR_HLS_INVALID_DATA_URI',
      undefined,
      'the data: URI has a bad percent-escape',
    );
    expect(error.cause).toBeInstanceOf(URIError);
  });
});
