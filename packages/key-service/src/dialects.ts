import type { CpixDocument, CpixWriteVersion } from '@cpixkit/cpix-model';
import { normalizeUuid } from '@cpixkit/pssh';
import { checkContentId, MAX_CONTENT_ID_LENGTH } from './content-id.js';
import { refuse } from './errors.js';
import type { FairPlayUriStyle } from './fairplay-uri.js';
import {
  applyUsageRules,
  checkKeyCount,
  type PlannedKey,
  type PlannedSystem,
  readContentKeys,
  readDrmSystems,
  requireList,
  type SignaledSystem,
  type SignalingSlot,
  strictKidLookup,
} from './request-plan.js';
import type { ContentProtectionForm, WidevineStyle } from './signaling.js';
import type { SlotTable } from './signaling-slots.js';
import type { SpekeRequestOptions } from './speke-routes.js';
import type { Dialect, KeyServiceWarning, SpekeRules, Tenant } from './types.js';

/** A request read and checked by its dialect's rules, ready to be answered. */
export interface CheckedRequest {
  contentId: string;
  keys: PlannedKey[];
  systems: PlannedSystem[];
  /** KIDs assigned by the server (`derive`) or kept from the request. */
  kidPolicy: 'keep' | 'derive';
  /** How the answer is written when the request decides it (Axinom's CPIX 2.2 requests); else the profile's. */
  answerAs?: { writeVersion: CpixWriteVersion; contentIdAttribute: 'id' | 'contentId' };
}

/** What a dialect decides: how a request is checked and how its answer is written. */
export interface DialectProfile {
  /** The CPIX version written (`2.0`: no `version` attribute, as SPEKE v1 and PallyCon). */
  writeVersion: CpixWriteVersion;
  /** `CPIX@id` (SPEKE v1, PallyCon, ATEME) or `CPIX@contentId` (SPEKE v2) carries the content id. */
  contentIdAttribute: 'id' | 'contentId';
  check(
    document: CpixDocument,
    tenant: Tenant,
    warnings: KeyServiceWarning[],
    options: SpekeRequestOptions,
  ): CheckedRequest;
  /** What the dialect fills per DRM system (read by `settleSlots`). */
  slots: SlotTable;
  /**
   * Which content keys carry an `explicitIV`: `every-key` (PallyCon), or `keys-with-iv-signaling`,
   * the keys of FairPlay and HLS AES-128 systems, whose URIs and lines carry the IV. A key the
   * request gave an IV always carries it.
   */
  explicitIvs: 'every-key' | 'keys-with-iv-signaling';
  /** Widevine and PlayReady `ContentProtectionData`: a CPIX XML fragment (`xml`) or PallyCon's bare PSSH data (`payload`). */
  contentProtectionForm: ContentProtectionForm;
  /** The fields of the Widevine PSSH data. */
  widevineStyle(tenant: Tenant): WidevineStyle;
  /** True when the PlayReady header of a key of a key period gets `<PERIOD_INDEX>n</PERIOD_INDEX>` in its CUSTOMATTRIBUTES (PallyCon). */
  playReadyPeriodIndex: boolean;
  /**
   * The FairPlay `skd://` URI: in the tenant's form (`tenant`, `settings.fairPlay`), or PallyCon's
   * (`pallycon`: `skd://<base64 KID>` for VOD keys, `skd://<content id><period index hex>` for live ones).
   */
  fairPlayUriStyle: FairPlayUriStyle;
  /** Smallest RSA key of a recipient certificate for encrypted delivery (SPEKE uses 2048-bit certificates). */
  minimumRsaKeySize: number;
  headers(userAgent: string): Record<string, string>;
}

const CONTENT_TYPE = 'application/xml; charset=utf-8';

function settingsWidevineStyle(tenant: Tenant): WidevineStyle {
  const { widevine } = tenant.settings;
  return {
    algorithm: widevine.algorithm,
    ...(widevine.provider !== undefined ? { provider: widevine.provider } : {}),
    contentId: widevine.contentId,
    trackType: widevine.trackType,
    protectionScheme: widevine.protectionScheme,
    cryptoPeriodIndex: true,
  };
}

