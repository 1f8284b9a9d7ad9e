import { CpixError, withCpixErrors } from './errors.js';
import type { ContentKey, ContentKeyPeriod, ContentKeyUsageRule, CpixDocument, VideoFilter } from './model.js';

/** The track (and moment) a content key is wanted for. Only what the document's filters ask about is needed. */
export interface ContentKeyContext {
  type: 'video' | 'audio';
  /** Pixels per picture (width × height). */
  pixels?: number;
  /** Nominal frames per second. */
  fps?: number;
  hdr?: boolean;
  wcg?: boolean;
  channels?: number;
  /** Bits per second. */
  bitrate?: number;
  /** The track's labels. */
  labels?: readonly string[];
  /** The key period: by its id, its index, or a moment within its start and end. */
  period?: { id: string } | { index: number } | { time: Date | string };
}

/** What {@link resolveContentKey} found: the key and the rules that chose it. */
export interface ResolvedContentKey {
  contentKey: ContentKey;
  /** The matching rules (several only when they all point at this key), with their paths. */
  rules: { rule: ContentKeyUsageRule; path: string }[];
}

/**
 * Finds the content key for a track by the document's usage rules, with the CPIX boundaries:
 * pixel, channel and bitrate bounds are inclusive; `minFps` is exclusive and `maxFps` inclusive;
 * `hdr`/`wcg` must equal the track's when present; a LabelFilter matches one of the track's labels;
 * a KeyPeriodFilter matches the period given in the context (by id, by index, or by a time within
 * start ≤ t < end). Filters of one type are alternatives; different types must all match; a
 * VideoFilter never matches audio and an AudioFilter never matches video.
 *
 * Several matching rules for the same key are fine. Matching rules for different keys throw
 * `ERR_CPIX_AMBIGUOUS_KEY` listing them; no match throws `ERR_CPIX_NO_MATCHING_KEY`; a filter that
 * needs a context value that was not given throws `ERR_CPIX_INCOMPLETE_CONTEXT` (a bound that is
 * absent needs nothing: an `AudioFilter` without channel bounds matches any audio track); a rule with
 * filters this library does not know throws `ERR_CPIX_UNSUPPORTED_FILTER`. A document without
 * usage rules resolves to its only key.
 */
export function resolveContentKey(document: CpixDocument, context: ContentKeyContext): ResolvedContentKey {
  return withCpixErrors('resolveContentKey', () => resolve(document, context));
}

function resolve(document: CpixDocument, context: ContentKeyContext): ResolvedContentKey {
  if (context.type !== 'video' && context.type !== 'audio') {
    throw new CpixError('ERR_CPIX_INCOMPLETE_CONTEXT', 'context.type must be video or audio');
  }
  const keys = document.contentKeyList?.contentKeys ?? [];
  const rules = document.contentKeyUsageRuleList?.contentKeyUsageRules;
  if (rules === undefined || rules.length === 0) {
    if (keys.length === 1) return { contentKey: keys[0]!, rules: [] };
    throw new CpixError('ERR_CPIX_NO_MATCHING_KEY', `The document has no usage rules and ${keys.length} content keys`);
  }
  const periods = document.contentKeyPeriodList?.contentKeyPeriods ?? [];
  const matches: { rule: ContentKeyUsageRule; path: string }[] = [];
  rules.forEach((rule, index) => {
    const path = `/CPIX/ContentKeyUsageRuleList/ContentKeyUsageRule[${index + 1}]`;
    if (ruleMatches(rule, path, context, periods)) matches.push({ rule, path });
  });
  if (matches.length === 0) throw new CpixError('ERR_CPIX_NO_MATCHING_KEY', 'No usage rule matches the track');
  const kids = new Set(matches.map((match) => match.rule.kid.toLowerCase()));
  if (kids.size > 1) {
    throw new CpixError(
      'ERR_CPIX_AMBIGUOUS_KEY',
      `Usage rules for different keys match the track: ${matches.map((match) => `${match.path} (KID ${match.rule.kid})`).join(', ')}`,
    );
  }
  const kid = [...kids][0]!;
  const contentKey = keys.find((key) => key.kid.toLowerCase() === kid);
  if (contentKey === undefined) {
    throw new CpixError(
      'ERR_CPIX_UNKNOWN_KEY',
      `The matching rule points at KID ${matches[0]!.rule.kid}, which is not in the ContentKeyList`,
      { path: `${matches[0]!.path}/@kid` },
    );
  }
  return { contentKey, rules: matches };
}

