import type { CpixDocument, CpixWriteVersion } from '@cpixkit/cpix-model';
import { KeyServiceError } from './errors.js';
import {
  applyUsageRules,
  checkKeyCount,
  lowerKid,
  type PlannedKey,
  type PlannedSystem,
  readContentKeys,
  readDrmSystems,
  requireList,
  SLOT_NAMES,
  type SignaledSystem,
  type SignalingSlot,
  strictKidLookup,
} from './request-plan.js';
import type { ContentProtectionForm, WidevineStyle } from './signaling.js';
import type { Dialect, KeyServiceWarning, Tenant } from './types.js';

/** A request read and checked by its dialect's rules, ready to be answered. */
export interface CheckedRequest {
  contentId: string;
  keys: PlannedKey[];
  systems: PlannedSystem[];
  /** KIDs assigned by the server (`derive`) or kept from the request. */
  kidPolicy: 'keep' | 'derive';
}

/** What a dialect decides: how a request is checked and how its answer is written. */
export interface DialectProfile {
  /** The CPIX version written (`2.0`: no `version` attribute, as SPEKE v1 and PallyCon). */
  writeVersion: CpixWriteVersion;
  /** `CPIX@id` (SPEKE v1, PallyCon, ATEME) or `CPIX@contentId` (SPEKE v2) carries the content id. */
  contentIdAttribute: 'id' | 'contentId';
  check(document: CpixDocument, tenant: Tenant, warnings: KeyServiceWarning[]): CheckedRequest;
  /** The slots filled for a `DRMSystem`; may refuse or warn about what was asked. */
  slots(planned: PlannedSystem, warnings: KeyServiceWarning[]): SignalingSlot[];
  /** True when every key gets an `explicitIV`, not only FairPlay and AES-128 keys. */
  ivForEveryKey: boolean;
  contentProtectionForm: ContentProtectionForm;
  widevineStyle(tenant: Tenant): WidevineStyle;
  /** PallyCon's PERIOD_INDEX custom attribute and FairPlay URI forms. */
  pallyConStyle: boolean;
  /** Smallest RSA key of a recipient certificate for encrypted delivery (SPEKE uses 2048-bit certificates). */
  minimumRsaKeySize: number;
  headers(userAgent: string): Record<string, string>;
}

const CONTENT_TYPE = 'application/xml; charset=utf-8';

function refuse(code: ConstructorParameters<typeof KeyServiceError>[0], message: string): never {
  throw new KeyServiceError(code, 422, message);
}

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

/** PallyCon's Widevine data: algorithm, provider, content id (+ period), track type (HD when none), period index. */
function pallyConWidevineStyle(tenant: Tenant): WidevineStyle {
  const { provider } = tenant.settings.widevine;
  return {
    algorithm: true,
    ...(provider !== undefined ? { provider } : {}),
    contentId: 'content-id-and-period',
    trackType: true,
    defaultTrackType: 'HD',
    protectionScheme: false,
    cryptoPeriodIndex: true,
  };
}

/** Slots each system supports, per dialect family; the first list is also the default when none is asked for. */
const SPEKE_V2_SLOTS: Record<SignaledSystem, SignalingSlot[]> = {
  widevine: ['pssh', 'contentProtectionData', 'hls-media', 'hls-master'],
  playready: ['pssh', 'contentProtectionData', 'hls-media', 'hls-master', 'smoothStreaming'],
  fairplay: ['hls-media', 'hls-master'],
  aes128: ['uriExtXKey', 'hls-media', 'hls-master'],
  clearkey: ['pssh', 'contentProtectionData'],
  common: ['pssh', 'contentProtectionData'],
};
const SPEKE_V2_DEFAULT_AES128: SignalingSlot[] = ['hls-media', 'hls-master'];
const SPEKE_V1_SLOTS: Record<SignaledSystem, SignalingSlot[]> = {
  widevine: ['pssh'],
  playready: ['pssh', 'speke:ProtectionHeader'],
  fairplay: ['uriExtXKey', 'speke:KeyFormat', 'speke:KeyFormatVersions'],
  aes128: ['uriExtXKey', 'speke:KeyFormat', 'speke:KeyFormatVersions'],
  clearkey: ['pssh', 'contentProtectionData'],
  common: ['pssh', 'contentProtectionData'],
};
const PALLYCON_V2_SLOTS: Record<SignaledSystem, SignalingSlot[]> = {
  widevine: ['pssh', 'contentProtectionData'],
  playready: ['pssh', 'contentProtectionData', 'speke:ProtectionHeader'],
  fairplay: ['uriExtXKey', 'hls-media', 'hls-master'],
  aes128: ['uriExtXKey'],
  clearkey: ['pssh'],
  common: ['pssh'],
};
const PALLYCON_V1_SLOTS: Record<SignaledSystem, SignalingSlot[]> = {
  widevine: ['pssh'],
  playready: ['pssh'],
  fairplay: ['uriExtXKey'],
  aes128: ['uriExtXKey'],
  clearkey: ['pssh'],
  common: ['pssh'],
};