/** PallyCon's Widevine data: algorithm, provider, content id (+ period), track type, period index. */
function pallyConWidevineStyle(tenant: Tenant): WidevineStyle {
  const { provider } = tenant.settings.widevine;
  return {
    algorithm: true,
    ...(provider !== undefined ? { provider } : {}),
    contentId: 'content-id-and-period',
    trackType: true,
    protectionScheme: false,
    cryptoPeriodIndex: true,
  };
}

/** PallyCon's track type for a key that no usage rule names: its keys and its Widevine data say `HD`. */
const PALLYCON_DEFAULT_TRACK_TYPE = 'HD';

const HLS: SignalingSlot[] = ['hls-media', 'hls-master'];
const HLS_KEY_URI: SignalingSlot[] = ['uriExtXKey', ...HLS];
const SPEKE_V1_HLS_KEY_URI: SignalingSlot[] = ['uriExtXKey', 'speke:KeyFormat', 'speke:KeyFormatVersions'];
/**
 * ClearKey and the W3C common system in SPEKE: the common `pssh` box, and for ClearKey the DASH-IF
 * licence URL in `ContentProtectionData`.
 */
const CLEARKEY: Pick<Record<SignaledSystem, SignalingSlot[]>, 'clearkey' | 'common'> = {
  clearkey: ['pssh', 'contentProtectionData'],
  common: ['pssh', 'contentProtectionData'],
};

/**
 * SPEKE v2: the CPIX 2.3 elements of each system (`URIExtXKey` too, still a 2.3 element); a
 * `DRMSystem` that asks for nothing gets all of them but `URIExtXKey`.
 */
const SPEKE_V2_SLOTS: SlotTable = {
  fillable: {
    widevine: ['pssh', 'contentProtectionData', ...HLS],
    playready: ['pssh', 'contentProtectionData', ...HLS, 'smoothStreaming'],
    fairplay: HLS_KEY_URI,
    aes128: HLS_KEY_URI,
    ...CLEARKEY,
  },
  defaults: {
    widevine: ['pssh', 'contentProtectionData', ...HLS],
    playready: ['pssh', 'contentProtectionData', ...HLS, 'smoothStreaming'],
    fairplay: HLS,
    aes128: HLS,
    ...CLEARKEY,
  },
  fixed: false,
};

/** SPEKE v1: the `speke:*` elements beside the CPIX ones; a `DRMSystem` that asks for nothing gets the v1 set. */
const SPEKE_V1_SLOTS: SlotTable = {
  fillable: {
    widevine: ['pssh', 'contentProtectionData', ...HLS],
    playready: ['pssh', 'contentProtectionData', ...HLS, 'speke:ProtectionHeader', 'smoothStreaming'],
    fairplay: [...SPEKE_V1_HLS_KEY_URI, ...HLS],
    aes128: [...SPEKE_V1_HLS_KEY_URI, ...HLS],
    ...CLEARKEY,
  },
  defaults: {
    widevine: ['pssh'],
    playready: ['pssh', 'speke:ProtectionHeader'],
    fairplay: SPEKE_V1_HLS_KEY_URI,
    aes128: SPEKE_V1_HLS_KEY_URI,
    ...CLEARKEY,
  },
  fixed: false,
};

/** PallyCon: the dialect's fixed set, whatever was asked. */
function pallyConSlots(slots: Record<SignaledSystem, SignalingSlot[]>): SlotTable {
  return { fillable: slots, defaults: slots, fixed: true };
}
const PALLYCON_V2_SLOTS = pallyConSlots({
  widevine: ['pssh', 'contentProtectionData'],
  playready: ['pssh', 'contentProtectionData', 'speke:ProtectionHeader'],
  fairplay: HLS_KEY_URI,
  aes128: ['uriExtXKey'],
  clearkey: ['pssh'],
  common: ['pssh'],
});
const PALLYCON_V1_SLOTS = pallyConSlots({
  widevine: ['pssh'],
  playready: ['pssh'],
  fairplay: ['uriExtXKey'],
  aes128: ['uriExtXKey'],
  clearkey: ['pssh'],
  common: ['pssh'],
});