function ruleMatches(
  rule: ContentKeyUsageRule,
  path: string,
  context: ContentKeyContext,
  periods: readonly ContentKeyPeriod[],
): boolean {
  if (rule.extensions !== undefined && rule.extensions.length !== 0) {
    throw new CpixError(
      'ERR_CPIX_UNSUPPORTED_FILTER',
      'The rule has filters this library does not know; it cannot be evaluated',
      { path },
    );
  }
  return (
    some(rule.videoFilters, (filter) => context.type === 'video' && videoMatches(filter, context, path)) &&
    some(
      rule.audioFilters,
      (filter) =>
        context.type === 'audio' &&
        within(filter.minChannels, filter.maxChannels, () => need(context.channels, 'channels', path)),
    ) &&
    some(rule.bitrateFilters, (filter) =>
      within(filter.minBitrate, filter.maxBitrate, () => need(context.bitrate, 'bitrate', path)),
    ) &&
    some(rule.labelFilters, (filter) => need(context.labels, 'labels', path).includes(filter.label)) &&
    some(rule.keyPeriodFilters, (filter) =>
      periodMatches(filter.periodId, periods, need(context.period, 'period', path)),
    )
  );
}

/** A filter type that is absent matches everything; present, one of its filters must match. */
function some<T>(filters: readonly T[] | undefined, matches: (filter: T) => boolean): boolean {
  return filters === undefined || filters.length === 0 || filters.some(matches);
}

function need<T>(value: T | undefined, name: string, path: string): T {
  if (value === undefined)
    throw new CpixError('ERR_CPIX_INCOMPLETE_CONTEXT', `A filter needs the track's ${name}`, { path });
  return value;
}

/**
 * Whether the track's value lies within the inclusive bounds. The value is asked for only when a
 * bound is present: a filter without bounds matches every track, whether its value is known or not.
 */
function within(min: number | undefined, max: number | undefined, value: () => number): boolean {
  if (min === undefined && max === undefined) return true;
  const known = value();
  return (min === undefined || known >= min) && (max === undefined || known <= max);
}

function videoMatches(filter: VideoFilter, context: ContentKeyContext, path: string): boolean {
  if (filter.hdr !== undefined && need(context.hdr, 'hdr', path) !== filter.hdr) return false;
  if (filter.wcg !== undefined && need(context.wcg, 'wcg', path) !== filter.wcg) return false;
  if (!within(filter.minPixels, filter.maxPixels, () => need(context.pixels, 'pixels', path))) return false;
  if (filter.minFps !== undefined || filter.maxFps !== undefined) {
    const fps = need(context.fps, 'fps', path);
    if (filter.minFps !== undefined && fps <= filter.minFps) return false;
    if (filter.maxFps !== undefined && fps > filter.maxFps) return false;
  }
  return true;
}

function periodMatches(
  periodId: string,
  periods: readonly ContentKeyPeriod[],
  wanted: NonNullable<ContentKeyContext['period']>,
): boolean {
  if ('id' in wanted) return periodId === wanted.id;
  const period = periods.find((p) => p.id === periodId);
  if (period === undefined) return false;
  if ('index' in wanted) return period.index === wanted.index;
  const time = typeof wanted.time === 'string' ? Date.parse(wanted.time) : wanted.time.getTime();
  if (Number.isNaN(time)) throw new CpixError('ERR_CPIX_INCOMPLETE_CONTEXT', 'context.period.time is not a date-time');
  // Stryker disable next-line ConditionalExpression,LogicalOperator: a missing bound parses to NaN, within which no time lies
  if (period.start === undefined || period.end === undefined) return false;
  return Date.parse(period.start) <= time && time < Date.parse(period.end);
}
