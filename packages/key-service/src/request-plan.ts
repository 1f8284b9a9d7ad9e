import { type ContentKey, type CpixDocument, type DrmSystem, isCommonEncryptionScheme } from '@cpixkit/cpix-model';
import { deriveKeyId } from '@cpixkit/key-seed';
import { findDrmSystem, normalizeUuid } from '@cpixkit/pssh';
import { refuse } from './errors.js';
import type { Tenant } from './types.js';

/** The DRM systems the engine signals. */
export type SignaledSystem = 'widevine' | 'playready' | 'fairplay' | 'aes128' | 'clearkey' | 'common';

/** Display names, for messages. */
export const SYSTEM_NAMES: Record<SignaledSystem, string> = {
  widevine: 'Widevine',
  playready: 'PlayReady',
  fairplay: 'FairPlay',
  aes128: 'HLS AES-128',
  clearkey: 'ClearKey',
  common: 'W3C Common PSSH',
};

/** The signalling elements a `DRMSystem` can ask for. */
export type SignalingSlot =
  | 'pssh'
  | 'contentProtectionData'
  | 'uriExtXKey'
  | 'hls-media'
  | 'hls-master'
  | 'smoothStreaming'
  | 'hds'
  | 'speke:ProtectionHeader'
  | 'speke:KeyFormat'
  | 'speke:KeyFormatVersions';

/** Element names of the slots, for messages. */
export const SLOT_NAMES: Record<SignalingSlot, string> = {
  pssh: 'PSSH',
  contentProtectionData: 'ContentProtectionData',
  uriExtXKey: 'URIExtXKey',
  'hls-media': 'HLSSignalingData (media)',
  'hls-master': 'HLSSignalingData (master)',
  smoothStreaming: 'SmoothStreamingProtectionHeaderData',
  hds: 'HDSSignalingData',
  'speke:ProtectionHeader': 'speke:ProtectionHeader',
  'speke:KeyFormat': 'speke:KeyFormat',
  'speke:KeyFormatVersions': 'speke:KeyFormatVersions',
};

/** One content key of the answer. */
export interface PlannedKey {
  /** The request's element (for an ATEME GET request, the one `aneviaRequest` builds). */
  source: ContentKey;
  /** The KID as the request wrote it. */
  requestKid: string;
  /** The KID answered, lower-case: the request's (policy `keep`) or a derived one. */
  kid: string;
  /** The KID as written in the answer: the request's spelling when kept, else {@link kid}. */
  writtenKid: string;
  scheme?: string;
  /** `intendedTrackType` of the usage rules of this key (several joined with `+`). */
  trackType?: string;
  /** `ContentKeyPeriod@index` of the usage rules of this key, when they agree on one. */
  periodIndex?: number;
  /** True when the usage rules name different periods. */
  periodAmbiguous: boolean;
}

/** One `DRMSystem` of the answer. */
export interface PlannedSystem {
  source: DrmSystem;
  system: SignaledSystem;
  key: PlannedKey;
  /** The slots the request asked for (empty elements, or elements already holding a value). */
  requested: SignalingSlot[];
  /** Where the request put it, for messages: `DRMSystem[n]`. */
  label: string;
  /** The system's display name, for messages. */
  name: string;
}

/**
 * The entry of a request KID in a map keyed by lower-case KIDs. The KID is looked up as written
 * first: requests almost always write the lower-case spelling, which then needs no normalising.
 */
export function getByKid<T>(map: ReadonlyMap<string, T>, kid: string): T | undefined {
  return map.get(kid) ?? map.get(normalizeUuid(kid));
}

/** The signalled system of a system id, or `undefined` for one the engine does not signal. */
export function signaledSystem(systemId: string): SignaledSystem | undefined {
  const key = findDrmSystem(systemId)?.key;
  return key === 'widevine' ||
    key === 'playready' ||
    key === 'fairplay' ||
    key === 'aes128' ||
    key === 'clearkey' ||
    key === 'common'
    ? key
    : undefined;
}

/** The slots a request `DRMSystem` asks for, in request order for HLS. */
export function requestedSlots(system: DrmSystem): SignalingSlot[] {
  const slots: SignalingSlot[] = [];
  if (system.pssh !== undefined) slots.push('pssh');
  if (system.contentProtectionData !== undefined) slots.push('contentProtectionData');
  if (system.uriExtXKey !== undefined) slots.push('uriExtXKey');
  for (const signaling of system.hlsSignalingData ?? []) {
    const slot: SignalingSlot =
      signaling.playlist === undefined || signaling.playlist === 'media' ? 'hls-media' : 'hls-master';
    if (!slots.includes(slot)) slots.push(slot);
  }
  if (system.smoothStreamingProtectionHeaderData !== undefined) slots.push('smoothStreaming');
  if (system.hdsSignalingData !== undefined) slots.push('hds');
  if (system.speke?.protectionHeader !== undefined) slots.push('speke:ProtectionHeader');
  if (system.speke?.keyFormat !== undefined) slots.push('speke:KeyFormat');
  if (system.speke?.keyFormatVersions !== undefined) slots.push('speke:KeyFormatVersions');
  return slots;
}

