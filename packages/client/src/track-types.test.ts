import type { AudioFilter, VideoFilter } from '@cpixkit/cpix-model';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../tooling/src/thrown.js';
import {
  CpixClientError,
  SPEKE_V2_AUDIO_PRESETS,
  SPEKE_V2_VIDEO_PRESETS,
  spekeV2EncryptionContract,
  TRACK_TYPES,
  type TrackTypeRule,
  trackTypeRule,
} from './index.js';

const videoMatches = (filter: VideoFilter, pixels: number) =>
  (filter.minPixels === undefined || pixels >= filter.minPixels) &&
  (filter.maxPixels === undefined || pixels <= filter.maxPixels);
const audioMatches = (filter: AudioFilter, channels: number) =>
  (filter.minChannels === undefined || channels >= filter.minChannels) &&
  (filter.maxChannels === undefined || channels <= filter.maxChannels);
const videoKeysFor = (rules: readonly TrackTypeRule[], pixels: number) =>
  rules
    .filter((rule) => (rule.videoFilters ?? []).some((filter) => videoMatches(filter, pixels)))
    .map((rule) => rule.intendedTrackType);
const audioKeysFor = (rules: readonly TrackTypeRule[], channels: number) =>
  rules
    .filter((rule) => (rule.audioFilters ?? []).some((filter) => audioMatches(filter, channels)))
    .map((rule) => rule.intendedTrackType);

describe('SPEKE v2 presets', () => {
  it('name the keys AWS documents for each preset', () => {
    const names = (rules: readonly TrackTypeRule[]) => rules.map((rule) => rule.intendedTrackType);
    expect(
      Object.fromEntries(Object.entries(SPEKE_V2_VIDEO_PRESETS).map(([preset, rules]) => [preset, names(rules)])),
    ).toEqual({
      'PRESET-VIDEO-1': ['VIDEO'],
      'PRESET-VIDEO-2': ['SD', 'HD'],
      'PRESET-VIDEO-3': ['SD', 'HD', 'UHD'],
      'PRESET-VIDEO-4': ['SD', 'HD', 'UHD1', 'UHD2'],
      'PRESET-VIDEO-5': ['SD', 'HD1', 'HD2', 'UHD1', 'UHD2'],
      'PRESET-VIDEO-6': ['SD', 'HD1', 'HD2', 'UHD'],
      'PRESET-VIDEO-7': ['SD+HD1', 'HD2', 'UHD'],
      'PRESET-VIDEO-8': ['SD+HD1', 'HD2', 'UHD1', 'UHD2'],
    });
    expect(
      Object.fromEntries(Object.entries(SPEKE_V2_AUDIO_PRESETS).map(([preset, rules]) => [preset, names(rules)])),
    ).toEqual({
      'PRESET-AUDIO-1': ['AUDIO'],
      'PRESET-AUDIO-2': ['STEREO_AUDIO', 'MULTICHANNEL_AUDIO'],
      'PRESET-AUDIO-3': ['STEREO_AUDIO', 'MULTICHANNEL_AUDIO_3_6', 'MULTICHANNEL_AUDIO_7'],
    });
  });

  it('put the resolution bounds at 1024x576, 1280x720, 1920x1080 and 4096x2160', () => {
    const keys = SPEKE_V2_VIDEO_PRESETS['PRESET-VIDEO-5'];
    expect(videoKeysFor(keys, 1024 * 576)).toEqual(['SD']);
    expect(videoKeysFor(keys, 1024 * 576 + 1)).toEqual(['HD1']);
    expect(videoKeysFor(keys, 1280 * 720)).toEqual(['HD1']);
    expect(videoKeysFor(keys, 1280 * 720 + 1)).toEqual(['HD2']);
    expect(videoKeysFor(keys, 1920 * 1080)).toEqual(['HD2']);
    expect(videoKeysFor(keys, 1920 * 1080 + 1)).toEqual(['UHD1']);
    expect(videoKeysFor(keys, 4096 * 2160)).toEqual(['UHD1']);
    expect(videoKeysFor(keys, 4096 * 2160 + 1)).toEqual(['UHD2']);
    expect(videoKeysFor(SPEKE_V2_VIDEO_PRESETS['PRESET-VIDEO-2'], 7680 * 4320)).toEqual(['HD']);
    expect(videoKeysFor(SPEKE_V2_VIDEO_PRESETS['PRESET-VIDEO-7'], 1280 * 720)).toEqual(['SD+HD1']);
    expect(audioKeysFor(SPEKE_V2_AUDIO_PRESETS['PRESET-AUDIO-3'], 2)).toEqual(['STEREO_AUDIO']);
    expect(audioKeysFor(SPEKE_V2_AUDIO_PRESETS['PRESET-AUDIO-3'], 6)).toEqual(['MULTICHANNEL_AUDIO_3_6']);
    expect(audioKeysFor(SPEKE_V2_AUDIO_PRESETS['PRESET-AUDIO-3'], 8)).toEqual(['MULTICHANNEL_AUDIO_7']);
  });

  it('give every resolution exactly one key in every video preset, and every channel count one key in every audio preset', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16384 * 16384 }), fc.integer({ min: 1, max: 64 }), (pixels, channels) => {
        for (const rules of Object.values(SPEKE_V2_VIDEO_PRESETS)) expect(videoKeysFor(rules, pixels)).toHaveLength(1);
        for (const rules of Object.values(SPEKE_V2_AUDIO_PRESETS))
          expect(audioKeysFor(rules, channels)).toHaveLength(1);
      }),
    );
  });

  it('combine a video and an audio preset into one contract', () => {
    const contract = spekeV2EncryptionContract('PRESET-VIDEO-3', 'PRESET-AUDIO-2');
    expect(contract.map((rule) => rule.intendedTrackType)).toEqual([
      'SD',
      'HD',
      'UHD',
      'STEREO_AUDIO',
      'MULTICHANNEL_AUDIO',
    ]);
    expect(spekeV2EncryptionContract('UNENCRYPTED', 'PRESET-AUDIO-1').map((rule) => rule.intendedTrackType)).toEqual([
      'AUDIO',
    ]);
    expect(spekeV2EncryptionContract('PRESET-VIDEO-1', 'UNENCRYPTED').map((rule) => rule.intendedTrackType)).toEqual([
      'VIDEO',
    ]);
  });

  it('accept the MediaConvert spelling with underscores', () => {
    expect(
      spekeV2EncryptionContract('PRESET_VIDEO_2' as never, 'preset_audio_1' as never).map(
        (rule) => rule.intendedTrackType,
      ),
    ).toEqual(['SD', 'HD', 'AUDIO']);
  });

  it('map SHARED to the single ALL key with an empty audio and video filter', () => {
    expect(spekeV2EncryptionContract('SHARED', 'SHARED')).toEqual([
      { intendedTrackType: 'ALL', videoFilters: [{}], audioFilters: [{}] },
    ]);
  });

  it.each([
    ['SHARED', 'PRESET-AUDIO-1', /SHARED/],
    ['PRESET-VIDEO-1', 'SHARED', /SHARED/],
    ['UNENCRYPTED', 'UNENCRYPTED', /both be UNENCRYPTED/],
    ['UNENCRYPTED', 'SHARED', /SHARED/],
    ['PRESET-VIDEO-9', 'PRESET-AUDIO-1', /unknown SPEKE v2 video preset/],
    ['PRESET-VIDEO-1', 'PRESET-AUDIO-4', /unknown SPEKE v2 audio preset/],
    [42, 'PRESET-AUDIO-1', /video preset must be a string/],
  ])('refuse %s with %s', (video, audio, message) => {
    expect(() => spekeV2EncryptionContract(video as never, audio as never)).toThrowError(
      expect.objectContaining({ code: 'ERR_CLIENT_INVALID_OPTION', message: expect.stringMatching(message) }),
    );
  });
});

