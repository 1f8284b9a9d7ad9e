import { KeyServiceError } from './errors.js';
import type { PlannedKey, PlannedSystem } from './request-plan.js';
import type { Tenant } from './types.js';

/**
 * Refuses a request that asks HLS AES-128 for a key that also serves Widevine, PlayReady or
 * FairPlay, unless the tenant sets `aes128.allowDrmKeys`: the AES-128 key URL carries no
 * credentials, so whoever holds the playlist could fetch the DRM key from it.
 *
 * @throws {@link KeyServiceError} `ERR_KEY_SERVICE_AES128_DRM_KEY` (422) naming the first such kid.
 */
export function checkClearKeyPolicy(systems: readonly PlannedSystem[], tenant: Tenant): void {
  if (tenant.settings.aes128.allowDrmKeys) return;
  const clear = new Set<PlannedKey>();
  const drm = new Map<PlannedKey, PlannedSystem>();
  for (const planned of systems) {
    if (planned.system === 'aes128') clear.add(planned.key);
    else if (!drm.has(planned.key)) drm.set(planned.key, planned);
  }
  for (const key of clear) {
    const other = drm.get(key);
    if (other === undefined) continue;
    throw new KeyServiceError(
      'ERR_KEY_SERVICE_AES128_DRM_KEY',
      422,
      `kid ${key.kid} is asked for ${other.name} and HLS AES-128: the clear-key URL would hand out the ${other.name} key; use a key of its own for AES-128 (or set aes128.allowDrmKeys)`,
    );
  }
}
