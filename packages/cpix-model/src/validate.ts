import { isCommonEncryptionScheme } from './encryption-schemes.js';
import { withCpixErrors } from './errors.js';
import type { ContentKeyUsageRule, CpixDocument, DrmSystem, VideoFilter } from './model.js';

/** One thing wrong (error) or doubtful (warning) in a document, found by {@link validateCpix}. */
export interface CpixProblem {
  code: CpixProblemCode;
  severity: 'error' | 'warning';
  /** Where, e.g. `/CPIX/DRMSystemList/DRMSystem[3]/@kid`. */
  path: string;
  message: string;
}

/** The stable codes of {@link CpixProblem}. */
export type CpixProblemCode =
  | 'DUPLICATE_KID'
  | 'DUPLICATE_DRM_SYSTEM'
  | 'DUPLICATE_ID'
  | 'UNKNOWN_KEY'
  | 'UNKNOWN_PERIOD'
  | 'HLS_PLAYLIST_NOT_UNIQUE'
  | 'DUPLICATE_PERIOD_INDEX'
  | 'INVALID_PERIOD'
  | 'PERIOD_OVERLAP'
  | 'FILTER_BOUNDS'
  | 'EMPTY_BITRATE_FILTER'
  | 'INVALID_IV_LENGTH'
  | 'INVALID_KEY_LENGTH'
  | 'INVALID_MAC_LENGTH'
  | 'UNKNOWN_SCHEME'
  | 'FAIRPLAY_NEEDS_CBCS'
  | 'RULES_OVERLAP';

/** FairPlay's DRM system id. */
const FAIRPLAY = '94ce86fb-07ff-4f43-adb8-93d2fa968ca2';
/** HMAC output sizes by XML-DSig algorithm URI. */
const MAC_LENGTHS: Record<string, number> = {
  'http://www.w3.org/2001/04/xmldsig-more#hmac-sha512': 64,
  'http://www.w3.org/2001/04/xmldsig-more#hmac-sha384': 48,
  'http://www.w3.org/2001/04/xmldsig-more#hmac-sha256': 32,
  'http://www.w3.org/2000/09/xmldsig#hmac-sha1': 20,
};

/**
 * Checks a document's meaning beyond the schema and returns every problem found, errors and
 * warnings, each with a stable code and a path: duplicate KIDs, duplicate (systemId, kid) pairs,
 * duplicate ids, references to keys or periods that are not in the document, HLS playlist
 * uniqueness, key periods (duplicate index, end before start, overlapping times), filter bounds
 * (min ≤ max, a BitrateFilter needs a bound), IV/key/MAC lengths, encryption scheme against the
 * DRM systems (FairPlay needs `cbcs`), and usage rules for different keys that can match the same
 * track (a warning: AWS's own presets do it). KIDs and system ids are compared case-insensitively.
 */
export function validateCpix(document: CpixDocument): CpixProblem[] {
  return withCpixErrors('validateCpix', () => collectProblems(document));
}

function collectProblems(document: CpixDocument): CpixProblem[] {
  const problems: CpixProblem[] = [];
  const error = (code: CpixProblemCode, path: string, message: string): void => {
    problems.push({ code, severity: 'error', path, message });
  };
  const warning = (code: CpixProblemCode, path: string, message: string): void => {
    problems.push({ code, severity: 'warning', path, message });
  };

  checkIds(document, error);

  const keysPath = '/CPIX/ContentKeyList/ContentKey';
  const keys = document.contentKeyList?.contentKeys ?? [];
  const kids = new Map<string, number>();
  const macLength = macLengthOf(document);
  keys.forEach((key, index) => {
    const path = `${keysPath}[${index + 1}]`;
    const kid = key.kid.toLowerCase();
    const first = kids.get(kid);
    if (first !== undefined)
      error('DUPLICATE_KID', `${path}/@kid`, `KID ${key.kid} is already used by ContentKey[${first + 1}]`);
    else kids.set(kid, index);
    if (key.explicitIV !== undefined && key.explicitIV.length !== 16) {
      error('INVALID_IV_LENGTH', `${path}/@explicitIV`, `explicitIV is ${key.explicitIV.length} bytes, not 16`);
    }
    const secret = key.data?.secret;
    if (secret?.plainValue !== undefined && secret.plainValue.length !== 16) {
      error(
        'INVALID_KEY_LENGTH',
        `${path}/Data/Secret/PlainValue`,
        `Content key is ${secret.plainValue.length} bytes, not 16`,
      );
    }
    // AES-256-CBC of a 16-byte key with PKCS#7 padding is 32 bytes, after the 16-byte IV.
    if (secret?.encryptedValue !== undefined && secret.encryptedValue.cipherValue.length !== 48) {
      error(
        'INVALID_KEY_LENGTH',
        `${path}/Data/Secret/EncryptedValue`,
        `Encrypted content key is ${secret.encryptedValue.cipherValue.length} bytes, not 48 (IV and two blocks)`,
      );
    }
    if (secret?.valueMac !== undefined && macLength !== undefined && secret.valueMac.length !== macLength) {
      error(
        'INVALID_MAC_LENGTH',
        `${path}/Data/Secret/ValueMAC`,
        `ValueMAC is ${secret.valueMac.length} bytes, not ${macLength}`,
      );
    }
    if (key.commonEncryptionScheme !== undefined && !isCommonEncryptionScheme(key.commonEncryptionScheme)) {
      warning(
        'UNKNOWN_SCHEME',
        `${path}/@commonEncryptionScheme`,
        `Unknown encryption scheme "${key.commonEncryptionScheme}"`,
      );
    }
    if (key.dependsOnKey !== undefined && !hasKey(document, key.dependsOnKey)) {
      error('UNKNOWN_KEY', `${path}/@dependsOnKey`, `dependsOnKey ${key.dependsOnKey} is not in the ContentKeyList`);
    }
  });

  document.deliveryDataList?.deliveryData.forEach((data, index) => {
    data.documentKeys.forEach((documentKey, keyIndex) => {
      if (documentKey.encryptsKey !== undefined && !hasKey(document, documentKey.encryptsKey)) {
        error(
          'UNKNOWN_KEY',
          `/CPIX/DeliveryDataList/DeliveryData[${index + 1}]/DocumentKey[${keyIndex + 1}]/@encryptsKey`,
          `encryptsKey ${documentKey.encryptsKey} is not in the ContentKeyList`,
        );
      }
    });
  });

  checkDrmSystems(document, error);
  checkPeriods(document, error);
  checkRules(document, error, warning);
  return problems;
}

