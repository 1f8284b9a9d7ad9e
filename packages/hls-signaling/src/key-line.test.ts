import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildHlsKeyLine,
  buildHlsKeyLines,
  HLS_KEY_METHODS,
  HlsSignalingError,
  type HlsKeyLine,
  type HlsKeyLineFields,
  parseHlsKeyLine,
} from './index.js';

function failure(run: () => unknown): HlsSignalingError {
  try {
    run();
  } catch (error) {
    if (error instanceof HlsSignalingError) return error;
    throw error;
  }
  throw new Error('expected an HlsSignalingError');
}

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
    expect(failure(() => buildHlsKeyLine({ tag: 'EXT-X-KEY', method: 'NONE', uri: 'x' }))).toMatchObject({
      code: 'ERR_HLS_FORBIDDEN_ATTRIBUTE',
      attribute: 'URI',
    });
  });

  it('refuses METHOD=NONE on EXT-X-SESSION-KEY and a missing URI', () => {
    expect(failure(() => buildHlsKeyLine({ tag: 'EXT-X-SESSION-KEY', method: 'NONE' }))).toMatchObject({
      code: 'ERR_HLS_INVALID_ATTRIBUTE',
      attribute: 'METHOD',
    });
    expect(failure(() => buildHlsKeyLine({ tag: 'EXT-X-KEY', method: 'AES-128' }))).toMatchObject({
      code: 'ERR_HLS_MISSING_ATTRIBUTE',
      attribute: 'URI',
    });
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
    const error = failure(() => buildHlsKeyLine({ tag: 'EXT-X-KEY', method: 'SAMPLE-AES', uri: 'skd://k', ...change }));
    expect(error.attribute).toBe(attribute);
    expect(error.message).toContain(attribute);
  });

  it('refuses an unknown METHOD and tag', () => {
    expect(
      failure(() => buildHlsKeyLine({ tag: 'EXT-X-KEY', method: 'ROT13' as 'NONE' })),
    ).toMatchObject({ attribute: 'METHOD' });
    expect(failure(() => buildHlsKeyLine({ tag: 'EXT-X-MAP' as 'EXT-X-KEY', method: 'NONE' })).code).toBe(
      'ERR_HLS_INVALID_INPUT',
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

  it('refuses what either tag refuses: METHOD=NONE, a missing URI, a bad value', () => {
    expect(failure(() => buildHlsKeyLines({ method: 'NONE' }))).toMatchObject({
      code: 'ERR_HLS_INVALID_ATTRIBUTE',
      attribute: 'METHOD',
    });
    expect(failure(() => buildHlsKeyLines({ method: 'SAMPLE-AES' }))).toMatchObject({
      code: 'ERR_HLS_MISSING_ATTRIBUTE',
      attribute: 'URI',
    });
    expect(failure(() => buildHlsKeyLines({ ...fields, keyFormatVersions: '0' }))).toMatchObject({
      attribute: 'KEYFORMATVERSIONS',
    });
    expect(failure(() => buildHlsKeyLines(null as unknown as HlsKeyLineFields)).code).toBe('ERR_HLS_INVALID_INPUT');
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
    ['#EXT-X-KEY:METHOD=AES-128,URI="k",IV=0x' + '0'.repeat(33), 'ERR_HLS_INVALID_ATTRIBUTE', 'IV'],
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
    const error = failure(() => parseHlsKeyLine(text));
    expect(error).toMatchObject({ code, attribute });
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
    expect(failure(() => parseHlsKeyLine(text)).code).toBe('ERR_HLS_INVALID_LINE');
  });
});

const quotedText = fc.string({ minLength: 1 }).filter((text) => !/["\r\n]/.test(text));
const keyFormatVersions = fc
  .array(fc.integer({ min: 1, max: 99 }), { minLength: 1, maxLength: 4 })
  .map((versions) => versions.join('/'));
const otherAttribute = fc.oneof(
  fc.record({ name: fc.stringMatching(/^X-[A-Z0-9-]{1,8}$/), value: quotedText, quoted: fc.constant(true) }),
  fc.record({ name: fc.stringMatching(/^X-[A-Z0-9-]{1,8}$/), value: fc.stringMatching(/^[A-Za-z0-9.x-]{1,12}$/), quoted: fc.constant(false) }),
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

  it('parses arbitrary text to a line or an HlsSignalingError, nothing else', () => {
    const lineish = fc.oneof(
      fc.string(),
      fc.string().map((rest) => `#EXT-X-KEY:${rest}`),
      fc.string().map((rest) => `#EXT-X-SESSION-KEY:METHOD=SAMPLE-AES,${rest}`),
      fc.anything(),
    );
    fc.assert(
      fc.property(lineish, (text) => {
        try {
          parseHlsKeyLine(text as string);
        } catch (error) {
          expect(error).toBeInstanceOf(HlsSignalingError);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('builds from arbitrary objects or throws an HlsSignalingError', () => {
    fc.assert(
      fc.property(fc.anything(), (value) => {
        try {
          buildHlsKeyLine(value as HlsKeyLine);
        } catch (error) {
          expect(error).toBeInstanceOf(HlsSignalingError);
        }
        try {
          buildHlsKeyLines(value as HlsKeyLineFields);
        } catch (error) {
          expect(error).toBeInstanceOf(HlsSignalingError);
        }
      }),
    );
  });
});
