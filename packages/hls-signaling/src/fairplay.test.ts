import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectAnswerOrHlsError, expectHlsError } from '../test/expect-hls-error.js';
import {
  buildFairPlayKeyLines,
  buildFairPlayKeyLine,
  buildFairPlayUri,
  type FairPlayUri,
  parseFairPlayUri,
} from './index.js';

const kid = '98ee5596-cd3e-a20d-163a-e382420c6eff';
const iv = Uint8Array.from(Buffer.from('3858F62230AC3C915F300C664312C63F', 'hex'));

describe('buildFairPlayUri / parseFairPlayUri', () => {
  it('writes the KID lower-case with dashes whatever the input spelling', () => {
    expect(buildFairPlayUri({ form: 'kid-iv', kid: kid.toUpperCase().replace(/-/g, ''), iv })).toBe(
      `skd://${kid}:3858F62230AC3C915F300C664312C63F`,
    );
  });

  it('fills a template with every placeholder', () => {
    expect(
      buildFairPlayUri({
        template: 'skd://{kid}/{kidHex}/{kidBase64}/{ivHex}/{contentId}/{periodIndexHex}',
        kid,
        iv,
        contentId: 'movie',
        periodIndex: 255,
      }),
    ).toBe(
      `skd://${kid}/98ee5596cd3ea20d163ae382420c6eff/mO5Vls0+og0WOuOCQgxu/w==/3858F62230AC3C915F300C664312C63F/movie/00000000000000ff`,
    );
  });

  it('refuses unknown placeholders and placeholders without a value', () => {
    expect(() => buildFairPlayUri({ template: 'skd://{keyId}', kid })).toThrow(/unknown placeholder \{keyId\}/);
    expect(() => buildFairPlayUri({ template: 'skd://{ivHex}', kid })).toThrow(
      expect.objectContaining({ code: 'ERR_HLS_INVALID_FAIRPLAY_URI' }),
    );
  });

  it('recognises an unknown payload as opaque, and a form when asked for it', () => {
    expect(parseFairPlayUri('skd://some/asset')).toEqual({ form: 'opaque', payload: 'some/asset' });
    expect(() => parseFairPlayUri('skd://some/asset', 'kid-iv')).toThrow(
      expect.objectContaining({ code: 'ERR_HLS_INVALID_FAIRPLAY_URI' }),
    );
  });

  it.each(['https://x', 'skd://', 'SKD://abc', ''])('refuses %j', (uri) => {
    expect(() => parseFairPlayUri(uri)).toThrow(expect.objectContaining({ code: 'ERR_HLS_INVALID_FAIRPLAY_URI' }));
  });

  it.each([
    { form: 'kid-iv', kid, iv: new Uint8Array(15) },
    { form: 'kid-base64', kid: 'x' },
    { form: 'content-period', contentId: 'a"b', periodIndex: 1 },
    { form: 'content-period', contentId: 'a', periodIndex: -1 },
    { form: 'other' },
  ])('refuses %j', (spec) => {
    expect(() => buildFairPlayUri(spec as FairPlayUri)).toThrow(
      expect.objectContaining({ code: 'ERR_HLS_INVALID_FAIRPLAY_URI' }),
    );
  });

  const contentId = fc.string({ minLength: 1 }).filter((text) => !/["\r\n]/.test(text));
  const spec: fc.Arbitrary<FairPlayUri> = fc.oneof(
    fc.record({
      form: fc.constant('kid-iv' as const),
      kid: fc.uuid(),
      iv: fc.uint8Array({ minLength: 16, maxLength: 16 }),
    }),
    fc.record({ form: fc.constant('kid-base64' as const), kid: fc.uuid() }),
    fc.record({ form: fc.constant('content-period' as const), contentId, periodIndex: fc.maxSafeNat() }),
    fc.record({ form: fc.constant('opaque' as const), payload: contentId }),
  );

  it('parse(build(uri), form) gives the URI parts back', () => {
    fc.assert(
      fc.property(spec, (uri) => {
        expect(parseFairPlayUri(buildFairPlayUri(uri), uri.form)).toEqual(uri);
      }),
    );
  });

  it('recognises the form without a hint for KIDs and for content ids that do not end in hex', () => {
    const plainContentId = fc.stringMatching(/^[a-z_.-]{1,20}[g-z_.-]$/);
    const unambiguous = fc.oneof(
      fc.record({
        form: fc.constant('kid-iv' as const),
        kid: fc.uuid(),
        iv: fc.uint8Array({ minLength: 16, maxLength: 16 }),
      }),
      fc.record({ form: fc.constant('kid-base64' as const), kid: fc.uuid() }),
      fc.record({
        form: fc.constant('content-period' as const),
        contentId: plainContentId,
        periodIndex: fc.maxSafeNat(),
      }),
    );
    fc.assert(
      fc.property(unambiguous, (uri) => {
        expect(parseFairPlayUri(buildFairPlayUri(uri))).toEqual(uri);
      }),
    );
  });

  it('reads and writes arbitrary input to URIs that read back the same, or refuses it with a documented HlsSignalingError', () => {
    // An opaque payload is given back as it is (it may hold what no key line can quote); any other
    // form writes back to the same URI parts.
    const writesBack = (read: FairPlayUri, uri?: unknown) => {
      if (read.form === 'opaque' && uri !== undefined) expect(`skd://${read.payload}`).toBe(uri);
      else expect(parseFairPlayUri(buildFairPlayUri(read), read.form)).toEqual(read);
    };
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string().map((s) => `skd://${s}`),
          fc.anything(),
        ),
        fc.anything(),
        (uri, form) => {
          expectAnswerOrHlsError(
            () => parseFairPlayUri(uri as string),
            (read) => writesBack(read, uri),
          );
          expectAnswerOrHlsError(
            () => parseFairPlayUri(uri as string, form as FairPlayUri['form']),
            (read) => {
              // A form given (anything but a falsy value) is the form read.
              if (form) expect(read.form).toBe(form);
              writesBack(read, uri);
            },
          );
          expectAnswerOrHlsError(
            () => buildFairPlayUri(form as FairPlayUri),
            (written) => {
              expect(written.startsWith('skd://')).toBe(true);
              if ('form' in (form as FairPlayUri)) writesBack(parseFairPlayUri(written, (form as FairPlayUri).form));
            },
          );
        },
      ),
    );
  });
});

