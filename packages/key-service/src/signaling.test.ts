import { buildFairPlayKeyLines, buildWidevineKeyLines } from '@cpixkit/hls-signaling';
import { buildWrmHeader } from '@cpixkit/playready-header';
import { decodeWidevinePsshData } from '@cpixkit/pssh';
import { describe, expect, it } from 'vitest';
import { vectorCases } from '../../../tooling/src/fixtures.js';
import { AnswerBytes } from './answer-bytes.js';
import { fairPlayUri, pallyConFairPlayUri } from './fairplay-uri.js';
import { defaultTenantSettings } from './settings.js';
import {
  contentProtectionData,
  type KeySignalingInput,
  periodIndexHex,
  playReadySignaling,
  type WidevineStyle,
  widevineSignaling,
} from './signaling.js';

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const bytes = (value: unknown): Uint8Array => Uint8Array.from(Buffer.from(String(value), 'base64'));
const text = (value: Uint8Array): string => Buffer.from(value).toString('utf8');
const KID = '98ee5596-cd3e-a20d-163a-e382420c6eff';

describe('PlayReady signalling reproduces the vectors byte for byte', () => {
  for (const vector of vectorCases('playready_pssh')) {
    it(vector.name, () => {
      const { inputs, expected } = vector;
      const custom = inputs.custom_attributes_xml as string | undefined;
      const period = custom === undefined ? undefined : Number(/<PERIOD_INDEX>(\d+)<\/PERIOD_INDEX>/.exec(custom)![1]);
      const input: KeySignalingInput = {
        kid: String(inputs.kid),
        key: bytes(inputs.key_b64),
        scheme: 'cenc',
        contentId: 'unused',
        ...(period !== undefined ? { periodIndex: period } : {}),
      };
      const settings = {
        headerVersion: inputs.wrmheader_version as '4.0.0.0',
        laUrl: String(inputs.la_url),
        includeChecksum: true,
      };
      const signaling = playReadySignaling(input, { settings, periodIndexAttribute: period !== undefined })!;
      expect(signaling.wrmHeader).toBe(expected.wrmheader_xml);
      expect(b64(signaling.pro)).toBe(expected.pro_b64);
      expect(b64(signaling.pssh)).toBe(expected.pssh_b64);
      if (expected.pssh_payload_only_b64 !== undefined) {
        expect(b64(contentProtectionData('payload', signaling, new AnswerBytes()))).toBe(
          expected.pssh_payload_only_b64,
        );
      }
    });
  }

  for (const vector of vectorCases('cpix_content_protection_data')) {
    it(`${vector.name} (SPEKE v2 ContentProtectionData)`, () => {
      const { inputs, expected } = vector;
      const input: KeySignalingInput = {
        kid: String(inputs.kid),
        key: bytes(inputs.key_b64),
        scheme: 'cenc',
        contentId: 'abc123',
      };
      const signaling = playReadySignaling(input, {
        settings: { headerVersion: '4.0.0.0', includeChecksum: false },
        periodIndexAttribute: false,
      })!;
      expect(signaling.wrmHeader).toBe(expected.wrmheader_xml);
      expect(b64(signaling.pssh)).toBe(expected.pssh_b64);
      expect(text(contentProtectionData('xml', signaling, new AnswerBytes()))).toBe(
        expected.content_protection_data_xml,
      );
    });
  }

  it('writes cbcs keys as AESCBC in a 4.3.0.0 header without checksum, whatever the setting', () => {
    const input: KeySignalingInput = {
      kid: '98ee5596-cd3e-a20d-163a-e382420c6eff',
      key: new Uint8Array(16).fill(7),
      scheme: 'cbcs',
      contentId: 'c',
    };
    const signaling = playReadySignaling(input, {
      settings: defaultTenantSettings().playReady,
      periodIndexAttribute: false,
    })!;
    expect(signaling.version).toBe('4.3.0.0');
    expect(signaling.upgraded).toBe(true);
    expect(signaling.wrmHeader).toContain('ALGID="AESCBC"');
    expect(signaling.wrmHeader).not.toContain('CHECKSUM');
  });

  it('writes a cbcs key in a configured 4.3.0.0 header without calling it an upgrade', () => {
    const input: KeySignalingInput = { kid: KID, key: new Uint8Array(16).fill(7), scheme: 'cbcs', contentId: 'c' };
    const settings = { headerVersion: '4.3.0.0', includeChecksum: true } as const;
    const signaling = playReadySignaling(input, { settings, periodIndexAttribute: false })!;
    expect([signaling.version, signaling.upgraded]).toStrictEqual(['4.3.0.0', false]);
    expect(signaling.wrmHeader).toBe(buildWrmHeader({ version: '4.3.0.0', keys: [{ kid: KID, algId: 'AESCBC' }] }));
  });

  it('writes every configured URL and attribute, and PERIOD_INDEX only when the dialect asks and the key has a period', () => {
    const key = new Uint8Array(16).fill(7);
    const settings = {
      headerVersion: '4.0.0.0',
      laUrl: 'https://la.example/p',
      luiUrl: 'https://lui.example/ui',
      dsId: 'AH+03juKbUGbHl1V/QIwRA==',
      customAttributes: '<a>b</a>',
      includeChecksum: true,
    } as const;
    const header = (customAttributes: string | undefined) =>
      buildWrmHeader({
        version: '4.0.0.0',
        keys: [{ kid: KID, algId: 'AESCTR', key }],
        laUrl: settings.laUrl,
        luiUrl: settings.luiUrl,
        dsId: settings.dsId,
        ...(customAttributes === undefined ? {} : { customAttributes }),
      });
    const signal = (periodIndexAttribute: boolean, periodIndex?: number) =>
      playReadySignaling(
        { kid: KID, key, scheme: 'cenc', contentId: 'c', ...(periodIndex === undefined ? {} : { periodIndex }) },
        { settings, periodIndexAttribute },
      )!.wrmHeader;
    expect(signal(false, 3)).toBe(header('<a>b</a>'));
    expect(signal(true)).toBe(header('<a>b</a>'));
    expect(signal(true, 3)).toBe(header('<a>b</a><PERIOD_INDEX>3</PERIOD_INDEX>'));
    const { customAttributes: _none, ...plain } = settings;
    const bare = playReadySignaling(
      { kid: KID, key, contentId: 'c', periodIndex: 0 },
      { settings: plain, periodIndexAttribute: true },
    )!.wrmHeader;
    expect(bare).toBe(header('<PERIOD_INDEX>0</PERIOD_INDEX>'));
  });

  it('has no PlayReady signalling for cens and cbc1 keys', () => {
    const input: KeySignalingInput = {
      kid: '98ee5596-cd3e-a20d-163a-e382420c6eff',
      key: new Uint8Array(16),
      scheme: 'cens',
      contentId: 'c',
    };
    expect(
      playReadySignaling(input, { settings: defaultTenantSettings().playReady, periodIndexAttribute: false }),
    ).toBeUndefined();
  });
});

