import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expectAnswerOrHlsError, expectHlsError } from '../test/expect-hls-error.js';
import { vectorCase } from '../../../tooling/src/fixtures.js';
import {
  buildAes128KeyLine,
  buildAes128KeyLines,
  buildDataUri,
  buildPlayReadyKeyLine,
  buildPlayReadyKeyLines,
  buildWidevineKeyLine,
  buildWidevineKeyLines,
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
    expect(line).toStrictEqual({
      tag: 'EXT-X-KEY',
      method: 'SAMPLE-AES-CTR',
      uri: `data:text/plain;charset=UTF-16;base64,${proB64}`,
      keyId: playReady.inputs.kid,
      keyFormat: 'com.microsoft.playready',
      keyFormatVersions: '1',
    });
    expect(parseDataUri(line.uri!)).toStrictEqual({
      mediaType: 'text/plain',
      parameters: { charset: 'UTF-16' },
      data: pro,
    });
  });

  it('writes both lines at once, as two single-line calls do', () => {
    for (const options of [
      { pro, scheme: 'cbcs' as const },
      { pro, scheme: 'cenc' as const, kid: playReady.inputs.kid! },
    ]) {
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
    expectHlsError(
      () => buildPlayReadyKeyLine({ pro, scheme: 'cens' as 'cenc' }),
      'ERR_HLS_INVALID_INPUT',
      undefined,
      "scheme must be 'cenc' or 'cbcs'",
    );
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
      fc.property(
        fc.uint8Array(),
        fc.option(fc.constantFrom('UTF-16', 'utf-8'), { nil: undefined }),
        (data, charset) => {
          const uri = buildDataUri(data, charset === undefined ? {} : { charset });
          expect(parseDataUri(uri)).toEqual({
            mediaType: 'text/plain',
            parameters: charset === undefined ? {} : { charset },
            data,
          });
        },
      ),
    );
  });

  it('reads percent-encoded payloads and refuses non-canonical base64', () => {
    expect(parseDataUri('data:,a%20b').data).toEqual(new TextEncoder().encode('a b'));
    expect(() => parseDataUri('data:text/plain;base64,L6jzdXrXAFbCJGBuMrrKrG==')).toThrow(
      expect.objectContaining({ code: 'ERR_HLS_INVALID_DATA_URI' }),
    );
  });

  it('reads arbitrary input to a data URI whose payload writes and reads back the same, or refuses it with a documented HlsSignalingError', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string().map((s) => `data:${s}`),
          fc.anything(),
        ),
        (uri) => {
          expectAnswerOrHlsError(
            () => parseDataUri(uri as string),
            (read) => {
              expect(read.data).toBeInstanceOf(Uint8Array);
              expect(read.mediaType).toBe(read.mediaType.toLowerCase());
              for (const value of Object.values(read.parameters)) expect(typeof value).toBe('string');
              expect(parseDataUri(buildDataUri(read.data)).data).toEqual(read.data);
            },
          );
        },
      ),
    );
  });
});

