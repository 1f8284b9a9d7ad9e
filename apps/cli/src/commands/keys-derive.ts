import { deriveContentKey, parseKeySeed } from '@cpixkit/key-seed';
import { computeKeyChecksum } from '@cpixkit/playready-header';
import { normalizeUuid } from '@cpixkit/pssh';
import { CliError } from '../errors.js';
import { readSecret, secret, writeJson, writeResult } from '../io.js';
import { stdoutStyle } from '../style.js';
import { formatTable } from '../table.js';
import { toBase64, toHex } from '../values.js';

/** Options of `cpixkit keys derive`. */
export interface KeysDeriveOptions {
  keySeed?: string;
  kid?: string[];
  json?: boolean;
  showKeys?: boolean;
}

/** One derived key in the `--json` output; `hex` and `base64` are `****` without `--show-keys`. */
export interface DerivedKey {
  kid: string;
  key: { hex: string; base64: string };
  /** The PlayReady AESCTR key checksum (WRMHEADER `CHECKSUM`). */
  checksum: string;
}

/** `cpixkit keys derive`: content keys from a PlayReady key seed, with their PlayReady checksums. */
export function keysDerive(options: KeysDeriveOptions): void {
  if (options.keySeed === undefined) throw new CliError('ERR_CLI_USAGE', '--key-seed is required');
  const kids = (options.kid ?? []).map(normalizeUuid);
  if (kids.length === 0) throw new CliError('ERR_CLI_USAGE', 'give at least one --kid');
  const seed = parseKeySeed(readSecret(options.keySeed, '--key-seed'));
  const show = options.showKeys === true;
  const keys: DerivedKey[] = kids.map((kid) => {
    const key = deriveContentKey(seed, kid);
    return {
      kid,
      key: { hex: secret(toHex(key), show), base64: secret(toBase64(key), show) },
      checksum: computeKeyChecksum(kid, key),
    };
  });
  if (options.json) {
    writeJson({ keys });
    return;
  }
  const style = stdoutStyle();
  const rows = [
    ['KID', 'KEY (hex)', 'KEY (base64)', 'CHECKSUM'],
    ...keys.map((k) => [k.kid, k.key.hex, k.key.base64, k.checksum]),
  ];
  writeResult(formatTable(rows, style.bold));
}