describe('Widevine signalling reproduces the vectors byte for byte', () => {
  for (const vector of vectorCases('widevine_pssh')) {
    it(vector.name, () => {
      const { inputs, expected } = vector;
      const period = inputs.crypto_period_index as number | undefined;
      const contentId = inputs.content_id as string | undefined;
      const style: WidevineStyle = {
        algorithm: inputs.algorithm !== undefined,
        ...(inputs.provider !== undefined ? { provider: String(inputs.provider) } : {}),
        contentId: contentId === undefined ? 'none' : 'content-id-and-period',
        trackType: inputs.track_type !== undefined,
        protectionScheme: inputs.protection_scheme !== undefined,
        cryptoPeriodIndex: true,
      };
      const input: KeySignalingInput = {
        kid: String(inputs.kid),
        key: new Uint8Array(16),
        scheme: String(inputs.protection_scheme ?? 'cenc'),
        contentId: period === undefined ? (contentId ?? 'unused') : contentId!.slice(0, -16),
        ...(inputs.track_type !== undefined ? { trackType: String(inputs.track_type) } : {}),
        ...(period !== undefined ? { periodIndex: period } : {}),
      };
      const signaling = widevineSignaling(input, style);
      expect(Buffer.from(signaling.data).toString('hex')).toBe(expected.widevine_data_hex);
      expect(b64(signaling.pssh)).toBe(expected.pssh_b64);
      if (expected.pssh_payload_only_b64 !== undefined) {
        expect(b64(contentProtectionData('payload', signaling, new AnswerBytes()))).toBe(
          expected.pssh_payload_only_b64,
        );
      }
      if (expected.content_protection_data_b64 !== undefined) {
        expect(b64(contentProtectionData('xml', signaling, new AnswerBytes()))).toBe(
          expected.content_protection_data_b64,
        );
      }
      if (expected.hls_media_line !== undefined) {
        expect(buildWidevineKeyLines({ pssh: signaling.pssh, kid: input.kid, scheme: 'cenc' })).toEqual({
          media: expected.hls_media_line,
          master: expected.hls_master_line,
        });
      }
    });
  }

  it('writes the crypto period index only when the style asks, and a scheme only when it is a Common Encryption one', () => {
    const style: WidevineStyle = {
      algorithm: false,
      contentId: 'none',
      trackType: false,
      protectionScheme: true,
      cryptoPeriodIndex: false,
    };
    const input: KeySignalingInput = { kid: KID, key: new Uint8Array(16), contentId: 'c', periodIndex: 3 };
    const data = (i: KeySignalingInput, s: WidevineStyle) => decodeWidevinePsshData(widevineSignaling(i, s).data);
    expect(data(input, style)).toStrictEqual({ keyIds: [KID] });
    expect(data(input, { ...style, cryptoPeriodIndex: true })).toStrictEqual({ keyIds: [KID], cryptoPeriodIndex: 3 });
    expect(data({ ...input, scheme: 'ctr1' }, style)).toStrictEqual({ keyIds: [KID] });
    expect(data({ ...input, scheme: 'cens' }, style)).toStrictEqual({ keyIds: [KID], protectionScheme: 'cens' });
  });

  it('writes PallyCon live content ids with the period index as 16 hex digits', () => {
    expect(periodIndexHex(128)).toBe('0000000000000080');
  });
});

