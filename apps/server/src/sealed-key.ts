import { createCipheriv, createDecipheriv, type KeyObject, randomBytes } from 'node:crypto';
import { ServerError } from './errors.js';

const FORMAT_VERSION = 1;
const IV_LENGTH = 12;
const TAG_LENGTH = 16;
const HEADER_LENGTH = 1 + IV_LENGTH + TAG_LENGTH;

/** Length in bytes of the master key that seals stored content keys (AES-256). */
export const MASTER_KEY_LENGTH = 32;

function associatedData(tenantId: string, kid: string): Buffer {
  // JSON keeps the two fields apart whatever characters they hold.
  return Buffer.from(JSON.stringify([tenantId, kid]), 'utf8');
}

/**
 * Encrypts a content key for storage: AES-256-GCM under the master key with the tenant id and KID
 * as associated data, so a row copied to another tenant or KID no longer opens.
 * Layout: version (1) | IV (12) | tag (16) | ciphertext.
 */
export function sealKey(masterKey: KeyObject | Uint8Array, tenantId: string, kid: string, key: Uint8Array): Uint8Array {
  const iv = randomBytes(IV_LENGTH);
  const cipher = createCipheriv('aes-256-gcm', masterKey, iv, { authTagLength: TAG_LENGTH });
  cipher.setAAD(associatedData(tenantId, kid));
  const ciphertext = Buffer.concat([cipher.update(key), cipher.final()]);
  return Buffer.concat([Buffer.of(FORMAT_VERSION), iv, cipher.getAuthTag(), ciphertext]);
}

/** Decrypts what {@link sealKey} produced; throws `ERR_SERVER_STORE_CORRUPT` when it does not authenticate. */
export function openKey(
  masterKey: KeyObject | Uint8Array,
  tenantId: string,
  kid: string,
  sealed: Uint8Array,
): Uint8Array {
  const bytes = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (bytes.length <= HEADER_LENGTH || bytes[0] !== FORMAT_VERSION) {
    throw new ServerError('ERR_SERVER_STORE_CORRUPT', 500, 'a stored key has an unknown format');
  }
  const decipher = createDecipheriv('aes-256-gcm', masterKey, bytes.subarray(1, 1 + IV_LENGTH), {
    authTagLength: TAG_LENGTH,
  });
  decipher.setAAD(associatedData(tenantId, kid));
  decipher.setAuthTag(bytes.subarray(1 + IV_LENGTH, HEADER_LENGTH));
  try {
    return new Uint8Array(Buffer.concat([decipher.update(bytes.subarray(HEADER_LENGTH)), decipher.final()]));
  } catch (cause) {
    throw new ServerError(
      'ERR_SERVER_STORE_CORRUPT',
      500,
      'a stored key does not decrypt: wrong master key or a damaged row',
      { cause },
    );
  }
}
