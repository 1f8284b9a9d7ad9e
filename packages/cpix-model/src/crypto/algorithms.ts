/** The XML-Enc / XML-DSig algorithm identifiers CPIX encrypted delivery uses. */
export const CPIX_ALGORITHMS = {
  /** Content keys under the document key (`xmlenc#aes256-cbc`, IV prefixed). */
  aes256Cbc: 'http://www.w3.org/2001/04/xmlenc#aes256-cbc',
  /** The document key and the MAC key under a recipient's RSA key (`xmlenc#rsa-oaep-mgf1p`: OAEP with SHA-1 and MGF1-SHA-1). */
  rsaOaepMgf1p: 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
  /** `ValueMAC` over IV and ciphertext of each encrypted value. */
  hmacSha512: 'http://www.w3.org/2001/04/xmldsig-more#hmac-sha512',
} as const;
