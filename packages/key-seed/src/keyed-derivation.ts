import { createHmac } from 'node:crypto';
import { bytesToUuid, PsshError, uuidToBytes } from '@cpixkit/pssh';
import { assertBytes } from './bytes.js';
import { hmacKeyOf } from './hmac-key.js';
import { KeySeedError } from './errors.js';

/** The shortest HMAC secret accepted by {@link deriveKeyId} and {@link deriveIv}, in bytes. */
export const MIN_SECRET_LENGTH = 16;

/** Labels that keep the derivations apart even when they share a secret (and the PlayReady key seed). */
export const DERIVATION_LABELS = {
  keyId: 'cpixkit/kid/v1',
  ivForContent: 'cpixkit/iv/content/v1',
  ivForKid: 'cpixkit/iv/kid/v1',
} as const;

/** What a server-assigned KID (or IV) is derived from. */
export interface KeyIdContext {
  /** The CPIX content id; any non-empty string, compared byte-for-byte as UTF-8. */
  contentId: string;
  /** Track type such as `SD`, `HD`, `UHD1`, `AUDIO`; case-sensitive, non-empty when given. */
  trackType?: string;
  /** `ContentKeyPeriod@index` for key rotation; a non-negative integer. Absent differs from 0. */
  periodIndex?: number;
  /**
   * Encryption scheme (`cbcs`, `cens`, …), so that one content's packages in different schemes get
   * different keys; non-empty when given. When absent the derivation is the one without it.
   */
  scheme?: string;
}

/** The IV is derived from a KID, or from the same context a KID is derived from. */
export type IvContext = { kid: string } | KeyIdContext;

const encoder = new TextEncoder();

/**
 * The HMAC message: each of label and fields as u32be(length) ‖ bytes, so that no two different
 * field lists give the same message. Written into one buffer, hashed with one update.
 */
function lengthPrefixedMessage(parts: Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of parts) length += 4 + part.length;
  const message = new Uint8Array(length);
  const view = new DataView(message.buffer);
  let at = 0;
  for (const part of parts) {
    view.setUint32(at, part.length);
    message.set(part, at + 4);
    at += 4 + part.length;
  }
  return message;
}

/** The UTF-8 bytes of each label, encoded once. */
const LABEL_BYTES = {
  keyId: encoder.encode(DERIVATION_LABELS.keyId),
  ivForContent: encoder.encode(DERIVATION_LABELS.ivForContent),
  ivForKid: encoder.encode(DERIVATION_LABELS.ivForKid),
} as const;

function hmacFirst16(secret: Uint8Array, label: Uint8Array, fields: Uint8Array[]): Uint8Array {
  assertBytes(secret, 'the secret');
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new KeySeedError(
      'ERR_KEY_SEED_SECRET_TOO_SHORT',
      `the derivation secret must be at least ${MIN_SECRET_LENGTH} bytes, got ${secret.length}`,
    );
  }
  const message = lengthPrefixedMessage([label, ...fields]);
  return Uint8Array.from(createHmac('sha256', hmacKeyOf(secret)).update(message).digest().subarray(0, 16));
}

function contextFields(context: KeyIdContext): Uint8Array[] {
  if (typeof context !== 'object' || context === null) {
    throw new KeySeedError('ERR_KEY_SEED_INVALID_INPUT', 'the derivation context must be an object');
  }
  const { contentId, trackType, periodIndex, scheme } = context;
  if (typeof contentId !== 'string' || contentId === '') {
    throw new KeySeedError('ERR_KEY_SEED_INVALID_INPUT', 'contentId must be a non-empty string');
  }
  if (trackType !== undefined && (typeof trackType !== 'string' || trackType === '')) {
    throw new KeySeedError('ERR_KEY_SEED_INVALID_INPUT', 'trackType must be a non-empty string when given');
  }
  if (periodIndex !== undefined && !(Number.isSafeInteger(periodIndex) && periodIndex >= 0)) {
    throw new KeySeedError('ERR_KEY_SEED_INVALID_INPUT', 'periodIndex must be a non-negative safe integer when given');
  }
  if (scheme !== undefined && (typeof scheme !== 'string' || scheme === '')) {
    throw new KeySeedError('ERR_KEY_SEED_INVALID_INPUT', 'scheme must be a non-empty string when given');
  }
  const period = new Uint8Array(periodIndex === undefined ? 0 : 8);
  if (periodIndex !== undefined) new DataView(period.buffer).setBigUint64(0, BigInt(periodIndex));
  const fields = [encoder.encode(contentId), encoder.encode(trackType ?? ''), period];
  // Appended only when given, so that every derivation without a scheme stays what it was.
  if (scheme !== undefined) fields.push(encoder.encode(scheme));
  return fields;
}

/**
 * A deterministic KID for (content id, track type, period index) under a secret, so the same request
 * gets the same KID on every instance and after restarts. The KID is the first 16 bytes of
 * `HMAC-SHA-256(secret, F("cpixkit/kid/v1") ‖ F(contentId) ‖ F(trackType or "") ‖ F(periodIndex) [‖ F(scheme)])`,
 * where `F(x) = u32be(byteLength(x)) ‖ x`, strings are UTF-8 and `periodIndex` is a u64be (empty when
 * absent), formatted as a lower-case UUID string. RFC 4122 version/variant bits are not forced:
 * DRM KIDs are arbitrary 16-byte values.
 *
 * @param secret - at least 16 bytes (a tenant's key seed will do; the label keeps the outputs apart).
 * @throws {@link KeySeedError} `ERR_KEY_SEED_SECRET_TOO_SHORT` or `ERR_KEY_SEED_INVALID_INPUT`.
 */
export function deriveKeyId(secret: Uint8Array, context: KeyIdContext): string {
  return bytesToUuid(hmacFirst16(secret, LABEL_BYTES.keyId, contextFields(context)));
}

/**
 * A deterministic 16-byte IV (for FairPlay and AES-128 `explicitIV`). Given `{ kid }` it is the first
 * 16 bytes of `HMAC-SHA-256(secret, F("cpixkit/iv/kid/v1") ‖ F(KID bytes, RFC 4122 order))`; given a
 * {@link KeyIdContext} it is built like {@link deriveKeyId} with the label `cpixkit/iv/content/v1`.
 *
 * @throws {@link KeySeedError} `ERR_KEY_SEED_SECRET_TOO_SHORT`, `ERR_KEY_SEED_INVALID_KID` or
 *   `ERR_KEY_SEED_INVALID_INPUT`.
 */
export function deriveIv(secret: Uint8Array, context: IvContext): Uint8Array {
  if (typeof context === 'object' && context !== null && 'kid' in context) {
    return hmacFirst16(secret, LABEL_BYTES.ivForKid, [kidBytes(context.kid)]);
  }
  return hmacFirst16(secret, LABEL_BYTES.ivForContent, contextFields(context));
}

function kidBytes(kid: unknown): Uint8Array {
  if (typeof kid !== 'string') {
    throw new KeySeedError('ERR_KEY_SEED_INVALID_KID', 'the KID must be a UUID string');
  }
  try {
    return uuidToBytes(kid);
  } catch (error) {
    if (error instanceof PsshError) {
      throw new KeySeedError('ERR_KEY_SEED_INVALID_KID', error.message, { cause: error });
    }
    throw error;
  }
}
