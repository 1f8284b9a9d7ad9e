import { normalizeUuid, PsshError, uuidToBytes } from '@cpixkit/pssh';
import { HlsSignalingError, type HlsSignalingErrorCode } from './errors.js';

/** The 16 RFC 4122 bytes of a KID string, with the fault reported as this package's error. */
export function kidBytes(kid: unknown, code: HlsSignalingErrorCode, attribute?: string): Uint8Array {
  return readKid(kid, uuidToBytes, code, attribute);
}

/**
 * The lower-case dashed spelling of a KID string (the string itself when it already is), with the
 * fault reported as this package's error.
 */
export function normalKid(kid: unknown, code: HlsSignalingErrorCode, attribute?: string): string {
  return readKid(kid, normalizeUuid, code, attribute);
}

function readKid<T>(
  kid: unknown,
  read: (kid: string) => T,
  code: HlsSignalingErrorCode,
  attribute: string | undefined,
): T {
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
