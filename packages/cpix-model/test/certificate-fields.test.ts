import { describe, expect, it } from 'vitest';
import { CpixError, describeCertificate, serializeCpix, type CpixDocument } from '../src/index.js';
import { certificateSignatureAlgorithmOid } from '../src/crypto/der.js';
import { thrownBy } from '../../../tooling/src/thrown.js';

describe('certificateSignatureAlgorithmOid', () => {
  it('decodes a first arc of 2 with a second arc of 40 or more (2.999.1)', () => {
    // SEQUENCE { SEQUENCE {} (tbsCertificate), SEQUENCE { OID 2.999.1 } }: 2.999 is 80 + 999 = 1079 = 0x88 0x37.
    const der = new Uint8Array([0x30, 0x09, 0x30, 0x00, 0x30, 0x05, 0x06, 0x03, 0x88, 0x37, 0x01]);
    expect(certificateSignatureAlgorithmOid(der)).toBe('2.999.1');
  });
});

describe('the causes kept by wrapped errors', () => {
  it('an unreadable certificate keeps the reason of node:crypto', () => {
    const error = thrownBy(() => describeCertificate('not a certificate'), CpixError);
    expect(error.code).toBe('ERR_CPIX_CERTIFICATE_INVALID');
    expect(error.message).toBe('Not a readable X.509 certificate (PEM or DER expected)');
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('a model object that is not one becomes ERR_CPIX_INVALID_DOCUMENT, naming the function, with the cause', () => {
    const error = thrownBy(
      () => serializeCpix({ contentKeyList: { contentKeys: 5 } } as unknown as CpixDocument, { version: '2.3' }),
      CpixError,
    );
    expect(error.code).toBe('ERR_CPIX_INVALID_DOCUMENT');
    expect(error.message).toBe('serializeCpix: the document is not a well-formed CPIX model object');
    expect(error.cause).toBeInstanceOf(TypeError);
  });
});
