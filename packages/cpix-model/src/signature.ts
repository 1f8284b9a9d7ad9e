/**
 * `@cpixkit/cpix-model/signature`: XML-DSig signatures on CPIX documents. A separate entry point,
 * so that parsing and writing CPIX never loads xml-crypto.
 */
export { signCpix, type CpixSignableList, type CpixSignatureTarget, type SignCpixOptions } from './signature-sign.js';
export type { CpixSignatureFailureCode } from './errors.js';
export { isSignedBy, verifyCpixSignatures, type CpixSignatureVerification } from './signature-verify.js';
export type { CertificateInfo, CertificateInput } from './certificate.js';
export type { Pkcs12Input, PrivateKeyInput } from './crypto/private-key.js';
