import { KeyServiceError } from './errors.js';
import { issueContentKeys, storedContentKey, storedKeyIfAny } from './key-source.js';
import type { PlannedKey, PlannedSystem, SignaledSystem } from './request-plan.js';
import type { KeyStore, Tenant } from './types.js';

/** The systems whose keys stay protected: a key served in the clear must never be one of theirs. */
const PROTECTED_SYSTEMS = new Set<SignaledSystem>(['widevine', 'playready', 'fairplay', 'aes128']);

/** DASH-IF's namespace of `Laurl` (license acquisition URL), `Certurl` and `Authzurl`. */
export const DASHIF_CPS_NAMESPACE = 'https://dashif.org/CPS';

/**
 * The store entry of the key issued for ClearKey under `kid`: apart from the KID's own entry, so
 * that a ClearKey key is never the key of another system, and the licence route can tell a KID
 * issued for ClearKey from any other.
 */
export function clearKeyEntry(kid: string): string {
  return `clearkey:${kid}`;
}

/**
 * The keys of a request that are issued for ClearKey. Refuses ClearKey for a tenant that does not
 * enable it, and a key asked for ClearKey and for a protected system too (DASH-IF: a ClearKey
 * licence shall not carry a key that a DRM system also uses).
 *
 * @throws {@link KeyServiceError} 422 `ERR_KEY_SERVICE_CLEARKEY_DISABLED` or `ERR_KEY_SERVICE_CLEARKEY_KEY_SHARED`.
 */
export function clearKeyKeys(tenant: Tenant, systems: readonly PlannedSystem[]): Set<PlannedKey> {
  const keys = new Set<PlannedKey>();
  for (const system of systems) {
    if (system.system !== 'clearkey') continue;
    if (!tenant.settings.clearKey.enabled) {
      throw new KeyServiceError(
        'ERR_KEY_SERVICE_CLEARKEY_DISABLED',
        422,
        `${system.label}: ClearKey is not enabled for this tenant`,
      );
    }
    keys.add(system.key);
  }
  if (keys.size === 0) return keys;
  for (const system of systems) {
    if (keys.has(system.key) && PROTECTED_SYSTEMS.has(system.system)) {
      throw new KeyServiceError(
        'ERR_KEY_SERVICE_CLEARKEY_KEY_SHARED',
        422,
        `${system.label}: kid ${system.key.kid} is asked for ClearKey, whose licences carry the key in the clear, so it cannot serve ${system.name} too; give ClearKey a key of its own`,
      );
    }
  }
  return keys;
}

/**
 * The ClearKey keys of `kids`: random, kept in the store under {@link clearKeyEntry} whatever the
 * tenant's key source (a key derived from the seed would be the one other systems get for the KID).
 *
 * @throws {@link KeyServiceError} 503 (rejects) when no store is configured or it fails.
 */
export function issueClearKeys(
  tenant: Tenant,
  kids: readonly string[],
  store: KeyStore | undefined,
): Promise<Uint8Array[]> {
  return Promise.all(kids.map((kid) => storedContentKey(tenant, clearKeyEntry(kid), store)));
}

/** The keys of a request, in order: ClearKey keys from {@link issueClearKeys}, the others as usual. */
export async function issueWithClearKeys(
  tenant: Tenant,
  keys: readonly PlannedKey[],
  clearKeys: ReadonlySet<PlannedKey>,
  store: KeyStore | undefined,
): Promise<Uint8Array[]> {
  const others = keys.filter((key) => !clearKeys.has(key));
  const [clear, other] = await Promise.all([
    issueClearKeys(
      tenant,
      [...clearKeys].map((key) => key.kid),
      store,
    ),
    issueContentKeys(
      tenant,
      others.map((key) => key.kid),
      store,
    ),
  ]);
  const values = new Map<PlannedKey, Uint8Array>();
  [...clearKeys].forEach((key, index) => {
    values.set(key, clear[index]!);
  });
  others.forEach((key, index) => {
    values.set(key, other[index]!);
  });
  return keys.map((key) => values.get(key)!);
}

/** The ClearKey key issued under `kid`, or `undefined` when none was. */
export function issuedClearKey(
  tenant: Tenant,
  kid: string,
  store: KeyStore | undefined,
): Promise<Uint8Array | undefined> {
  return storedKeyIfAny(tenant, clearKeyEntry(kid), store);
}

/** The tenant's ClearKey licence URL on this server: `${baseUrl}/clearkey/<tenant>/license`. */
export function clearKeyLicenseUrl(tenant: Tenant, baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/clearkey/${encodeURIComponent(tenant.id)}/license`;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * The ClearKey `ContentProtectionData` fragment: DASH-IF's licence URL element,
 * `<dashif:Laurl xmlns:dashif="https://dashif.org/CPS" licenseType="EME-1.0">…</dashif:Laurl>`
 * (`EME-1.0`: the licence is the JSON Web Key set of EME's ClearKey). DASH-IF has the ClearKey
 * descriptor carry no initialization data: the W3C common `pssh` goes in `PSSH`.
 */
export function clearKeyLaurlXml(licenseUrl: string): string {
  return `<dashif:Laurl xmlns:dashif="${DASHIF_CPS_NAMESPACE}" licenseType="EME-1.0">${escapeXml(licenseUrl)}</dashif:Laurl>`;
}