/** SPEKE: what is asked is answered, what cannot be is refused; nothing asked means everything supported. */
function spekeSlots(table: Record<SignaledSystem, SignalingSlot[]>, defaults?: Partial<Record<SignaledSystem, SignalingSlot[]>>) {
  return (planned: PlannedSystem): SignalingSlot[] => {
    const supported = table[planned.system];
    const asked = planned.requested;
    if (asked.length === 0) return defaults?.[planned.system] ?? supported;
    const unsupported = asked.find((slot) => !supported.includes(slot));
    if (unsupported !== undefined) {
      throw new KeyServiceError(
        'ERR_KEY_SERVICE_UNSUPPORTED_SIGNALING',
        422,
        `${planned.label}: ${planned.name} has no ${slotName(unsupported)}; it supports ${supported.map(slotName).join(', ')}`,
      );
    }
    return asked;
  };
}

/** PallyCon: the dialect's fixed set, whatever was asked; what was asked and is not in it is reported. */
function pallyConSlots(table: Record<SignaledSystem, SignalingSlot[]>) {
  return (planned: PlannedSystem, warnings: KeyServiceWarning[]): SignalingSlot[] => {
    const filled = table[planned.system];
    for (const slot of planned.requested) {
      if (!filled.includes(slot)) {
        warnings.push({
          code: 'SIGNALING_NOT_PROVIDED',
          path: planned.label,
          message: `${planned.name} ${slotName(slot)} is not part of this dialect's answer and was left out`,
        });
      }
    }
    return filled;
  };
}

function slotName(slot: SignalingSlot): string {
  return SLOT_NAMES[slot];
}

// --- SPEKE v2 ------------------------------------------------------------------------------------

function checkSpekeV2(document: CpixDocument, tenant: Tenant, warnings: KeyServiceWarning[]): CheckedRequest {
  if (document.version !== '2.3') {
    refuse(
      'ERR_KEY_SERVICE_UNSUPPORTED_VERSION',
      document.version === undefined
        ? 'a SPEKE v2 request is a CPIX 2.3 document (version="2.3"); this one has no version (SPEKE v1?)'
        : `a SPEKE v2 request is a CPIX 2.3 document; this one is version ${JSON.stringify(document.version.slice(0, 16))}`,
    );
  }
  const contentId = document.contentId;
  if (contentId === undefined || contentId.trim() === '') refuse('ERR_KEY_SERVICE_MISSING_CONTENT_ID', 'a SPEKE v2 request needs CPIX@contentId');
  if (document.id !== undefined) {
    warnings.push({ code: 'ID_IGNORED', path: '/CPIX/@id', message: 'CPIX@id is not part of SPEKE v2 and is not echoed' });
  }
  checkKeyCount(document, tenant);
  const keys = readContentKeys(requireList(document.contentKeyList?.contentKeys, 'ContentKeyList'), true);
  const systems = requireList(document.drmSystemList?.drmSystems, 'DRMSystemList');
  const rules = requireList(document.contentKeyUsageRuleList?.contentKeyUsageRules, 'ContentKeyUsageRuleList');
  const lookup = strictKidLookup(keys, 'ContentKeyUsageRuleList');
  rules.forEach((rule, index) => {
    const label = `ContentKeyUsageRule[${index + 1}]`;
    const trackType = rule.intendedTrackType;
    if (trackType === undefined || trackType.trim() === '') refuse('ERR_KEY_SERVICE_MISSING_TRACK_TYPE', `${label}: intendedTrackType is required`);
    if (trackType === 'ALL') {
      if (rules.length > 1) refuse('ERR_KEY_SERVICE_ALL_NOT_ALONE', `${label}: intendedTrackType ALL must be the only usage rule`);
      return;
    }
    if ((rule.videoFilters?.length ?? 0) + (rule.audioFilters?.length ?? 0) === 0) {
      refuse('ERR_KEY_SERVICE_RULE_WITHOUT_FILTER', `${label}: a usage rule needs a VideoFilter or an AudioFilter`);
    }
  });
  applyUsageRules(document, keys, lookup);
  const planned = readDrmSystems(systems, strictKidLookup(keys, 'DRMSystemList'), tenant.settings.aes128.enabled);
  for (const system of planned) {
    if (system.system === 'fairplay' && system.key.scheme !== 'cbcs') {
      refuse('ERR_KEY_SERVICE_FAIRPLAY_NEEDS_CBCS', `${system.label}: FairPlay needs a cbcs key; kid ${system.key.kid} is ${system.key.scheme}`);
    }
  }
  return { contentId, keys, systems: planned, kidPolicy: tenant.settings.kidPolicy };
}

// --- SPEKE v1 ------------------------------------------------------------------------------------