// --- SPEKE v2 ---------------------------------------------------------------------------------

/** CPIX versions Axinom's `/SpekeV2` reads besides 2.3: USP's CPIX 2.2 requests, with or without `version`. */
const AXINOM_EARLIER_VERSIONS = new Set([undefined, '2.2']);

/**
 * How a SPEKE v2 answer is written, refusing the versions the rules do not read: AWS's, as the
 * profile says (CPIX 2.3, `contentId`); Axinom's, in the request's form (2.3, or without `version`
 * for USP's 2.2 requests) with the content id in the attribute the request used.
 */
function readSpekeV2Version(document: CpixDocument, rules: SpekeRules): CheckedRequest['answerAs'] {
  const contentIdAttribute = document.contentId === undefined ? 'id' : 'contentId';
  if (document.version === '2.3') return rules === 'axinom' ? { writeVersion: '2.3', contentIdAttribute } : undefined;
  if (rules === 'axinom' && AXINOM_EARLIER_VERSIONS.has(document.version))
    return { writeVersion: '2.0', contentIdAttribute };
  refuse(
    'ERR_KEY_SERVICE_UNSUPPORTED_VERSION',
    422,
    document.version === undefined
      ? 'a SPEKE v2 request is a CPIX 2.3 document (version="2.3"); this one has no version (SPEKE v1?)'
      : `a SPEKE v2 request is a CPIX 2.3 document; this one is version ${JSON.stringify(document.version.slice(0, 16))}`,
  );
}

/** The SPEKE v2 rules on usage rules: each names a track type and a filter, and `ALL` stands alone. */
function checkSpekeV2UsageRules(document: CpixDocument): void {
  const rules = requireList(document.contentKeyUsageRuleList?.contentKeyUsageRules, 'ContentKeyUsageRuleList');
  rules.forEach((rule, index) => {
    const label = `ContentKeyUsageRule[${index + 1}]`;
    const trackType = rule.intendedTrackType;
    if (trackType === undefined || trackType.trim() === '')
      refuse('ERR_KEY_SERVICE_MISSING_TRACK_TYPE', 422, `${label}: intendedTrackType is required`);
    if (trackType === 'ALL') {
      if (rules.length > 1)
        refuse('ERR_KEY_SERVICE_ALL_NOT_ALONE', 422, `${label}: intendedTrackType ALL must be the only usage rule`);
      return;
    }
    if ((rule.videoFilters?.length ?? 0) + (rule.audioFilters?.length ?? 0) === 0) {
      refuse(
        'ERR_KEY_SERVICE_RULE_WITHOUT_FILTER',
        422,
        `${label}: a usage rule needs a VideoFilter or an AudioFilter`,
      );
    }
  });
}

/**
 * SPEKE v2. Under AWS's rules (the SPEKE specification): CPIX 2.3, `contentId`, a scheme per key,
 * usage rules with track types and filters, FairPlay only on `cbcs` keys. Under Axinom's: also
 * USP's CPIX 2.2 requests (no `version`, `id` as content id, no scheme, no usage rules), and
 * FairPlay on a `cenc` key answered with a warning.
 */
