import { randomBytes } from 'node:crypto';
import { deriveContentKey } from '@cpixkit/key-seed';
import { KeyServiceError } from './errors.js';
import type { KeyStore, Tenant } from './types.js';

function noStore(): KeyServiceError {
  return new KeyServiceError(
    'ERR_KEY_SERVICE_NO_STORE',
    503,
    'this tenant keeps keys in a store, and none is configured',
  );
}

function storeFailed(cause: unknown): KeyServiceError {
  return new KeyServiceError('ERR_KEY_SERVICE_STORE_UNAVAILABLE', 503, 'the key store is unavailable', { cause });
}

/** A fresh random content key, for keys kept in a store. */
function randomContentKey(): Uint8Array {
  return Uint8Array.from(randomBytes(16));
}

/**
 * The content keys of `kids` for a request, in order: derived from the tenant's key seed
 * (`keySource: 'seed'`, stateless) there and then, without a promise per key; or read from the
 * store and created there, once and atomically, when new (`keySource: 'store'`).
 *
 * @throws {@link KeyServiceError} 503 (rejects) when the store is missing or fails.
 */
export function issueContentKeys(
  tenant: Tenant,
  kids: string[],
  store: KeyStore | undefined,
): Uint8Array[] | Promise<Uint8Array[]> {
  if (tenant.keySource === 'seed') return kids.map((kid) => deriveContentKey(tenant.keySeed, kid));
  return Promise.all(kids.map((kid) => storedContentKey(tenant, kid, store)));
}

/**
 * The key kept in the store under `name` (a KID, or another entry name such as a ClearKey key's),
 * created there once and atomically when new.
 *
 * @throws {@link KeyServiceError} 503 (rejects) when the store is missing or fails.
 */
export async function storedContentKey(tenant: Tenant, name: string, store: KeyStore | undefined): Promise<Uint8Array> {
  if (store === undefined) throw noStore();
  let key: Uint8Array;
  try {
    key = await store.getOrCreateKey(tenant.id, name, randomContentKey);
  } catch (cause) {
    throw storeFailed(cause);
  }
  if (!(key instanceof Uint8Array) || key.length !== 16)
    throw storeFailed(new Error('the store returned a key that is not 16 bytes'));
  return key;
}

/**
 * The content key of `kid` for a key delivery: as {@link issueContentKeys}, except that a store
 * tenant only gets keys that were issued before.
 *
 * @throws {@link KeyServiceError} 404 when the store has no such key, 503 when it fails.
 */
export async function existingContentKey(
  tenant: Tenant,
  kid: string,
  store: KeyStore | undefined,
): Promise<Uint8Array> {
  if (tenant.keySource === 'seed') return deriveContentKey(tenant.keySeed, kid);
  const key = await storedKeyIfAny(tenant, kid, store);
  if (key === undefined)
    throw new KeyServiceError('ERR_KEY_SERVICE_KEY_NOT_FOUND', 404, 'no key was issued for this KID');
  return key;
}

/**
 * The key kept in the store under `name`, or `undefined` when none was ever created.
 *
 * @throws {@link KeyServiceError} 503 (rejects) when the store is missing or fails.
 */
export async function storedKeyIfAny(
  tenant: Tenant,
  name: string,
  store: KeyStore | undefined,
): Promise<Uint8Array | undefined> {
  if (store === undefined) throw noStore();
  try {
    return await store.getKey(tenant.id, name);
  } catch (cause) {
    throw storeFailed(cause);
  }
}
