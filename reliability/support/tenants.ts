import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tenantsConfig, type TestTenant } from '../../apps/server/test/helpers.js';
import type { SecretLedger } from './secrets.js';

export { testTenant, type TestTenant } from '../../apps/server/test/helpers.js';

/**
 * Writes a tenants config file (JSON, tokens stored as SHA-256 hashes) in `dir` and records every
 * tenant's token, seed and derivation secret in the ledger. Returns the file's path.
 */
export function writeTenantsConfig(dir: string, tenants: readonly TestTenant[], ledger: SecretLedger): string {
  for (const tenant of tenants) {
    ledger.add(`token of ${tenant.id}`, tenant.token);
    ledger.add(`key seed of ${tenant.id}`, tenant.keySeed);
    ledger.add(`key seed of ${tenant.id}`, new Uint8Array(Buffer.from(tenant.keySeed, 'base64')));
    ledger.add(`derivation secret of ${tenant.id}`, tenant.derivationSecret);
    ledger.add(`derivation secret of ${tenant.id}`, new Uint8Array(Buffer.from(tenant.derivationSecret, 'base64')));
  }
  const config = tenantsConfig(tenants);
  const file = join(dir, 'tenants.json');
  writeFileSync(file, JSON.stringify(config, null, 2), { mode: 0o600 });
  return file;
}
