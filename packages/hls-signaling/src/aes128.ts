import { KEY_FORMATS } from './key-formats.js';
import { buildHlsKeyLine, buildHlsKeyLines, type HlsKeyLineFields, type HlsKeyLines } from './key-line.js';
import { checkOptions, type HlsKeyLinePlaylist, tagFor } from './line-options.js';

/** Options of {@link buildAes128KeyLine}. */
export interface Aes128KeyLineOptions {
  /** Where the player fetches the 16-byte key (https URL of the key server). */
  uri: string;
  /** The 16-byte IV; without it players use the media sequence number. */
  iv?: Uint8Array;
  /** Write `KEYFORMAT="identity",KEYFORMATVERSIONS="1"` (the default when absent, so optional). */
  explicitKeyFormat?: boolean;
  /** `media` (EXT-X-KEY, default) or `master` (EXT-X-SESSION-KEY). */
  playlist?: HlsKeyLinePlaylist;
}

/** A clear-key AES-128 (whole-segment AES-CBC) line: `METHOD=AES-128,URI="…"[,IV=0x…][,KEYFORMAT="identity",KEYFORMATVERSIONS="1"]`. */
export function buildAes128KeyLine(options: Aes128KeyLineOptions): string {
  const fields = aes128Fields(checkOptions(options, 'buildAes128KeyLine'));
  return buildHlsKeyLine({ tag: tagFor(options.playlist), ...fields });
}

/** The media and master AES-128 lines of {@link buildAes128KeyLine}, from one attribute list. */
export function buildAes128KeyLines(options: Omit<Aes128KeyLineOptions, 'playlist'>): HlsKeyLines {
  return buildHlsKeyLines(aes128Fields(checkOptions(options, 'buildAes128KeyLines')));
}

function aes128Fields(options: Omit<Aes128KeyLineOptions, 'playlist'>): HlsKeyLineFields {
  const fields: HlsKeyLineFields = { method: 'AES-128', uri: options.uri };
  if (options.iv !== undefined) fields.iv = options.iv;
  if (options.explicitKeyFormat) {
    fields.keyFormat = KEY_FORMATS.identity;
    fields.keyFormatVersions = '1';
  }
  return fields;
}
