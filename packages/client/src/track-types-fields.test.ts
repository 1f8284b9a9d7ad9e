import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../tooling/src/thrown.js';
import {
  CpixClientError,
  resolveDrmSystem,
  SPEKE_V2_VIDEO_PRESETS,
  spekeV2EncryptionContract,
  TRACK_TYPES,
  trackTypeRule,
} from './index.js';
import { resolveDrmSystems } from './drm-systems.js';

// Track types, presets and DRM system names: the whole tables, and each refusal with its code and
// whole message.

function invalid(fn: () => unknown): string {
  const error = thrownBy(fn, CpixClientError);
  expect(error.code).toBe('ERR_CLIENT_INVALID_OPTION');
  return error.message;
}

describe('TRACK_TYPES', () => {
  it('holds every track type with its exact filters', () => {
    const sd = 1024 * 576;
    const hd1 = 1280 * 720;
    const hd = 1920 * 1080;
    const uhd1 = 4096 * 2160;
    expect(TRACK_TYPES).toStrictEqual({
      ALL: { intendedTrackType: 'ALL', videoFilters: [{}], audioFilters: [{}] },
      VIDEO: { intendedTrackType: 'VIDEO', videoFilters: [{}] },
      SD: { intendedTrackType: 'SD', videoFilters: [{ maxPixels: sd }] },
      HD: { intendedTrackType: 'HD', videoFilters: [{ minPixels: sd + 1, maxPixels: hd }] },
      HD1: { intendedTrackType: 'HD1', videoFilters: [{ minPixels: sd + 1, maxPixels: hd1 }] },
      HD2: { intendedTrackType: 'HD2', videoFilters: [{ minPixels: hd1 + 1, maxPixels: hd }] },
      UHD: { intendedTrackType: 'UHD', videoFilters: [{ minPixels: hd + 1 }] },
      UHD1: { intendedTrackType: 'UHD1', videoFilters: [{ minPixels: hd + 1, maxPixels: uhd1 }] },
      UHD2: { intendedTrackType: 'UHD2', videoFilters: [{ minPixels: uhd1 + 1 }] },
      'SD+HD1': {
        intendedTrackType: 'SD+HD1',
        videoFilters: [{ maxPixels: sd }, { minPixels: sd + 1, maxPixels: hd1 }],
      },
      AUDIO: { intendedTrackType: 'AUDIO', audioFilters: [{}] },
      STEREO_AUDIO: { intendedTrackType: 'STEREO_AUDIO', audioFilters: [{ maxChannels: 2 }] },
      MULTICHANNEL_AUDIO: { intendedTrackType: 'MULTICHANNEL_AUDIO', audioFilters: [{ minChannels: 3 }] },
      MULTICHANNEL_AUDIO_3_6: {
        intendedTrackType: 'MULTICHANNEL_AUDIO_3_6',
        audioFilters: [{ minChannels: 3, maxChannels: 6 }],
      },
      MULTICHANNEL_AUDIO_7: { intendedTrackType: 'MULTICHANNEL_AUDIO_7', audioFilters: [{ minChannels: 7 }] },
    });
    expect(SPEKE_V2_VIDEO_PRESETS['PRESET-VIDEO-2']).toStrictEqual([
      TRACK_TYPES.SD,
      { intendedTrackType: 'HD', videoFilters: [{ minPixels: sd + 1 }] },
    ]);
  });

  it('freezes every rule, filter list and filter', () => {
    for (const rule of Object.values(TRACK_TYPES)) {
      expect(Object.isFrozen(rule)).toBe(true);
      for (const filters of [rule.videoFilters, rule.audioFilters]) {
        if (filters === undefined) continue;
        expect(Object.isFrozen(filters)).toBe(true);
        for (const filter of filters) expect(Object.isFrozen(filter)).toBe(true);
      }
    }
    const hd = SPEKE_V2_VIDEO_PRESETS['PRESET-VIDEO-2'][1]!;
    expect([Object.isFrozen(hd), Object.isFrozen(hd.videoFilters), Object.isFrozen(hd.videoFilters![0])]).toStrictEqual(
      [true, true, true],
    );
  });
});

