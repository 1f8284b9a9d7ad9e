import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Our own error codes after `ERR_`: a project's prefix and words (Node's `ERR_MODULE_NOT_FOUND`… are not ours). */
export const OWN_CODE =
  '(?:CPIX|CLIENT|CLI|SERVER|KEY_SERVICE|SPEKE_LAMBDA|PSSH|PLAYREADY|HLS|KEY_SEED)_[A-Z0-9]+(?:_[A-Z0-9]+)*';

/** The error codes a package's README lists: the only codes its errors may carry. */
export function documentedErrorCodes(packageDir: string): Set<string> {
  const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
  return new Set(readme.match(new RegExp(`\\bERR_${OWN_CODE}\\b`, 'g')) ?? []);
}
