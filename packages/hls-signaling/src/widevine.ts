import { parsePsshBox, PsshError, WIDEVINE_SYSTEM_ID } from '@cpixkit/pssh';
import { buildDataUri } from './data-uri.js';
import { HlsSignalingError } from './errors.js';
import { KEY_FORMATS } from './key-formats.js';
import { buildHlsKeyLine } from './key-line.js';
import { checkOptions, type HlsEncryptionScheme, type HlsPlaylist, methodFor, tagFor } from './line-options.js';

/** Options of {@link buildWidevineKeyLine}. */
export interface WidevineKeyLineOptions {
  /** The whole Widevine `pssh` box (size and header included), e.g. from `@cpixkit/pssh` `encodePsshBox`. */
  pssh: Uint8Array;
  /** The KID, written as `KEYID=0x<upper-case hex>`. */
  kid: string;
  /** `cenc` → METHOD=SAMPLE-AES-CTR, `cbcs` → METHOD=SAMPLE-AES. */
  scheme: HlsEncryptionScheme;
  /** `media` (EXT-X-KEY, default) or `master` (EXT-X-SESSION-KEY). */
  playlist?: HlsPlaylist;
}

/**
 * A Widevine line as key servers emit it (Axinom, AWS SPEKE v2):
 * `METHOD=…,URI="data:text/plain;base64,<pssh box>",KEYID=0x…,KEYFORMAT="urn:uuid:edef8ba9-…",KEYFORMATVERSIONS="1"`.
 *
 * @throws {@link HlsSignalingError} `ERR_HLS_INVALID_INPUT` when `pssh` is not a Widevine `pssh` box.
 */
export function buildWidevineKeyLine(options: WidevineKeyLineOptions): string {
  const { pssh, kid, scheme, playlist } = checkOptions(options, 'buildWidevineKeyLine');
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
  return buildHlsKeyLine({
    tag: tagFor(playlist),
    method: methodFor(scheme),
    uri: buildDataUri(pssh),
    keyId: kid,
    keyFormat: KEY_FORMATS.widevine,
    keyFormatVersions: '1',
  });
}
