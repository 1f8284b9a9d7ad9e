import { describe, expect, it } from 'vitest';
import {
  CpixError,
  resolveContentKey,
  type ContentKeyContext,
  type ContentKeyUsageRule,
  type CpixDocument,
} from './index.js';

const SD = '11111111-1111-4111-8111-111111111111';
const HD = '22222222-2222-4222-8222-222222222222';
const AUDIO = '33333333-3333-4333-8333-333333333333';

function document(rules: ContentKeyUsageRule[]): CpixDocument {
  return {
    contentKeyList: { contentKeys: [{ kid: SD }, { kid: HD }, { kid: AUDIO }] },
    contentKeyPeriodList: {
      contentKeyPeriods: [
        { id: 'p1', index: 7, start: '2026-01-01T00:00:00Z', end: '2026-01-01T01:00:00Z' },
        { id: 'p2', index: 8, start: '2026-01-01T01:00:00Z', end: '2026-01-01T02:00:00Z' },
      ],
    },
    contentKeyUsageRuleList: { contentKeyUsageRules: rules },
  };
}

const kidFor = (doc: CpixDocument, context: ContentKeyContext): string =>
  resolveContentKey(doc, context).contentKey.kid;

function failure(run: () => unknown): CpixError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CpixError);
    return error as CpixError;
  }
  throw new Error('expected a CpixError');
}

