import { bytesToUuid, PsshError, uuidToBytes } from '@cpixkit/pssh';
import { PlayReadyError } from './errors.js';

/**
 * Swaps between RFC 4122 (big-endian) byte order and Microsoft GUID byte order: the first three
 * fields (DWORD, WORD, WORD) are reversed, the last eight bytes stay. The swap is its own inverse.
 */
export function swapGuidByteOrder(bytes: Uint8Array): Uint8Array {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 16) {
    const size = bytes instanceof Uint8Array ? bytes.length : typeof bytes;
    throw new PlayReadyError('ERR_PLAYREADY_INVALID_KID', `a KID is 16 bytes, got ${size}`);
  }
  return swapInPlace(Uint8Array.from(bytes));
}

/** {@link swapGuidByteOrder} of 16 bytes of our own, in place. */
function swapInPlace(bytes: Uint8Array): Uint8Array {
  swap(bytes, 0, 3);
  swap(bytes, 1, 2);
  swap(bytes, 4, 5);
  swap(bytes, 6, 7);
  return bytes;
}

function swap(bytes: Uint8Array, i: number, j: number): void {
  const byte = bytes[i]!;
  bytes[i] = bytes[j]!;
  bytes[j] = byte;
}

/** The KID (UUID string) as the 16 bytes PlayReady uses: GUID little-endian order. */
export function kidToGuidBytes(kid: string): Uint8Array {
  let bytes: Uint8Array;
  try {
    bytes = uuidToBytes(kid);
  } catch (error) {
    if (error instanceof PsshError) throw new PlayReadyError('ERR_PLAYREADY_INVALID_KID', error.message);
    throw error;
  }
  return swapInPlace(bytes);
}

/** The UUID string of a KID given in GUID little-endian bytes. */
export function guidBytesToKid(guid: Uint8Array): string {
  return bytesToUuid(swapGuidByteOrder(guid));
}

/** The KID as PlayReady writes it in a WRMHEADER: base64 of the GUID little-endian bytes. */
export function kidToGuidBase64(kid: string): string {
  return Buffer.from(kidToGuidBytes(kid)).toString('base64');
}

/** The UUID string of a KID given as PlayReady's base64 GUID little-endian form. */
export function guidBase64ToKid(value: string): string {
  if (typeof value !== 'string') {
    throw new PlayReadyError('ERR_PLAYREADY_INVALID_KID', `a base64 KID must be a string, got ${typeof value}`);
  }
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length !== 16) {
    throw new PlayReadyError('ERR_PLAYREADY_INVALID_KID', `a base64 KID decodes to 16 bytes, got ${bytes.length}`);
  }
  return guidBytesToKid(bytes);
}
