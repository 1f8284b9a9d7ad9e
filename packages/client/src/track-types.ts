import type { AudioFilter, VideoFilter } from '@cpixkit/cpix-model';
import { CpixClientError } from './errors.js';

/**
 * One key of a multi-key request: the `ContentKeyUsageRule@intendedTrackType` and the filters that
 * say which tracks it encrypts. A rule with several video filters (`SD+HD1`) covers their union.
 */
export interface TrackTypeRule {
  intendedTrackType: string;
  videoFilters?: readonly VideoFilter[];
  audioFilters?: readonly AudioFilter[];
}

// Resolution bounds of the AWS SPEKE v2 presets, as pixel counts (width × height). CPIX
// `minPixels`/`maxPixels` are inclusive, so "> 1024x576" is `minPixels = 589825`.
const SD_MAX = 1024 * 576;
const HD1_MAX = 1280 * 720;
const HD_MAX = 1920 * 1080;
const UHD1_MAX = 4096 * 2160;

const video = (intendedTrackType: string, ...videoFilters: VideoFilter[]): TrackTypeRule =>
  Object.freeze({
    intendedTrackType,
    videoFilters: Object.freeze(videoFilters.map((filter) => Object.freeze(filter))),
  });
const audio = (intendedTrackType: string, filter: AudioFilter): TrackTypeRule =>
  Object.freeze({ intendedTrackType, audioFilters: Object.freeze([Object.freeze(filter)]) });

const SD_FILTER: VideoFilter = { maxPixels: SD_MAX };
const HD1_FILTER: VideoFilter = { minPixels: SD_MAX + 1, maxPixels: HD1_MAX };

/**
 * Track types by name, with the filters cpixkit writes for them. `SD`, `HD`, `UHD1`, `UHD2` and
 * `AUDIO` are PallyCon's multi-key track types (SD up to 576p, HD 720p–1080p, UHD1 up to 4K,
 * UHD2 above); the bounds are those of the AWS SPEKE v2 presets so that the ranges neither
 * overlap nor leave gaps. `VIDEO`, `HD1`, `HD2`, `UHD`, `STEREO_AUDIO`, `MULTICHANNEL_AUDIO*` and
 * `ALL` are the key names of the AWS presets.
 */
export const TRACK_TYPES: Readonly<Record<string, TrackTypeRule>> = Object.freeze({
  ALL: Object.freeze({
    intendedTrackType: 'ALL',
    videoFilters: Object.freeze([Object.freeze({})]),
    audioFilters: Object.freeze([Object.freeze({})]),
  }),
  VIDEO: video('VIDEO', {}),
  SD: video('SD', SD_FILTER),
  HD: video('HD', { minPixels: SD_MAX + 1, maxPixels: HD_MAX }),
  HD1: video('HD1', HD1_FILTER),
  HD2: video('HD2', { minPixels: HD1_MAX + 1, maxPixels: HD_MAX }),
  UHD: video('UHD', { minPixels: HD_MAX + 1 }),
  UHD1: video('UHD1', { minPixels: HD_MAX + 1, maxPixels: UHD1_MAX }),
  UHD2: video('UHD2', { minPixels: UHD1_MAX + 1 }),
  'SD+HD1': video('SD+HD1', SD_FILTER, HD1_FILTER),
  AUDIO: audio('AUDIO', {}),
  STEREO_AUDIO: audio('STEREO_AUDIO', { maxChannels: 2 }),
  MULTICHANNEL_AUDIO: audio('MULTICHANNEL_AUDIO', { minChannels: 3 }),
  MULTICHANNEL_AUDIO_3_6: audio('MULTICHANNEL_AUDIO_3_6', { minChannels: 3, maxChannels: 6 }),
  MULTICHANNEL_AUDIO_7: audio('MULTICHANNEL_AUDIO_7', { minChannels: 7 }),
});

/** AWS SPEKE v2 video encryption presets (MediaPackage spelling; MediaConvert's `PRESET_VIDEO_1` is accepted too). */
export type SpekeV2VideoPreset =
  | 'PRESET-VIDEO-1'
  | 'PRESET-VIDEO-2'
  | 'PRESET-VIDEO-3'
  | 'PRESET-VIDEO-4'
  | 'PRESET-VIDEO-5'
  | 'PRESET-VIDEO-6'
  | 'PRESET-VIDEO-7'
  | 'PRESET-VIDEO-8'
  | 'SHARED'
  | 'UNENCRYPTED';

/** AWS SPEKE v2 audio encryption presets. */
export type SpekeV2AudioPreset = 'PRESET-AUDIO-1' | 'PRESET-AUDIO-2' | 'PRESET-AUDIO-3' | 'SHARED' | 'UNENCRYPTED';

const T = TRACK_TYPES as Record<string, TrackTypeRule>;
const byName = (...names: string[]): readonly TrackTypeRule[] => Object.freeze(names.map((name) => T[name]!));

