import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../tooling/src/thrown.js';
import {
  type ContentKeyContext,
  type ContentKeyUsageRule,
  type CpixDocument,
  CpixError,
  resolveContentKey,
} from './index.js';

// resolveContentKey's refusals compared whole (code, message, path), and the boundaries of the
// filters next to them.

const A = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const B = '1f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const RULE = '/CPIX/ContentKeyUsageRuleList/ContentKeyUsageRule';
const VIDEO: ContentKeyContext = { type: 'video' };
const withRules = (...rules: ContentKeyUsageRule[]): CpixDocument => ({
  contentKeyList: { contentKeys: [{ kid: A }, { kid: B }] },
  contentKeyPeriodList: {
    contentKeyPeriods: [
      { id: 'p', start: '2026-01-01T00:00:00Z', end: '2026-01-02T00:00:00Z' },
      { id: 'q', start: '2026-01-02T00:00:00Z' },
      { id: 'm', start: '2026-01-05T00:00:00.600Z', end: '2026-01-06T00:00:00Z' },
    ],
  },
  contentKeyUsageRuleList: { contentKeyUsageRules: rules },
});

function refusal(document: CpixDocument, context: ContentKeyContext): Pick<CpixError, 'code' | 'message' | 'path'> {
  const { code, message, path } = thrownBy(() => resolveContentKey(document, context), CpixError);
  return { code, message, path };
}
const at = (code: string, message: string, path?: string) => ({
  code,
  message: path === undefined ? message : `${message} (at ${path})`,
  path,
});
const kidFor = (document: CpixDocument, context: ContentKeyContext) =>
  resolveContentKey(document, context).contentKey.kid;

describe('resolveContentKey refuses', () => {
  it.each<[string, CpixDocument, ContentKeyContext, ReturnType<typeof at>]>([
    [
      'a context of no type',
      withRules(),
      { type: 'text' as 'video' },
      at('ERR_CPIX_INCOMPLETE_CONTEXT', 'context.type must be video or audio'),
    ],
    [
      'a document without rules and two keys',
      withRules(),
      VIDEO,
      at('ERR_CPIX_NO_MATCHING_KEY', 'The document has no usage rules and 2 content keys'),
    ],
    [
      'a document without keys or rules',
      {},
      VIDEO,
      at('ERR_CPIX_NO_MATCHING_KEY', 'The document has no usage rules and 0 content keys'),
    ],
    [
      'a track no rule matches',
      withRules({ kid: A, labelFilters: [{ label: 'x' }] }),
      { type: 'video', labels: ['y'] },
      at('ERR_CPIX_NO_MATCHING_KEY', 'No usage rule matches the track'),
    ],
    [
      'rules of two keys',
      withRules({ kid: A }, { kid: B }),
      VIDEO,
      at(
        'ERR_CPIX_AMBIGUOUS_KEY',
        `Usage rules for different keys match the track: ${RULE}[1] (KID ${A}), ${RULE}[2] (KID ${B})`,
      ),
    ],
    [
      'a rule to a missing key',
      { contentKeyUsageRuleList: { contentKeyUsageRules: [{ kid: A }] } },
      VIDEO,
      at(
        'ERR_CPIX_UNKNOWN_KEY',
        `The matching rule points at KID ${A}, which is not in the ContentKeyList`,
        `${RULE}[1]/@kid`,
      ),
    ],
    [
      'a rule with unknown filters',
      withRules({ kid: A, extensions: ['<x:f xmlns:x="urn:x"/>'] }),
      VIDEO,
      at(
        'ERR_CPIX_UNSUPPORTED_FILTER',
        'The rule has filters this library does not know; it cannot be evaluated',
        `${RULE}[1]`,
      ),
    ],
    [
      'a date-time that is not one',
      withRules({ kid: A, keyPeriodFilters: [{ periodId: 'p' }] }),
      { type: 'video', period: { time: 'x' } },
      at('ERR_CPIX_INCOMPLETE_CONTEXT', 'context.period.time is not a date-time'),
    ],
    ...(<[string, ContentKeyUsageRule, ContentKeyContext['type']][]>[
      ['channels', { kid: A, audioFilters: [{ minChannels: 2 }] }, 'audio'],
      ['bitrate', { kid: A, bitrateFilters: [{ maxBitrate: 2 }] }, 'video'],
      ['labels', { kid: A, labelFilters: [{ label: 'x' }] }, 'video'],
      ['period', { kid: A, keyPeriodFilters: [{ periodId: 'p' }] }, 'video'],
      ['hdr', { kid: A, videoFilters: [{ hdr: true }] }, 'video'],
      ['wcg', { kid: A, videoFilters: [{ wcg: true }] }, 'video'],
      ['pixels', { kid: A, videoFilters: [{ minPixels: 1 }] }, 'video'],
      ['fps', { kid: A, videoFilters: [{ maxFps: 1 }] }, 'video'],
    ]).map(
      ([name, rule, type]) =>
        [
          `a context without ${name}`,
          withRules(rule),
          { type },
          at('ERR_CPIX_INCOMPLETE_CONTEXT', `A filter needs the track's ${name}`, `${RULE}[1]`),
        ] as [string, CpixDocument, ContentKeyContext, ReturnType<typeof at>],
    ),
  ])('%s', (_, document, context, expected) => {
    expect(refusal(document, context)).toStrictEqual(expected);
  });
});