describe('FairPlay URIs and lines reproduce the vectors', () => {
  const [uris] = vectorCases('fairplay_uri');
  const { inputs, expected } = uris!;
  const iv = new Uint8Array(16);

  it('PallyCon VOD: skd:// + base64 of the KID', () => {
    expect(pallyConFairPlayUri({ kid: String(inputs.vod_kid), iv, contentId: 'cpix-test-cid' })).toBe(expected.vod_uri);
    expect(pallyConFairPlayUri({ kid: String(inputs.client_kid), iv, contentId: 'x' })).toBe(
      expected.client_json_key_uri,
    );
  });

  it('PallyCon live: skd:// + content id + period index in hex', () => {
    const uri = pallyConFairPlayUri({
      kid: String(inputs.vod_kid),
      iv,
      contentId: String(inputs.live_content_id),
      periodIndex: Number(inputs.live_period_index),
    });
    expect(uri).toBe(expected.live_uri);
    expect(Buffer.from(uri).toString('base64')).toBe(expected.live_urixkey_b64);
  });

  for (const vector of vectorCases('hls_line')) {
    it(`${vector.name}: kid-iv form, media and master lines`, () => {
      const uri = fairPlayUri(
        { uriForm: 'kid-iv' },
        { kid: String(vector.inputs.kid), iv: bytes(vector.inputs.explicit_iv_b64), contentId: 'abc123' },
      );
      expect(buildFairPlayKeyLines({ uri })).toEqual({
        media: vector.expected.hls_media_line,
        master: vector.expected.hls_master_line,
      });
    });
  }

  it('writes the other forms of the tenant settings', () => {
    const input = {
      kid: '98ee5596-cd3e-a20d-163a-e382420c6eff',
      iv: new Uint8Array(16).fill(0xab),
      contentId: 'movie-1',
    };
    expect(fairPlayUri({ uriForm: 'kid' }, input)).toBe('skd://98ee5596-cd3e-a20d-163a-e382420c6eff');
    expect(fairPlayUri({ uriForm: 'kid-base64' }, input)).toBe('skd://mO5Vls0+og0WOuOCQgxu/w==');
    expect(fairPlayUri({ uriForm: 'content-period' }, input)).toBe('skd://movie-1');
    expect(fairPlayUri({ uriForm: 'content-period' }, { ...input, periodIndex: 255 })).toBe(
      'skd://movie-100000000000000ff',
    );
    expect(
      fairPlayUri({ uriForm: 'template', uriTemplate: 'skd://keys.example/{contentId}/{kidHex}?iv={ivHex}' }, input),
    ).toBe(`skd://keys.example/movie-1/98ee5596cd3ea20d163ae382420c6eff?iv=${'AB'.repeat(16)}`);
  });
});