function checkSpekeV2(
  document: CpixDocument,
  tenant: Tenant,
  warnings: KeyServiceWarning[],
  options: SpekeRequestOptions,
): CheckedRequest {
  const aws = options.spekeRules === 'aws';
  const answerAs = readSpekeV2Version(document, options.spekeRules);
  const contentId = aws ? document.contentId : (document.contentId ?? document.id);
  if (contentId === undefined || contentId.trim() === '')
    refuse('ERR_KEY_SERVICE_MISSING_CONTENT_ID', 422, 'a SPEKE v2 request needs CPIX@contentId');
  checkContentId(contentId, MAX_CONTENT_ID_LENGTH.speke);
  if (document.id !== undefined && document.contentId !== undefined) {
    warnings.push({
      code: 'ID_IGNORED',
      path: '/CPIX/@id',
      message: 'CPIX@id is not part of SPEKE v2 and is not echoed',
    });
  }
  checkKeyCount(document, tenant);
  const keys = readContentKeys(requireList(document.contentKeyList?.contentKeys, 'ContentKeyList'), aws);
  const systems = requireList(document.drmSystemList?.drmSystems, 'DRMSystemList');
  if (aws) checkSpekeV2UsageRules(document);
  applyUsageRules(document, keys, strictKidLookup(keys, 'ContentKeyUsageRuleList'));
  const planned = readDrmSystems(systems, strictKidLookup(keys, 'DRMSystemList'), tenant.settings.aes128.enabled);
  for (const system of planned) {
    const scheme = system.key.scheme ?? 'cenc';
    if (system.system !== 'fairplay' || scheme === 'cbcs') continue;
    if (aws)
      refuse(
        'ERR_KEY_SERVICE_FAIRPLAY_NEEDS_CBCS',
        422,
        `${system.label}: FairPlay needs a cbcs key; kid ${system.key.kid} is ${scheme}`,
      );
    warnings.push({
      code: 'FAIRPLAY_KEY_NOT_CBCS',
      path: system.label,
      message: `FairPlay plays cbcs keys; kid ${system.key.kid} is ${scheme}, answered as asked`,
    });
  }
  const checked: CheckedRequest = { contentId, keys, systems: planned, kidPolicy: kidPolicyOf(tenant, options) };
  if (answerAs !== undefined) checked.answerAs = answerAs;
  return checked;
}

/** The tenant's KID policy, or `derive` when the request asks Axinom's KID override. */
function kidPolicyOf(tenant: Tenant, options: SpekeRequestOptions): CheckedRequest['kidPolicy'] {
  return options.overrideKeyIds ? 'derive' : tenant.settings.kidPolicy;
}

// --- SPEKE v1 ------------------------------------------------------------------------------------

function checkSpekeV1(document: CpixDocument, tenant: Tenant, options: SpekeRequestOptions): CheckedRequest {
  if (document.version !== undefined) {
    refuse(
      'ERR_KEY_SERVICE_UNSUPPORTED_VERSION',
      422,
      `a SPEKE v1 request has no CPIX version; this one is version ${JSON.stringify(document.version.slice(0, 16))} (SPEKE v2?)`,
    );
  }
  const contentId = document.id;
  if (contentId === undefined || contentId.trim() === '')
    refuse('ERR_KEY_SERVICE_MISSING_CONTENT_ID', 422, 'a SPEKE v1 request needs CPIX@id');
  checkContentId(contentId, MAX_CONTENT_ID_LENGTH.speke);
  checkKeyCount(document, tenant);
  const keys = readContentKeys(requireList(document.contentKeyList?.contentKeys, 'ContentKeyList'), false);
  const systems = requireList(document.drmSystemList?.drmSystems, 'DRMSystemList');
  applyUsageRules(document, keys, strictKidLookup(keys, 'ContentKeyUsageRuleList'));
  const planned = readDrmSystems(systems, strictKidLookup(keys, 'DRMSystemList'), tenant.settings.aes128.enabled);
  return { contentId, keys, systems: planned, kidPolicy: kidPolicyOf(tenant, options) };
}

// --- PallyCon ------------------------------------------------------------------------------------

/**
 * PallyCon CPIX API v1/v2: the content id is `CPIX@id`; the server generates the KIDs. The KIDs of
 * a single-key request are placeholders ("you can enter any value"), so every `DRMSystem` and rule
 * of such a request belongs to its one key; with several keys they must name one.
 */
