import type { CpixDocument, CpixWarning } from '@cpixkit/cpix-model';
import type { DrmSystemKey } from '@cpixkit/pssh';
import type { CpixDialect } from './request.js';

/** A KID in the three spellings packagers ask for. */
export interface KeyIdForms {
  /** Lower-case dashed UUID (RFC 4122 byte order). */
  uuid: string;
  /** 32 lower-case hex digits. */
  hex: string;
  /** Base64 of the 16 bytes in RFC 4122 order (not the PlayReady GUID order). */
  base64: string;
}

/** Bytes (a key or an IV) as lower-case hex and as base64. */
export interface ByteForms {
  hex: string;
  base64: string;
}

/** The signalling of one DRM system for one key, decoded from its `DRMSystem`. Binary values are base64. */
export interface DrmSignaling {
  /** Lower-case system id. */
  systemId: string;
  /** `widevine`, `playready`, `fairplay`, `aes128`... when the system is known. */
  drm?: DrmSystemKey;
  /** Display name, or the system id. */
  name: string;
  /** The whole `pssh` box (from `PSSH`, or from the `<pssh>` of a SPEKE v2 `ContentProtectionData`). */
  pssh?: string;
  /** The box's `Data` without the box header (PallyCon's `pssh_payload_only`): Widevine protobuf, PlayReady Object. */
  psshPayload?: string;
  /** `ContentProtectionData` as received (SPEKE v2: an XML fragment; PallyCon: the PSSH payload). */
  contentProtectionData?: string;
  /** The licence URL of DASH-IF's `<dashif:Laurl>` in `ContentProtectionData` (ClearKey). */
  licenseUrl?: string;
  /** PlayReady Object for Smooth Streaming (`SmoothStreamingProtectionHeaderData` or `speke:ProtectionHeader`). */
  smoothStreamingProtectionHeader?: string;
  /** The `#EXT-X-KEY` line for media playlists. */
  hlsMediaLine?: string;
  /** The `#EXT-X-SESSION-KEY` line for multivariant (master) playlists. */
  hlsMasterLine?: string;
  /** The key URI of the HLS key tag: FairPlay's `skd://…`, an AES-128 key URL, a `data:` URI. */
  keyUri?: string;
  /** `KEYFORMAT` (from `speke:KeyFormat` or the HLS line). */
  keyFormat?: string;
  /** `KEYFORMATVERSIONS` (from `speke:KeyFormatVersions` or the HLS line). */
  keyFormatVersions?: string;
}

/** One content key of an answer, with everything a packager needs for it. */
export interface ContentKeyResult {
  kid: KeyIdForms;
  /** The content key. Secret: never log it. */
  key: ByteForms;
  /** `ContentKey@explicitIV`, when the server sent one. */
  iv?: ByteForms;
  /** `ContentKey@commonEncryptionScheme` of the answer, else the scheme requested. */
  scheme?: string;
  /** `ContentKeyUsageRule@intendedTrackType` for this key. */
  trackType?: string;
  /** The key period this key is for (key rotation). */
  period?: { id?: string; index?: number };
  /** The KID the request sent for this key, when the server assigned another (PallyCon, KID override). */
  requestedKid?: string;
  /** Signalling per DRM system, in the order of the answer's `DRMSystem`s. */
  drm: DrmSignaling[];
}

/** What a key request returns. */
export interface ContentKeysResult {
  dialect: CpixDialect;
  /** The content id of the answer (`contentId` or `id`), else the one requested. */
  contentId: string;
  /** One entry per key requested (in request order), or every key of an ATEME GET answer. */
  keys: ContentKeyResult[];
  /** What `@cpixkit/cpix-model` read past in the answer (elided base64, child order...). */
  warnings: CpixWarning[];
  /** The parsed answer (decrypted, if it was encrypted), for anything the typed result does not carry. It holds the keys. */
  document: CpixDocument;
  /** `X-Speke-Version` of the answer, when sent. */
  spekeVersion?: string;
  /** `X-Speke-User-Agent` (or SPEKE v1 `Speke-User-Agent`) of the answer, when sent. */
  serverUserAgent?: string;
  /** HTTP attempts made (1 when the first one succeeded). */
  attempts?: number;
}
