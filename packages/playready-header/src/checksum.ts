import { PlayReadyError } from './errors.js';
import { kidToGuidBytes } from './kid.js';

/**
 * The WRMHEADER `CHECKSUM` of an AESCTR content key (PlayReady Header Specification §5): base64 of the
 * first 8 bytes of AES-128-ECB(key, KID in GUID little-endian order). PlayReady defines no checksum for
 * AESCBC keys (the header must omit it); the legacy COCKTAIL checksum is not implemented.
 */
export function computeKeyChecksum(kid: string, key: Uint8Array): string {
  if (!(key instanceof Uint8Array) || key.length !== 16) {
    throw new PlayReadyError(
      'ERR_PLAYREADY_INVALID_KEY',
      `an AESCTR content key is 16 bytes, got ${key instanceof Uint8Array ? key.length : typeof key}`,
    );
  }
  // node:crypto is loaded on the first checksum, not with the package: reading and writing headers never
  // needs it, and loading it is most of what `cpixkit pssh decode` would otherwise spend on PlayReady.
  const { createCipheriv, createSecretKey } = process.getBuiltinModule('node:crypto');
  // The key goes in as a KeyObject: Node 24 prepares raw key bytes for a cipher in about 17 µs, a
  // KeyObject (made and used) in about 5; Node 22 and 26 take about 3 µs and 4 µs.
  // Stryker disable next-line BooleanLiteral: padding would only add a second block after the 8 bytes used
  const cipher = createCipheriv('aes-128-ecb', createSecretKey(key), null).setAutoPadding(false);
  const block = Buffer.concat([cipher.update(kidToGuidBytes(kid)), cipher.final()]);
  return block.subarray(0, 8).toString('base64');
}
