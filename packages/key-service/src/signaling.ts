import { isCommonEncryptionScheme } from '@cpixkit/cpix-model';
import {
  encodePsshBox,
  encodeWidevinePsshData,
  WIDEVINE_SYSTEM_ID,
  WidevineAlgorithm,
  type WidevinePsshDataInit,
} from '@cpixkit/pssh';
import {
  buildWrmHeader,
  encodePlayReadyPsshBox,
  type PlayReadyAlgorithm,
  type WrmHeader,
  type WrmHeaderKey,
  type WrmHeaderVersion,
} from '@cpixkit/playready-header';
import type { AnswerBytes } from './answer-bytes.js';
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
  /** Write `algorithm` (AESCTR) for keys of a CTR scheme; it is never written for a CBC scheme, which it cannot name. */
  algorithm: boolean;
  provider?: string;
  contentId: TenantSettings['widevine']['contentId'];
  /** Write `track_type` for keys that have one. */
  trackType: boolean;
  /** Write `protection_scheme` for `cenc` keys too; it is always written for the other schemes. */
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
  /** The PlayReady Object (a view of the box's Data). */
  pro: Uint8Array;
  /** Base64 of the PRO: the Smooth Streaming header and part of `ContentProtectionData`, encoded once. */
  proBase64: string;
  /** The whole `pssh` box (version 0) holding the PRO. */
  pssh: Uint8Array;
  /** The header version written (4.3.0.0 for `cbcs` keys whatever the setting, as AESCBC requires). */
  version: WrmHeaderVersion;
  /** True when the configured version could not carry the key's algorithm and 4.3.0.0 was written. */
  upgraded: boolean;
}

/** The schemes encrypted with AES-CBC, which Widevine's `algorithm` field (AESCTR or none) cannot name. */
const CBC_SCHEMES = new Set(['cbcs', 'cbc1']);
/** A version 0 `pssh` box's header (size, type, version and flags, SystemID, DataSize): its Data follows. */
const PSSH_V0_HEADER_BYTES = 32;

/** Index as 16 lower-case hex digits, as PallyCon appends it to content ids. */
export function periodIndexHex(index: number): string {
  return index.toString(16).padStart(16, '0');
}

/**
 * Widevine PSSH data and box for one key. The scheme is reflected in the data as the PallyCon guide
 * says: `protection_scheme` for every scheme but `cenc` (and for `cenc` too when the style asks),
 * and no `algorithm` for a CBC scheme. The data's fields are set one by one rather than spread
 * from conditional objects, each of which copies through a slow generic path.
 */
export function widevineSignaling(input: KeySignalingInput, style: WidevineStyle): WidevineSignaling {
  const { contentId, periodIndex, scheme, trackType } = input;
  const init: WidevinePsshDataInit = { keyIds: [input.kid] };
  if (style.algorithm && !(scheme !== undefined && CBC_SCHEMES.has(scheme))) init.algorithm = WidevineAlgorithm.AESCTR;
  if (style.provider !== undefined) init.provider = style.provider;
  if (style.contentId === 'cpix-id') init.contentId = contentId;
  if (style.contentId === 'content-id-and-period') {
    init.contentId = periodIndex === undefined ? contentId : `${contentId}${periodIndexHex(periodIndex)}`;
  }
  if (style.trackType && trackType !== undefined) init.trackType = trackType;
  if (style.cryptoPeriodIndex && periodIndex !== undefined) init.cryptoPeriodIndex = periodIndex;
  if (scheme !== undefined && isCommonEncryptionScheme(scheme) && (style.protectionScheme || scheme !== 'cenc'))
    init.protectionScheme = scheme;
  const data = encodeWidevinePsshData(init);
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
  const key: WrmHeaderKey = { kid: input.kid, algId };
  if (settings.includeChecksum && algId === 'AESCTR') key.key = input.key;
  const header: WrmHeader = { version, keys: [key] };
  if (settings.laUrl !== undefined) header.laUrl = settings.laUrl;
  if (settings.luiUrl !== undefined) header.luiUrl = settings.luiUrl;
  if (settings.dsId !== undefined) header.dsId = settings.dsId;
  if (customAttributes !== undefined) header.customAttributes = customAttributes;
  const wrmHeader = buildWrmHeader(header);
  const pssh = encodePlayReadyPsshBox(wrmHeader);
  const pro = pssh.subarray(PSSH_V0_HEADER_BYTES);
  return { wrmHeader, pro, proBase64: base64(pro), pssh, version, upgraded };
}

/** Base64 of bytes, read in place (no copy into a new Buffer). */
function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * CPIX/SPEKE v2 `ContentProtectionData` text: `<pssh xmlns="urn:mpeg:cenc:2013">…</pssh>` and, for
 * PlayReady, `<pro xmlns="urn:microsoft:playready">…</pro>`, each declaring its own namespace, no
 * whitespace (what Axinom emits and the DASH `ContentProtection` element takes).
 */
export function contentProtectionXml(signaling: WidevineSignaling | PlayReadySignaling): string {
  const pssh = `<pssh xmlns="urn:mpeg:cenc:2013">${base64(signaling.pssh)}</pssh>`;
  return 'proBase64' in signaling ? `${pssh}<pro xmlns="urn:microsoft:playready">${signaling.proBase64}</pro>` : pssh;
}

/** `ContentProtectionData` of a Widevine or PlayReady key in the dialect's form (`xml` as UTF-8 in `bytes`). */
export function contentProtectionData(
  form: ContentProtectionForm,
  signaling: WidevineSignaling | PlayReadySignaling,
  bytes: AnswerBytes,
): Uint8Array {
  if (form === 'xml') return bytes.utf8(contentProtectionXml(signaling));
  return 'pro' in signaling ? signaling.pro : signaling.data;
}
