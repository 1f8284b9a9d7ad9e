import { PsshError } from './errors.js';

/** The uint32 of a FourCC read big-endian, as Widevine's `protection_scheme` carries it (`'cenc'` → 0x63656E63). */
export function fourCcToUint32(fourCc: string): number {
  if (fourCc.length !== 4 || !/^[\x00-\xff]{4}$/.test(fourCc)) {
    throw new PsshError('ERR_PSSH_INVALID_INPUT', `a FourCC is 4 one-byte characters, got ${JSON.stringify(fourCc)}`);
  }
  return (
    ((fourCc.charCodeAt(0) << 24) |
      (fourCc.charCodeAt(1) << 16) |
      (fourCc.charCodeAt(2) << 8) |
      fourCc.charCodeAt(3)) >>>
    0
  );
}

/** The FourCC string of a uint32 read big-endian (0x63626373 → `'cbcs'`); inverse of {@link fourCcToUint32}. */
export function uint32ToFourCc(value: number): string {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
    throw new PsshError('ERR_PSSH_INVALID_INPUT', `a FourCC is a uint32, got ${String(value)}`);
  }
  return String.fromCharCode((value >>> 24) & 0xff, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff);
}
