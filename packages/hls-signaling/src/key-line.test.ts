import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectAnswerOrHlsError, expectHlsError } from '../test/expect-hls-error.js';
import {
  buildHlsKeyLine,
  buildHlsKeyLines,
  HLS_KEY_METHODS,
  type HlsSignalingErrorCode,
  type HlsKeyLine,
  type HlsKeyLineFields,
  parseHlsKeyLine,
} from './index.js';

const iv = Uint8Array.from(Buffer.from('0123456789ABCDEF0123456789ABCDEF', 'hex'));

describe('buildHlsKeyLine', () => {
  it('writes METHOD first, then URI, IV, KEYID, KEYFORMAT, KEYFORMATVERSIONS and other attributes', () => {
    const line = buildHlsKeyLine({
      tag: 'EXT-X-KEY',
      method: 'SAMPLE-AES',
      otherAttributes: [{ name: 'X-VENDOR', value: 'a,b', quoted: true }],
      keyFormatVersions: '1/2',
      keyFormat: 'identity',
      keyId: '98EE5596-CD3E-A20D-163A-E382420C6EFF',
      iv,
      uri: 'https://keys.example/k?id=1,2',
    });
    expect(line).toBe(
      '#EXT-X-KEY:METHOD=SAMPLE-AES,URI="https://keys.example/k?id=1,2",IV=0x0123456789ABCDEF0123456789ABCDEF,' +
        'KEYID=0x98EE5596CD3EA20D163AE382420C6EFF,KEYFORMAT="identity",KEYFORMATVERSIONS="1/2",X-VENDOR="a,b"',
    );
  });

  it('writes METHOD=NONE alone, and refuses attributes next to it', () => {
    expect(buildHlsKeyLine({ tag: 'EXT-X-KEY', method: 'NONE' })).toBe('#EXT-X-KEY:METHOD=NONE');
    expectHlsError(
      () => buildHlsKeyLine({ tag: 'EXT-X-KEY', method: 'NONE', uri: 'x' }),
      'ERR_HLS_FORBIDDEN_ATTRIBUTE',
      'URI',
    );
  });

  it('refuses METHOD=NONE on EXT-X-SESSION-KEY and a missing URI', () => {
    expectHlsError(
      () => buildHlsKeyLine({ tag: 'EXT-X-SESSION-KEY', method: 'NONE' }),
      'ERR_HLS_INVALID_ATTRIBUTE',
      'METHOD',
    );
    expectHlsError(() => buildHlsKeyLine({ tag: 'EXT-X-KEY', method: 'AES-128' }), 'ERR_HLS_MISSING_ATTRIBUTE', 'URI');
  });

  it.each([
    [{ uri: 'a"b' }, 'URI'],
    [{ uri: 'line\nbreak' }, 'URI'],
    [{ iv: new Uint8Array(8) }, 'IV'],
    [{ keyId: 'not-a-uuid' }, 'KEYID'],
    [{ keyFormat: '' }, 'KEYFORMAT'],
    [{ keyFormatVersions: '1,2' }, 'KEYFORMATVERSIONS'],
    [{ keyFormatVersions: '0' }, 'KEYFORMATVERSIONS'],
    [{ otherAttributes: [{ name: 'lower', value: 'x', quoted: false }] }, 'lower'],
    [{ otherAttributes: [{ name: 'X-A', value: 'has space', quoted: false }] }, 'X-A'],
    [{ otherAttributes: [{ name: 'KEYID', value: '0x00', quoted: false }] }, 'KEYID'],
  ])('names the attribute at fault for %j', (change, attribute) => {
    const error = expectHlsError(
      () => buildHlsKeyLine({ tag: 'EXT-X-KEY', method: 'SAMPLE-AES', uri: 'skd://k', ...change }),
      attribute === 'KEYID' && 'otherAttributes' in change ? 'ERR_HLS_INVALID_INPUT' : 'ERR_HLS_INVALID_ATTRIBUTE',
      attribute,
    );
    expect(error.message).toContain(attribute);
  });

  it('refuses an unknown METHOD and tag', () => {
    expectHlsError(
      () => buildHlsKeyLine({ tag: 'EXT-X-KEY', method: 'ROT13' as 'NONE' }),
      'ERR_HLS_INVALID_ATTRIBUTE',
      'METHOD',
    );
    expectHlsError(
      () => buildHlsKeyLine({ tag: 'EXT-X-MAP' as 'EXT-X-KEY', method: 'NONE' }),
      'ERR_HLS_INVALID_INPUT',
      undefined,
    );
  });
});

