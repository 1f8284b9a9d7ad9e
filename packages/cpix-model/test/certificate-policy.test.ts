import { X509Certificate } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { thrownBy } from '../../../tooling/src/thrown.js';
import {
  type CertificatePolicy,
  checkRecipientCertificate,
  CpixError,
  describeCertificate,
  subjectLine,
} from '../src/index.js';
import { type CryptoFixtures, cryptoFixtures } from './crypto-fixtures.js';

// checkRecipientCertificate at each bound of its policy (key size, validity to the millisecond,
// signature strength), with the code and whole message; describeCertificate compared whole.

let fx: CryptoFixtures;
beforeAll(() => {
  fx = cryptoFixtures();
});

function refusal(input: Parameters<typeof checkRecipientCertificate>[0], policy = {}): [string, string] {
  const error = thrownBy(() => checkRecipientCertificate(input, policy), CpixError);
  return [error.code, error.message];
}

describe('describeCertificate', () => {
  it('describes a certificate whole, the same from PEM, DER and X509Certificate', () => {
    const x509 = new X509Certificate(fx.pem('rsa2048'));
    const expected = {
      subject: x509.subject,
      issuer: x509.issuer,
      serialNumber: x509.serialNumber,
      validFrom: new Date(x509.validFrom),
      validTo: new Date(x509.validTo),
      fingerprint256: x509.fingerprint256,
      signatureAlgorithm: 'sha256WithRSAEncryption',
      publicKeyType: 'rsa',
      rsaModulusBits: 2048,
      der: new Uint8Array(x509.raw),
    };
    expect(describeCertificate(fx.pem('rsa2048'))).toStrictEqual(expected);
    expect(describeCertificate(new Uint8Array(x509.raw))).toStrictEqual(expected);
    expect(describeCertificate(x509)).toStrictEqual(expected);
    expect(describeCertificate(fx.pem('sha1')).signatureAlgorithm).toBe('sha1WithRSAEncryption');
    const ec = describeCertificate(fx.pem('ec'));
    expect([ec.publicKeyType, 'rsaModulusBits' in ec, ec.signatureAlgorithm]).toStrictEqual([
      'ec',
      false,
      'ecdsaWithSHA256',
    ]);
  });

  it('writes the subject on one line with subjectLine, from the description or the certificate itself', () => {
    const certificate = new X509Certificate(fx.pem('rsa2048'));
    expect(certificate.subject).toBe('CN=cpixkit test rsa2048\nO=cpixkit');
    expect(subjectLine(certificate)).toBe('CN=cpixkit test rsa2048, O=cpixkit');
    expect(subjectLine(describeCertificate(certificate))).toBe('CN=cpixkit test rsa2048, O=cpixkit');
  });

  it.each([
    [42, 'A certificate must be PEM text, DER bytes or an X509Certificate'],
    ['not a certificate', 'Not a readable X.509 certificate (PEM or DER expected)'],
    [new Uint8Array([0x30, 0x00]), 'Not a readable X.509 certificate (PEM or DER expected)'],
  ])('refuses %j', (input, message) => {
    const error = thrownBy(() => describeCertificate(input as never), CpixError);
    expect([error.code, error.message]).toStrictEqual(['ERR_CPIX_CERTIFICATE_INVALID', message]);
  });
});

