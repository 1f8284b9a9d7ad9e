import { describe, expect, it } from 'vitest';
import { vectorCase, vectorCases } from '../../../tooling/src/fixtures.js';
import {
  buildFairPlayKeyLine,
  buildFairPlayKeyLines,
  buildFairPlayUri,
  buildHlsKeyLine,
  buildWidevineKeyLine,
  buildWidevineKeyLines,
  parseDataUri,
  parseFairPlayUri,
  parseHlsKeyLine,
} from './index.js';

const fromBase64 = (text: string) => Uint8Array.from(Buffer.from(text, 'base64'));
const fromHex = (text: string) => Uint8Array.from(Buffer.from(text, 'hex'));
const decodeBase64Text = (text: string) => Buffer.from(text, 'base64').toString('utf8');

describe('hls_line vectors (Axinom SPEKE 2.0 FairPlay)', () => {
  for (const { name, inputs, expected } of vectorCases<string>('hls_line')) {
    const iv = fromBase64(inputs.explicit_iv_b64!);

    it(`${name}: the explicitIV is the IV in hex`, () => {
      expect(iv).toEqual(fromHex(inputs.explicit_iv_hex!));
    });

    it(`${name}: builds the media and master lines byte-exact`, () => {
      const uri = { form: 'kid-iv', kid: inputs.kid!, iv } as const;
      expect(buildFairPlayKeyLine({ uri })).toBe(expected.hls_media_line);
      expect(buildFairPlayKeyLine({ uri, playlist: 'master' })).toBe(expected.hls_master_line);
      expect(buildFairPlayKeyLines({ uri })).toEqual({
        media: expected.hls_media_line,
        master: expected.hls_master_line,
      });
      expect(decodeBase64Text(expected.hls_media_b64!)).toBe(expected.hls_media_line);
      expect(decodeBase64Text(expected.hls_master_b64!)).toBe(expected.hls_master_line);
    });

    it(`${name}: parses the lines back to the KID and IV`, () => {
      for (const [text, tag] of [
        [expected.hls_media_line!, 'EXT-X-KEY'],
        [expected.hls_master_line!, 'EXT-X-SESSION-KEY'],
      ] as const) {
        const line = parseHlsKeyLine(text);
        expect(line).toEqual({
          tag,
          method: 'SAMPLE-AES',
          uri: `skd://${inputs.kid}:${inputs.explicit_iv_hex}`,
          keyFormat: 'com.apple.streamingkeydelivery',
          keyFormatVersions: '1',
        });
        expect(parseFairPlayUri(line.uri!)).toEqual({ form: 'kid-iv', kid: inputs.kid, iv });
        expect(buildHlsKeyLine(line)).toBe(text);
      }
    });
  }
});