/** The keys of each AWS video preset (PRESET-VIDEO-2's HD has no upper bound). */
export const SPEKE_V2_VIDEO_PRESETS: Readonly<
  Record<Exclude<SpekeV2VideoPreset, 'SHARED' | 'UNENCRYPTED'>, readonly TrackTypeRule[]>
> = Object.freeze({
  'PRESET-VIDEO-1': byName('VIDEO'),
  'PRESET-VIDEO-2': Object.freeze([T.SD!, video('HD', { minPixels: SD_MAX + 1 })]),
  'PRESET-VIDEO-3': byName('SD', 'HD', 'UHD'),
  'PRESET-VIDEO-4': byName('SD', 'HD', 'UHD1', 'UHD2'),
  'PRESET-VIDEO-5': byName('SD', 'HD1', 'HD2', 'UHD1', 'UHD2'),
  'PRESET-VIDEO-6': byName('SD', 'HD1', 'HD2', 'UHD'),
  'PRESET-VIDEO-7': byName('SD+HD1', 'HD2', 'UHD'),
  'PRESET-VIDEO-8': byName('SD+HD1', 'HD2', 'UHD1', 'UHD2'),
});

/** The keys of each AWS audio preset. */
export const SPEKE_V2_AUDIO_PRESETS: Readonly<
  Record<Exclude<SpekeV2AudioPreset, 'SHARED' | 'UNENCRYPTED'>, readonly TrackTypeRule[]>
> = Object.freeze({
  'PRESET-AUDIO-1': byName('AUDIO'),
  'PRESET-AUDIO-2': byName('STEREO_AUDIO', 'MULTICHANNEL_AUDIO'),
  'PRESET-AUDIO-3': byName('STEREO_AUDIO', 'MULTICHANNEL_AUDIO_3_6', 'MULTICHANNEL_AUDIO_7'),
});

function presetName(value: unknown, kind: 'video' | 'audio'): string {
  if (typeof value !== 'string') {
    throw new CpixClientError('ERR_CLIENT_INVALID_OPTION', `the ${kind} preset must be a string`);
  }
  return value.trim().toUpperCase().replace(/_/g, '-');
}

/**
 * The encryption contract (one rule per content key) of an AWS SPEKE v2 video and audio preset
 * pair, with AWS's combination rules: `SHARED` goes with `SHARED` only (one `ALL` key), and at most
 * one side may be `UNENCRYPTED`.
 */
export function spekeV2EncryptionContract(
  videoPreset: SpekeV2VideoPreset,
  audioPreset: SpekeV2AudioPreset,
): TrackTypeRule[] {
  const videoName = presetName(videoPreset, 'video');
  const audioName = presetName(audioPreset, 'audio');
  if (videoName === 'SHARED' || audioName === 'SHARED') {
    if (videoName !== audioName) {
      throw new CpixClientError(
        'ERR_CLIENT_INVALID_OPTION',
        'the SHARED preset must be chosen for both video and audio',
      );
    }
    return [T.ALL!];
  }
  if (videoName === 'UNENCRYPTED' && audioName === 'UNENCRYPTED') {
    throw new CpixClientError(
      'ERR_CLIENT_INVALID_OPTION',
      'video and audio cannot both be UNENCRYPTED: nothing would be encrypted',
    );
  }
  const videoRules =
    videoName === 'UNENCRYPTED' ? [] : SPEKE_V2_VIDEO_PRESETS[videoName as keyof typeof SPEKE_V2_VIDEO_PRESETS];
  const audioRules =
    audioName === 'UNENCRYPTED' ? [] : SPEKE_V2_AUDIO_PRESETS[audioName as keyof typeof SPEKE_V2_AUDIO_PRESETS];
  if (videoRules === undefined) {
    throw new CpixClientError(
      'ERR_CLIENT_INVALID_OPTION',
      `unknown SPEKE v2 video preset ${JSON.stringify(String(videoPreset).slice(0, 32))}`,
    );
  }
  if (audioRules === undefined) {
    throw new CpixClientError(
      'ERR_CLIENT_INVALID_OPTION',
      `unknown SPEKE v2 audio preset ${JSON.stringify(String(audioPreset).slice(0, 32))}`,
    );
  }
  return [...videoRules, ...audioRules];
}

/**
 * The rule for a track type given by name (a key of {@link TRACK_TYPES}, case-insensitive; any other
 * name becomes a rule without filters, written as given) or given as a rule.
 */
export function trackTypeRule(track: string | TrackTypeRule): TrackTypeRule {
  if (typeof track === 'string') {
    const name = track.trim();
    if (name === '') throw new CpixClientError('ERR_CLIENT_INVALID_OPTION', 'a track type name cannot be empty');
    return T[name.toUpperCase()] ?? { intendedTrackType: name };
  }
  if (
    track === null ||
    typeof track !== 'object' ||
    typeof track.intendedTrackType !== 'string' ||
    track.intendedTrackType.trim() === ''
  ) {
    throw new CpixClientError(
      'ERR_CLIENT_INVALID_OPTION',
      'a track type is a name or an object with a non-empty intendedTrackType',
    );
  }
  return track;
}
