import {
  buildAes128KeyLines,
  buildFairPlayKeyLines,
  buildPlayReadyKeyLines,
  buildWidevineKeyLines,
  type HlsEncryptionScheme,
  type HlsKeyLines,
  KEY_FORMATS,
} from '@cpixkit/hls-signaling';
import { encodePsshBox, encodeWidevinePsshData, PLAYREADY_SYSTEM_ID, WIDEVINE_SYSTEM_ID, WidevineAlgorithm } from '@cpixkit/pssh';
import {
  buildWrmHeader,
  encodePlayReadyObject,
  type PlayReadyAlgorithm,
  smoothStreamingProtectionHeaderData,
  type WrmHeaderVersion,
} from '@cpixkit/playready-header';
import type { TenantSettings } from './types.js';

/** The form of `ContentProtectionData`: a CPIX/SPEKE v2 XML fragment, or PallyCon's PSSH payload without box header. */
export type ContentProtectionForm = 'xml' | 'payload';

/** What the signalling of one key is built from. */
export interface KeySignalingInput {
  /** Lower-case UUID. */
  kid: string;
  key: Uint8Array;
  /** `cenc`, `cbcs`, `cens` or `cbc1`; absent when the request did not say (SPEKE v1, PallyCon), read as `cenc`. */
  scheme?: string;
  contentId: string;
  trackType?: string;
  periodIndex?: number;
}

/** How the Widevine PSSH data is written. */
export interface WidevineStyle {
  algorithm: boolean;
  provider?: string;
  contentId: TenantSettings['widevine']['contentId'];
  /** Write `track_type`; with `defaultTrackType` also for keys without one. */
  trackType: boolean;
  defaultTrackType?: string;
  protectionScheme: boolean;
  /** Write `crypto_period_index` for keys of a key period. */
  cryptoPeriodIndex: boolean;
}

/** How the PlayReady header is written. */
export interface PlayReadyStyle {
  settings: TenantSettings['playReady'];
  /** Add `<PERIOD_INDEX>n</PERIOD_INDEX>` to CUSTOMATTRIBUTES for keys of a key period (PallyCon). */
  periodIndexAttribute: boolean;
}

/** The Widevine signalling of one key. */
export interface WidevineSignaling {
  /** The Widevine PSSH data (protobuf). */
  data: Uint8Array;
  /** The whole `pssh` box (version 0). */
  pssh: Uint8Array;
}

/** The PlayReady signalling of one key. */
export interface PlayReadySignaling {
  wrmHeader: string;
  /** The PlayReady Object. */
  pro: Uint8Array;
  /** The whole `pssh` box (version 0) holding the PRO. */
  pssh: Uint8Array;
  /** The header version written (4.3.0.0 for `cbcs` keys whatever the setting, as AESCBC requires). */
  version: WrmHeaderVersion;
  /** True when the configured version could not carry the key's algorithm and 4.3.0.0 was written. */
  upgraded: boolean;
}

const FOUR_CCS = new Set(['cenc', 'cbcs', 'cens', 'cbc1']);

/** Index as 16 lower-case hex digits, as PallyCon appends it to content ids. */
export function periodIndexHex(index: number): string {
  return index.toString(16).padStart(16, '0');
}

/** Widevine PSSH data and box for one key. */
export function widevineSignaling(input: KeySignalingInput, style: WidevineStyle): WidevineSignaling {
  const { kid, contentId, periodIndex } = input;
  const trackType = input.trackType ?? style.defaultTrackType;
  const data = encodeWidevinePsshData({
    ...(style.algorithm ? { algorithm: WidevineAlgorithm.AESCTR } : {}),
    keyIds: [kid],
    ...(style.provider !== undefined ? { provider: style.provider } : {}),
    ...(style.contentId === 'cpix-id' ? { contentId } : {}),
    ...(style.contentId === 'content-id-and-period'
      ? { contentId: periodIndex === undefined ? contentId : `${contentId}${periodIndexHex(periodIndex)}` }
      : {}),
    ...(style.trackType && trackType !== undefined ? { trackType } : {}),
    ...(style.cryptoPeriodIndex && periodIndex !== undefined ? { cryptoPeriodIndex: periodIndex } : {}),
    ...(style.protectionScheme && input.scheme !== undefined && FOUR_CCS.has(input.scheme) ? { protectionScheme: input.scheme } : {}),
  });
  return { data, pssh: encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, version: 0, data }) };
}

function playReadyAlgorithm(scheme: string): PlayReadyAlgorithm | undefined {
  if (scheme === 'cenc') return 'AESCTR';
  if (scheme === 'cbcs') return 'AESCBC';
  return undefined;
}

/**
 * PlayReady header, PRO and box for one key. `cenc` keys are AESCTR, with a CHECKSUM when the
 * settings ask for it; `cbcs` keys are AESCBC, which only 4.3.0.0 headers can carry and which has
 * no checksum. Returns `undefined` for `cens`/`cbc1`, which PlayReady does not decrypt.
 */
