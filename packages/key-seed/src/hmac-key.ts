import { createSecretKey, type KeyObject, timingSafeEqual } from 'node:crypto';

/** Each secret's HMAC key, with a copy of the bytes it was made from. */
const keys = new WeakMap<Uint8Array, { bytes: Buffer; key: KeyObject }>();

/**
 * The secret as a `KeyObject` for `createHmac`, made once per secret. Node 24 prepares a raw byte
 * key slowly (about 13 µs per `createHmac`, against 3 µs for a `KeyObject`); Node 22 and 26 take
 * either alike. The key is made again when the caller has changed the secret's bytes since.
 */
export function hmacKeyOf(secret: Uint8Array): KeyObject {
  const known = keys.get(secret);
  if (known !== undefined && known.bytes.length === secret.length && timingSafeEqual(known.bytes, secret)) {
    return known.key;
  }
  const bytes = Buffer.from(secret);
  const key = createSecretKey(bytes);
  keys.set(secret, { bytes, key });
  return key;
}