type Report = (code: CpixProblemCode, path: string, message: string) => void;

function hasKey(document: CpixDocument, kid: string): boolean {
  const wanted = kid.toLowerCase();
  return document.contentKeyList?.contentKeys.some((key) => key.kid.toLowerCase() === wanted) ?? false;
}

function macLengthOf(document: CpixDocument): number | undefined {
  const algorithm = document.deliveryDataList?.deliveryData.find((data) => data.macMethod !== undefined)?.macMethod
    ?.algorithm;
  return algorithm === undefined ? undefined : MAC_LENGTHS[algorithm];
}

function checkIds(document: CpixDocument, error: Report): void {
  const seen = new Map<string, string>();
  const visit = (id: string | undefined, path: string): void => {
    if (id === undefined) return;
    const first = seen.get(id);
    if (first !== undefined) error('DUPLICATE_ID', `${path}/@id`, `id "${id}" is already used at ${first}`);
    else seen.set(id, path);
  };
  visit(document.id, '/CPIX');
  const lists = [
    ['DeliveryDataList', 'DeliveryData', document.deliveryDataList, document.deliveryDataList?.deliveryData],
    ['ContentKeyList', 'ContentKey', document.contentKeyList, document.contentKeyList?.contentKeys],
    ['DRMSystemList', 'DRMSystem', document.drmSystemList, document.drmSystemList?.drmSystems],
    [
      'ContentKeyPeriodList',
      'ContentKeyPeriod',
      document.contentKeyPeriodList,
      document.contentKeyPeriodList?.contentKeyPeriods,
    ],
    [
      'ContentKeyUsageRuleList',
      'ContentKeyUsageRule',
      document.contentKeyUsageRuleList,
      document.contentKeyUsageRuleList?.contentKeyUsageRules,
    ],
    [
      'UpdateHistoryItemList',
      'UpdateHistoryItem',
      document.updateHistoryItemList,
      document.updateHistoryItemList?.updateHistoryItems,
    ],
  ] as const;
  for (const [listName, itemName, list, items] of lists) {
    if (list === undefined) continue;
    visit(list.id, `/CPIX/${listName}`);
    items?.forEach((item: { id?: string }, index: number) => {
      visit(item.id, `/CPIX/${listName}/${itemName}[${index + 1}]`);
    });
  }
}

