import { PsshError } from './errors.js';

const UUID_PATTERN = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/**
 * Parses a UUID (any case, with or without dashes, optionally braced or `urn:uuid:` prefixed) into its
 * 16 bytes in RFC 4122 (big-endian) order. Version and variant nibbles are not checked: DRM KIDs in the
 * field are arbitrary 16-byte values.
 */
export function uuidToBytes(uuid: string): Uint8Array {
  if (typeof uuid !== 'string') {
    throw new PsshError('ERR_PSSH_INVALID_UUID', `a UUID must be a string, got ${typeof uuid}`);
  }
  const bare = uuid.trim().replace(/^urn:uuid:/i, '').replace(/^\{(.*)\}$/, '$1');
  if (!UUID_PATTERN.test(bare)) {
    throw new PsshError('ERR_PSSH_INVALID_UUID', `not a UUID: ${JSON.stringify(uuid.slice(0, 64))}`);
  }
  return Uint8Array.from(Buffer.from(bare.replace(/-/g, ''), 'hex'));
}

/** Formats 16 bytes (RFC 4122 order) as a lower-case dashed UUID string. */
export function bytesToUuid(bytes: Uint8Array): string {
  if (!(bytes instanceof Uint8Array) || bytes.length !== 16) {
    const size = bytes instanceof Uint8Array ? bytes.length : typeof bytes;
    throw new PsshError('ERR_PSSH_INVALID_UUID', `a UUID is 16 bytes, got ${size}`);
  }
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Normalises any accepted UUID spelling to the lower-case dashed form. */
export function normalizeUuid(uuid: string): string {
  return bytesToUuid(uuidToBytes(uuid));
}