/** Refuses a request whose list is absent or empty. */
export function requireList<T>(items: T[] | undefined, name: string): T[] {
  if (items === undefined) refuse('ERR_KEY_SERVICE_MISSING_LIST', 422, `the request has no ${name}`);
  if (items.length === 0) refuse('ERR_KEY_SERVICE_EMPTY_LIST', 422, `the request's ${name} is empty`);
  return items;
}

/** Refuses more content keys than the tenant allows in one request. */
export function checkKeyCount(document: CpixDocument, tenant: Tenant): void {
  const count = document.contentKeyList?.contentKeys.length ?? 0;
  const max = tenant.settings.maxKeysPerRequest;
  if (count > max)
    refuse(
      'ERR_KEY_SERVICE_TOO_MANY_KEYS',
      413,
      `the request asks for ${count} content keys; at most ${max} per request`,
    );
  const systems = document.drmSystemList?.drmSystems.length ?? 0;
  if (systems > max * 8)
    refuse(
      'ERR_KEY_SERVICE_TOO_MANY_KEYS',
      413,
      `the request has ${systems} DRMSystem elements; at most ${max * 8} per request`,
    );
}

/**
 * The request's content keys, before KID policy: duplicates refused, keys sent with a value refused
 * (the key server issues keys), `commonEncryptionScheme` checked when given (required with `requireScheme`).
 */
export function readContentKeys(keys: ContentKey[], requireScheme: boolean): PlannedKey[] {
  const seen = new Set<string>();
  return keys.map((source, index) => {
    const label = `ContentKey[${index + 1}]`;
    const kid = normalizeUuid(source.kid);
    if (seen.has(kid))
      refuse('ERR_KEY_SERVICE_DUPLICATE_KID', 422, `${label}: kid ${kid} occurs more than once in the ContentKeyList`);
    seen.add(kid);
    if (source.explicitIV !== undefined && source.explicitIV.length !== 16) {
      refuse(
        'ERR_KEY_SERVICE_INVALID_IV',
        422,
        `${label}: explicitIV must be 16 bytes, it is ${source.explicitIV.length}`,
      );
    }
    if (source.data !== undefined)
      refuse(
        'ERR_KEY_SERVICE_KEY_PROVIDED',
        422,
        `${label}: the request carries key data; the key server issues the keys`,
      );
    const scheme = source.commonEncryptionScheme;
    if (scheme === undefined && requireScheme)
      refuse('ERR_KEY_SERVICE_MISSING_SCHEME', 422, `${label}: commonEncryptionScheme is required`);
    if (scheme !== undefined && !isCommonEncryptionScheme(scheme)) {
      refuse(
        'ERR_KEY_SERVICE_UNSUPPORTED_SCHEME',
        422,
        `${label}: commonEncryptionScheme ${JSON.stringify(scheme.slice(0, 16))} is not cenc, cbcs, cens or cbc1`,
      );
    }
    const planned: PlannedKey = { source, requestKid: source.kid, kid, writtenKid: source.kid, periodAmbiguous: false };
    if (scheme !== undefined) planned.scheme = scheme;
    return planned;
  });
}

/**
 * Reads the usage rules into the keys they name: their track types and key periods. Rules naming a
 * kid that is not a content key and period filters naming no period are refused. `mapKid` (given
 * the KID as the request wrote it) lets a dialect send the rules of an unknown kid to a key
 * (PallyCon's single-key requests).
 */
export function applyUsageRules(
  document: CpixDocument,
  keys: PlannedKey[],
  mapKid: (kid: string, label: string) => PlannedKey,
): void {
  const periods = new Map<string, number | undefined>();
  // Stryker disable next-line ArrayDeclaration: a text in place of the empty list has no id, so the loop below skips it alike
  for (const period of document.contentKeyPeriodList?.contentKeyPeriods ?? []) {
    if (period.id !== undefined) periods.set(period.id, period.index);
  }
  const trackTypes = new Map<PlannedKey, Set<string>>();
  const periodIndexes = new Map<PlannedKey, Set<number | undefined>>();
  (document.contentKeyUsageRuleList?.contentKeyUsageRules ?? []).forEach((rule, index) => {
    const label = `ContentKeyUsageRule[${index + 1}]`;
    const key = mapKid(rule.kid, label);
    if (rule.intendedTrackType !== undefined && rule.intendedTrackType !== '') {
      const set = trackTypes.get(key) ?? new Set<string>();
      set.add(rule.intendedTrackType);
      trackTypes.set(key, set);
    }
    for (const filter of rule.keyPeriodFilters ?? []) {
      if (!periods.has(filter.periodId)) {
        refuse(
          'ERR_KEY_SERVICE_UNKNOWN_PERIOD',
          422,
          `${label}: KeyPeriodFilter names period ${JSON.stringify(filter.periodId.slice(0, 80))}, which is not in the ContentKeyPeriodList`,
        );
      }
      const set = periodIndexes.get(key) ?? new Set<number | undefined>();
      set.add(periods.get(filter.periodId));
      periodIndexes.set(key, set);
    }
  });
  for (const key of keys) {
    const types = trackTypes.get(key);
    if (types !== undefined) key.trackType = [...types].sort().join('+');
    const indexes = periodIndexes.get(key);
    if (indexes === undefined) continue;
    if (indexes.size > 1) key.periodAmbiguous = true;
    const [only] = indexes;
    if (indexes.size === 1 && only !== undefined) key.periodIndex = only;
  }
}