function checkSpekeV1(document: CpixDocument, tenant: Tenant): CheckedRequest {
  if (document.version !== undefined) {
    refuse('ERR_KEY_SERVICE_UNSUPPORTED_VERSION', `a SPEKE v1 request has no CPIX version; this one is version ${JSON.stringify(document.version.slice(0, 16))} (SPEKE v2?)`);
  }
  const contentId = document.id;
  if (contentId === undefined || contentId.trim() === '') refuse('ERR_KEY_SERVICE_MISSING_CONTENT_ID', 'a SPEKE v1 request needs CPIX@id');
  checkKeyCount(document, tenant);
  const keys = readContentKeys(requireList(document.contentKeyList?.contentKeys, 'ContentKeyList'), false);
  const systems = requireList(document.drmSystemList?.drmSystems, 'DRMSystemList');
  applyUsageRules(document, keys, strictKidLookup(keys, 'ContentKeyUsageRuleList'));
  const planned = readDrmSystems(systems, strictKidLookup(keys, 'DRMSystemList'), tenant.settings.aes128.enabled);
  return { contentId, keys, systems: planned, kidPolicy: tenant.settings.kidPolicy };
}

// --- PallyCon ------------------------------------------------------------------------------------

/**
 * PallyCon CPIX API v1/v2: the content id is `CPIX@id`; the server generates the KIDs. The KIDs of
 * a single-key request are placeholders ("you can enter any value"), so every `DRMSystem` and rule
 * of such a request belongs to its one key; with several keys they must name one.
 */
function checkPallyCon(document: CpixDocument, tenant: Tenant, warnings: KeyServiceWarning[]): CheckedRequest {
  const contentId = document.id;
  if (contentId === undefined || contentId.trim() === '') refuse('ERR_KEY_SERVICE_MISSING_CONTENT_ID', 'a PallyCon CPIX request needs CPIX@id (the content id)');
  checkKeyCount(document, tenant);
  const keys = readContentKeys(requireList(document.contentKeyList?.contentKeys, 'ContentKeyList'), false);
  const systems = requireList(document.drmSystemList?.drmSystems, 'DRMSystemList');
  const lookup = (element: string) => {
    if (keys.length > 1) return strictKidLookup(keys, element);
    const only = keys[0]!;
    return (kid: string, label: string): PlannedKey => {
      if (kid !== only.kid && lowerKid(kid) !== only.kid) {
        warnings.push({ code: 'KID_MAPPED_TO_ONLY_KEY', path: label, message: `kid ${lowerKid(kid)} is answered with the request's only content key` });
      }
      return only;
    };
  };
  applyUsageRules(document, keys, lookup('ContentKeyUsageRuleList'));
  const planned = readDrmSystems(systems, lookup('DRMSystemList'), tenant.settings.aes128.enabled);
  return { contentId, keys, systems: planned, kidPolicy: 'derive' };
}

// --- profiles ------------------------------------------------------------------------------------

const SPEKE_V2: DialectProfile = {
  writeVersion: '2.3',
  contentIdAttribute: 'contentId',
  check: checkSpekeV2,
  slots: spekeSlots(SPEKE_V2_SLOTS, { aes128: SPEKE_V2_DEFAULT_AES128 }),
  ivForEveryKey: false,
  contentProtectionForm: 'xml',
  widevineStyle: settingsWidevineStyle,
  pallyConStyle: false,
  minimumRsaKeySize: 2048,
  headers: (userAgent) => ({ 'content-type': CONTENT_TYPE, 'x-speke-version': '2.0', 'x-speke-user-agent': userAgent }),
};

const SPEKE_V1: DialectProfile = {
  writeVersion: '2.0',
  contentIdAttribute: 'id',
  check: (document, tenant) => checkSpekeV1(document, tenant),
  slots: spekeSlots(SPEKE_V1_SLOTS),
  ivForEveryKey: false,
  contentProtectionForm: 'xml',
  widevineStyle: settingsWidevineStyle,
  pallyConStyle: false,
  minimumRsaKeySize: 2048,
  headers: (userAgent) => ({ 'content-type': CONTENT_TYPE, 'speke-user-agent': userAgent }),
};

function pallyConProfile(table: Record<SignaledSystem, SignalingSlot[]>): DialectProfile {
  return {
    writeVersion: '2.0',
    contentIdAttribute: 'id',
    check: checkPallyCon,
    slots: pallyConSlots(table),
    ivForEveryKey: true,
    contentProtectionForm: 'payload',
    widevineStyle: pallyConWidevineStyle,
    pallyConStyle: true,
    minimumRsaKeySize: 3072,
    headers: () => ({ 'content-type': CONTENT_TYPE }),
  };
}

/** The profiles of the POSTed dialects (ATEME GET requests are built by `anevia.ts` and answered as PallyCon v1). */
export const DIALECT_PROFILES: Record<Exclude<Dialect, 'anevia'>, DialectProfile> = {
  'speke-v2': SPEKE_V2,
  'speke-v1': SPEKE_V1,
  'pallycon-v1': pallyConProfile(PALLYCON_V1_SLOTS),
  'pallycon-v2': pallyConProfile(PALLYCON_V2_SLOTS),
};
