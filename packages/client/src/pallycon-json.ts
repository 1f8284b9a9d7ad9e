import type { ContentKeyResult, ContentKeysResult, DrmSignaling } from './results.js';

/** One entry of `content_key_list` in PallyCon's CPIX API client output. */
export interface PallyConContentKeyJson {
  /** Only when the answer has several keys (multi-key packaging), as PallyCon's clients write it. */
  track_type?: string;
  key_id_hex: string;
  key_id_b64: string;
  key_hex: string;
  key_b64: string;
  iv_hex: string;
  iv_b64: string;
  widevine: { pssh: string; pssh_payload_only: string };
  playready: { pssh: string; pssh_payload_only: string };
  fairplay: { key_uri: string };
}

/** The JSON PallyCon's CPIX API clients (C++, C#, Java, Python) print and save. */
export interface PallyConJson {
  content_id: string;
  content_key_list: PallyConContentKeyJson[];
}

function signalingOf(key: ContentKeyResult, drm: DrmSignaling['drm']): DrmSignaling | undefined {
  return key.drm.find((signaling) => signaling.drm === drm);
}

/**
 * A key request's result in the JSON shape of PallyCon's CPIX API clients, field for field:
 * `content_id`, and per key `track_type` (multi-key only), `key_id_hex`, `key_id_b64`, `key_hex`,
 * `key_b64`, `iv_hex`, `iv_b64`, `widevine.pssh`, `widevine.pssh_payload_only`, `playready.pssh`,
 * `playready.pssh_payload_only` and `fairplay.key_uri`. Values the answer lacks are empty strings,
 * as in PallyCon's clients. The output holds the content keys: treat it as a secret.
 */
export function toPallyConJson(result: ContentKeysResult): PallyConJson {
  const multiKey = result.keys.length > 1;
  return {
    content_id: result.contentId,
    content_key_list: result.keys.map((key) => {
      const widevine = signalingOf(key, 'widevine');
      const playready = signalingOf(key, 'playready');
      const fairplay = signalingOf(key, 'fairplay');
      return {
        ...(multiKey ? { track_type: key.trackType ?? '' } : {}),
        key_id_hex: key.kid.hex,
        key_id_b64: key.kid.base64,
        key_hex: key.key.hex,
        key_b64: key.key.base64,
        iv_hex: key.iv?.hex ?? '',
        iv_b64: key.iv?.base64 ?? '',
        widevine: { pssh: widevine?.pssh ?? '', pssh_payload_only: widevine?.psshPayload ?? '' },
        playready: { pssh: playready?.pssh ?? '', pssh_payload_only: playready?.psshPayload ?? '' },
        fairplay: { key_uri: fairplay?.keyUri ?? '' },
      };
    }),
  };
}
