import { parsePsshBox, PsshError, WIDEVINE_SYSTEM_ID } from '@cpixkit/pssh';
import { buildDataUri } from './data-uri.js';
import { HlsSignalingError } from './errors.js';
import { KEY_FORMATS } from './key-formats.js';
import { buildHlsKeyLine, buildHlsKeyLines, type HlsKeyLineFields, type HlsKeyLines } from './key-line.js';
import { checkOptions, type HlsEncryptionScheme, type HlsKeyLinePlaylist, methodFor, tagFor } from './line-options.js';

/** Options of {@link buildWidevineKeyLine}. */
export interface WidevineKeyLineOptions {
  /** The whole Widevine `pssh` box (size and header included), e.g. from `@cpixkit/pssh` `encodePsshBox`. */
  pssh: Uint8Array;
  /** The KID, written as `KEYID=0x<upper-case hex>`. */
  kid: string;
  /** `cenc` → METHOD=SAMPLE-AES-CTR, `cbcs` → METHOD=SAMPLE-AES. */
  scheme: HlsEncryptionScheme;
  /** `media` (EXT-X-KEY, default) or `master` (EXT-X-SESSION-KEY). */
  playlist?: HlsKeyLinePlaylist;
}

/**
 * A Widevine line as key servers emit it (Axinom, AWS SPEKE v2):
 * `METHOD=…,URI="data:text/plain;base64,<pssh box>",KEYID=0x…,KEYFORMAT="urn:uuid:edef8ba9-…",KEYFORMATVERSIONS="1"`.
 *
 * @throws {@link HlsSignalingError} `ERR_HLS_INVALID_INPUT` when `pssh` is not a Widevine `pssh` box.
 */
export function buildWidevineKeyLine(options: WidevineKeyLineOptions): string {
  const fields = widevineFields(checkOptions(options, 'buildWidevineKeyLine'));
  return buildHlsKeyLine({ tag: tagFor(options.playlist), ...fields });
}

/**
 * The media and master Widevine lines of {@link buildWidevineKeyLine}, from one attribute list.
 *
 * @throws {@link HlsSignalingError} `ERR_HLS_INVALID_INPUT` when `pssh` is not a Widevine `pssh` box.
 */
export function buildWidevineKeyLines(options: Omit<WidevineKeyLineOptions, 'playlist'>): HlsKeyLines {
  return buildHlsKeyLines(widevineFields(checkOptions(options, 'buildWidevineKeyLines')));
}

function widevineFields({ pssh, kid, scheme }: Omit<WidevineKeyLineOptions, 'playlist'>): HlsKeyLineFields {
  let systemId: string;
  try {
    systemId = parsePsshBox(pssh).systemId;
  } catch (error) {
    if (!(error instanceof PsshError)) throw error;
    throw new HlsSignalingError('ERR_HLS_INVALID_INPUT', `pssh must be a whole pssh box: ${error.message}`, {
      cause: error,
    });
  }
  if (systemId !== WIDEVINE_SYSTEM_ID) {
    throw new HlsSignalingError('ERR_HLS_INVALID_INPUT', `pssh is a box of system ${systemId}, not Widevine`);
  }
  return {
    method: methodFor(scheme),
    uri: buildDataUri(pssh),
    keyId: kid,
    keyFormat: KEY_FORMATS.widevine,
    keyFormatVersions: '1',
  };
}
