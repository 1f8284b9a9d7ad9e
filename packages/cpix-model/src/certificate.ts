import { X509Certificate, type KeyObject } from 'node:crypto';
import { certificateSignatureAlgorithmOid } from './crypto/der.js';
import { CpixError } from './errors.js';

/** A certificate as PEM text, DER bytes, or an already parsed node `X509Certificate`. */
export type CertificateInput = string | Uint8Array | X509Certificate;

/** What a recipient certificate must satisfy before a document key is wrapped for it. */
export interface CertificatePolicy {
  /** Smallest RSA modulus accepted, in bits. Default 3072; SPEKE requires 2048-bit certificates, so pass 2048 there. */
  minimumRsaKeySize?: number;
  /** Accept certificates signed with SHA-1. Default false. MD2/MD5-signed certificates are always refused. */
  allowSha1Signatures?: boolean;
  /** The clock validity is checked against. Default: now. */
  now?: Date | (() => Date);
}

/** What a certificate says about itself, for display and for the caller's trust decisions. */
export interface CertificateInfo {
  subject: string;
  issuer: string;
  serialNumber: string;
  validFrom: Date;
  validTo: Date;
  /** SHA-256 fingerprint, colon-separated upper-case hex. */
  fingerprint256: string;
  /** The signature algorithm's name (`sha256WithRSAEncryption`...) or, when unknown, its OID. */
  signatureAlgorithm: string;
  /** `rsa`, `ec`, `ed25519`... */
  publicKeyType: string;
  /** RSA modulus size in bits, for RSA keys. */
  rsaModulusBits?: number;
  /** The certificate's DER bytes. */
  der: Uint8Array;
}

const SIGNATURE_ALGORITHMS: Record<string, { name: string; strength: 'broken' | 'sha1' | 'ok' }> = {
  '1.2.840.113549.1.1.2': { name: 'md2WithRSAEncryption', strength: 'broken' },
  '1.2.840.113549.1.1.4': { name: 'md5WithRSAEncryption', strength: 'broken' },
  '1.2.840.113549.1.1.5': { name: 'sha1WithRSAEncryption', strength: 'sha1' },
  '1.3.14.3.2.29': { name: 'sha1WithRSASignature', strength: 'sha1' },
  '1.2.840.10040.4.3': { name: 'dsaWithSHA1', strength: 'sha1' },
  '1.2.840.10045.4.1': { name: 'ecdsaWithSHA1', strength: 'sha1' },
  '1.2.840.113549.1.1.10': { name: 'RSASSA-PSS', strength: 'ok' },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', strength: 'ok' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', strength: 'ok' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', strength: 'ok' },
  '1.2.840.113549.1.1.14': { name: 'sha224WithRSAEncryption', strength: 'ok' },
  '1.2.840.10045.4.3.2': { name: 'ecdsaWithSHA256', strength: 'ok' },
  '1.2.840.10045.4.3.3': { name: 'ecdsaWithSHA384', strength: 'ok' },
  '1.2.840.10045.4.3.4': { name: 'ecdsaWithSHA512', strength: 'ok' },
  '1.3.101.112': { name: 'Ed25519', strength: 'ok' },
  '1.3.101.113': { name: 'Ed448', strength: 'ok' },
};

const DEFAULT_MINIMUM_RSA_KEY_SIZE = 3072;

/** Parses a certificate given as PEM, DER or `X509Certificate`; `ERR_CPIX_CERTIFICATE_INVALID` otherwise. */
export function readCertificate(input: CertificateInput): X509Certificate {
  if (input instanceof X509Certificate) return input;
  if (typeof input !== 'string' && !(input instanceof Uint8Array)) {
    throw new CpixError(
      'ERR_CPIX_CERTIFICATE_INVALID',
      'A certificate must be PEM text, DER bytes or an X509Certificate',
    );
  }
  try {
    return new X509Certificate(
      typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength),
    );
  } catch (cause) {
    throw new CpixError('ERR_CPIX_CERTIFICATE_INVALID', 'Not a readable X.509 certificate (PEM or DER expected)', {
      cause,
    });
  }
}