describe('buildFairPlayKeyLine', () => {
  it('takes a ready URI, writes an IV when given, and honours the playlist', () => {
    expect(buildFairPlayKeyLine({ uri: 'skd://asset-1', iv, playlist: 'master' })).toBe(
      '#EXT-X-SESSION-KEY:METHOD=SAMPLE-AES,URI="skd://asset-1",IV=0x3858F62230AC3C915F300C664312C63F,' +
        'KEYFORMAT="com.apple.streamingkeydelivery",KEYFORMATVERSIONS="1"',
    );
  });
});

describe('FairPlay URI forms at their limits', () => {
  const code = 'ERR_HLS_INVALID_FAIRPLAY_URI';
  const ivHex = '3858F62230AC3C915F300C664312C63F';

  it('reads kid-iv only as a whole UUID, a colon and exactly 32 hex digits, in any case', () => {
    expect(parseFairPlayUri(`skd://${kid.toUpperCase()}:${ivHex.toLowerCase()}`)).toStrictEqual({
      form: 'kid-iv',
      kid,
      iv,
    });
    for (const payload of [
      `${kid}:${ivHex}0`,
      `${kid}:${ivHex.slice(1)}`,
      `x${kid}:${ivHex}`,
      `${kid.replace(/-/g, '')}:${ivHex}`,
    ]) {
      expect(parseFairPlayUri(`skd://${payload}`).form).not.toBe('kid-iv');
      const error = expectHlsError(() => parseFairPlayUri(`skd://${payload}`, 'kid-iv'), code, undefined);
      expect(error.message).toMatch(/^"skd:\/\/.{34}…" is not a FairPlay URI of the kid-iv form$/);
    }
  });

  it('reads kid-base64 only as 24 characters of canonical base64 of 16 bytes', () => {
    expect(parseFairPlayUri('skd://mO5Vls0+og0WOuOCQgxu/w==')).toStrictEqual({ form: 'kid-base64', kid });
    for (const payload of [
      'mO5Vls0+og0WOuOCQgxu/x==',
      'mO5Vls0+og0WOuOCQgxu/w=',
      'xmO5Vls0+og0WOuOCQgxu/w==',
      'mO5Vls0+og0WOuOCQgxu/w==x',
      'mO5Vls0-og0WOuOCQgxu_w==',
    ]) {
      expect(() => parseFairPlayUri(`skd://${payload}`, 'kid-base64')).toThrow(expect.objectContaining({ code }));
    }
  });

  it('reads content-period as at least one character and 16 lower-case hex digits of a safe integer', () => {
    expect(parseFairPlayUri('skd://live1000000000000000a')).toStrictEqual({
      form: 'content-period',
      contentId: 'live1',
      periodIndex: 10,
    });
    expect(parseFairPlayUri('skd://a\n001fffffffffffff', 'content-period')).toStrictEqual({
      form: 'content-period',
      contentId: 'a\n',
      periodIndex: Number.MAX_SAFE_INTEGER,
    });
    // No content id; 15 hex digits; 0x0020000000000000 = 2^53, not a safe integer; an upper-case digit;
    // text after the 16 digits.
    for (const payload of [
      '0000000000000001',
      'a000000000000001',
      'a0020000000000000',
      'a000000000000000A',
      'a000000000000000ax',
    ]) {
      const uri = `skd://${payload}`;
      expectHlsError(
        () => parseFairPlayUri(uri, 'content-period'),
        code,
        undefined,
        `${JSON.stringify(uri)} is not a FairPlay URI of the content-period form`,
      );
    }
  });

  it('refuses an expectedForm it does not know', () => {
    expectHlsError(
      () => parseFairPlayUri('skd://x', 'kid' as 'kid-iv'),
      code,
      undefined,
      "expectedForm must be 'kid-iv', 'kid-base64', 'content-period' or 'opaque'",
    );
  });

  it('refuses what is not an skd:// URI with a payload', () => {
    for (const uri of ['skd://', 'skd:/x', 7]) {
      expectHlsError(
        () => parseFairPlayUri(uri as string),
        code,
        undefined,
        'a FairPlay key URI starts with skd:// and has a payload',
      );
    }
    expect(parseFairPlayUri('skd://x')).toStrictEqual({ form: 'opaque', payload: 'x' });
  });

  it('writes every form, and period indexes from 0 to 2^53 - 1 as 16 hex digits', () => {
    expect(buildFairPlayUri({ form: 'kid-base64', kid })).toBe('skd://mO5Vls0+og0WOuOCQgxu/w==');
    expect(buildFairPlayUri({ form: 'content-period', contentId: 'c', periodIndex: 0 })).toBe(
      'skd://c0000000000000000',
    );
    expect(buildFairPlayUri({ form: 'content-period', contentId: 'c', periodIndex: Number.MAX_SAFE_INTEGER })).toBe(
      'skd://c001fffffffffffff',
    );
    expect(buildFairPlayUri({ form: 'opaque', payload: 'a/b' })).toBe('skd://a/b');
  });

  it('says what it refuses when writing', () => {
    const text = (name: string) =>
      `${name} must be a non-empty string without '"', CR or LF (it ends up in a quoted URI)`;
    expectHlsError(
      () => buildFairPlayUri(null as unknown as FairPlayUri),
      code,
      undefined,
      'buildFairPlayUri takes a FairPlayUri or a template',
    );
    expectHlsError(
      () => buildFairPlayUri({ form: 'other' } as unknown as FairPlayUri),
      code,
      undefined,
      "form must be 'kid-iv', 'kid-base64', 'content-period' or 'opaque'",
    );
    expectHlsError(
      () => buildFairPlayUri({ form: 'kid-iv', kid, iv: new Uint8Array(17) }),
      code,
      undefined,
      'the IV must be 16 bytes',
    );
    expectHlsError(() => buildFairPlayUri({ form: 'kid-iv', kid: 'x', iv }), code, undefined, 'not a UUID: "x"');
    expectHlsError(
      () => buildFairPlayUri({ form: 'kid-base64', kid: 5 as unknown as string }),
      code,
      undefined,
      'the KID must be a UUID string',
    );
    for (const periodIndex of [-1, 2 ** 53, 1.5, '1']) {
      expectHlsError(
        () => buildFairPlayUri({ form: 'content-period', contentId: 'c', periodIndex: periodIndex as number }),
        code,
        undefined,
        'periodIndex must be a non-negative safe integer',
      );
    }
    for (const payload of ['', 'a"b', 'a\rb', 'a\nb', 3]) {
      expectHlsError(
        () => buildFairPlayUri({ form: 'opaque', payload: payload as string }),
        code,
        undefined,
        text('payload'),
      );
    }
    expectHlsError(
      () => buildFairPlayUri({ form: 'content-period', contentId: '', periodIndex: 1 }),
      code,
      undefined,
      text('contentId'),
    );
    expectHlsError(() => buildFairPlayUri({ template: '' }), code, undefined, text('template'));
  });

  it('names the placeholder that is unknown or has no value', () => {
    expectHlsError(
      () => buildFairPlayUri({ template: 'skd://{keyId}', kid }),
      code,
      undefined,
      'unknown placeholder {keyId} in the FairPlay URI template',
    );
    expectHlsError(
      () => buildFairPlayUri({ template: 'skd://{toString}', kid }),
      code,
      undefined,
      'unknown placeholder {toString} in the FairPlay URI template',
    );
    expectHlsError(
      () => buildFairPlayUri({ template: `skd://{${'k'.repeat(50)}}` }),
      code,
      undefined,
      `unknown placeholder {${'k'.repeat(40)}…} in the FairPlay URI template`,
    );
    for (const [placeholder, name] of [
      ['kid', 'kid'],
      ['kidHex', 'kid'],
      ['kidBase64', 'kid'],
      ['ivHex', 'iv'],
      ['contentId', 'contentId'],
      ['periodIndexHex', 'periodIndex'],
    ]) {
      expectHlsError(
        () => buildFairPlayUri({ template: `skd://{${placeholder}}` }),
        code,
        undefined,
        `the template uses {${name}…} but no ${name} was given`,
      );
    }
    expect(buildFairPlayUri({ template: 'skd://fixed' })).toBe('skd://fixed');
  });
});