function checkDrmSystems(document: CpixDocument, error: Report): void {
  const pairs = new Map<string, number>();
  const keyList = document.contentKeyList;
  document.drmSystemList?.drmSystems.forEach((system: DrmSystem, index) => {
    const path = `/CPIX/DRMSystemList/DRMSystem[${index + 1}]`;
    const pair = `${system.systemId.toLowerCase()} ${system.kid.toLowerCase()}`;
    const first = pairs.get(pair);
    if (first !== undefined)
      error(
        'DUPLICATE_DRM_SYSTEM',
        path,
        `DRMSystem for system ${system.systemId} and KID ${system.kid} repeats DRMSystem[${first + 1}]`,
      );
    else pairs.set(pair, index);
    const key = keyList?.contentKeys.find((k) => k.kid.toLowerCase() === system.kid.toLowerCase());
    if (keyList !== undefined && key === undefined)
      error('UNKNOWN_KEY', `${path}/@kid`, `KID ${system.kid} is not in the ContentKeyList`);
    const playlists = new Set<string>();
    const signaling = system.hlsSignalingData ?? [];
    if (signaling.length > 2)
      error(
        'HLS_PLAYLIST_NOT_UNIQUE',
        `${path}/HLSSignalingData[3]`,
        'A DRMSystem has at most two HLSSignalingData (media and multi-variant)',
      );
    signaling.forEach((item, itemIndex) => {
      const playlist = item.playlist === 'multiVariant' ? 'master' : (item.playlist ?? 'media');
      if (playlists.has(playlist))
        error(
          'HLS_PLAYLIST_NOT_UNIQUE',
          `${path}/HLSSignalingData[${itemIndex + 1}]`,
          `Two HLSSignalingData for the ${playlist} playlist`,
        );
      playlists.add(playlist);
    });
    if (
      system.systemId.toLowerCase() === FAIRPLAY &&
      key?.commonEncryptionScheme !== undefined &&
      key.commonEncryptionScheme !== 'cbcs'
    ) {
      error(
        'FAIRPLAY_NEEDS_CBCS',
        path,
        `FairPlay signalling for KID ${system.kid}, whose commonEncryptionScheme is ${key.commonEncryptionScheme}, not cbcs`,
      );
    }
  });
}

function checkPeriods(document: CpixDocument, error: Report): void {
  const periods = document.contentKeyPeriodList?.contentKeyPeriods ?? [];
  const indexes = new Map<number, number>();
  const timed: { index: number; start: number; end: number }[] = [];
  periods.forEach((period, index) => {
    const path = `/CPIX/ContentKeyPeriodList/ContentKeyPeriod[${index + 1}]`;
    if (period.index !== undefined) {
      const first = indexes.get(period.index);
      if (first !== undefined)
        error(
          'DUPLICATE_PERIOD_INDEX',
          `${path}/@index`,
          `Period index ${period.index} repeats ContentKeyPeriod[${first + 1}]`,
        );
      else indexes.set(period.index, index);
    }
    const start = period.start === undefined ? undefined : Date.parse(period.start);
    const end = period.end === undefined ? undefined : Date.parse(period.end);
    if (Number.isNaN(start) || Number.isNaN(end)) {
      error('INVALID_PERIOD', path, 'start or end is not a date-time');
      return;
    }
    if ((start === undefined) !== (end === undefined)) {
      error('INVALID_PERIOD', path, 'A period with a start needs an end, and the other way round');
      return;
    }
    // Stryker disable next-line LogicalOperator: the check above leaves start and end both set or both unset
    if (start !== undefined && end !== undefined) {
      if (end <= start) error('INVALID_PERIOD', path, 'end is not after start');
      else timed.push({ index, start, end });
    }
  });
  timed.sort((a, b) => a.start - b.start);
  for (let i = 1; i < timed.length; i += 1) {
    const previous = timed[i - 1]!;
    const current = timed[i]!;
    if (current.start < previous.end) {
      error(
        'PERIOD_OVERLAP',
        `/CPIX/ContentKeyPeriodList/ContentKeyPeriod[${current.index + 1}]`,
        `Period overlaps ContentKeyPeriod[${previous.index + 1}]`,
      );
    }
  }
}

