import type { CpixWriteVersion } from './model.js';

/**
 * What one CPIX version writes where the versions differ (everything else is written alike by
 * all). `true`: the version has the field and `serializeCpix` writes it when the model holds it;
 * `false`: the version has no such field, so it is left out (refused with `unrepresentable: 'error'`).
 */
export interface VersionFields {
  /** `CPIX@version` (2.0, the version SPEKE v1 speaks, has none). */
  version: boolean;
  /** The `HLSSignalingData@playlist` value of a multivariant playlist. */
  multiVariantPlaylist: 'master' | 'multiVariant';
  /** A list without items (2.4's lists hold one item at least: an empty one is left out). */
  emptyLists: boolean;
  /** More than one `DocumentKey` in a `DeliveryData`. */
  documentKeys: boolean;
  /** `DocumentKey@Algorithm`. */
  documentKeyAlgorithm: boolean;
  /** `DocumentKey@encryptsKey`. */
  documentKeyEncryptsKey: boolean;
  /** A `DocumentKey` without `Data`. */
  documentKeyWithoutData: boolean;
  /** The PSKC key fields around `Data` in `ContentKey` and `DocumentKey` (`Issuer`, `KeyProfileId`, `KeyReference`, `FriendlyName`, `UserId`, `Policy` …). */
  pskcKeyFields: boolean;
  /** `ContentKey@contentId`. */
  contentKeyContentId: boolean;
  /** `ContentKey@Algorithm`. */
  contentKeyAlgorithm: boolean;
  /** `ContentKey@commonEncryptionScheme` of any length (before 2.4, four characters). */
  anySchemeLength: boolean;
  /** `ContentKey@dependsOnKey`, `DocumentKey@encryptsKey` and `ContentKeyUsageRule@kid` that are not UUIDs (2.4 types them as UUIDs). */
  untypedKeyReferences: boolean;
  /** `ContentKey/HDCPData`. */
  hdcpData: boolean;
  /** `DRMSystem@HLSAllowedCPC`. */
  drmSystemAllowedCpc: boolean;
  /** `ContentProtectionData@robustness`. */
  robustness: boolean;
  /** `DRMSystem/URIExtXKey`. */
  uriExtXKey: boolean;
  /** `HLSSignalingData@allowedCPC`. */
  hlsSignalingAllowedCpc: boolean;
  /** `DRMSystem/HDSSignalingData`. */
  hdsSignalingData: boolean;
  /** `ContentKeyPeriod@label`, `@startOffset`, `@endOffset` and `@duration`. */
  periodLabelAndOffsets: boolean;
}

/** What CPIX 2.3 writes (2.0 writes the same without `CPIX@version`). */
const CPIX_2_3: Readonly<VersionFields> = {
  version: true,
  multiVariantPlaylist: 'master',
  emptyLists: true,
  documentKeys: false,
  documentKeyAlgorithm: true,
  documentKeyEncryptsKey: false,
  documentKeyWithoutData: true,
  pskcKeyFields: true,
  contentKeyContentId: false,
  contentKeyAlgorithm: true,
  anySchemeLength: false,
  untypedKeyReferences: true,
  hdcpData: false,
  drmSystemAllowedCpc: false,
  robustness: false,
  uriExtXKey: true,
  hlsSignalingAllowedCpc: false,
  hdsSignalingData: true,
  periodLabelAndOffsets: false,
};

/** What each CPIX version writes: 2.0 is 2.3 without `CPIX@version`; 2.4 adds and drops fields. */
export const VERSION_FIELDS: Readonly<Record<CpixWriteVersion, Readonly<VersionFields>>> = {
  '2.0': { ...CPIX_2_3, version: false },
  '2.3': CPIX_2_3,
  '2.4': {
    version: true,
    multiVariantPlaylist: 'multiVariant',
    emptyLists: false,
    documentKeys: true,
    documentKeyAlgorithm: false,
    documentKeyEncryptsKey: true,
    documentKeyWithoutData: false,
    pskcKeyFields: false,
    contentKeyContentId: true,
    contentKeyAlgorithm: false,
    anySchemeLength: true,
    untypedKeyReferences: false,
    hdcpData: true,
    drmSystemAllowedCpc: true,
    robustness: true,
    uriExtXKey: false,
    hlsSignalingAllowedCpc: true,
    hdsSignalingData: false,
    periodLabelAndOffsets: true,
  },
};
