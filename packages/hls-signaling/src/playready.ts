import { buildDataUri } from './data-uri.js';
import { HlsSignalingError } from './errors.js';
import { KEY_FORMATS } from './key-formats.js';
import { buildHlsKeyLine, buildHlsKeyLines, type HlsKeyLineFields, type HlsKeyLines } from './key-line.js';
import { checkOptions, type HlsEncryptionScheme, type HlsKeyLinePlaylist, methodFor, tagFor } from './line-options.js';

/** Options of {@link buildPlayReadyKeyLine}. */
export interface PlayReadyKeyLineOptions {
  /** The PlayReady Object (PRO), e.g. from `@cpixkit/playready-header`; not a `pssh` box. */
  pro: Uint8Array;
  /** `cenc` → METHOD=SAMPLE-AES-CTR, `cbcs` → METHOD=SAMPLE-AES (Microsoft's "HLS Static Keys" cases). */
  scheme: HlsEncryptionScheme;
  /** `media` (EXT-X-KEY, default) or `master` (EXT-X-SESSION-KEY; its PRO should list every KID). */
  playlist?: HlsKeyLinePlaylist;
  /** Also write `KEYID=0x…`; Microsoft's samples leave it out. */
  kid?: string;
}

/**
 * A PlayReady line in the form Microsoft documents ("MP4-based formats supported by PlayReady
 * clients", HLS cases): `URI="data:text/plain;charset=UTF-16;base64,<PRO>"`,
 * `KEYFORMAT="com.microsoft.playready"`, `KEYFORMATVERSIONS="1"`.
 *
 * @throws {@link HlsSignalingError} `ERR_HLS_INVALID_INPUT` when `pro` does not start with its own
 *   length (a `pssh` box passed by mistake, say).
 */
export function buildPlayReadyKeyLine(options: PlayReadyKeyLineOptions): string {
  const fields = playReadyFields(checkOptions(options, 'buildPlayReadyKeyLine'));
  return buildHlsKeyLine({ tag: tagFor(options.playlist), ...fields });
}

/**
 * The media and master PlayReady lines of {@link buildPlayReadyKeyLine}, from one attribute list.
 *
 * @throws {@link HlsSignalingError} `ERR_HLS_INVALID_INPUT` when `pro` does not start with its own length.
 */
export function buildPlayReadyKeyLines(options: Omit<PlayReadyKeyLineOptions, 'playlist'>): HlsKeyLines {
  return buildHlsKeyLines(playReadyFields(checkOptions(options, 'buildPlayReadyKeyLines')));
}

function playReadyFields({ pro, scheme, kid }: Omit<PlayReadyKeyLineOptions, 'playlist'>): HlsKeyLineFields {
  if (!(pro instanceof Uint8Array) || pro.length < 6) {
    throw new HlsSignalingError('ERR_HLS_INVALID_INPUT', 'pro must be a PlayReady Object (Uint8Array)');
  }
  // Read byte by byte: a DataView would need `pro.buffer`.
  const declaredLength = (pro[0]! | (pro[1]! << 8) | (pro[2]! << 16) | (pro[3]! << 24)) >>> 0;
  if (declaredLength !== pro.length) {
    throw new HlsSignalingError(
      'ERR_HLS_INVALID_INPUT',
      `pro is not a PlayReady Object: it declares ${declaredLength} bytes but has ${pro.length}`,
    );
  }
  const fields: HlsKeyLineFields = {
    method: methodFor(scheme),
    uri: buildDataUri(pro, { charset: 'UTF-16' }),
    keyFormat: KEY_FORMATS.playReady,
    keyFormatVersions: '1',
  };
  if (kid !== undefined) fields.keyId = kid;
  return fields;
}
