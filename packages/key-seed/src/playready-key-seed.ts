import { hash } from 'node:crypto';
import { kidToGuidBytes, PlayReadyError } from '@cpixkit/playready-header';
import { assertBytes } from './bytes.js';
import { KeySeedError } from './errors.js';

/** The shortest PlayReady key seed, in bytes; only this many leading bytes take part in the derivation. */
export const PLAYREADY_KEY_SEED_LENGTH = 30;

/** Bytes of S‖K and of S‖K‖S (S the 30 seed bytes used, K the 16 KID bytes). */
const S_K = PLAYREADY_KEY_SEED_LENGTH + 16;
const S_K_S = S_K + PLAYREADY_KEY_SEED_LENGTH;
/**
 * Room for S‖K‖S‖K, shared by every derivation: one array longer than 64 bytes of its own per key
 * would be an off-heap allocation each time. Derivation is synchronous, so no two derivations use
 * it at once, and it is zeroed after each.
 */
const MESSAGE = new Uint8Array(2 * S_K);
const MESSAGE_S_K = MESSAGE.subarray(0, S_K);
const MESSAGE_S_K_S = MESSAGE.subarray(0, S_K_S);

/**
 * The 16-byte content key for `kid` under a PlayReady key seed, as defined on Microsoft's
 * "PlayReady Key Seed" page: with S the first 30 bytes of the seed and K the KID in GUID
 * (little-endian) byte order, `A = SHA256(S‖K)`, `B = SHA256(S‖K‖S)`, `C = SHA256(S‖K‖S‖K)` and
 * `key[i] = A[i]^A[i+16]^B[i]^B[i+16]^C[i]^C[i+16]`.
 *
 * @param seed - at least 30 bytes; longer seeds are cut to 30 bytes, as PlayReady servers do.
 * @param kid - the KID as a UUID string (RFC 4122 spelling, as in CPIX `@kid`).
 * @throws {@link KeySeedError} `ERR_KEY_SEED_TOO_SHORT` or `ERR_KEY_SEED_INVALID_KID`.
 */
export function deriveContentKey(seed: Uint8Array, kid: string): Uint8Array {
  assertBytes(seed, 'the key seed');
  if (seed.length < PLAYREADY_KEY_SEED_LENGTH) {
    throw new KeySeedError(
      'ERR_KEY_SEED_TOO_SHORT',
      `a PlayReady key seed is at least ${PLAYREADY_KEY_SEED_LENGTH} bytes, got ${seed.length}`,
    );
  }
  const s = seed.subarray(0, PLAYREADY_KEY_SEED_LENGTH);
  const k = kidGuidBytes(kid);
  // A, B and C hash prefixes of one message S‖K‖S‖K, digested as 'binary' (latin1) strings, one
  // character per byte: no hash object, and no Buffer with a backing store, per digest.
  MESSAGE.set(s, 0);
  MESSAGE.set(k, PLAYREADY_KEY_SEED_LENGTH);
  MESSAGE.set(s, S_K);
  MESSAGE.set(k, S_K_S);
  const a = hash('sha256', MESSAGE_S_K, 'binary');
  const b = hash('sha256', MESSAGE_S_K_S, 'binary');
  const c = hash('sha256', MESSAGE, 'binary');
  // Stryker disable next-line CallExpression: hygiene only (no seed left in memory); every derivation overwrites all of it first
  MESSAGE.fill(0);
  const key = new Uint8Array(16);
  for (let i = 0; i < 16; i++) {
    key[i] =
      a.charCodeAt(i) ^
      a.charCodeAt(i + 16) ^
      b.charCodeAt(i) ^
      b.charCodeAt(i + 16) ^
      c.charCodeAt(i) ^
      c.charCodeAt(i + 16);
  }
  return key;
}

function kidGuidBytes(kid: string): Uint8Array {
  if (typeof kid !== 'string') {
    throw new KeySeedError('ERR_KEY_SEED_INVALID_KID', 'the KID must be a UUID string');
  }
  try {
    return kidToGuidBytes(kid);
  } catch (error) {
    if (error instanceof PlayReadyError) {
      throw new KeySeedError('ERR_KEY_SEED_INVALID_KID', error.message, { cause: error });
    }
    throw error;
  }
}