describe('buildHlsKeyLines', () => {
  const fields: HlsKeyLineFields = {
    method: 'SAMPLE-AES',
    uri: 'skd://key',
    iv,
    keyId: '98ee5596-cd3e-a20d-163a-e382420c6eff',
    keyFormat: 'com.apple.streamingkeydelivery',
    keyFormatVersions: '1/2',
    otherAttributes: [{ name: 'X-VENDOR', value: 'a,b', quoted: true }],
  };

  it('writes the media and master lines from one attribute list', () => {
    const list =
      'METHOD=SAMPLE-AES,URI="skd://key",IV=0x0123456789ABCDEF0123456789ABCDEF,KEYID=0x98EE5596CD3EA20D163AE382420C6EFF,' +
      'KEYFORMAT="com.apple.streamingkeydelivery",KEYFORMATVERSIONS="1/2",X-VENDOR="a,b"';
    expect(buildHlsKeyLines(fields)).toEqual({ media: `#EXT-X-KEY:${list}`, master: `#EXT-X-SESSION-KEY:${list}` });
  });

  it('refuses an attribute next to METHOD=NONE as the media line does', () => {
    expectHlsError(
      () => buildHlsKeyLines({ method: 'NONE', uri: 'k' }),
      'ERR_HLS_FORBIDDEN_ATTRIBUTE',
      'URI',
      'URI is not allowed with METHOD=NONE',
    );
  });

  it('refuses what either tag refuses: METHOD=NONE, a missing URI, a bad value', () => {
    expectHlsError(() => buildHlsKeyLines({ method: 'NONE' }), 'ERR_HLS_INVALID_ATTRIBUTE', 'METHOD');
    expectHlsError(() => buildHlsKeyLines({ method: 'SAMPLE-AES' }), 'ERR_HLS_MISSING_ATTRIBUTE', 'URI');
    expectHlsError(
      () => buildHlsKeyLines({ ...fields, keyFormatVersions: '0' }),
      'ERR_HLS_INVALID_ATTRIBUTE',
      'KEYFORMATVERSIONS',
    );
    expectHlsError(() => buildHlsKeyLines(null as unknown as HlsKeyLineFields), 'ERR_HLS_INVALID_INPUT', undefined);
  });
});