function checkRules(document: CpixDocument, error: Report, warning: Report): void {
  const rules = document.contentKeyUsageRuleList?.contentKeyUsageRules ?? [];
  const periodIds = new Set((document.contentKeyPeriodList?.contentKeyPeriods ?? []).map((period) => period.id));
  rules.forEach((rule, index) => {
    const path = `/CPIX/ContentKeyUsageRuleList/ContentKeyUsageRule[${index + 1}]`;
    if (document.contentKeyList !== undefined && !hasKey(document, rule.kid))
      error('UNKNOWN_KEY', `${path}/@kid`, `KID ${rule.kid} is not in the ContentKeyList`);
    rule.keyPeriodFilters?.forEach((filter, i) => {
      if (!periodIds.has(filter.periodId))
        error(
          'UNKNOWN_PERIOD',
          `${path}/KeyPeriodFilter[${i + 1}]/@periodId`,
          `Period "${filter.periodId}" is not in the ContentKeyPeriodList`,
        );
    });
    rule.videoFilters?.forEach((filter, i) => {
      const filterPath = `${path}/VideoFilter[${i + 1}]`;
      checkBounds(filter.minPixels, filter.maxPixels, filterPath, 'Pixels', error);
      checkBounds(filter.minFps, filter.maxFps, filterPath, 'Fps', error);
    });
    rule.audioFilters?.forEach((filter, i) => {
      checkBounds(filter.minChannels, filter.maxChannels, `${path}/AudioFilter[${i + 1}]`, 'Channels', error);
    });
    rule.bitrateFilters?.forEach((filter, i) => {
      const filterPath = `${path}/BitrateFilter[${i + 1}]`;
      if (filter.minBitrate === undefined && filter.maxBitrate === undefined)
        error('EMPTY_BITRATE_FILTER', filterPath, 'A BitrateFilter needs minBitrate, maxBitrate or both');
      checkBounds(filter.minBitrate, filter.maxBitrate, filterPath, 'Bitrate', error);
    });
  });
  for (let b = 1; b < rules.length; b += 1) {
    for (let a = 0; a < b; a += 1) {
      const ruleA = rules[a]!;
      const ruleB = rules[b]!;
      if (ruleA.kid.toLowerCase() === ruleB.kid.toLowerCase() || !rulesOverlap(ruleA, ruleB)) continue;
      warning(
        'RULES_OVERLAP',
        `/CPIX/ContentKeyUsageRuleList/ContentKeyUsageRule[${b + 1}]`,
        `Rule for KID ${ruleB.kid} can match the same tracks as ContentKeyUsageRule[${a + 1}] for KID ${ruleA.kid}`,
      );
    }
  }
}

function checkBounds(
  min: number | undefined,
  max: number | undefined,
  path: string,
  name: string,
  error: Report,
): void {
  if (min !== undefined && max !== undefined && min > max)
    error('FILTER_BOUNDS', path, `min${name} ${min} is greater than max${name} ${max}`);
}

/**
 * Whether some track can match both rules. Filters of one type are alternatives, types combine
 * (the CPIX rule); a VideoFilter and an AudioFilter exclude each other; fps bounds are (min, max].
 * A track is assumed to carry one label, so rules with disjoint LabelFilters do not overlap.
 * Vendor filters are not understood and are ignored here.
 */
function rulesOverlap(a: ContentKeyUsageRule, b: ContentKeyUsageRule): boolean {
  const video = (r: ContentKeyUsageRule): boolean => (r.audioFilters?.length ?? 0) === 0;
  const audio = (r: ContentKeyUsageRule): boolean => (r.videoFilters?.length ?? 0) === 0;
  if (!((video(a) && video(b)) || (audio(a) && audio(b)))) return false;
  return (
    anyPair(a.videoFilters, b.videoFilters, videoFiltersOverlap) &&
    anyPair(a.audioFilters, b.audioFilters, (x, y) =>
      closedOverlap(x.minChannels, x.maxChannels, y.minChannels, y.maxChannels),
    ) &&
    anyPair(a.bitrateFilters, b.bitrateFilters, (x, y) =>
      closedOverlap(x.minBitrate, x.maxBitrate, y.minBitrate, y.maxBitrate),
    ) &&
    anyPair(a.labelFilters, b.labelFilters, (x, y) => x.label === y.label) &&
    anyPair(a.keyPeriodFilters, b.keyPeriodFilters, (x, y) => x.periodId === y.periodId)
  );
}

/** True when either side has no filter of the type (it matches everything), or some pair overlaps. */
function anyPair<T>(
  left: readonly T[] | undefined,
  right: readonly T[] | undefined,
  overlap: (x: T, y: T) => boolean,
): boolean {
  if (left === undefined || left.length === 0 || right === undefined || right.length === 0) return true;
  return left.some((x) => right.some((y) => overlap(x, y)));
}

function videoFiltersOverlap(x: VideoFilter, y: VideoFilter): boolean {
  if (x.hdr !== undefined && y.hdr !== undefined && x.hdr !== y.hdr) return false;
  if (x.wcg !== undefined && y.wcg !== undefined && x.wcg !== y.wcg) return false;
  if (!closedOverlap(x.minPixels, x.maxPixels, y.minPixels, y.maxPixels)) return false;
  const low = Math.max(x.minFps ?? Number.NEGATIVE_INFINITY, y.minFps ?? Number.NEGATIVE_INFINITY);
  const high = Math.min(x.maxFps ?? Number.POSITIVE_INFINITY, y.maxFps ?? Number.POSITIVE_INFINITY);
  return low < high;
}

function closedOverlap(
  minA: number | undefined,
  maxA: number | undefined,
  minB: number | undefined,
  maxB: number | undefined,
): boolean {
  return (
    Math.max(minA ?? Number.NEGATIVE_INFINITY, minB ?? Number.NEGATIVE_INFINITY) <=
    Math.min(maxA ?? Number.POSITIVE_INFINITY, maxB ?? Number.POSITIVE_INFINITY)
  );
}