/** The lookup of a request KID (as written) among the keys; unknown kids are refused. */
export function strictKidLookup(keys: PlannedKey[], element: string): (kid: string, label: string) => PlannedKey {
  const byKid = new Map(keys.map((key) => [key.kid, key]));
  return (kid, label) => {
    const key = getByKid(byKid, kid);
    if (key === undefined)
      refuse(
        'ERR_KEY_SERVICE_UNKNOWN_KID',
        422,
        `${label}: kid ${normalizeUuid(kid)} is not in the ContentKeyList (${element})`,
      );
    return key;
  };
}

/**
 * Replaces each key's KID by one derived from (content id, track type, period index) with the
 * tenant's derivation secret, so the same request gets the same KIDs on every instance. A key of a
 * scheme other than `cenc` adds its scheme (unless the tenant's `kidPerScheme` is off), so a
 * content's `cenc` and `cbcs` packages get different keys, as CPIX 2.3 advises for one content key
 * used with several schemes. Keys the context cannot tell apart are refused rather than merged.
 */
export function deriveKids(tenant: Tenant, contentId: string, keys: PlannedKey[]): void {
  const byDerived = new Map<string, PlannedKey>();
  const perScheme = tenant.settings.kidPerScheme;
  for (const key of keys) {
    if (key.periodAmbiguous) {
      refuse(
        'ERR_KEY_SERVICE_AMBIGUOUS_PERIOD',
        422,
        `kid ${key.kid}: its usage rules name different key periods, so no KID can be derived for it`,
      );
    }
    const kid = deriveKeyId(tenant.derivationSecret, {
      contentId,
      ...(key.trackType !== undefined ? { trackType: key.trackType } : {}),
      ...(key.periodIndex !== undefined ? { periodIndex: key.periodIndex } : {}),
      ...(perScheme && key.scheme !== undefined && key.scheme !== 'cenc' ? { scheme: key.scheme } : {}),
    });
    const other = byDerived.get(kid);
    if (other !== undefined) {
      refuse(
        'ERR_KEY_SERVICE_KID_COLLISION',
        422,
        `kids ${other.requestKid} and ${key.requestKid} have the same track type, key period and scheme, so they would get the same derived KID; give them distinct intendedTrackType values`,
      );
    }
    byDerived.set(kid, key);
    key.kid = kid;
    key.writtenKid = kid;
  }
}

/**
 * Maps the request's `DRMSystem`s to keys, refusing unknown systems and repeated (system, key) pairs.
 * `lookup` is given the KID as the request wrote it.
 */
export function readDrmSystems(
  systems: DrmSystem[],
  lookup: (kid: string, label: string) => PlannedKey,
  allowAes128: boolean,
): PlannedSystem[] {
  const seen = new Map<PlannedKey, Set<SignaledSystem>>();
  return systems.map((source, index) => {
    const label = `DRMSystem[${index + 1}]`;
    const system = signaledSystem(source.systemId);
    if (system === undefined) {
      refuse(
        'ERR_KEY_SERVICE_UNSUPPORTED_SYSTEM',
        422,
        `${label}: system id ${source.systemId} is not one this server signals (Widevine, PlayReady, FairPlay, HLS AES-128, ClearKey, W3C Common PSSH)`,
      );
    }
    if (system === 'aes128' && !allowAes128)
      refuse('ERR_KEY_SERVICE_AES128_DISABLED', 422, `${label}: HLS AES-128 is not enabled for this tenant`);
    const key = lookup(source.kid, label);
    const systemsOfKey = seen.get(key) ?? new Set<SignaledSystem>();
    if (systemsOfKey.has(system))
      refuse(
        'ERR_KEY_SERVICE_DUPLICATE_DRM_SYSTEM',
        422,
        `${label}: a second ${SYSTEM_NAMES[system]} DRMSystem for kid ${key.kid}`,
      );
    seen.set(key, systemsOfKey.add(system));
    return { source, system, key, requested: requestedSlots(source), label, name: SYSTEM_NAMES[system] };
  });
}