describe('spekeV2EncryptionContract', () => {
  it('trims and upper-cases the preset names', () => {
    expect(spekeV2EncryptionContract(' shared ' as never, 'Shared' as never)).toStrictEqual([TRACK_TYPES.ALL]);
    expect(spekeV2EncryptionContract(' unencrypted' as never, ' preset-audio-1 ' as never)).toStrictEqual([
      TRACK_TYPES.AUDIO,
    ]);
  });

  it.each([
    ['SHARED', 'PRESET-AUDIO-1', 'the SHARED preset must be chosen for both video and audio'],
    ['PRESET-VIDEO-1', 'SHARED', 'the SHARED preset must be chosen for both video and audio'],
    ['UNENCRYPTED', 'UNENCRYPTED', 'video and audio cannot both be UNENCRYPTED: nothing would be encrypted'],
    ['PRESET-VIDEO-0', 'UNENCRYPTED', 'unknown SPEKE v2 video preset "PRESET-VIDEO-0"'],
    ['UNENCRYPTED', 'PRESET-AUDIO-0', 'unknown SPEKE v2 audio preset "PRESET-AUDIO-0"'],
    ['V'.repeat(40), 'PRESET-AUDIO-1', `unknown SPEKE v2 video preset "${'V'.repeat(32)}"`],
    ['PRESET-VIDEO-1', 'a'.repeat(40), `unknown SPEKE v2 audio preset "${'a'.repeat(32)}"`],
    [null, 'PRESET-AUDIO-1', 'the video preset must be a string'],
    ['PRESET-VIDEO-1', 3, 'the audio preset must be a string'],
  ])('refuses %j with %j', (video, audio, message) => {
    expect(invalid(() => spekeV2EncryptionContract(video as never, audio as never))).toBe(message);
  });
});

describe('trackTypeRule', () => {
  it('keeps an unknown name trimmed and as written', () => {
    expect(trackTypeRule(' Sign Language ')).toStrictEqual({ intendedTrackType: 'Sign Language' });
    expect(trackTypeRule(' multichannel_audio_7 ')).toBe(TRACK_TYPES.MULTICHANNEL_AUDIO_7);
  });

  it.each([
    ['', 'a track type name cannot be empty'],
    [' \t', 'a track type name cannot be empty'],
    [null, 'a track type is a name or an object with a non-empty intendedTrackType'],
    [5, 'a track type is a name or an object with a non-empty intendedTrackType'],
    [{ intendedTrackType: 5 }, 'a track type is a name or an object with a non-empty intendedTrackType'],
    [{ intendedTrackType: '  ' }, 'a track type is a name or an object with a non-empty intendedTrackType'],
  ])('refuses %j', (track, message) => {
    expect(invalid(() => trackTypeRule(track as never))).toBe(message);
  });
});

describe('resolveDrmSystem', () => {
  it('resolves names whatever their case and spaces, and system ids in any spelling', () => {
    expect(resolveDrmSystem(' PlayReady ')).toStrictEqual({
      systemId: '9a04f079-9840-4286-ab92-e65be0885f95',
      drm: 'playready',
      name: 'PlayReady',
    });
    expect(resolveDrmSystem('{EDEF8BA9-79D6-4ACE-A3C8-27DCD51D21ED}')).toStrictEqual({
      systemId: 'edef8ba9-79d6-4ace-a3c8-27dcd51d21ed',
      drm: 'widevine',
      name: 'Widevine',
    });
    expect(resolveDrmSystem('aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee')).toStrictEqual({
      systemId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
      name: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
    });
  });

  it('refuses what is neither a name nor a system id, quoting at most 64 characters of it', () => {
    const names = 'widevine, playready, fairplay, common, clearkey, marlin, nagra, wiseplay, primetime, aes128';
    expect(invalid(() => resolveDrmSystem('marlinx'))).toBe(
      `unknown DRM system "marlinx": use one of ${names} or a system id`,
    );
    expect(invalid(() => resolveDrmSystem('z'.repeat(80)))).toBe(
      `unknown DRM system "${'z'.repeat(64)}": use one of ${names} or a system id`,
    );
    expect(thrownBy(() => resolveDrmSystem('marlinx'), CpixClientError).cause).toMatchObject({ name: 'PsshError' });
    expect(invalid(() => resolveDrmSystem(7 as never))).toBe('a DRM system is a name or a system id, got number');
  });

  it('refuses an empty or absent list, and a system listed twice under two spellings', () => {
    expect(invalid(() => resolveDrmSystems([]))).toBe('drmSystems must list at least one DRM system');
    expect(invalid(() => resolveDrmSystems('widevine' as never))).toBe('drmSystems must list at least one DRM system');
    expect(invalid(() => resolveDrmSystems(['widevine', 'EDEF8BA9-79D6-4ACE-A3C8-27DCD51D21ED']))).toBe(
      'DRM system Widevine is listed twice',
    );
  });
});
