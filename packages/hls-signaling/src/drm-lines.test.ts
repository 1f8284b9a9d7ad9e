import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { vectorCase } from '../../../tooling/src/shared-data.js';
import {
  buildAes128KeyLine,
  buildAes128KeyLines,
  buildDataUri,
  buildPlayReadyKeyLine,
  buildPlayReadyKeyLines,
  buildWidevineKeyLine,
  buildWidevineKeyLines,
  HlsSignalingError,
  parseDataUri,
  parseHlsKeyLine,
} from './index.js';

const fromBase64 = (text: string) => Uint8Array.from(Buffer.from(text, 'base64'));
const playReady = vectorCase<string>('axinom_speke2_playready_content_protection_data_98ee5596');
const pro = fromBase64(playReady.expected.pro_b64!);
const widevine = vectorCase<string>('axinom_speke2_widevine_signalling_98ee');
const widevinePssh = fromBase64(widevine.expected.pssh_b64!);

describe('buildPlayReadyKeyLine', () => {
  it('writes Microsoft’s documented form: UTF-16 data URI of the PRO, KEYFORMAT com.microsoft.playready', () => {
    const proB64 = playReady.expected.pro_b64!;
    expect(buildPlayReadyKeyLine({ pro, scheme: 'cbcs', playlist: 'master' })).toBe(
      `#EXT-X-SESSION-KEY:METHOD=SAMPLE-AES,URI="data:text/plain;charset=UTF-16;base64,${proB64}",` +
        'KEYFORMAT="com.microsoft.playready",KEYFORMATVERSIONS="1"',
    );
    const line = parseHlsKeyLine(buildPlayReadyKeyLine({ pro, scheme: 'cenc', kid: playReady.inputs.kid! }));
    expect(line).toMatchObject({ tag: 'EXT-X-KEY', method: 'SAMPLE-AES-CTR', keyId: playReady.inputs.kid });
    expect(parseDataUri(line.uri!)).toEqual({ mediaType: 'text/plain', parameters: { charset: 'UTF-16' }, data: pro });
  });

  it('writes both lines at once, as two single-line calls do', () => {
    for (const options of [{ pro, scheme: 'cbcs' as const }, { pro, scheme: 'cenc' as const, kid: playReady.inputs.kid! }]) {
      expect(buildPlayReadyKeyLines(options)).toEqual({
        media: buildPlayReadyKeyLine(options),
        master: buildPlayReadyKeyLine({ ...options, playlist: 'master' }),
      });
    }
    expect(() => buildPlayReadyKeyLines({ pro: pro.subarray(1), scheme: 'cenc' })).toThrow(
      expect.objectContaining({ code: 'ERR_HLS_INVALID_INPUT' }),
    );
  });

  it('refuses a pssh box given in place of the PRO', () => {
    const pssh = fromBase64(playReady.expected.pssh_b64!);
    expect(() => buildPlayReadyKeyLine({ pro: pssh, scheme: 'cenc' })).toThrow(
      expect.objectContaining({ code: 'ERR_HLS_INVALID_INPUT' }),
    );
  });

  it('refuses an unknown scheme', () => {
    expect(() => buildPlayReadyKeyLine({ pro, scheme: 'cens' as 'cenc' })).toThrow(HlsSignalingError);
  });
});

describe('buildWidevineKeyLine', () => {
  it('uses METHOD=SAMPLE-AES for cbcs', () => {
    expect(buildWidevineKeyLine({ pssh: widevinePssh, kid: widevine.inputs.kid!, scheme: 'cbcs' })).toBe(
      widevine.expected.hls_media_line!.replace('METHOD=SAMPLE-AES-CTR', 'METHOD=SAMPLE-AES'),
    );
  });

  it('refuses a PlayReady box or bytes that are no box at all', () => {
    const playReadyPssh = fromBase64(playReady.expected.pssh_b64!);
    for (const pssh of [playReadyPssh, pro, new Uint8Array(3)]) {
      expect(() => buildWidevineKeyLine({ pssh, kid: widevine.inputs.kid!, scheme: 'cenc' })).toThrow(
        expect.objectContaining({ code: 'ERR_HLS_INVALID_INPUT' }),
      );
      expect(() => buildWidevineKeyLines({ pssh, kid: widevine.inputs.kid!, scheme: 'cenc' })).toThrow(
        expect.objectContaining({ code: 'ERR_HLS_INVALID_INPUT' }),
      );
    }
  });
});

describe('buildAes128KeyLine', () => {
  const url = 'https://keys.example/key?cid=cpix-test-cid';
  const iv = Uint8Array.from(Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex'));

  it('writes the identity-key line, with IV and the explicit identity KEYFORMAT when asked', () => {
    expect(buildAes128KeyLine({ uri: url })).toBe(`#EXT-X-KEY:METHOD=AES-128,URI="${url}"`);
    expect(buildAes128KeyLine({ uri: url, iv, explicitKeyFormat: true, playlist: 'master' })).toBe(
      `#EXT-X-SESSION-KEY:METHOD=AES-128,URI="${url}",IV=0x000102030405060708090A0B0C0D0E0F,` +
        'KEYFORMAT="identity",KEYFORMATVERSIONS="1"',
    );
  });

  it('writes both lines at once, as two single-line calls do', () => {
    const options = { uri: url, iv, explicitKeyFormat: true };
    expect(buildAes128KeyLines(options)).toEqual({
      media: buildAes128KeyLine(options),
      master: buildAes128KeyLine({ ...options, playlist: 'master' }),
    });
  });

  it('refuses a missing URI naming it', () => {
    expect(() => buildAes128KeyLine({ uri: '' })).toThrow(expect.objectContaining({ attribute: 'URI' }));
    expect(() => buildAes128KeyLines({ uri: '' })).toThrow(expect.objectContaining({ attribute: 'URI' }));
  });
});

describe('data URIs', () => {
  it('round-trip any bytes, with or without a charset', () => {
    fc.assert(
      fc.property(fc.uint8Array(), fc.option(fc.constantFrom('UTF-16', 'utf-8'), { nil: undefined }), (data, charset) => {
        const uri = buildDataUri(data, charset === undefined ? {} : { charset });
        expect(parseDataUri(uri)).toEqual({
          mediaType: 'text/plain',
          parameters: charset === undefined ? {} : { charset },
          data,
        });
      }),
    );
  });

  it('reads percent-encoded payloads and refuses non-canonical base64', () => {
    expect(parseDataUri('data:,a%20b').data).toEqual(new TextEncoder().encode('a b'));
    expect(() => parseDataUri('data:text/plain;base64,L6jzdXrXAFbCJGBuMrrKrG==')).toThrow(
      expect.objectContaining({ code: 'ERR_HLS_INVALID_DATA_URI' }),
    );
  });

  it('throws nothing but HlsSignalingError for arbitrary input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string().map((s) => `data:${s}`), fc.anything()), (uri) => {
        try {
          parseDataUri(uri as string);
        } catch (error) {
          expect(error).toBeInstanceOf(HlsSignalingError);
        }
      }),
    );
  });
});
