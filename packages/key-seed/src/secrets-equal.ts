import { createHash, timingSafeEqual } from 'node:crypto';
import { KeySeedError } from './errors.js';

function digest(value: string | Uint8Array): Buffer {
  if (typeof value !== 'string' && !(value instanceof Uint8Array)) {
    throw new KeySeedError('ERR_KEY_SEED_INVALID_INPUT', 'secretsEqual compares strings or Uint8Arrays');
  }
  return createHash('sha256').update(value).digest();
}

/**
 * Compares two secrets (tokens, API keys, MACs) in time that depends on neither their contents nor
 * where they differ. Both sides are hashed to 32 bytes first, so values of different lengths are
 * compared in constant time as well instead of making `crypto.timingSafeEqual` throw. Strings are
 * compared as UTF-8.
 */
export function secretsEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const sameDigest = timingSafeEqual(digest(a), digest(b));
  return sameDigest && byteLength(a) === byteLength(b);
}

// Stryker disable next-line BlockStatement: equal SHA-256 digests already mean equal lengths, short of a collision
function byteLength(value: string | Uint8Array): number {
  return typeof value === 'string' ? Buffer.byteLength(value) : value.length;
}
