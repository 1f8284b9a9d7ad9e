import {
  COMMON_SYSTEM_ID,
  encodePsshBox,
  encodeWidevinePsshData,
  normalizeUuid,
  parsePsshBox,
  PLAYREADY_SYSTEM_ID,
  WIDEVINE_SYSTEM_ID,
  WidevineAlgorithm,
  type WidevinePsshDataInit,
} from '@cpixkit/pssh';
import { buildWrmHeader, encodePlayReadyObject } from '@cpixkit/playready-header';
import { CliError } from '../errors.js';
import { writeJson, writeResult } from '../io.js';
import { headerFromOptions, type PlayReadyHeaderOptions } from '../playready-options.js';
import { describeBox, renderDescription } from '../pssh-describe.js';
import { stdoutStyle } from '../style.js';
import { parseBytes, parseIndex, toBase64, toHex } from '../values.js';

/** Options of `cpixkit pssh encode` (pssh-box.py's flags, plus PlayReady header options). */
export interface PsshEncodeOptions extends PlayReadyHeaderOptions {
  systemId?: string;
  widevineSystemId?: boolean;
  playreadySystemId?: boolean;
  commonSystemId?: boolean;
  keyId?: string[];
  psshVersion?: string;
  psshData?: string;
  contentId?: string;
  contentIdString?: string;
  provider?: string;
  protectionScheme?: string;
  algorithm?: string;
  trackType?: string;
  cryptoPeriodIndex?: string;
  base64?: boolean;
  hex?: boolean;
  human?: boolean;
  json?: boolean;
}

/** The `--json` output of `cpixkit pssh encode`. */
export interface PsshEncodeResult {
  systemId: string;
  version: 0 | 1;
  keyIds: string[];
  base64: string;
  hex: string;
  /** The box's Data, base64. */
  data: string;
  /** The WRMHEADER, when a PlayReady header was built. */
  wrmHeader?: string;
}

/**
 * `cpixkit pssh encode`: one `pssh` box. Widevine data is generated from the KIDs and the Widevine fields
 * (`--content-id`, `--provider`, `--protection-scheme`…) and goes in a version 0 box, as pssh-box.py and
 * every seed vendor do; a PlayReady Object is built from the KIDs and header options, also version 0. Any
 * other system gets a version 1 box listing the KIDs. `--pssh-version` overrides the version.
 */
export function psshEncode(options: PsshEncodeOptions): void {
  const systemId = chosenSystem(options);
  const keyIds = (options.keyId ?? options.kid ?? []).map(normalizeUuid);
  let data: Uint8Array;
  let wrmHeader: string | undefined;
  let defaultVersion: 0 | 1;
  if (options.psshData !== undefined) {
    if (hasWidevineFields(options))
      throw new CliError('ERR_CLI_USAGE', '--pssh-data cannot be combined with Widevine data options');
    data = parseBytes(options.psshData, '--pssh-data');
    defaultVersion = keyIds.length > 0 ? 1 : 0;
  } else if (systemId === WIDEVINE_SYSTEM_ID) {
    data = encodeWidevinePsshData(widevineData(options, keyIds));
    defaultVersion = 0;
  } else if (systemId === PLAYREADY_SYSTEM_ID) {
    wrmHeader = buildWrmHeader(headerFromOptions({ ...options, kid: keyIds }));
    data = encodePlayReadyObject({ wrmHeader });
    defaultVersion = 0;
  } else {
    if (hasWidevineFields(options))
      throw new CliError('ERR_CLI_USAGE', 'Widevine data options need --widevine-system-id');
    data = new Uint8Array(0);
    defaultVersion = keyIds.length > 0 ? 1 : 0;
  }
  const version = options.psshVersion === undefined ? defaultVersion : boxVersion(options.psshVersion);
  if (
    version === 0 &&
    keyIds.length > 0 &&
    wrmHeader === undefined &&
    (options.psshData !== undefined || systemId !== WIDEVINE_SYSTEM_ID)
  ) {
    throw new CliError(
      'ERR_CLI_USAGE',
      'a version 0 box cannot list KIDs and its data does not carry them; use --pssh-version 1',
    );
  }
  const box = encodePsshBox({ systemId, version, keyIds: version === 1 ? keyIds : [], data });

  if (options.json) {
    const result: PsshEncodeResult = {
      systemId,
      version,
      keyIds: version === 1 ? keyIds : [],
      base64: toBase64(box),
      hex: toHex(box),
      data: toBase64(data),
      ...(wrmHeader !== undefined && { wrmHeader }),
    };
    writeJson(result);
  } else if (options.human) {
    const described = describeBox({ ...parsePsshBox(box), offset: 0 }, 0, false);
    writeResult(renderDescription([described], [], stdoutStyle(), { offsets: false }));
  } else {
    writeResult(options.hex ? toHex(box) : toBase64(box));
  }
}

function chosenSystem(options: PsshEncodeOptions): string {
  const chosen = [
    options.systemId !== undefined && normalizeUuid(options.systemId),
    options.widevineSystemId && WIDEVINE_SYSTEM_ID,
    options.playreadySystemId && PLAYREADY_SYSTEM_ID,
    options.commonSystemId && COMMON_SYSTEM_ID,
  ].filter((id): id is string => typeof id === 'string');
  if (chosen.length !== 1) {
    throw new CliError(
      'ERR_CLI_USAGE',
      'give exactly one of --system-id, --widevine-system-id, --playready-system-id, --common-system-id',
    );
  }
  return chosen[0]!;
}

function hasWidevineFields(options: PsshEncodeOptions): boolean {
  return [
    options.contentId,
    options.contentIdString,
    options.provider,
    options.protectionScheme,
    options.algorithm,
    options.trackType,
    options.cryptoPeriodIndex,
  ].some((value) => value !== undefined);
}

function widevineData(options: PsshEncodeOptions, keyIds: string[]): WidevinePsshDataInit {
  if (options.contentId !== undefined && options.contentIdString !== undefined) {
    throw new CliError('ERR_CLI_USAGE', '--content-id and --content-id-string cannot be used together');
  }
  const data: WidevinePsshDataInit = {};
  if (options.algorithm !== undefined) {
    data.algorithm = WidevineAlgorithm[options.algorithm.toUpperCase() as keyof typeof WidevineAlgorithm];
  }
  if (keyIds.length > 0) data.keyIds = keyIds;
  if (options.provider !== undefined) data.provider = options.provider;
  if (options.contentId !== undefined) data.contentId = parseHexContentId(options.contentId);
  if (options.contentIdString !== undefined) data.contentId = options.contentIdString;
  if (options.trackType !== undefined) data.trackType = options.trackType;
  if (options.cryptoPeriodIndex !== undefined) {
    data.cryptoPeriodIndex = parseIndex(options.cryptoPeriodIndex, '--crypto-period-index');
  }
  if (options.protectionScheme !== undefined) data.protectionScheme = options.protectionScheme;
  return data;
}

function parseHexContentId(text: string): Uint8Array {
  if (!/^(?:[0-9a-f]{2})+$/i.test(text)) {
    throw new CliError(
      'ERR_CLI_INVALID_INPUT',
      '--content-id is hex (as in pssh-box.py); use --content-id-string for text',
    );
  }
  return Uint8Array.from(Buffer.from(text, 'hex'));
}

function boxVersion(text: string): 0 | 1 {
  if (text !== '0' && text !== '1')
    throw new CliError('ERR_CLI_USAGE', `--pssh-version must be 0 or 1, got ${JSON.stringify(text)}`);
  return Number(text) as 0 | 1;
}
