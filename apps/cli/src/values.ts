import { CliError } from './errors.js';

const HEX = /^(?:0x)?((?:[0-9a-f]{2})+)$/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/**
 * Bytes given as hex (optionally `0x`) or base64 (standard or URL-safe). Text that is valid hex of the
 * expected length is read as hex. `what` names the value in errors; the value itself is never repeated,
 * as it may be a key.
 */
export function parseBytes(text: string, what: string, length?: number): Uint8Array {
  const compact = text.replace(/\s+/g, '');
  const hex = HEX.exec(compact)?.[1];
  if (hex !== undefined && (length === undefined || hex.length === length * 2)) {
    return Uint8Array.from(Buffer.from(hex, 'hex'));
  }
  if (BASE64.test(compact) || BASE64URL.test(compact)) {
    const bytes = Buffer.from(compact, BASE64.test(compact) ? 'base64' : 'base64url');
    if (length === undefined || bytes.length === length) return Uint8Array.from(bytes);
    throw new CliError('ERR_CLI_INVALID_INPUT', `${what} must be ${length} bytes, got ${bytes.length}`);
  }
  const expected = length === undefined ? '' : ` (${length} bytes)`;
  throw new CliError('ERR_CLI_INVALID_INPUT', `${what} must be hex or base64${expected}`);
}

/** A non-negative integer option value. */
export function parseIndex(text: string, what: string): number {
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(Number(text))) {
    throw new CliError('ERR_CLI_USAGE', `${what} must be a non-negative integer, got ${JSON.stringify(text)}`);
  }
  return Number(text);
}

/** Lower-case hex of bytes. */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** Standard base64 of bytes. */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}
