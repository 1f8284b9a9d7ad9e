/**
 * The CPIX 2.0–2.4 document model: plain objects, bytes as `Uint8Array`, KIDs and system ids as the
 * strings that were written. A list or element that was absent is `undefined`; an empty one is an
 * empty array or object, so "absent" and "empty" stay distinguishable (SPEKE depends on it).
 */

/** The XML namespaces a CPIX document uses, by role. */
export const CPIX_NAMESPACES = {
  cpix: 'urn:dashif:org:cpix',
  pskc: 'urn:ietf:params:xml:ns:keyprov:pskc',
  speke: 'urn:aws:amazon:com:speke',
  ds: 'http://www.w3.org/2000/09/xmldsig#',
  enc: 'http://www.w3.org/2001/04/xmlenc#',
} as const;

/** The CPIX versions `serializeCpix` can write. 2.0 is the SPEKE v1 style (no `version` attribute). */
export type CpixWriteVersion = '2.0' | '2.3' | '2.4';

/**
 * An element the model does not interpret, as a self-contained XML string: the namespace
 * declarations it relies on are repeated on its outermost element, so it can be placed anywhere.
 */
export type RawXml = string;

/** An attribute the model does not know, kept so that it can be echoed. */
export interface UnknownAttribute {
  /** Namespace URI, or `undefined` for an unqualified attribute. */
  namespace?: string;
  /** Prefix as written, used again when the attribute is echoed. */
  prefix?: string;
  localName: string;
  value: string;
}

/** What every modelled element can carry besides its known content. */
export interface Extensible {
  /** Child elements the model does not know, in document order. */
  extensions?: RawXml[];
  /** Attributes the model does not know. */
  unknownAttributes?: UnknownAttribute[];
}

/** The root `CPIX` element. */
export interface CpixDocument extends Extensible {
  id?: string;
  contentId?: string;
  name?: string;
  /** The `version` attribute as written (absent in CPIX 2.0 / SPEKE v1 documents). */
  version?: string;
  deliveryDataList?: DeliveryDataList;
  contentKeyList?: ContentKeyList;
  drmSystemList?: DrmSystemList;
  contentKeyPeriodList?: ContentKeyPeriodList;
  contentKeyUsageRuleList?: ContentKeyUsageRuleList;
  updateHistoryItemList?: UpdateHistoryItemList;
  /**
   * `ds:Signature` children of the root, verbatim, so that signatures survive a round trip. CPIX
   * places every signature here, the ones over a list referencing the list's `id`.
   */
  signatures?: RawXml[];
}

/** Attributes shared by the CPIX lists. */
export interface CpixList extends Extensible {
  id?: string;
  updateVersion?: number;
}

// ---------------------------------------------------------------------------------------------
// Encrypted data (xenc:EncryptedDataType), kept opaque: algorithm and bytes, never decrypted here.

/** An `xenc:EncryptedDataType` value: which algorithm, and the cipher bytes (IV first, as XML-Enc writes them). */
export interface EncryptedData extends Extensible {
  /** `EncryptionMethod/@Algorithm` (the element is optional in XML-Enc; CPIX always writes it). */
  algorithm?: string;
  /** Children of `EncryptionMethod` (`KeySize`, `OAEPparams`, `ds:DigestMethod`...), verbatim. */
  encryptionMethodParameters?: RawXml[];
  /** `CipherData/CipherValue`. */
  cipherValue: Uint8Array;
  /** `ds:KeyInfo`, verbatim, when present. */
  keyInfo?: RawXml;
  id?: string;
  type?: string;
  mimeType?: string;
  encoding?: string;
}

/** A `pskc:Secret`: either the plain value or the encrypted one, optionally with a MAC. */
export interface PskcSecret extends Extensible {
  plainValue?: Uint8Array;
  encryptedValue?: EncryptedData;
  /** `pskc:ValueMAC` over the encrypted value. */
  valueMac?: Uint8Array;
}

/** `pskc:KeyDataType` as CPIX uses it: the secret, and everything else kept verbatim. */
export interface KeyData extends Extensible {
  secret?: PskcSecret;
  /** `pskc:Counter`, `Time`, `TimeInterval`, `TimeDrift`, verbatim (not used by CPIX). */
  otherPskcData?: RawXml[];
}