describe('trackTypeRule', () => {
  it('knows the PallyCon track types, case-insensitively', () => {
    expect(trackTypeRule('hd')).toBe(TRACK_TYPES.HD);
    expect(TRACK_TYPES.SD).toEqual({ intendedTrackType: 'SD', videoFilters: [{ maxPixels: 589824 }] });
    expect(TRACK_TYPES.UHD2).toEqual({ intendedTrackType: 'UHD2', videoFilters: [{ minPixels: 8847361 }] });
    expect(TRACK_TYPES.AUDIO).toEqual({ intendedTrackType: 'AUDIO', audioFilters: [{}] });
  });

  it('keeps an unknown name as written, without filters', () => {
    expect(trackTypeRule(' Commentary ')).toEqual({ intendedTrackType: 'Commentary' });
  });

  it('passes a rule through', () => {
    const rule = { intendedTrackType: 'HDR', videoFilters: [{ hdr: true }] };
    expect(trackTypeRule(rule)).toBe(rule);
  });

  const empty = 'a track type name cannot be empty';
  const notRule = 'a track type is a name or an object with a non-empty intendedTrackType';
  it.each([
    ['', empty],
    ['  ', empty],
    [{}, notRule],
    [{ intendedTrackType: '' }, notRule],
    [null, notRule],
    [7, notRule],
  ])('refuses %j with ERR_CLIENT_INVALID_OPTION', (track, message) => {
    const error = thrownBy(() => trackTypeRule(track as never), CpixClientError);
    expect([error.code, error.message]).toStrictEqual(['ERR_CLIENT_INVALID_OPTION', message]);
  });

  it('hands out frozen tables', () => {
    expect(Object.isFrozen(TRACK_TYPES)).toBe(true);
    expect(Object.isFrozen(TRACK_TYPES.SD!.videoFilters)).toBe(true);
    expect(Object.isFrozen(SPEKE_V2_VIDEO_PRESETS['PRESET-VIDEO-3'])).toBe(true);
  });
});
