import { deriveContentKey, parseKeySeed } from '@cpixkit/key-seed';
import {
  type PlayReadyAlgorithm,
  WRMHEADER_VERSIONS,
  type WrmHeader,
  type WrmHeaderKey,
  type WrmHeaderVersion,
} from '@cpixkit/playready-header';
import { normalizeUuid } from '@cpixkit/pssh';
import { CliError } from './errors.js';
import { readSecret } from './io.js';
import { parseBytes } from './values.js';

/** The PlayReady header options shared by `playready header`, `pssh encode` and `hls`. */
export interface PlayReadyHeaderOptions {
  /** KIDs, any UUID spelling. */
  kid?: string[];
  /** Content keys (hex or base64), in the order of the KIDs; used only to compute CHECKSUMs. */
  key?: string[];
  /** A PlayReady key seed (hex or base64, `@file`, `env:NAME`); keys are derived from it for CHECKSUMs. */
  keySeed?: string;
  laUrl?: string;
  luiUrl?: string;
  dsId?: string;
  headerVersion?: string;
  algid?: string;
  customAttributes?: string;
  decryptorSetup?: boolean;
  licenseRequested?: boolean;
}

/** Normalises `4`, `4.3`, `4.3.0.0` to a WRMHEADER version. */
function parseHeaderVersion(text: string): WrmHeaderVersion {
  const [major = '', minor = '0'] = text.trim().split('.');
  const version = `${major}.${minor}.0.0`;
  if (!(WRMHEADER_VERSIONS as readonly string[]).includes(version)) {
    throw new CliError(
      'ERR_CLI_USAGE',
      `--header-version must be one of ${WRMHEADER_VERSIONS.join(', ')}, got ${JSON.stringify(text)}`,
    );
  }
  return version as WrmHeaderVersion;
}

/**
 * The {@link WrmHeader} the options describe. Without `--header-version` the oldest version that fits is
 * taken: 4.0.0.0 for one AESCTR key (every PlayReady client reads it), 4.1.0.0 for none, 4.2.0.0 for
 * several, 4.3.0.0 for AESCBC.
 */
export function headerFromOptions(
  options: PlayReadyHeaderOptions,
  defaults: { algId?: PlayReadyAlgorithm } = {},
): WrmHeader {
  const kids = (options.kid ?? []).map(normalizeUuid);
  const keys = contentKeys(kids, options);
  // A key is given to compute CHECKSUMs, which exist for AESCTR only (ALGID is optional from 4.3 on).
  const algId =
    options.algid === undefined
      ? (defaults.algId ?? (keys ? 'AESCTR' : undefined))
      : (options.algid.toUpperCase() as PlayReadyAlgorithm);
  const version =
    options.headerVersion !== undefined
      ? parseHeaderVersion(options.headerVersion)
      : algId === 'AESCBC'
        ? '4.3.0.0'
        : kids.length === 1
          ? '4.0.0.0'
          : kids.length === 0
            ? '4.1.0.0'
            : '4.2.0.0';
  const header: WrmHeader = {
    version,
    keys: kids.map((kid, index): WrmHeaderKey => {
      const key: WrmHeaderKey = { kid };
      if (algId !== undefined) key.algId = algId;
      const content = keys?.[index];
      // PlayReady defines no checksum for AESCBC keys.
      if (content !== undefined && algId !== 'AESCBC') key.key = content;
      return key;
    }),
  };
  if (options.laUrl !== undefined) header.laUrl = options.laUrl;
  if (options.luiUrl !== undefined) header.luiUrl = options.luiUrl;
  if (options.dsId !== undefined) header.dsId = options.dsId;
  if (options.customAttributes !== undefined) header.customAttributes = options.customAttributes;
  if (options.decryptorSetup) header.decryptorSetup = 'ONDEMAND';
  if (options.licenseRequested !== undefined) header.licenseRequested = options.licenseRequested;
  return header;
}

/** The content key of each KID: given with `--key`, derived with `--key-seed`, or none. */
function contentKeys(
  kids: readonly string[],
  options: Pick<PlayReadyHeaderOptions, 'key' | 'keySeed'>,
): Uint8Array[] | undefined {
  if (options.key !== undefined && options.key.length > 0) {
    if (options.keySeed !== undefined)
      throw new CliError('ERR_CLI_USAGE', '--key and --key-seed cannot be used together');
    if (options.key.length !== kids.length) {
      throw new CliError(
        'ERR_CLI_USAGE',
        `${options.key.length} --key values for ${kids.length} KIDs: give one key per KID, in the same order`,
      );
    }
    return options.key.map((key, index) => parseBytes(key, `--key ${index + 1}`, 16));
  }
  if (options.keySeed !== undefined) {
    const seed = parseKeySeed(readSecret(options.keySeed, '--key-seed'));
    return kids.map((kid) => deriveContentKey(seed, kid));
  }
  return undefined;
}