/** The `pskc:KeyType` children a CPIX 2.0–2.3 `ContentKey` or `DocumentKey` may carry besides `Data`. */
export interface PskcKeyFields {
  issuer?: string;
  /** `AlgorithmParameters`, verbatim. */
  algorithmParameters?: RawXml;
  keyProfileId?: string;
  keyReference?: string;
  friendlyName?: string;
  userId?: string;
  /** `Policy`, verbatim. */
  policy?: RawXml;
  /** `Extensions` elements, verbatim. */
  pskcExtensions?: RawXml[];
  /** `@Algorithm` (CPIX 2.0–2.3). */
  algorithm?: string;
}

// ---------------------------------------------------------------------------------------------
// DeliveryDataList

/** The `DeliveryDataList`: one `DeliveryData` per recipient of an encrypted document. */
export interface DeliveryDataList extends CpixList {
  deliveryData: DeliveryData[];
}

/** One recipient of an encrypted document. */
export interface DeliveryData extends Extensible {
  id?: string;
  updateVersion?: number;
  name?: string;
  /** The recipient's `ds:KeyInfo`. */
  deliveryKey: DeliveryKey;
  /**
   * The document key(s) wrapped for this recipient. Empty on the request side, where a client
   * sends only its certificate. CPIX 2.3 allows one, 2.4 several.
   */
  documentKeys: DocumentKey[];
  macMethod?: MacMethod;
  description?: string;
  sendingEntity?: string;
  senderPointOfContact?: string;
  receivingEntity?: string;
  /** `SendingTime`, as written. The 2.3 and 2.4 schemas have no such element: it is written only with `unrepresentable: 'keep'`. */
  sendingTime?: string;
}

/** A recipient's `ds:KeyInfo`: its X.509 certificates, and the rest verbatim. */
export interface DeliveryKey extends Extensible {
  /** DER bytes of each `ds:X509Data/ds:X509Certificate`. */
  x509Certificates: Uint8Array[];
  /** Other `ds:KeyInfo` children (`KeyName`, `KeyValue`, other `X509Data` children...), verbatim. */
  otherKeyInfo?: RawXml[];
  id?: string;
}

/** The document key wrapped for one recipient. */
export interface DocumentKey extends Extensible, PskcKeyFields {
  id?: string;
  /** CPIX 2.4: the content key this document key encrypts. */
  encryptsKey?: string;
  data?: KeyData;
}

/** `MACMethod`: the MAC algorithm and the MAC key, wrapped with the recipient's public key (RSA-OAEP-MGF1P). */
export interface MacMethod extends Extensible {
  /** `@Algorithm`, e.g. `http://www.w3.org/2001/04/xmldsig-more#hmac-sha512`. */
  algorithm: string;
  /** The MAC key, read from `cpix:Key` or `pskc:MACKey`, written as `cpix:Key`. */
  key?: EncryptedData;
  /** `pskc:MACKeyReference`. */
  keyReference?: string;
}

// ---------------------------------------------------------------------------------------------
// ContentKeyList

/** The `ContentKeyList`. */
export interface ContentKeyList extends CpixList {
  contentKeys: ContentKey[];
}

/** A content key: its KID, IV, scheme, and its value (plain or encrypted) when answered. */
export interface ContentKey extends Extensible, PskcKeyFields {
  id?: string;
  /** The KID as written. */
  kid: string;
  explicitIV?: Uint8Array;
  /** `cenc`, `cbcs`, `cens`, `cbc1`, as written (lower-cased on read when it was not). */
  commonEncryptionScheme?: string;
  dependsOnKey?: string;
  /** CPIX 2.4: the content id of this key. */
  contentId?: string;
  /** CPIX 2.4 `HDCPData`. */
  hdcpData?: HdcpData;
  data?: KeyData;
}

/** CPIX 2.4 `HDCPData`. */
export interface HdcpData extends Extensible {
  hlsHdcpLevel?: string;
  hdcpOutputProtectionData?: Uint8Array;
}

// ---------------------------------------------------------------------------------------------
// DRMSystemList

/** The `DRMSystemList`. */
export interface DrmSystemList extends CpixList {
  drmSystems: DrmSystem[];
}