describe('buildFairPlayKeyLines', () => {
  it('writes the media and master lines from a URI spec, KEYFORMATVERSIONS as given', () => {
    const attributes = `METHOD=SAMPLE-AES,URI="skd://mO5Vls0+og0WOuOCQgxu/w==",KEYFORMAT="com.apple.streamingkeydelivery",KEYFORMATVERSIONS="1/2"`;
    expect(buildFairPlayKeyLines({ uri: { form: 'kid-base64', kid }, keyFormatVersions: '1/2' })).toStrictEqual({
      media: `#EXT-X-KEY:${attributes}`,
      master: `#EXT-X-SESSION-KEY:${attributes}`,
    });
    expect(buildFairPlayKeyLine({ uri: 'skd://a' })).toBe(
      '#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://a",KEYFORMAT="com.apple.streamingkeydelivery",KEYFORMATVERSIONS="1"',
    );
  });

  it('names the helper given no options, and refuses an unknown playlist', () => {
    expectHlsError(
      () => buildFairPlayKeyLines(null as never),
      'ERR_HLS_INVALID_INPUT',
      undefined,
      'buildFairPlayKeyLines takes an options object',
    );
    expectHlsError(
      () => buildFairPlayKeyLine(undefined as never),
      'ERR_HLS_INVALID_INPUT',
      undefined,
      'buildFairPlayKeyLine takes an options object',
    );
    expectHlsError(
      () => buildFairPlayKeyLine({ uri: 'skd://a', playlist: 'variant' as 'media' }),
      'ERR_HLS_INVALID_INPUT',
      undefined,
      "playlist must be 'media' or 'master'",
    );
  });
});
