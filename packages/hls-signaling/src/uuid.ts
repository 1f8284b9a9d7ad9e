import { PsshError } from '@cpixkit/pssh';
import { HlsSignalingError, type HlsSignalingErrorCode } from './errors.js';

/**
 * A KID string read by one of `@cpixkit/pssh`'s UUID readers (`uuidToBytes`, `normalizeUuid`), with
 * a fault reported as this package's error, of `code`, naming `attribute` when given.
 */
export function readKid<T>(kid: unknown, read: (kid: string) => T, code: HlsSignalingErrorCode, attribute?: string): T {
  if (typeof kid !== 'string') {
    throw new HlsSignalingError(
      code,
      `${attribute ?? 'the KID'} must be a UUID string`,
      attribute ? { attribute } : {},
    );
  }
  try {
    return read(kid);
  } catch (error) {
    if (error instanceof PsshError) {
      throw new HlsSignalingError(code, attribute ? `${attribute}: ${error.message}` : error.message, {
        cause: error,
        ...(attribute ? { attribute } : {}),
      });
    }
    throw error;
  }
}

/** Two upper-case hex digits of each byte value. */
const BYTE_HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).toUpperCase().padStart(2, '0'));

/** Upper-case hex of bytes, as HLS writes IV and KEYID values after `0x`. */
export function upperHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += BYTE_HEX[byte]!;
  return hex;
}