/** The `playlist` values across versions: `master` (≤ 2.3) and `multiVariant` (2.4) mean the same. */
export type HlsPlaylist = 'media' | 'master' | 'multiVariant';

/** One `HLSSignalingData`. */
export interface HlsSignalingData extends Extensible {
  playlist?: HlsPlaylist;
  /** CPIX 2.4 `allowedCPC`. */
  allowedCpc?: string;
  value: Uint8Array;
}

/** `ContentProtectionData` and its 2.4 `robustness`. */
export interface ContentProtectionData extends Extensible {
  value: Uint8Array;
  robustness?: string;
}

/** SPEKE v1 extensions of a `DRMSystem` (namespace `urn:aws:amazon:com:speke`). */
export interface SpekeDrmExtensions {
  protectionHeader?: Uint8Array;
  keyFormat?: Uint8Array;
  keyFormatVersions?: Uint8Array;
}

/** A `DRMSystem`: the signalling of one DRM system for one key. */
export interface DrmSystem extends Extensible {
  id?: string;
  updateVersion?: number;
  /** The system id as written (case kept). */
  systemId: string;
  kid: string;
  name?: string;
  /** CPIX 2.4 `HLSAllowedCPC`. */
  hlsAllowedCpc?: string;
  pssh?: Uint8Array;
  contentProtectionData?: ContentProtectionData;
  /** ≤ 2.3 only. */
  uriExtXKey?: Uint8Array;
  hlsSignalingData?: HlsSignalingData[];
  smoothStreamingProtectionHeaderData?: string;
  /** ≤ 2.3 only. */
  hdsSignalingData?: Uint8Array;
  speke?: SpekeDrmExtensions;
}

// ---------------------------------------------------------------------------------------------
// ContentKeyPeriodList

/** The `ContentKeyPeriodList`. */
export interface ContentKeyPeriodList extends CpixList {
  contentKeyPeriods: ContentKeyPeriod[];
}

/** A key period: by index (SPEKE, PallyCon) or by time. Times and durations as written. */
export interface ContentKeyPeriod extends Extensible {
  id?: string;
  index?: number;
  /** `xs:dateTime`, as written. */
  start?: string;
  end?: string;
  /** CPIX 2.4. */
  label?: string;
  /** CPIX 2.4, `xs:duration` as written. */
  startOffset?: string;
  endOffset?: string;
  duration?: string;
}

// ---------------------------------------------------------------------------------------------
// ContentKeyUsageRuleList

/** The `ContentKeyUsageRuleList`. */
export interface ContentKeyUsageRuleList extends CpixList {
  contentKeyUsageRules: ContentKeyUsageRule[];
}

/** A usage rule: which key a track uses, under which filters. Vendor filters (other namespaces) are kept in `extensions`. */
export interface ContentKeyUsageRule extends Extensible {
  id?: string;
  kid: string;
  intendedTrackType?: string;
  keyPeriodFilters?: KeyPeriodFilter[];
  labelFilters?: LabelFilter[];
  videoFilters?: VideoFilter[];
  audioFilters?: AudioFilter[];
  bitrateFilters?: BitrateFilter[];
}

/** `KeyPeriodFilter`. */
export interface KeyPeriodFilter extends Extensible {
  periodId: string;
}

/** `LabelFilter`. */
export interface LabelFilter extends Extensible {
  label: string;
}

/** `VideoFilter`; each bound optional. */
export interface VideoFilter extends Extensible {
  minPixels?: number;
  maxPixels?: number;
  hdr?: boolean;
  wcg?: boolean;
  minFps?: number;
  maxFps?: number;
}

/** `AudioFilter`. */
export interface AudioFilter extends Extensible {
  minChannels?: number;
  maxChannels?: number;
}

/** `BitrateFilter`. */
export interface BitrateFilter extends Extensible {
  minBitrate?: number;
  maxBitrate?: number;
}

// ---------------------------------------------------------------------------------------------
// UpdateHistoryItemList

/** The `UpdateHistoryItemList`. */
export interface UpdateHistoryItemList extends CpixList {
  updateHistoryItems: UpdateHistoryItem[];
}

/** One `UpdateHistoryItem`. */
export interface UpdateHistoryItem extends Extensible {
  id?: string;
  updateVersion: number;
  index: string;
  source: string;
  /** `xs:dateTime`, as written. */
  date: string;
}
