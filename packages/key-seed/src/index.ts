export { KeySeedError, type KeySeedErrorCode } from './errors.js';
export { deriveContentKey, PLAYREADY_KEY_SEED_LENGTH } from './playready-key-seed.js';
export { parseKeySeed } from './parse-key-seed.js';
export {
  DERIVATION_LABELS,
  deriveIv,
  deriveKeyId,
  type IvContext,
  type KeyIdContext,
  MIN_SECRET_LENGTH,
} from './keyed-derivation.js';
export { hmacKeyOf } from './hmac-key.js';
export { secretsEqual } from './secrets-equal.js';
