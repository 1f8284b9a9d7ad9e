import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { CpixError } from '../errors.js';

const BLOCK = 16;

/** AES-256-CBC with PKCS#7 padding and a random IV, returned as XML-Enc writes a CipherValue: IV followed by ciphertext. */
export function encryptAes256Cbc(key: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const iv = randomBytes(BLOCK);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return new Uint8Array(Buffer.concat([iv, cipher.update(plaintext), cipher.final()]));
}

/**
 * Reverses {@link encryptAes256Cbc}. Only called after the value's MAC has been checked, so a
 * padding failure here means the sender encrypted under another key, not an oracle for an attacker.
 */
export function decryptAes256Cbc(key: Uint8Array, cipherValue: Uint8Array, path: string): Uint8Array {
  if (cipherValue.length < 2 * BLOCK || cipherValue.length % BLOCK !== 0) {
    throw new CpixError(
      'ERR_CPIX_DECRYPTION_FAILED',
      `CipherValue of ${cipherValue.length} bytes is not an IV followed by whole AES blocks`,
      { path },
    );
  }
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, cipherValue.subarray(0, BLOCK));
    return new Uint8Array(Buffer.concat([decipher.update(cipherValue.subarray(BLOCK)), decipher.final()]));
  } catch (cause) {
    throw new CpixError(
      'ERR_CPIX_DECRYPTION_FAILED',
      'AES-256-CBC decryption failed (bad padding: encrypted under another key)',
      { path, cause },
    );
  }
}
