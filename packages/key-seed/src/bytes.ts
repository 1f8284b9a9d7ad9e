import { KeySeedError } from './errors.js';

/** Throws unless `value` is a Uint8Array; `what` names the argument in the message. */
export function assertBytes(value: unknown, what: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new KeySeedError('ERR_KEY_SEED_INVALID_INPUT', `${what} must be a Uint8Array`);
  }
}