function checkPallyCon(document: CpixDocument, tenant: Tenant, warnings: KeyServiceWarning[]): CheckedRequest {
  const contentId = document.id;
  if (contentId === undefined || contentId.trim() === '')
    refuse('ERR_KEY_SERVICE_MISSING_CONTENT_ID', 422, 'a PallyCon CPIX request needs CPIX@id (the content id)');
  checkContentId(contentId, MAX_CONTENT_ID_LENGTH.pallyCon);
  checkKeyCount(document, tenant);
  const keys = readContentKeys(requireList(document.contentKeyList?.contentKeys, 'ContentKeyList'), false);
  const systems = requireList(document.drmSystemList?.drmSystems, 'DRMSystemList');
  const lookup = (element: string) => {
    if (keys.length > 1) return strictKidLookup(keys, element);
    const only = keys[0]!;
    return (kid: string, label: string): PlannedKey => {
      if (kid !== only.kid && normalizeUuid(kid) !== only.kid) {
        warnings.push({
          code: 'KID_MAPPED_TO_ONLY_KEY',
          path: label,
          message: `kid ${normalizeUuid(kid)} is answered with the request's only content key`,
        });
      }
      return only;
    };
  };
  applyUsageRules(document, keys, lookup('ContentKeyUsageRuleList'));
  // The track type the Widevine data names is the one the KID is derived from.
  for (const key of keys) key.trackType ??= PALLYCON_DEFAULT_TRACK_TYPE;
  const planned = readDrmSystems(systems, lookup('DRMSystemList'), tenant.settings.aes128.enabled);
  return { contentId, keys, systems: planned, kidPolicy: 'derive' };
}

// --- profiles ------------------------------------------------------------------------------------

const SPEKE_V2: DialectProfile = {
  writeVersion: '2.3',
  contentIdAttribute: 'contentId',
  check: checkSpekeV2,
  slots: SPEKE_V2_SLOTS,
  explicitIvs: 'keys-with-iv-signaling',
  contentProtectionForm: 'xml',
  widevineStyle: settingsWidevineStyle,
  playReadyPeriodIndex: false,
  fairPlayUriStyle: 'tenant',
  minimumRsaKeySize: 2048,
  headers: (userAgent) => ({ 'content-type': CONTENT_TYPE, 'x-speke-version': '2.0', 'x-speke-user-agent': userAgent }),
};

const SPEKE_V1: DialectProfile = {
  writeVersion: '2.0',
  contentIdAttribute: 'id',
  check: (document, tenant, _warnings, options) => checkSpekeV1(document, tenant, options),
  slots: SPEKE_V1_SLOTS,
  explicitIvs: 'keys-with-iv-signaling',
  contentProtectionForm: 'xml',
  widevineStyle: settingsWidevineStyle,
  playReadyPeriodIndex: false,
  fairPlayUriStyle: 'tenant',
  minimumRsaKeySize: 2048,
  headers: (userAgent) => ({ 'content-type': CONTENT_TYPE, 'speke-user-agent': userAgent }),
};

function pallyConProfile(table: SlotTable): DialectProfile {
  return {
    writeVersion: '2.0',
    contentIdAttribute: 'id',
    check: checkPallyCon,
    slots: table,
    explicitIvs: 'every-key',
    contentProtectionForm: 'payload',
    widevineStyle: pallyConWidevineStyle,
    playReadyPeriodIndex: true,
    fairPlayUriStyle: 'pallycon',
    minimumRsaKeySize: 3072,
    headers: () => ({ 'content-type': CONTENT_TYPE }),
  };
}

const PALLYCON_V1 = pallyConProfile(PALLYCON_V1_SLOTS);

/** The profile of each dialect. ATEME GET requests, whose CPIX request `anevia.ts` builds, are answered as PallyCon v1. */
export const DIALECT_PROFILES: Record<Dialect, DialectProfile> = {
  'speke-v2': SPEKE_V2,
  'speke-v1': SPEKE_V1,
  'pallycon-v1': PALLYCON_V1,
  'pallycon-v2': pallyConProfile(PALLYCON_V2_SLOTS),
  anevia: PALLYCON_V1,
};