/**
 * A certificate's subject on one line (`CN=…, O=…`), for messages and tables: node's `X509Certificate` and
 * {@link CertificateInfo} separate its parts with newlines.
 */
export function subjectLine(certificate: { readonly subject: string }): string {
  return certificate.subject.replace(/\n/g, ', ');
}

/** Describes a certificate: names, validity, fingerprint, algorithms. */
export function describeCertificate(input: CertificateInput): CertificateInfo {
  const certificate = readCertificate(input);
  const der = new Uint8Array(certificate.raw);
  const oid = certificateSignatureAlgorithmOid(der);
  const publicKey = certificate.publicKey;
  const info: CertificateInfo = {
    subject: certificate.subject,
    issuer: certificate.issuer,
    serialNumber: certificate.serialNumber,
    validFrom: new Date(certificate.validFrom),
    validTo: new Date(certificate.validTo),
    fingerprint256: certificate.fingerprint256,
    signatureAlgorithm: oid === undefined ? 'unknown' : (SIGNATURE_ALGORITHMS[oid]?.name ?? oid),
    publicKeyType: publicKey.asymmetricKeyType ?? 'unknown',
    der,
  };
  const modulusLength = publicKey.asymmetricKeyDetails?.modulusLength;
  if (publicKey.asymmetricKeyType === 'rsa' && modulusLength !== undefined) info.rsaModulusBits = modulusLength;
  return info;
}

/**
 * Checks a recipient certificate against the policy: an RSA key (OAEP needs one) of at least
 * `minimumRsaKeySize` bits, not signed with SHA-1 unless allowed (never MD2/MD5), valid now.
 * Returns the certificate and its public key; throws a {@link CpixError} naming the rule broken.
 */
export function checkRecipientCertificate(
  input: CertificateInput,
  policy: CertificatePolicy = {},
): { certificate: X509Certificate; publicKey: KeyObject; info: CertificateInfo } {
  const certificate = readCertificate(input);
  const info = describeCertificate(certificate);
  const label = `Certificate "${subjectLine(certificate)}"`;
  if (info.publicKeyType !== 'rsa' || info.rsaModulusBits === undefined) {
    throw new CpixError(
      'ERR_CPIX_CERTIFICATE_NOT_RSA',
      `${label} has a ${info.publicKeyType} key; CPIX delivery needs RSA (rsa-oaep-mgf1p)`,
    );
  }
  const minimum = policy.minimumRsaKeySize ?? DEFAULT_MINIMUM_RSA_KEY_SIZE;
  if (!Number.isInteger(minimum) || minimum < 1024) {
    throw new CpixError(
      'ERR_CPIX_INVALID_OPTION',
      `minimumRsaKeySize must be an integer of at least 1024, got ${String(minimum)}`,
    );
  }
  if (info.rsaModulusBits < minimum) {
    throw new CpixError(
      'ERR_CPIX_CERTIFICATE_KEY_TOO_SMALL',
      `${label} has a ${info.rsaModulusBits}-bit RSA key; at least ${minimum} bits are required`,
    );
  }
  const oid = certificateSignatureAlgorithmOid(info.der);
  const strength = oid === undefined ? undefined : SIGNATURE_ALGORITHMS[oid]?.strength;
  if (strength === 'broken' || (strength === 'sha1' && policy.allowSha1Signatures !== true)) {
    throw new CpixError(
      'ERR_CPIX_CERTIFICATE_WEAK_SIGNATURE',
      `${label} is signed with ${info.signatureAlgorithm}, which is refused`,
    );
  }
  const now = policy.now === undefined ? new Date() : typeof policy.now === 'function' ? policy.now() : policy.now;
  if (now.getTime() < info.validFrom.getTime()) {
    throw new CpixError(
      'ERR_CPIX_CERTIFICATE_NOT_YET_VALID',
      `${label} is valid only from ${info.validFrom.toISOString()}`,
    );
  }
  if (now.getTime() > info.validTo.getTime()) {
    throw new CpixError('ERR_CPIX_CERTIFICATE_EXPIRED', `${label} expired on ${info.validTo.toISOString()}`);
  }
  return { certificate, publicKey: certificate.publicKey, info };
}
