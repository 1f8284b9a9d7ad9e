import { describe, expect, it } from 'vitest';
import { type ContentKeysResult, toPallyConJson } from './index.js';

// toPallyConJson compared whole, for a single key and for several, with every value present or absent.

const forms = (hex: string) => ({ hex, base64: Buffer.from(hex, 'hex').toString('base64') });
const kid = (hex: string) => ({
  uuid: hex.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5'),
  ...forms(hex),
});

const FULL = {
  kid: kid('11'.repeat(16)),
  key: forms('22'.repeat(16)),
  iv: forms('33'.repeat(16)),
  trackType: 'HD',
  drm: [
    { systemId: 's-wv', drm: 'widevine', name: 'Widevine', pssh: 'd3ZQU1NI', psshPayload: 'd3Y=' },
    { systemId: 's-pr', drm: 'playready', name: 'PlayReady', pssh: 'cHJQU1NI', psshPayload: 'cHI=' },
    { systemId: 's-fp', drm: 'fairplay', name: 'FairPlay', keyUri: 'skd://x' },
  ],
};
const BARE = { kid: kid('44'.repeat(16)), key: forms('55'.repeat(16)), drm: [] };

const result = (keys: unknown[]) =>
  ({ dialect: 'speke-v2', contentId: 'movie', keys, warnings: [], document: {} }) as unknown as ContentKeysResult;

const fullJson = {
  key_id_hex: '11'.repeat(16),
  key_id_b64: forms('11'.repeat(16)).base64,
  key_hex: '22'.repeat(16),
  key_b64: forms('22'.repeat(16)).base64,
  iv_hex: '33'.repeat(16),
  iv_b64: forms('33'.repeat(16)).base64,
  widevine: { pssh: 'd3ZQU1NI', pssh_payload_only: 'd3Y=' },
  playready: { pssh: 'cHJQU1NI', pssh_payload_only: 'cHI=' },
  fairplay: { key_uri: 'skd://x' },
};
const bareJson = {
  key_id_hex: '44'.repeat(16),
  key_id_b64: forms('44'.repeat(16)).base64,
  key_hex: '55'.repeat(16),
  key_b64: forms('55'.repeat(16)).base64,
  iv_hex: '',
  iv_b64: '',
  widevine: { pssh: '', pssh_payload_only: '' },
  playready: { pssh: '', pssh_payload_only: '' },
  fairplay: { key_uri: '' },
};

describe('toPallyConJson: whole answers', () => {
  it('writes one key without track_type, even when it has one', () => {
    expect(toPallyConJson(result([FULL]))).toStrictEqual({ content_id: 'movie', content_key_list: [fullJson] });
    expect(toPallyConJson(result([BARE]))).toStrictEqual({ content_id: 'movie', content_key_list: [bareJson] });
  });

  it('writes track_type first for several keys, empty where a key has none', () => {
    const json = toPallyConJson(result([FULL, BARE]));
    expect(json).toStrictEqual({
      content_id: 'movie',
      content_key_list: [
        { track_type: 'HD', ...fullJson },
        { track_type: '', ...bareJson },
      ],
    });
    expect(Object.keys(json.content_key_list[1]!)[0]).toBe('track_type');
  });

  it('writes an empty list for no keys', () => {
    expect(toPallyConJson(result([]))).toStrictEqual({ content_id: 'movie', content_key_list: [] });
  });
});
