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

/** Reads an `xs:base64Binary` value: whitespace ignored, padding and trailing bits checked. */
export function readBase64(text: string): Base64Reading {
  const compact = WHITESPACE.test(text) ? text.replace(/[ \t\r\n]+/g, '') : text;
  // Requests are full of empty elements (`<cpix:PSSH/>`, one per slot asked for): no decoder for those.
  if (compact === '') return { status: 'canonical', bytes: new Uint8Array(0) };
  if (!ALPHABET.test(compact)) return { status: 'invalid' };
  const bytes = new Uint8Array(Buffer.from(compact, 'base64'));
  return { status: isCanonical(compact) ? 'canonical' : 'non-canonical', bytes };
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
