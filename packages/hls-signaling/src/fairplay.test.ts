import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildFairPlayKeyLine,
  buildFairPlayUri,
  type FairPlayUri,
  HlsSignalingError,
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
    fc.record({ form: fc.constant('kid-iv' as const), kid: fc.uuid(), iv: fc.uint8Array({ minLength: 16, maxLength: 16 }) }),
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
      fc.record({ form: fc.constant('kid-iv' as const), kid: fc.uuid(), iv: fc.uint8Array({ minLength: 16, maxLength: 16 }) }),
      fc.record({ form: fc.constant('kid-base64' as const), kid: fc.uuid() }),
      fc.record({ form: fc.constant('content-period' as const), contentId: plainContentId, periodIndex: fc.maxSafeNat() }),
    );
    fc.assert(
      fc.property(unambiguous, (uri) => {
        expect(parseFairPlayUri(buildFairPlayUri(uri))).toEqual(uri);
      }),
    );
  });

  it('throws nothing but HlsSignalingError for arbitrary input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string().map((s) => `skd://${s}`), fc.anything()), fc.anything(), (uri, form) => {
        for (const run of [
          () => parseFairPlayUri(uri as string),
          () => parseFairPlayUri(uri as string, form as FairPlayUri['form']),
          () => buildFairPlayUri(form as FairPlayUri),
        ]) {
          try {
            run();
          } catch (error) {
            expect(error).toBeInstanceOf(HlsSignalingError);
          }
        }
      }),
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

  it('refuses a missing options object and an unknown playlist with its own error', () => {
    expect(() => buildFairPlayKeyLine(undefined as never)).toThrow(HlsSignalingError);
    expect(() => buildFairPlayKeyLine({ uri: 'skd://a', playlist: 'variant' as 'media' })).toThrow(HlsSignalingError);
  });
});
