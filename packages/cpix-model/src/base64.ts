import type { ByteArena } from './byte-arena.js';

const ALPHABET = /^[A-Za-z0-9+/]*={0,2}$/;
const WHITESPACE = /[ \t\r\n]/;
const BASE64_VALUE: Record<string, number> = Object.fromEntries(
  [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].map((c, i) => [c, i]),
);

/** The outcome of reading an `xs:base64Binary` value leniently. */
export type Base64Reading =
  | { status: 'canonical'; bytes: Uint8Array }
  /** Decodable, but padding or trailing bits are off (e.g. `…KrG==`); the bytes are what lenient decoders give. */
  | { status: 'non-canonical'; bytes: Uint8Array }
  | { status: 'invalid' };

/**
 * Reads an `xs:base64Binary` value: whitespace ignored, padding and trailing bits checked. The
 * bytes of values longer than a few dozen come from `arena`.
 */
export function readBase64(text: string, arena: ByteArena): Base64Reading {
  // Requests are full of empty elements (`<cpix:PSSH/>`, one per slot asked for): no decoder for those.
  if (text === '') return { status: 'canonical', bytes: emptyBytes() };
  const bytes = readPaddedBase64(text, arena);
  if (bytes !== undefined) return { status: isCanonical(text) ? 'canonical' : 'non-canonical', bytes };
  // Stryker disable next-line Regex: removing each whitespace run or each whitespace character leaves the same text
  const compact = WHITESPACE.test(text) ? text.replace(/[ \t\r\n]+/g, '') : text;
  if (compact === '') return { status: 'canonical', bytes: emptyBytes() };
  if (!ALPHABET.test(compact)) return { status: 'invalid' };
  return {
    status: isCanonical(compact) ? 'canonical' : 'non-canonical',
    bytes: new Uint8Array(Buffer.from(compact, 'base64')),
  };
}

/**
 * The bytes of `text` when it is padded base64 without whitespace (what nearly every document
 * holds), else undefined. `atob` checks the alphabet and decodes in one native pass, an order of
 * magnitude faster than a regular expression followed by `Buffer.from`. It also skips ASCII
 * whitespace and accepts a missing padding; such text decodes to fewer bytes than its length
 * promises, and is left to the general path.
 */
function readPaddedBase64(text: string, arena: ByteArena): Uint8Array | undefined {
  const length = text.length;
  if (length % 4 !== 0) return undefined;
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return undefined;
  }
  const padding = text.charCodeAt(length - 1) !== 61 /* = */ ? 0 : text.charCodeAt(length - 2) !== 61 ? 1 : 2;
  if (binary.length !== (length / 4) * 3 - padding) return undefined;
  return arena.fromBinaryString(binary);
}

const NO_BYTES = new Uint8Array(0);

/** A new empty array, copied from an empty one: in V8 `new Uint8Array(0)` takes a slow path, ten times dearer. */
function emptyBytes(): Uint8Array {
  return new Uint8Array(NO_BYTES);
}

function isCanonical(compact: string): boolean {
  if (compact.length % 4 !== 0) return false;
  const padding = compact.endsWith('==') ? 2 : compact.endsWith('=') ? 1 : 0;
  if (padding === 0) return true;
  const lastData = BASE64_VALUE[compact.charAt(compact.length - padding - 1)]!;
  return (lastData & (padding === 2 ? 0x0f : 0x03)) === 0;
}

/** Canonical base64 of bytes. */
export function writeBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
