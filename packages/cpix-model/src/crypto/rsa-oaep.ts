import { constants, privateDecrypt, publicEncrypt, type KeyObject } from 'node:crypto';

/** Wraps a key for a recipient with RSA-OAEP, SHA-1 and MGF1-SHA-1, as `xmlenc#rsa-oaep-mgf1p` specifies. */
export function wrapRsaOaepMgf1p(publicKey: KeyObject, key: Uint8Array): Uint8Array {
  return new Uint8Array(
    publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, key),
  );
}

/** Reverses {@link wrapRsaOaepMgf1p}; throws node's error when the key or the ciphertext does not fit. */
export function unwrapRsaOaepMgf1p(privateKey: KeyObject, wrapped: Uint8Array): Uint8Array {
  return new Uint8Array(
    privateDecrypt({ key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, wrapped),
  );
}