describe('Widevine HLS vectors (Axinom SPEKE 2.0)', () => {
  const cases = ['axinom_speke2_widevine_signalling_98ee', 'axinom_speke2_widevine_signalling_53ab'].map((name) =>
    vectorCase<string>(name),
  );
  for (const { name, inputs, expected } of cases) {
    const pssh = fromBase64(expected.pssh_b64!);

    it(`${name}: builds the media and master lines byte-exact from the pssh box`, () => {
      expect(inputs.protection_scheme).toBe('cenc');
      expect(buildWidevineKeyLine({ pssh, kid: inputs.kid!, scheme: 'cenc' })).toBe(expected.hls_media_line);
      expect(buildWidevineKeyLine({ pssh, kid: inputs.kid!, scheme: 'cenc', playlist: 'master' })).toBe(
        expected.hls_master_line,
      );
      expect(buildWidevineKeyLines({ pssh, kid: inputs.kid!, scheme: 'cenc' })).toEqual({
        media: expected.hls_media_line,
        master: expected.hls_master_line,
      });
      expect(decodeBase64Text(expected.hls_media_b64!)).toBe(expected.hls_media_line);
      expect(decodeBase64Text(expected.hls_master_b64!)).toBe(expected.hls_master_line);
    });

    it(`${name}: parses the line back to the KID and the pssh box`, () => {
      const line = parseHlsKeyLine(expected.hls_media_line!);
      expect(line).toStrictEqual({
        tag: 'EXT-X-KEY',
        method: 'SAMPLE-AES-CTR',
        uri: `data:text/plain;base64,${expected.pssh_b64!}`,
        keyId: inputs.kid,
        keyFormat: 'urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed',
        keyFormatVersions: '1',
      });
      expect(parseDataUri(line.uri!)).toEqual({ mediaType: 'text/plain', parameters: {}, data: pssh });
      expect(buildHlsKeyLine(line)).toBe(expected.hls_media_line);
    });
  }

  it('KEYID is the RFC 4122 KID in upper-case hex (kid_representations)', () => {
    const { inputs, expected } = vectorCase<string>('kid_representations');
    const line = buildHlsKeyLine({ tag: 'EXT-X-KEY', method: 'SAMPLE-AES', uri: 'skd://x', keyId: inputs.kids![2]! });
    expect(line.endsWith(`,KEYID=${expected['98ee5596_hls_keyid']}`)).toBe(true);
  });
});

describe('fairplay_uri vectors (PallyCon)', () => {
  const { inputs, expected } = vectorCase<string>('pallycon_fairplay_and_ncg_uris');
  const liveIndex = inputs.live_period_index as unknown as number;

  it('VOD: skd:// + base64 of the big-endian KID, and URIExtXKey is its base64', () => {
    const uri = buildFairPlayUri({ form: 'kid-base64', kid: inputs.vod_kid! });
    expect(uri).toBe(expected.vod_uri);
    expect(Buffer.from(uri).toString('base64')).toBe(expected.vod_urixkey_b64);
    expect(parseFairPlayUri(uri)).toEqual({ form: 'kid-base64', kid: inputs.vod_kid });
  });

  it('live: skd:// + content id + period index as 16 lower-case hex digits', () => {
    const uri = buildFairPlayUri({
      form: 'content-period',
      contentId: inputs.live_content_id!,
      periodIndex: liveIndex,
    });
    expect(uri).toBe(expected.live_uri);
    expect(Buffer.from(uri).toString('base64')).toBe(expected.live_urixkey_b64);
    expect(parseFairPlayUri(uri)).toEqual({
      form: 'content-period',
      contentId: inputs.live_content_id,
      periodIndex: liveIndex,
    });
  });

  it('client JSON key_uri: the same base64 big-endian form', () => {
    const uri = buildFairPlayUri({ form: 'kid-base64', kid: inputs.client_kid! });
    expect(uri).toBe(expected.client_json_key_uri);
    expect(parseFairPlayUri(uri, 'kid-base64')).toEqual({ form: 'kid-base64', kid: inputs.client_kid });
  });

  it('a caller template reproduces the PallyCon forms too', () => {
    expect(buildFairPlayUri({ template: 'skd://{kidBase64}', kid: inputs.vod_kid! })).toBe(expected.vod_uri);
    expect(
      buildFairPlayUri({
        template: 'skd://{contentId}{periodIndexHex}',
        contentId: inputs.live_content_id!,
        periodIndex: liveIndex,
      }),
    ).toBe(expected.live_uri);
  });

  it('the NCG AES-128 URIExtXKey is an https key URL usable as an AES-128 URI', () => {
    const url = decodeBase64Text(expected.ncg_aes128_urixkey_b64!);
    expect(url).toBe(
      `https://testtokyo.pallycon.com/ri/hlskeyPackager.do?sid=${inputs.ncg_site_id}&filename=${inputs.ncg_content_id}&cid=${inputs.ncg_content_id}`,
    );
    expect(parseHlsKeyLine(`#EXT-X-KEY:METHOD=AES-128,URI="${url}"`).uri).toBe(url);
  });
});