describe('resolveContentKey', () => {
  const ladder = document([
    { kid: SD, videoFilters: [{ maxPixels: 589_824 }] },
    { kid: HD, videoFilters: [{ minPixels: 589_825 }] },
    { kid: AUDIO, audioFilters: [{}] },
  ]);

  it('picks the key by pixels, bounds inclusive', () => {
    expect(kidFor(ladder, { type: 'video', pixels: 589_824 })).toBe(SD);
    expect(kidFor(ladder, { type: 'video', pixels: 589_825 })).toBe(HD);
    expect(kidFor(ladder, { type: 'audio', channels: 2 })).toBe(AUDIO);
  });

  it('treats minFps as exclusive and maxFps as inclusive', () => {
    const byFps = document([
      { kid: SD, videoFilters: [{ maxFps: 30 }] },
      { kid: HD, videoFilters: [{ minFps: 30 }] },
    ]);
    expect(kidFor(byFps, { type: 'video', fps: 30 })).toBe(SD);
    expect(kidFor(byFps, { type: 'video', fps: 30.01 })).toBe(HD);
    expect(kidFor(byFps, { type: 'video', fps: 25 })).toBe(SD);
  });

  it('honours hdr, wcg, channels, bitrate and labels', () => {
    const rules = document([
      { kid: SD, videoFilters: [{ hdr: false }], labelFilters: [{ label: 'main' }] },
      {
        kid: HD,
        videoFilters: [{ hdr: true, wcg: true }],
        bitrateFilters: [{ minBitrate: 5_000_000, maxBitrate: 20_000_000 }],
      },
      { kid: AUDIO, audioFilters: [{ minChannels: 1, maxChannels: 2 }] },
    ]);
    expect(kidFor(rules, { type: 'video', hdr: false, labels: ['main', 'en'], bitrate: 1 })).toBe(SD);
    expect(kidFor(rules, { type: 'video', hdr: true, wcg: true, bitrate: 20_000_000, labels: [] })).toBe(HD);
    expect(
      failure(() => resolveContentKey(rules, { type: 'video', hdr: true, wcg: true, bitrate: 20_000_001, labels: [] }))
        .code,
    ).toBe('ERR_CPIX_NO_MATCHING_KEY');
    expect(kidFor(rules, { type: 'audio', channels: 2, bitrate: 1, labels: [] })).toBe(AUDIO);
    expect(failure(() => resolveContentKey(rules, { type: 'audio', channels: 6, bitrate: 1, labels: [] })).code).toBe(
      'ERR_CPIX_NO_MATCHING_KEY',
    );
  });

  it('honours KeyPeriodFilter, by period id, index or time', () => {
    const rotation = document([
      { kid: SD, keyPeriodFilters: [{ periodId: 'p1' }] },
      { kid: HD, keyPeriodFilters: [{ periodId: 'p2' }] },
    ]);
    expect(kidFor(rotation, { type: 'video', period: { id: 'p2' } })).toBe(HD);
    expect(kidFor(rotation, { type: 'audio', period: { index: 7 } })).toBe(SD);
    expect(kidFor(rotation, { type: 'video', period: { time: '2026-01-01T01:00:00Z' } })).toBe(HD);
    expect(kidFor(rotation, { type: 'video', period: { time: new Date('2026-01-01T00:59:59Z') } })).toBe(SD);
    expect(failure(() => resolveContentKey(rotation, { type: 'video', period: { index: 9 } })).code).toBe(
      'ERR_CPIX_NO_MATCHING_KEY',
    );
  });

  it('is not ambiguous when several rules point at the same key', () => {
    const same = document([
      { kid: HD, videoFilters: [{ minPixels: 0 }] },
      { kid: HD, bitrateFilters: [{ maxBitrate: 10 }] },
    ]);
    const resolved = resolveContentKey(same, { type: 'video', pixels: 10, bitrate: 5 });
    expect(resolved.contentKey.kid).toBe(HD);
    expect(resolved.rules.map((rule) => rule.path)).toEqual([
      '/CPIX/ContentKeyUsageRuleList/ContentKeyUsageRule[1]',
      '/CPIX/ContentKeyUsageRuleList/ContentKeyUsageRule[2]',
    ]);
  });

  it('refuses a track that rules for different keys both match, naming the rules', () => {
    const overlapping = document([
      { kid: SD, videoFilters: [{ maxPixels: 2_073_600 }] },
      { kid: HD, videoFilters: [{ minPixels: 921_600 }] },
    ]);
    const error = failure(() => resolveContentKey(overlapping, { type: 'video', pixels: 1_000_000 }));
    expect(error.code).toBe('ERR_CPIX_AMBIGUOUS_KEY');
    expect(error.message).toContain(`ContentKeyUsageRule[1] (KID ${SD})`);
    expect(error.message).toContain(`ContentKeyUsageRule[2] (KID ${HD})`);
  });

  it('asks for the context a filter needs rather than guessing', () => {
    const error = failure(() => resolveContentKey(ladder, { type: 'video' }));
    expect(error.code).toBe('ERR_CPIX_INCOMPLETE_CONTEXT');
    expect(error.path).toBe('/CPIX/ContentKeyUsageRuleList/ContentKeyUsageRule[1]');
    expect(failure(() => resolveContentKey(ladder, { type: 'subtitle' } as unknown as ContentKeyContext)).code).toBe(
      'ERR_CPIX_INCOMPLETE_CONTEXT',
    );
  });

  it('asks only for the context values of the bounds a filter has', () => {
    // An AudioFilter or BitrateFilter without bounds matches every track: its value is not needed.
    expect(kidFor(ladder, { type: 'audio' })).toBe(AUDIO);
    expect(kidFor(document([{ kid: SD, bitrateFilters: [{}] }]), { type: 'video' })).toBe(SD);
    const cases: { filter: ContentKeyUsageRule; context: ContentKeyContext; needs: keyof ContentKeyContext }[] = [
      { filter: { kid: SD, videoFilters: [{ minPixels: 1 }] }, context: { type: 'video', pixels: 2 }, needs: 'pixels' },
      { filter: { kid: SD, videoFilters: [{ maxPixels: 9 }] }, context: { type: 'video', pixels: 2 }, needs: 'pixels' },
      { filter: { kid: SD, videoFilters: [{ minFps: 1 }] }, context: { type: 'video', fps: 2 }, needs: 'fps' },
      { filter: { kid: SD, videoFilters: [{ maxFps: 60 }] }, context: { type: 'video', fps: 2 }, needs: 'fps' },
      { filter: { kid: SD, videoFilters: [{ hdr: true }] }, context: { type: 'video', hdr: true }, needs: 'hdr' },
      { filter: { kid: SD, videoFilters: [{ wcg: false }] }, context: { type: 'video', wcg: false }, needs: 'wcg' },
      {
        filter: { kid: SD, audioFilters: [{ minChannels: 1 }] },
        context: { type: 'audio', channels: 2 },
        needs: 'channels',
      },
      {
        filter: { kid: SD, audioFilters: [{ maxChannels: 2 }] },
        context: { type: 'audio', channels: 2 },
        needs: 'channels',
      },
      {
        filter: { kid: SD, bitrateFilters: [{ minBitrate: 1 }] },
        context: { type: 'audio', bitrate: 2 },
        needs: 'bitrate',
      },
      {
        filter: { kid: SD, bitrateFilters: [{ maxBitrate: 9 }] },
        context: { type: 'video', bitrate: 2 },
        needs: 'bitrate',
      },
      {
        filter: { kid: SD, labelFilters: [{ label: 'main' }] },
        context: { type: 'video', labels: ['main'] },
        needs: 'labels',
      },
      {
        filter: { kid: SD, keyPeriodFilters: [{ periodId: 'p1' }] },
        context: { type: 'video', period: { id: 'p1' } },
        needs: 'period',
      },
    ];
    for (const { filter, context, needs } of cases) {
      // Only the one value the filter's attribute asks about is given: nothing else is needed.
      expect(kidFor(document([filter]), context), needs).toBe(SD);
      const { [needs]: _given, ...without } = context;
      expect(
        failure(() => resolveContentKey(document([filter]), without as ContentKeyContext)),
        needs,
      ).toMatchObject({ code: 'ERR_CPIX_INCOMPLETE_CONTEXT' });
    }
  });

  it('refuses rules with filters it does not know, and rules for keys that are not there', () => {
    const vendor = document([{ kid: SD, extensions: ['<v:Filter xmlns:v="urn:vendor"/>'] }]);
    expect(failure(() => resolveContentKey(vendor, { type: 'video' })).code).toBe('ERR_CPIX_UNSUPPORTED_FILTER');
    const missing = document([{ kid: '44444444-4444-4444-8444-444444444444' }]);
    expect(failure(() => resolveContentKey(missing, { type: 'video' })).code).toBe('ERR_CPIX_UNKNOWN_KEY');
  });

  it('answers a non-model object with a CpixError', () => {
    expect(
      failure(() =>
        resolveContentKey({ contentKeyUsageRuleList: { contentKeyUsageRules: [{}] } } as unknown as CpixDocument, {
          type: 'video',
        }),
      ).code,
    ).toBe('ERR_CPIX_INVALID_DOCUMENT');
  });

  it('resolves a document without usage rules to its only key', () => {
    expect(
      resolveContentKey({ contentKeyList: { contentKeys: [{ kid: SD }] } }, { type: 'audio' }).contentKey.kid,
    ).toBe(SD);
    expect(
      failure(() =>
        resolveContentKey({ contentKeyList: { contentKeys: [{ kid: SD }, { kid: HD }] } }, { type: 'audio' }),
      ).code,
    ).toBe('ERR_CPIX_NO_MATCHING_KEY');
  });
});