describe('parseHlsKeyLine', () => {
  it('reads attributes in any order, a trailing CRLF, lower-case hex and a short IV', () => {
    expect(
      parseHlsKeyLine('#EXT-X-KEY:IV=0x1f,URI="k.bin",METHOD=AES-128,KEYID=0x98ee5596cd3ea20d163ae382420c6eff \r\n'),
    ).toEqual({
      tag: 'EXT-X-KEY',
      method: 'AES-128',
      uri: 'k.bin',
      iv: Uint8Array.from([...new Uint8Array(15), 0x1f]),
      keyId: '98ee5596-cd3e-a20d-163a-e382420c6eff',
    });
  });

  it('keeps unknown attributes with their quoting', () => {
    expect(parseHlsKeyLine('#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://k",X-A=1.5,X-B="q,r"').otherAttributes).toEqual([
      { name: 'X-A', value: '1.5', quoted: false },
      { name: 'X-B', value: 'q,r', quoted: true },
    ]);
  });

  it.each([
    ['#EXT-X-KEY:METHOD="SAMPLE-AES",URI="k"', 'ERR_HLS_INVALID_ATTRIBUTE', 'METHOD'],
    ['#EXT-X-KEY:METHOD=SAMPLE-AES,URI=k', 'ERR_HLS_INVALID_ATTRIBUTE', 'URI'],
    ['#EXT-X-KEY:METHOD=SAMPLE-AES,URI="k', 'ERR_HLS_INVALID_ATTRIBUTE', 'URI'],
    ['#EXT-X-KEY:METHOD=SAMPLE-AES,URI="k"x', 'ERR_HLS_INVALID_ATTRIBUTE', 'URI'],
    ['#EXT-X-KEY:METHOD=AES-128,URI="k",IV=1234', 'ERR_HLS_INVALID_ATTRIBUTE', 'IV'],
    [`#EXT-X-KEY:METHOD=AES-128,URI="k",IV=0x${'0'.repeat(33)}`, 'ERR_HLS_INVALID_ATTRIBUTE', 'IV'],
    ['#EXT-X-KEY:METHOD=AES-128,URI="k",IV="0x00"', 'ERR_HLS_INVALID_ATTRIBUTE', 'IV'],
    ['#EXT-X-KEY:METHOD=SAMPLE-AES,URI="k",KEYID=0x1234', 'ERR_HLS_INVALID_ATTRIBUTE', 'KEYID'],
    ['#EXT-X-KEY:METHOD=SAMPLE-AES,URI="k",KEYFORMAT=identity', 'ERR_HLS_INVALID_ATTRIBUTE', 'KEYFORMAT'],
    ['#EXT-X-KEY:METHOD=SAMPLE-AES,URI="k",KEYFORMATVERSIONS="1//2"', 'ERR_HLS_INVALID_ATTRIBUTE', 'KEYFORMATVERSIONS'],
    ['#EXT-X-KEY:METHOD=SAMPLE-AES,URI="k",URI="l"', 'ERR_HLS_DUPLICATE_ATTRIBUTE', 'URI'],
    ['#EXT-X-KEY:METHOD=BLOWFISH,URI="k"', 'ERR_HLS_INVALID_ATTRIBUTE', 'METHOD'],
    ['#EXT-X-KEY:URI="k"', 'ERR_HLS_MISSING_ATTRIBUTE', 'METHOD'],
    ['#EXT-X-KEY:METHOD=SAMPLE-AES', 'ERR_HLS_MISSING_ATTRIBUTE', 'URI'],
    ['#EXT-X-KEY:METHOD=NONE,URI="k"', 'ERR_HLS_FORBIDDEN_ATTRIBUTE', 'URI'],
    ['#EXT-X-SESSION-KEY:METHOD=NONE', 'ERR_HLS_INVALID_ATTRIBUTE', 'METHOD'],
    ['#EXT-X-KEY:METHOD=AES-128,URI="k",X-A=', 'ERR_HLS_INVALID_ATTRIBUTE', 'X-A'],
  ])('refuses %s naming the attribute', (text, code, attribute) => {
    const error = expectHlsError(() => parseHlsKeyLine(text), code as HlsSignalingErrorCode, attribute);
    expect(error.message).toContain(attribute);
  });

  it.each([
    '#EXT-X-MAP:URI="init.mp4"',
    'EXT-X-KEY:METHOD=NONE',
    '#EXT-X-KEY METHOD=NONE',
    '#EXT-X-KEY:METHOD=NONE,',
    '#EXT-X-KEY:method=NONE',
    '#EXT-X-KEY:METHOD=NONE,,URI="k"',
  ])('refuses %s as an invalid line', (text) => {
    expectHlsError(() => parseHlsKeyLine(text), 'ERR_HLS_INVALID_LINE', undefined);
  });
});