describe('DRM line helpers: what they refuse', () => {
  const code = 'ERR_HLS_INVALID_INPUT';

  it('takes the smallest PlayReady Object (6 bytes), and refuses 5 bytes or a Length that disagrees', () => {
    const empty = Uint8Array.of(6, 0, 0, 0, 0, 0);
    expect(buildPlayReadyKeyLine({ pro: empty, scheme: 'cenc' })).toBe(
      '#EXT-X-KEY:METHOD=SAMPLE-AES-CTR,URI="data:text/plain;charset=UTF-16;base64,BgAAAAAA",KEYFORMAT="com.microsoft.playready",KEYFORMATVERSIONS="1"',
    );
    for (const bad of [empty.subarray(0, 5), 'BgAAAAAA' as unknown as Uint8Array]) {
      expectHlsError(
        () => buildPlayReadyKeyLine({ pro: bad, scheme: 'cenc' }),
        code,
        undefined,
        'pro must be a PlayReady Object (Uint8Array)',
      );
    }
    // A Length in all four bytes, little-endian: 0x01000006 says 16 MiB and 6 bytes.
    for (const [length, declared] of [
      [[7, 0, 0, 0], 7],
      [[6, 0, 0, 1], 0x0100_0006],
      [[6, 1, 0, 0], 262],
      [[6, 0, 1, 0], 65542],
    ] as const) {
      expectHlsError(
        () => buildPlayReadyKeyLine({ pro: Uint8Array.of(...length, 0, 0), scheme: 'cenc' }),
        code,
        undefined,
        `pro is not a PlayReady Object: it declares ${declared} bytes but has 6`,
      );
    }
  });

  it('refuses an unknown scheme and playlist, and a missing options object, naming the helper', () => {
    expectHlsError(
      () => buildPlayReadyKeyLine({ pro, scheme: 'cens' as 'cenc' }),
      code,
      undefined,
      "scheme must be 'cenc' or 'cbcs'",
    );
    expectHlsError(
      () => buildWidevineKeyLine({ pssh: widevinePssh, kid: widevine.inputs.kid!, scheme: 'cens' as 'cenc' }),
      code,
      undefined,
      "scheme must be 'cenc' or 'cbcs'",
    );
    expectHlsError(
      () => buildAes128KeyLine({ uri: 'k', playlist: 'variant' as 'media' }),
      code,
      undefined,
      "playlist must be 'media' or 'master'",
    );
    for (const [helper, run] of [
      ['buildPlayReadyKeyLine', () => buildPlayReadyKeyLine(null as never)],
      ['buildPlayReadyKeyLines', () => buildPlayReadyKeyLines(null as never)],
      ['buildWidevineKeyLine', () => buildWidevineKeyLine(null as never)],
      ['buildWidevineKeyLines', () => buildWidevineKeyLines(null as never)],
      ['buildAes128KeyLine', () => buildAes128KeyLine('https://k' as never)],
      ['buildAes128KeyLines', () => buildAes128KeyLines(undefined as never)],
    ] as const) {
      expectHlsError(run, code, undefined, `${helper} takes an options object`);
    }
  });

  it('says why a Widevine pssh is refused, keeping the pssh error as the cause', () => {
    const playReadyPssh = fromBase64(playReady.expected.pssh_b64!);
    expectHlsError(
      () => buildWidevineKeyLine({ pssh: playReadyPssh, kid: widevine.inputs.kid!, scheme: 'cenc' }),
      code,
      undefined,
      'pssh is a box of system 9a04f079-9840-4286-ab92-e65be0885f95, not Widevine',
    );
    const error = expectHlsError(
      () => buildWidevineKeyLine({ pssh: new Uint8Array(3), kid: widevine.inputs.kid!, scheme: 'cenc' }),
      code,
      undefined,
    );
    expect(error.message).toBe(`pssh must be a whole pssh box: ${(error.cause as Error).message}`);
    expect((error.cause as { code: string }).code).toBe('ERR_PSSH_TRUNCATED');
  });

  it('writes the Widevine line for cenc with the KID from the caller, as a KEYID', () => {
    expect(
      parseHlsKeyLine(
        buildWidevineKeyLine({ pssh: widevinePssh, kid: widevine.inputs.kid!, scheme: 'cenc', playlist: 'master' }),
      ),
    ).toStrictEqual({
      tag: 'EXT-X-SESSION-KEY',
      method: 'SAMPLE-AES-CTR',
      uri: `data:text/plain;base64,${widevine.expected.pssh_b64!}`,
      keyId: widevine.inputs.kid,
      keyFormat: 'urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed',
      keyFormatVersions: '1',
    });
  });

  it('writes EXT-X-KEY for the media playlist, named or by default', () => {
    expect(buildAes128KeyLine({ uri: 'k', playlist: 'media' })).toBe('#EXT-X-KEY:METHOD=AES-128,URI="k"');
    expect(buildAes128KeyLine({ uri: 'k', playlist: undefined })).toBe('#EXT-X-KEY:METHOD=AES-128,URI="k"');
  });

  it('leaves KEYFORMAT out of an AES-128 line unless asked', () => {
    expect(buildAes128KeyLine({ uri: 'k', explicitKeyFormat: false })).toBe('#EXT-X-KEY:METHOD=AES-128,URI="k"');
    expectHlsError(
      () => buildAes128KeyLine({ uri: '' }),
      'ERR_HLS_INVALID_ATTRIBUTE',
      'URI',
      'URI must be a non-empty string',
    );
  });
});
