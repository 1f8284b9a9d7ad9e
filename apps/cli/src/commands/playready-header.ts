import {
  buildWrmHeader,
  encodePlayReadyObject,
  encodePlayReadyPsshBox,
  kidToGuidBase64,
  parseWrmHeader,
  type WrmHeaderVersion,
} from '@cpixkit/playready-header';
import { normalizeUuid } from '@cpixkit/pssh';
import { CliError } from '../errors.js';
import { writeJson, writeResult } from '../io.js';
import { headerFromOptions, type PlayReadyHeaderOptions } from '../playready-options.js';
import { stdoutStyle } from '../style.js';
import { toBase64, toHex } from '../values.js';

/** Options of `cpixkit playready header`. */
export interface PlayReadyHeaderCommandOptions extends PlayReadyHeaderOptions {
  output?: 'wrmheader' | 'pro' | 'pssh';
  psshVersion?: string;
  hex?: boolean;
  json?: boolean;
}

/** The `--json` output of `cpixkit playready header`. */
export interface PlayReadyHeaderResult {
  version: WrmHeaderVersion;
  keys: Array<{ kid: string; guid: string; algId?: string; checksum?: string }>;
  wrmHeader: string;
  /** The PlayReady Object, base64. */
  pro: string;
  /** The PlayReady `pssh` box, base64. */
  pssh: string;
}

/** `cpixkit playready header`: a WRMHEADER, its PlayReady Object and `pssh` box. */
export function playReadyHeader(options: PlayReadyHeaderCommandOptions): void {
  if ((options.kid ?? []).length === 0 && options.headerVersion === undefined) {
    throw new CliError('ERR_CLI_USAGE', 'give at least one --kid (or --header-version 4.1 for a header without KID)');
  }
  if (options.psshVersion !== undefined && options.psshVersion !== '0' && options.psshVersion !== '1') {
    throw new CliError('ERR_CLI_USAGE', `--pssh-version must be 0 or 1, got ${JSON.stringify(options.psshVersion)}`);
  }
  const psshVersion = options.psshVersion === '1' ? 1 : 0;
  const wrmHeader = buildWrmHeader(headerFromOptions(options));
  const pro = encodePlayReadyObject({ wrmHeader });
  const kids = (options.kid ?? []).map(normalizeUuid);
  const pssh = encodePlayReadyPsshBox(wrmHeader, { version: psshVersion, ...(psshVersion === 1 && { keyIds: kids }) });
  const encode = options.hex ? toHex : toBase64;

  if (options.json) {
    // The header is read back so the JSON shows what was written (defaults and computed CHECKSUMs included).
    const written = parseWrmHeader(wrmHeader);
    const result: PlayReadyHeaderResult = {
      version: written.version,
      keys: written.keys.map((key) => ({
        kid: key.kid,
        guid: kidToGuidBase64(key.kid),
        ...(key.algId !== undefined && { algId: key.algId }),
        ...(key.checksum !== undefined && { checksum: key.checksum }),
      })),
      wrmHeader,
      pro: toBase64(pro),
      pssh: toBase64(pssh),
    };
    writeJson(result);
    return;
  }
  switch (options.output) {
    case 'wrmheader':
      writeResult(wrmHeader);
      return;
    case 'pro':
      writeResult(encode(pro));
      return;
    case 'pssh':
      writeResult(encode(pssh));
      return;
    default: {
      const style = stdoutStyle();
      const encoding = options.hex ? 'hex' : 'base64';
      writeResult(
        [
          style.bold('WRMHEADER:'),
          wrmHeader,
          style.bold(`PlayReady Object (${encoding}):`),
          encode(pro),
          style.bold(`PSSH box v${psshVersion} (${encoding}):`),
          encode(pssh),
        ].join('\n'),
      );
    }
  }
}
