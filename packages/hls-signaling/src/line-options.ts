import { HlsSignalingError } from './errors.js';
import type { HlsKeyMethod, HlsKeyTag } from './key-line.js';

/** Which playlist a line is for: `media` gives `EXT-X-KEY`, `master` (multivariant) gives `EXT-X-SESSION-KEY`. */
export type HlsKeyLinePlaylist = 'media' | 'master';

/** Common-encryption schemes an HLS DRM line can signal: `cenc` (AES-CTR) or `cbcs` (AES-CBC pattern). */
export type HlsEncryptionScheme = 'cenc' | 'cbcs';

/** The tag for a playlist: media → EXT-X-KEY, master → EXT-X-SESSION-KEY (media when not given). */
export function tagFor(playlist: HlsKeyLinePlaylist | undefined): HlsKeyTag {
  if (playlist === undefined || playlist === 'media') return 'EXT-X-KEY';
  if (playlist === 'master') return 'EXT-X-SESSION-KEY';
  throw new HlsSignalingError('ERR_HLS_INVALID_INPUT', "playlist must be 'media' or 'master'");
}

/** The METHOD for a common-encryption scheme: cenc → SAMPLE-AES-CTR, cbcs → SAMPLE-AES. */
export function methodFor(scheme: HlsEncryptionScheme): HlsKeyMethod {
  if (scheme === 'cenc') return 'SAMPLE-AES-CTR';
  if (scheme === 'cbcs') return 'SAMPLE-AES';
  throw new HlsSignalingError('ERR_HLS_INVALID_INPUT', "scheme must be 'cenc' or 'cbcs'");
}

/** Throws unless the helper was given an options object. */
export function checkOptions<T extends object>(options: T, helper: string): T {
  if (typeof options !== 'object' || options === null) {
    throw new HlsSignalingError('ERR_HLS_INVALID_INPUT', `${helper} takes an options object`);
  }
  return options;
}