const quotedText = fc.string({ minLength: 1 }).filter((text) => !/["\r\n]/.test(text));
const keyFormatVersions = fc
  .array(fc.integer({ min: 1, max: 99 }), { minLength: 1, maxLength: 4 })
  .map((versions) => versions.join('/'));
const otherAttribute = fc.oneof(
  fc.record({ name: fc.stringMatching(/^X-[A-Z0-9-]{1,8}$/), value: quotedText, quoted: fc.constant(true) }),
  fc.record({
    name: fc.stringMatching(/^X-[A-Z0-9-]{1,8}$/),
    value: fc.stringMatching(/^[A-Za-z0-9.x-]{1,12}$/),
    quoted: fc.constant(false),
  }),
);
const encryptedLine: fc.Arbitrary<HlsKeyLine> = fc.record(
  {
    tag: fc.constantFrom('EXT-X-KEY' as const, 'EXT-X-SESSION-KEY' as const),
    method: fc.constantFrom(...HLS_KEY_METHODS.filter((method) => method !== 'NONE')),
    uri: quotedText,
    iv: fc.uint8Array({ minLength: 16, maxLength: 16 }),
    keyId: fc.uuid(),
    keyFormat: quotedText,
    keyFormatVersions,
    otherAttributes: fc.uniqueArray(otherAttribute, { minLength: 1, maxLength: 3, selector: (a) => a.name }),
  },
  { requiredKeys: ['tag', 'method', 'uri'] },
);

describe('properties', () => {
  it('parse(build(line)) gives the line back, and build(parse(text)) the text', () => {
    fc.assert(
      fc.property(encryptedLine, (line) => {
        const text = buildHlsKeyLine(line);
        expect(parseHlsKeyLine(text)).toEqual(line);
        expect(buildHlsKeyLine(parseHlsKeyLine(text))).toBe(text);
      }),
    );
  });

  it('buildHlsKeyLines gives the same text as buildHlsKeyLine for each tag', () => {
    fc.assert(
      fc.property(encryptedLine, ({ tag: _tag, ...fields }) => {
        expect(buildHlsKeyLines(fields)).toEqual({
          media: buildHlsKeyLine({ tag: 'EXT-X-KEY', ...fields }),
          master: buildHlsKeyLine({ tag: 'EXT-X-SESSION-KEY', ...fields }),
        });
      }),
    );
  });

  it('parses arbitrary text to a line that writes and reads back the same, or a documented HlsSignalingError', () => {
    const lineish = fc.oneof(
      fc.string(),
      fc.string().map((rest) => `#EXT-X-KEY:${rest}`),
      fc.string().map((rest) => `#EXT-X-SESSION-KEY:METHOD=SAMPLE-AES,${rest}`),
      fc.anything(),
    );
    fc.assert(
      fc.property(lineish, (text) => {
        expectAnswerOrHlsError(
          () => parseHlsKeyLine(text as string),
          (line) => expect(parseHlsKeyLine(buildHlsKeyLine(line))).toEqual(line),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it('builds from arbitrary objects lines that read and write back the same, or throws a documented HlsSignalingError', () => {
    const readsBack = (text: string) => expect(buildHlsKeyLine(parseHlsKeyLine(text))).toBe(text);
    fc.assert(
      fc.property(fc.anything(), (value) => {
        expectAnswerOrHlsError(() => buildHlsKeyLine(value as HlsKeyLine), readsBack);
        expectAnswerOrHlsError(
          () => buildHlsKeyLines(value as HlsKeyLineFields),
          (lines) => {
            readsBack(lines.media);
            readsBack(lines.master);
          },
        );
      }),
    );
  });
});

describe('key line values at their limits', () => {
  const line = (attributes: string) => `#EXT-X-KEY:METHOD=AES-128,URI="k",${attributes}`;
  const zeros = (count: number) => '0'.repeat(count);

  it('reads an IV of 1 to 32 hex digits after 0x or 0X, padding it to 16 bytes, and refuses 33', () => {
    expect(parseHlsKeyLine(line('IV=0X1')).iv).toStrictEqual(Uint8Array.of(...new Uint8Array(15), 1));
    expect(parseHlsKeyLine(line(`IV=0x${'f'.repeat(32)}`)).iv).toStrictEqual(new Uint8Array(16).fill(0xff));
    for (const value of [`0x${zeros(33)}`, '0x', '00', 'x0x1', '0x1g']) {
      expectHlsError(
        () => parseHlsKeyLine(line(`IV=${value}`)),
        'ERR_HLS_INVALID_ATTRIBUTE',
        'IV',
        'IV must be a hexadecimal sequence of at most 128 bits',
      );
    }
  });

  it('reads a KEYID of exactly 32 hex digits, and refuses 31 or 33', () => {
    expect(parseHlsKeyLine(line(`KEYID=0X${'A'.repeat(32)}`)).keyId).toBe('aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa');
    for (const value of [`0x${zeros(31)}`, `0x${zeros(33)}`, zeros(34), `0x${zeros(31)}g`, `y0x${zeros(32)}`]) {
      expectHlsError(
        () => parseHlsKeyLine(line(`KEYID=${value}`)),
        'ERR_HLS_INVALID_ATTRIBUTE',
        'KEYID',
        'KEYID must be 0x followed by 32 hex digits',
      );
    }
  });

  it('reads KEYFORMATVERSIONS of positive integers separated by /, and refuses anything else', () => {
    expect(parseHlsKeyLine(line('KEYFORMATVERSIONS="1/20/305"')).keyFormatVersions).toBe('1/20/305');
    for (const value of ['0', '01', '1/', '/1', 'x1', '1x', '1//2', '1 /2']) {
      expectHlsError(
        () => parseHlsKeyLine(line(`KEYFORMATVERSIONS="${value}"`)),
        'ERR_HLS_INVALID_ATTRIBUTE',
        'KEYFORMATVERSIONS',
        `KEYFORMATVERSIONS must be positive integers separated by '/', got ${JSON.stringify(value)}`,
      );
    }
    expectHlsError(
      () => parseHlsKeyLine(line('KEYFORMATVERSIONS=""')),
      'ERR_HLS_INVALID_ATTRIBUTE',
      'KEYFORMATVERSIONS',
      'KEYFORMATVERSIONS must be a non-empty string',
    );
    expectHlsError(
      () => parseHlsKeyLine(line('KEYFORMATVERSIONS=1')),
      'ERR_HLS_INVALID_ATTRIBUTE',
      'KEYFORMATVERSIONS',
      'KEYFORMATVERSIONS must be a quoted string',
    );
  });

  it('ignores spaces, tabs, CR and LF after the line only, and reads nothing before the #', () => {
    expect(parseHlsKeyLine('#EXT-X-KEY:METHOD=NONE \t\r\n')).toStrictEqual({ tag: 'EXT-X-KEY', method: 'NONE' });
    expectHlsError(
      () => parseHlsKeyLine(' #EXT-X-KEY:METHOD=NONE'),
      'ERR_HLS_INVALID_LINE',
      undefined,
      'not an #EXT-X-KEY or #EXT-X-SESSION-KEY line: " #EXT-X-KEY:METHOD=NONE"',
    );
    expectHlsError(() => parseHlsKeyLine('#EXT-X-KEYS:METHOD=NONE'), 'ERR_HLS_INVALID_LINE', undefined);
    expectHlsError(() => parseHlsKeyLine('#EXT-X-KEY:METHOD=NONE\nURI="k"'), 'ERR_HLS_INVALID_ATTRIBUTE', 'METHOD');
    expectHlsError(
      () => parseHlsKeyLine(42 as unknown as string),
      'ERR_HLS_INVALID_INPUT',
      undefined,
      'parseHlsKeyLine takes a string',
    );
  });

  it('reads every field of a line exactly, unknown attributes included', () => {
    const text = `#EXT-X-SESSION-KEY:X-B=1,KEYFORMATVERSIONS="1",KEYFORMAT="f",KEYID=0x${'0'.repeat(31)}1,IV=0x1,URI="u",METHOD=SAMPLE-AES-CENC,X-A="a"`;
    expect(parseHlsKeyLine(text)).toStrictEqual({
      tag: 'EXT-X-SESSION-KEY',
      method: 'SAMPLE-AES-CENC',
      uri: 'u',
      iv: Uint8Array.of(...new Uint8Array(15), 1),
      keyId: '00000000-0000-0000-0000-000000000001',
      keyFormat: 'f',
      keyFormatVersions: '1',
      otherAttributes: [
        { name: 'X-B', value: '1', quoted: false },
        { name: 'X-A', value: 'a', quoted: true },
      ],
    });
  });

  it('says what is wrong with the line it is asked to write', () => {
    const base = { tag: 'EXT-X-KEY' as const, method: 'AES-128' as const, uri: 'k' };
    expectHlsError(
      () => buildHlsKeyLine(null as unknown as HlsKeyLine),
      'ERR_HLS_INVALID_INPUT',
      undefined,
      'buildHlsKeyLine takes an HlsKeyLine object',
    );
    expectHlsError(
      () => buildHlsKeyLines(null as unknown as HlsKeyLineFields),
      'ERR_HLS_INVALID_INPUT',
      undefined,
      'buildHlsKeyLines takes an HlsKeyLineFields object',
    );
    expectHlsError(
      () => buildHlsKeyLine({ ...base, tag: 'EXT-X-MAP' as 'EXT-X-KEY' }),
      'ERR_HLS_INVALID_INPUT',
      undefined,
      'tag must be EXT-X-KEY or EXT-X-SESSION-KEY',
    );
    expectHlsError(
      () => buildHlsKeyLine({ ...base, method: 'aes-128' as 'AES-128' }),
      'ERR_HLS_INVALID_ATTRIBUTE',
      'METHOD',
      'METHOD must be one of NONE, AES-128, SAMPLE-AES, SAMPLE-AES-CTR, SAMPLE-AES-CENC, got "aes-128"',
    );
    expectHlsError(
      () => buildHlsKeyLine({ ...base, uri: '' }),
      'ERR_HLS_INVALID_ATTRIBUTE',
      'URI',
      'URI must be a non-empty string',
    );
    expectHlsError(
      () => buildHlsKeyLine({ ...base, keyFormat: 7 as unknown as string }),
      'ERR_HLS_INVALID_ATTRIBUTE',
      'KEYFORMAT',
      'KEYFORMAT must be a non-empty string',
    );
    for (const iv of [new Uint8Array(15), new Uint8Array(17), 'x' as unknown as Uint8Array]) {
      expectHlsError(() => buildHlsKeyLine({ ...base, iv }), 'ERR_HLS_INVALID_ATTRIBUTE', 'IV', 'IV must be 16 bytes');
    }
    expectHlsError(
      () => buildHlsKeyLine({ ...base, keyId: 'x' }),
      'ERR_HLS_INVALID_ATTRIBUTE',
      'KEYID',
      'KEYID: not a UUID: "x"',
    );
    const error = expectHlsError(
      () => buildHlsKeyLine({ ...base, keyId: 5 as unknown as string }),
      'ERR_HLS_INVALID_ATTRIBUTE',
      'KEYID',
      'KEYID must be a UUID string',
    );
    expect(error.cause).toBeUndefined();
    expectHlsError(
      () => buildHlsKeyLine({ ...base, otherAttributes: [{ name: 'IV', value: '0x1', quoted: false }] }),
      'ERR_HLS_INVALID_INPUT',
      'IV',
      'IV has its own field in HlsKeyLine; it cannot be an other attribute',
    );
    expectHlsError(
      () => buildHlsKeyLine({ tag: 'EXT-X-KEY', method: 'SAMPLE-AES' }),
      'ERR_HLS_MISSING_ATTRIBUTE',
      'URI',
      'URI is required with METHOD=SAMPLE-AES',
    );
    expectHlsError(
      () => buildHlsKeyLine({ tag: 'EXT-X-KEY', method: 'NONE', iv: new Uint8Array(16) }),
      'ERR_HLS_FORBIDDEN_ATTRIBUTE',
      'IV',
      'IV is not allowed with METHOD=NONE',
    );
    expectHlsError(
      () => buildHlsKeyLine({ tag: 'EXT-X-SESSION-KEY', method: 'NONE' }),
      'ERR_HLS_INVALID_ATTRIBUTE',
      'METHOD',
      'METHOD=NONE is not allowed on EXT-X-SESSION-KEY',
    );
  });

  it('refuses other attributes that are not attribute objects with its own error', () => {
    for (const otherAttributes of [[null], ['X-A=1'], 'X-A=1']) {
      expectHlsError(
        () =>
          buildHlsKeyLine({ tag: 'EXT-X-KEY', method: 'AES-128', uri: 'k', otherAttributes: otherAttributes as never }),
        'ERR_HLS_INVALID_INPUT',
        undefined,
        'each other attribute must be a { name, value, quoted } object',
      );
    }
  });

  it('refuses KEYFORMATVERSIONS that are not a string, even one that reads as a number', () => {
    expectHlsError(
      () =>
        buildHlsKeyLine({ tag: 'EXT-X-KEY', method: 'AES-128', uri: 'k', keyFormatVersions: 5 as unknown as string }),
      'ERR_HLS_INVALID_ATTRIBUTE',
      'KEYFORMATVERSIONS',
      'KEYFORMATVERSIONS must be positive integers separated by \'/\', got "5"',
    );
  });

  it('writes a line with only a METHOD and URI, and METHOD=NONE alone', () => {
    expect(buildHlsKeyLine({ tag: 'EXT-X-KEY', method: 'AES-128', uri: 'k' })).toBe(
      '#EXT-X-KEY:METHOD=AES-128,URI="k"',
    );
    expect(buildHlsKeyLine({ tag: 'EXT-X-KEY', method: 'NONE' })).toBe('#EXT-X-KEY:METHOD=NONE');
    expect(
      buildHlsKeyLines({ method: 'SAMPLE-AES', uri: 'k', keyId: '{00000000-0000-0000-0000-0000000000AB}' }),
    ).toStrictEqual({
      media: '#EXT-X-KEY:METHOD=SAMPLE-AES,URI="k",KEYID=0x000000000000000000000000000000AB',
      master: '#EXT-X-SESSION-KEY:METHOD=SAMPLE-AES,URI="k",KEYID=0x000000000000000000000000000000AB',
    });
  });
});
