import { PsshError } from './errors.js';

const UUID_PATTERN = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** Value of each ASCII hex digit by char code, -1 for anything else. */
const HEX_VALUE = new Int8Array(128).fill(-1);
// Stryker disable next-line ConditionalExpression,EqualityOperator,BlockStatement: fast path: whatever makes it give up, the general path answers the same
for (let i = 0; i < 16; i += 1) {
  // Stryker disable next-line StringLiteral: fast path: whatever makes it give up, the general path answers the same
  HEX_VALUE['0123456789abcdef'.charCodeAt(i)] = i;
  // Stryker disable next-line StringLiteral: fast path: whatever makes it give up, the general path answers the same
  HEX_VALUE['0123456789ABCDEF'.charCodeAt(i)] = i;
}
/** Two lower-case hex digits of each byte value. */
const BYTE_HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
/** Where the canonical 36-character form has its dashes. */
const DASHES = [8, 13, 18, 23];

function hexValue(text: string, index: number): number {
  const code = text.charCodeAt(index);
  return code < 128 ? HEX_VALUE[code]! : -1;
}

/**
 * The bytes of a UUID in the canonical dashed form (any case), or `undefined` for any other
 * spelling. KIDs and system ids almost always come this way, so this path skips the regular
 * expressions and the hex decoding through `Buffer` of the general one.
 */
// Stryker disable next-line BlockStatement: fast path: whatever makes it give up, the general path answers the same
function canonicalUuidBytes(uuid: string): Uint8Array | undefined {
  if (uuid.length !== 36) return undefined;
  for (const dash of DASHES) if (uuid.charCodeAt(dash) !== 45 /* - */) return undefined;
  const bytes = new Uint8Array(16);
  let at = 0;
  // Stryker disable next-line AssignmentOperator: fast path: whatever makes it give up, the general path answers the same
  for (let byte = 0; byte < 16; byte += 1) {
    // Stryker disable next-line all: fast path: whatever makes it give up, the general path answers the same (a misaligned read meets a dash)
    if (at === 8 || at === 13 || at === 18 || at === 23) at += 1;
    const high = hexValue(uuid, at);
    // Stryker disable next-line ArithmeticOperator: fast path: whatever makes it give up, the general path answers the same
    const low = hexValue(uuid, at + 1);
    // Stryker disable next-line EqualityOperator: fast path: whatever makes it give up, the general path answers the same
    if (high === -1 || low === -1) return undefined;
    bytes[byte] = (high << 4) | low;
    // Stryker disable next-line AssignmentOperator: fast path: whatever makes it give up, the general path answers the same
    at += 2;
  }
  return bytes;
}

/**
 * Parses a UUID (any case, with or without dashes, optionally braced or `urn:uuid:` prefixed) into its
 * 16 bytes in RFC 4122 (big-endian) order. Version and variant nibbles are not checked: DRM KIDs in the
 * field are arbitrary 16-byte values.
 */
export function uuidToBytes(uuid: string): Uint8Array {
  if (typeof uuid !== 'string') {
    throw new PsshError('ERR_PSSH_INVALID_UUID', `a UUID must be a string, got ${typeof uuid}`);
  }
  const canonical = canonicalUuidBytes(uuid);
  if (canonical !== undefined) return canonical;
  const bare = uuid
    .trim()
    .replace(/^urn:uuid:/i, '')
    .replace(/^\{(.*)\}$/, '$1');
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
  const hex = (from: number, to: number): string => {
    let text = '';
    for (let i = from; i < to; i += 1) text += BYTE_HEX[bytes[i]!]!;
    return text;
  };
  return `${hex(0, 4)}-${hex(4, 6)}-${hex(6, 8)}-${hex(8, 10)}-${hex(10, 16)}`;
}

/** True when `uuid` is already lower-case, dashed and valid: its own normal form. */
// Stryker disable next-line BlockStatement: fast path: whatever makes it say no, the general path gives the same string
function isNormalUuid(uuid: string): boolean {
  // Stryker disable next-line ConditionalExpression,EqualityOperator: fast path: whatever makes it say no, the general path gives the same string
  if (uuid.length !== 36) return false;
  // Stryker disable next-line AssignmentOperator: fast path: whatever makes it say no, the general path gives the same string
  for (let i = 0; i < 36; i += 1) {
    const code = uuid.charCodeAt(i);
    const wanted =
      i === 8 || i === 13 || i === 18 || i === 23
        ? code === 45
        : (code >= 48 && code <= 57) || (code >= 97 && code <= 102);
    if (!wanted) return false;
  }
  // Stryker disable next-line BooleanLiteral: fast path: whatever makes it say no, the general path gives the same string
  return true;
}

/** Normalises any accepted UUID spelling to the lower-case dashed form. */
export function normalizeUuid(uuid: string): string {
  // Stryker disable next-line StringLiteral,EqualityOperator: fast path: whatever makes it say no, the general path gives the same string
  if (typeof uuid === 'string' && isNormalUuid(uuid)) return uuid;
  return bytesToUuid(uuidToBytes(uuid));
}
