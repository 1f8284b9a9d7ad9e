import { createHmac, timingSafeEqual } from 'node:crypto';

/** HMAC-SHA512 of `data` under `key`. */
export function hmacSha512(key: Uint8Array, data: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha512', key).update(data).digest());
}

/** Compares a computed MAC with a received one in time independent of where they differ. */
export function macEquals(expected: Uint8Array, received: Uint8Array): boolean {
  // timingSafeEqual needs equal lengths; a length difference reveals nothing about the key.
  return expected.length === received.length && timingSafeEqual(expected, received);
}