describe('resolveContentKey chooses', () => {
  it('by hdr and wcg, either way', () => {
    const document = withRules(
      { kid: A, videoFilters: [{ hdr: true, wcg: false }] },
      { kid: B, videoFilters: [{ hdr: false, wcg: true }] },
    );
    expect(kidFor(document, { type: 'video', hdr: true, wcg: false })).toBe(A);
    expect(kidFor(document, { type: 'video', hdr: false, wcg: true })).toBe(B);
    expect(refusal(document, { type: 'video', hdr: false, wcg: false }).code).toBe('ERR_CPIX_NO_MATCHING_KEY');
  });

  it('by fps above the minimum and up to the maximum', () => {
    const document = withRules({ kid: A, videoFilters: [{ maxFps: 30 }] }, { kid: B, videoFilters: [{ minFps: 30 }] });
    expect(kidFor(document, { type: 'video', fps: 30 })).toBe(A);
    expect(kidFor(document, { type: 'video', fps: 31 })).toBe(B);
  });

  it('by any one of several filters of a type', () => {
    const document = withRules(
      { kid: A, labelFilters: [{ label: 'x' }, { label: 'y' }] },
      { kid: B, labelFilters: [{ label: 'z' }] },
    );
    expect(kidFor(document, { type: 'video', labels: ['y'] })).toBe(A);
  });

  it('by a time within a period, not one of a period without end', () => {
    const document = withRules(
      { kid: A, keyPeriodFilters: [{ periodId: 'p' }] },
      { kid: B, keyPeriodFilters: [{ periodId: 'q' }, { periodId: 'r' }] },
    );
    expect(kidFor(document, { type: 'video', period: { time: '2026-01-01T12:00:00Z' } })).toBe(A);
    expect(kidFor(document, { type: 'video', period: { time: new Date('2026-01-01T00:00:00Z') } })).toBe(A);
    expect(refusal(document, { type: 'video', period: { time: '2026-01-03T00:00:00Z' } }).code).toBe(
      'ERR_CPIX_NO_MATCHING_KEY',
    );
  });

  it('by a Date to the millisecond', () => {
    const document = withRules(
      { kid: A, keyPeriodFilters: [{ periodId: 'm' }] },
      { kid: B, labelFilters: [{ label: 'b' }] },
    );
    expect(
      kidFor(document, { type: 'video', labels: [], period: { time: new Date('2026-01-05T00:00:00.700Z') } }),
    ).toBe(A);
  });

  it('with empty filter lists and empty extensions, as if absent', () => {
    expect(kidFor(withRules({ kid: A, labelFilters: [], extensions: [] }), VIDEO)).toBe(A);
  });
});
