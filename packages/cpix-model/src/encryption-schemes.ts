/** A Common Encryption protection scheme (ISO/IEC 23001-7), as `ContentKey@commonEncryptionScheme` names it. */
export type CommonEncryptionScheme = 'cenc' | 'cbc1' | 'cens' | 'cbcs';

/** The Common Encryption protection schemes, in the order ISO/IEC 23001-7 lists them. */
export const COMMON_ENCRYPTION_SCHEMES: readonly CommonEncryptionScheme[] = Object.freeze([
  'cenc',
  'cbc1',
  'cens',
  'cbcs',
]);

const SCHEMES: ReadonlySet<string> = new Set(COMMON_ENCRYPTION_SCHEMES);

/** True when `value` is one of {@link COMMON_ENCRYPTION_SCHEMES} (lower case, as the standard writes them). */
export function isCommonEncryptionScheme(value: string): value is CommonEncryptionScheme {
  return SCHEMES.has(value);
}
