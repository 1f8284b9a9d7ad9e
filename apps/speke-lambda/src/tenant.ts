import { KeyServiceError, resolveTenantsConfig, type Tenant } from '@cpixkit/key-service';
import type { LambdaSettings } from './environment.js';
import { SpekeLambdaError } from './errors.js';
import type { TenantSecrets } from './secrets.js';

/**
 * The function's one tenant, from its settings and secrets, validated by the engine exactly as a
 * server tenants config entry `{ id, keySeed, derivationSecret, settings }` would be. Without a
 * derivation secret the key seed stands in for it (see {@link TenantSecrets}).
 *
 * @throws {@link SpekeLambdaError} `ERR_SPEKE_LAMBDA_CONFIG` naming the setting at fault, never a value.
 */
export function buildTenant(settings: LambdaSettings, secrets: TenantSecrets): Tenant {
  const entry = {
    id: settings.tenantId,
    keySeed: secrets.keySeed,
    derivationSecret: secrets.derivationSecret ?? secrets.keySeed,
    settings: settings.tenantSettings,
  };
  try {
    const [tenant] = resolveTenantsConfig({ tenants: [entry] });
    return tenant!;
  } catch (error) {
    if (error instanceof KeyServiceError) {
      const reason = error.message.replace(/^tenants\[0\]\./, '');
      throw new SpekeLambdaError('ERR_SPEKE_LAMBDA_CONFIG', 500, `the tenant configuration is invalid: ${reason}`, {
        cause: error,
      });
    }
    throw error;
  }
}