export function playReadySignaling(input: KeySignalingInput, style: PlayReadyStyle): PlayReadySignaling | undefined {
  const algId = playReadyAlgorithm(input.scheme ?? 'cenc');
  if (algId === undefined) return undefined;
  const { settings } = style;
  const upgraded = algId === 'AESCBC' && settings.headerVersion !== '4.3.0.0';
  const version: WrmHeaderVersion = upgraded ? '4.3.0.0' : settings.headerVersion;
  let customAttributes = settings.customAttributes;
  if (style.periodIndexAttribute && input.periodIndex !== undefined) {
    customAttributes = `${customAttributes ?? ''}<PERIOD_INDEX>${input.periodIndex}</PERIOD_INDEX>`;
  }
  const wrmHeader = buildWrmHeader({
    version,
    keys: [{ kid: input.kid, algId, ...(settings.includeChecksum && algId === 'AESCTR' ? { key: input.key } : {}) }],
    ...(settings.laUrl !== undefined ? { laUrl: settings.laUrl } : {}),
    ...(settings.luiUrl !== undefined ? { luiUrl: settings.luiUrl } : {}),
    ...(settings.dsId !== undefined ? { dsId: settings.dsId } : {}),
    ...(customAttributes !== undefined ? { customAttributes } : {}),
  });
  const pro = encodePlayReadyObject({ wrmHeader });
  return { wrmHeader, pro, pssh: encodePsshBox({ systemId: PLAYREADY_SYSTEM_ID, version: 0, data: pro }), version, upgraded };
}

/** Base64 of bytes, read in place (no copy into a new Buffer). */
function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * CPIX/SPEKE v2 `ContentProtectionData`: the UTF-8 bytes of `<pssh xmlns="urn:mpeg:cenc:2013">…</pssh>`
 * and, for PlayReady, `<pro xmlns="urn:microsoft:playready">…</pro>`, each declaring its own
 * namespace, no whitespace (what Axinom emits and the DASH `ContentProtection` element takes).
 */
export function contentProtectionXml(pssh: Uint8Array, pro?: Uint8Array): Uint8Array {
  let xml = `<pssh xmlns="urn:mpeg:cenc:2013">${base64(pssh)}</pssh>`;
  if (pro !== undefined) xml += `<pro xmlns="urn:microsoft:playready">${base64(pro)}</pro>`;
  return utf8(xml);
}

/** `ContentProtectionData` of a Widevine or PlayReady key in the dialect's form. */
export function contentProtectionData(form: ContentProtectionForm, signaling: WidevineSignaling | PlayReadySignaling): Uint8Array {
  const pro = 'pro' in signaling ? signaling.pro : undefined;
  if (form === 'xml') return contentProtectionXml(signaling.pssh, pro);
  return pro ?? (signaling as WidevineSignaling).data;
}

/** The `SmoothStreamingProtectionHeaderData` / `speke:ProtectionHeader` text: base64 of the PRO. */
export function smoothStreamingHeader(signaling: PlayReadySignaling): string {
  return smoothStreamingProtectionHeaderData(signaling.pro);
}

/** Widevine `#EXT-X-KEY` (media) and `#EXT-X-SESSION-KEY` (master) lines. */
export function widevineHlsLines(signaling: WidevineSignaling, kid: string, scheme: HlsEncryptionScheme): HlsKeyLines {
  return buildWidevineKeyLines({ pssh: signaling.pssh, kid, scheme });
}

/** PlayReady lines. */
export function playReadyHlsLines(signaling: PlayReadySignaling, scheme: HlsEncryptionScheme): HlsKeyLines {
  return buildPlayReadyKeyLines({ pro: signaling.pro, scheme });
}

/** FairPlay lines for an `skd://` URI. */
export function fairPlayHlsLines(uri: string): HlsKeyLines {
  return buildFairPlayKeyLines({ uri });
}

/** AES-128 lines for a key URL, with the key's IV. */
export function aes128HlsLines(uri: string, iv: Uint8Array | undefined): HlsKeyLines {
  return buildAes128KeyLines({ uri, ...(iv !== undefined ? { iv } : {}) });
}

/** SPEKE v1 `speke:KeyFormat` values. */
export const SPEKE_KEY_FORMATS = { fairPlay: KEY_FORMATS.fairPlay, aes128: KEY_FORMATS.identity } as const;

/**
 * UTF-8 bytes of a text value (`URIExtXKey`, `speke:KeyFormat`, HLS lines, …), base64-encoded when
 * written. `Buffer.from` rather than `TextEncoder`: for these short strings it is about five times
 * faster (it cuts them from a shared pool; the writer reads them through their offset).
 */
export function utf8(text: string): Uint8Array {
  return Buffer.from(text, 'utf8');
}