describe('checkRecipientCertificate', () => {
  const label = (name = 'rsa2048') => `Certificate "${new X509Certificate(fx.pem(name)).subject.replace(/\n/g, ', ')}"`;

  it('accepts a key of exactly the minimum size, and refuses one bit short', () => {
    const now = new Date(new X509Certificate(fx.pem('rsa2048')).validFrom);
    expect(checkRecipientCertificate(fx.pem('rsa2048'), { minimumRsaKeySize: 2048, now }).info.rsaModulusBits).toBe(
      2048,
    );
    expect(refusal(fx.pem('rsa2048'), { minimumRsaKeySize: 2049, now })).toStrictEqual([
      'ERR_CPIX_CERTIFICATE_KEY_TOO_SMALL',
      `${label()} has a 2048-bit RSA key; at least 2049 bits are required`,
    ]);
    expect(refusal(fx.pem('rsa2048'))).toStrictEqual([
      'ERR_CPIX_CERTIFICATE_KEY_TOO_SMALL',
      `${label()} has a 2048-bit RSA key; at least 3072 bits are required`,
    ]);
    expect(checkRecipientCertificate(fx.pem('recipient1')).info.rsaModulusBits).toBe(3072);
  });

  it.each([1023, 1024.5, Number.NaN])('refuses a minimum key size of %s', (minimumRsaKeySize) => {
    expect(refusal(fx.pem('rsa2048'), { minimumRsaKeySize })).toStrictEqual([
      'ERR_CPIX_INVALID_OPTION',
      `minimumRsaKeySize must be an integer of at least 1024, got ${String(minimumRsaKeySize)}`,
    ]);
  });

  it('accepts a minimum key size of 1024', () => {
    expect(checkRecipientCertificate(fx.pem('rsa2048'), { minimumRsaKeySize: 1024 }).info.publicKeyType).toBe('rsa');
  });

  it('is valid from its first millisecond to its last, and not a millisecond outside', () => {
    const x509 = new X509Certificate(fx.pem('rsa2048'));
    const from = new Date(x509.validFrom);
    const to = new Date(x509.validTo);
    const policy = (now: Date) => ({ minimumRsaKeySize: 2048, now });
    expect(checkRecipientCertificate(x509, policy(from)).certificate).toBe(x509);
    expect(checkRecipientCertificate(x509, policy(to)).publicKey.asymmetricKeyType).toBe('rsa');
    expect(refusal(x509, policy(new Date(from.getTime() - 1)))).toStrictEqual([
      'ERR_CPIX_CERTIFICATE_NOT_YET_VALID',
      `${label()} is valid only from ${from.toISOString()}`,
    ]);
    expect(refusal(x509, policy(new Date(to.getTime() + 1)))).toStrictEqual([
      'ERR_CPIX_CERTIFICATE_EXPIRED',
      `${label()} expired on ${to.toISOString()}`,
    ]);
  });

  it('refuses a key that is not RSA, and SHA-1 signatures unless allowed, naming them', () => {
    const ec = new X509Certificate(fx.pem('ec'));
    expect(refusal(ec)).toStrictEqual([
      'ERR_CPIX_CERTIFICATE_NOT_RSA',
      `Certificate "${ec.subject.replace(/\n/g, ', ')}" has a ec key; CPIX delivery needs RSA (rsa-oaep-mgf1p)`,
    ]);
    const sha1 = new X509Certificate(fx.pem('sha1'));
    expect(refusal(sha1, { allowSha1Signatures: false })).toStrictEqual([
      'ERR_CPIX_CERTIFICATE_WEAK_SIGNATURE',
      `Certificate "${sha1.subject.replace(/\n/g, ', ')}" is signed with sha1WithRSAEncryption, which is refused`,
    ]);
    expect(checkRecipientCertificate(sha1, { allowSha1Signatures: true }).info.signatureAlgorithm).toBe(
      'sha1WithRSAEncryption',
    );
  });
  // The same certificate with another signature algorithm written in both of its places (the signature
  // is not checked here, only named): each RSA and ECDSA algorithm with an OID of the same encoded length.
  function resigned(name: string, from: string, to: string): X509Certificate {
    const der = Buffer.from(new X509Certificate(fx.pem(name)).raw);
    const [fromOid, toOid] = [Buffer.from(from, 'hex'), Buffer.from(to, 'hex')];
    let found = 0;
    for (let at = der.indexOf(fromOid); at !== -1; at = der.indexOf(fromOid, at + 1), found++) toOid.copy(der, at);
    expect(found).toBe(2);
    return new X509Certificate(der);
  }
  const RSA_SHA256 = '06092a864886f70d01010b';
  const ECDSA_SHA256 = '06082a8648ce3d040302';

  it.each([
    ['md2WithRSAEncryption', 'broken', RSA_SHA256, '06092a864886f70d010102'],
    ['md5WithRSAEncryption', 'broken', RSA_SHA256, '06092a864886f70d010104'],
    ['sha1WithRSAEncryption', 'sha1', RSA_SHA256, '06092a864886f70d010105'],
    ['RSASSA-PSS', 'ok', RSA_SHA256, '06092a864886f70d01010a'],
    ['sha384WithRSAEncryption', 'ok', RSA_SHA256, '06092a864886f70d01010c'],
    ['sha512WithRSAEncryption', 'ok', RSA_SHA256, '06092a864886f70d01010d'],
    ['sha224WithRSAEncryption', 'ok', RSA_SHA256, '06092a864886f70d01010e'],
    ['ecdsaWithSHA384', 'ok', ECDSA_SHA256, '06082a8648ce3d040303'],
    ['ecdsaWithSHA512', 'ok', ECDSA_SHA256, '06082a8648ce3d040304'],
  ])('names %s and judges it %s', (algorithm, strength, from, to) => {
    const certificate = resigned(from === RSA_SHA256 ? 'recipient1' : 'ec', from, to);
    expect(describeCertificate(certificate).signatureAlgorithm).toBe(algorithm);
    if (from === ECDSA_SHA256) return; // an EC key is refused before its signature is looked at
    const weak = [
      'ERR_CPIX_CERTIFICATE_WEAK_SIGNATURE',
      `${label('recipient1')} is signed with ${algorithm}, which is refused`,
    ];
    const outcome = (policy: CertificatePolicy) => {
      try {
        return checkRecipientCertificate(certificate, policy).info.signatureAlgorithm;
      } catch {
        return refusal(certificate, policy);
      }
    };
    expect([outcome({}), outcome({ allowSha1Signatures: true })]).toStrictEqual(
      strength === 'broken' ? [weak, weak] : strength === 'sha1' ? [weak, algorithm] : [algorithm, algorithm],
    );
  });

  it('names an algorithm it does not know by its OID, and does not refuse it', () => {
    const certificate = resigned('recipient1', RSA_SHA256, '06092a864886f70d01010f');
    expect(describeCertificate(certificate).signatureAlgorithm).toBe('1.2.840.113549.1.1.15');
    expect(checkRecipientCertificate(certificate).info.signatureAlgorithm).toBe('1.2.840.113549.1.1.15');
  });
});
