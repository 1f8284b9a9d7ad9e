import { randomBytes, X509Certificate } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CpixError,
  decryptContentKeys,
  encryptContentKeys,
  parseCpix,
  serializeCpix,
  type CpixDocument,
} from '../src/index.js';
import { encryptAes256Cbc } from '../src/crypto/aes-cbc.js';
import { CPIX_ALGORITHMS } from '../src/crypto/algorithms.js';
import { hmacSha512 } from '../src/crypto/hmac.js';
import { wrapRsaOaepMgf1p } from '../src/crypto/rsa-oaep.js';
import { cryptoFixtures, type CryptoFixtures } from './crypto-fixtures.js';
import { validateAgainstXsd } from './xsd.js';
import { onFirstUse } from '../../../tooling/src/on-first-use.js';

let fx: CryptoFixtures;
beforeAll(() => {
  fx = cryptoFixtures();
}, 120_000);

const KIDS = [
  '98ee5596-cd3e-a20d-163a-e382420c6eff',
  '53abdba2-f210-43cb-bc90-f18f9a890a02',
  'af1ed63c-5784-460b-9e51-309dd47b7d9c',
];

function clearDocument(keys: Uint8Array[] = KIDS.map(() => new Uint8Array(randomBytes(16)))): CpixDocument {
  return {
    contentId: 'movie-1',
    version: '2.3',
    contentKeyList: {
      contentKeys: KIDS.map((kid, index) => ({
        kid,
        commonEncryptionScheme: 'cenc',
        data: { secret: { plainValue: keys[index]! } },
      })),
    },
    drmSystemList: {
      drmSystems: [
        { systemId: 'edef8ba9-79d6-4ace-a3c8-27dcd51d21ed', kid: KIDS[0]!, pssh: new Uint8Array(32).fill(1) },
      ],
    },
  };
}

function plainValues(document: CpixDocument): (Uint8Array | undefined)[] {
  return document.contentKeyList!.contentKeys.map((key) => key.data?.secret?.plainValue);
}

function expectCode(promiseOrFn: Promise<unknown>, code: string): Promise<void> {
  return expect(promiseOrFn).rejects.toSatisfy((error: unknown) => error instanceof CpixError && error.code === code);
}

/** Parses serialised XML back, so tests go through the wire format. */
function viaXml(document: CpixDocument, version: '2.3' | '2.4' = '2.3'): CpixDocument {
  return parseCpix(serializeCpix(document, { version })).document;
}

describe('encryptContentKeys / decryptContentKeys', () => {
  it('round-trips for one recipient through XML, and leaves the input untouched', async () => {
    const clear = clearDocument();
    const before = structuredClone(clear);
    const encrypted = encryptContentKeys(clear, { recipients: [fx.pem('recipient1')] });
    expect(clear).toEqual(before);
    for (const key of encrypted.contentKeyList!.contentKeys) {
      expect(key.data!.secret!.plainValue).toBeUndefined();
      expect(key.data!.secret!.encryptedValue!.algorithm).toBe(CPIX_ALGORITHMS.aes256Cbc);
      expect(key.data!.secret!.encryptedValue!.cipherValue).toHaveLength(16 + 32); // IV + two blocks (16-byte key + padding)
      expect(key.data!.secret!.valueMac).toHaveLength(64);
    }
    const [delivery] = encrypted.deliveryDataList!.deliveryData;
    expect(delivery!.documentKeys[0]!.data!.secret!.encryptedValue!.algorithm).toBe(CPIX_ALGORITHMS.rsaOaepMgf1p);
    expect(delivery!.documentKeys[0]!.data!.secret!.encryptedValue!.cipherValue).toHaveLength(384); // RSA-3072
    expect(delivery!.macMethod!.algorithm).toBe(CPIX_ALGORITHMS.hmacSha512);
    expect(delivery!.macMethod!.key!.algorithm).toBe(CPIX_ALGORITHMS.rsaOaepMgf1p);
    expect(delivery!.macMethod!.key!.cipherValue).toHaveLength(384); // RSA-3072, like the document key

    const decrypted = await decryptContentKeys(viaXml(encrypted), { privateKey: fx.key('recipient1') });
    expect(plainValues(decrypted)).toEqual(plainValues(clear));
    expect(decrypted.deliveryDataList).toBeUndefined();
    expect(decrypted.drmSystemList).toEqual(clear.drmSystemList);
  });

  it('round-trips for three recipients, each with its own key; IVs are fresh per value', async () => {
    const clear = clearDocument();
    const encrypted = viaXml(
      encryptContentKeys(clear, { recipients: ['recipient1', 'recipient2', 'recipient3'].map((name) => fx.pem(name)) }),
    );
    expect(encrypted.deliveryDataList!.deliveryData).toHaveLength(3);
    const ivs = encrypted.contentKeyList!.contentKeys.map((key) =>
      Buffer.from(key.data!.secret!.encryptedValue!.cipherValue.subarray(0, 16)).toString('hex'),
    );
    expect(new Set(ivs).size).toBe(3);
    for (const name of ['recipient1', 'recipient2', 'recipient3']) {
      expect(plainValues(await decryptContentKeys(encrypted, { privateKey: fx.key(name) }))).toEqual(
        plainValues(clear),
      );
    }
  });

  it('decrypts with a PKCS#12 file and a DER recipient certificate', async () => {
    const clear = clearDocument();
    const encrypted = encryptContentKeys(clear, { recipients: [fx.bytes('recipient1.der')] });
    const decrypted = await decryptContentKeys(viaXml(encrypted), {
      privateKey: { pkcs12: fx.bytes('recipient1.p12'), password: 'fixture-password' },
    });
    expect(plainValues(decrypted)).toEqual(plainValues(clear));
    await expectCode(
      decryptContentKeys(encrypted, { privateKey: { pkcs12: fx.bytes('recipient1.p12'), password: 'wrong' } }),
      'ERR_CPIX_PRIVATE_KEY_INVALID',
    );
  });

  it('fills request-side DeliveryData in place when no recipients are given', async () => {
    const request: CpixDocument = {
      ...clearDocument(),
      deliveryDataList: {
        deliveryData: [
          {
            id: 'packager',
            description: 'from the request',
            deliveryKey: { x509Certificates: [fx.bytes('recipient1.der')] },
            documentKeys: [],
          },
        ],
      },
    };
    const encrypted = encryptContentKeys(request);
    expect(encrypted.deliveryDataList!.deliveryData[0]).toMatchObject({
      id: 'packager',
      description: 'from the request',
    });
    expect(plainValues(await decryptContentKeys(viaXml(encrypted), { privateKey: fx.key('recipient1') }))).toEqual(
      plainValues(request),
    );
  });

  it('writes schema-valid 2.3 and 2.4 documents, the MAC key as cpix:Key', async () => {
    const encrypted = encryptContentKeys(clearDocument(), { recipients: [fx.pem('recipient1'), fx.pem('recipient2')] });
    for (const version of ['2.3', '2.4'] as const) {
      const xml = serializeCpix(encrypted, { version });
      expect(xml).toMatch(
        /<cpix:MACMethod Algorithm="http:\/\/www\.w3\.org\/2001\/04\/xmldsig-more#hmac-sha512">\s*<cpix:Key>/,
      );
      expect(await validateAgainstXsd(xml, version)).toEqual({ valid: true, errors: [] });
      expect(
        plainValues(await decryptContentKeys(parseCpix(xml).document, { privateKey: fx.key('recipient2') })),
      ).toEqual(plainValues(encrypted).map(() => expect.any(Uint8Array)));
    }
  });

  it('reads the MAC key from pskc:MACKey as well', async () => {
    const clear = clearDocument();
    const xml = serializeCpix(encryptContentKeys(clear, { recipients: [fx.pem('recipient1')] }), {
      version: '2.3',
    }).replace(/<(\/?)cpix:Key>/g, '<$1pskc:MACKey>');
    expect(xml).toContain('<pskc:MACKey>');
    expect(
      plainValues(await decryptContentKeys(parseCpix(xml).document, { privateKey: fx.key('recipient1') })),
    ).toEqual(plainValues(clear));
  });

  it('leaves values opaque when an encrypted document is parsed without a key', () => {
    const xml = serializeCpix(encryptContentKeys(clearDocument(), { recipients: [fx.pem('recipient1')] }), {
      version: '2.3',
    });
    for (const key of parseCpix(xml).document.contentKeyList!.contentKeys) {
      expect(key.data!.secret!.plainValue).toBeUndefined();
      expect(key.data!.secret!.encryptedValue!.cipherValue.length).toBeGreaterThan(16);
    }
  });
});

describe('tampering and wrong keys, each with its own code', () => {
  const encrypted = onFirstUse(() =>
    viaXml(encryptContentKeys(clearDocument(), { recipients: [fx.pem('recipient1'), fx.pem('recipient2')] })),
  );

  function altered(mutate: (document: CpixDocument) => void): CpixDocument {
    const copy = structuredClone(encrypted());
    mutate(copy);
    return copy;
  }

  it('a flipped bit in a content key CipherValue fails the MAC before any decryption', async () => {
    const tampered = altered((d) => {
      d.contentKeyList!.contentKeys[1]!.data!.secret!.encryptedValue!.cipherValue[20]! ^= 1;
    });
    await expect(decryptContentKeys(tampered, { privateKey: fx.key('recipient1') })).rejects.toMatchObject({
      code: 'ERR_CPIX_MAC_MISMATCH',
      path: '/CPIX/ContentKeyList/ContentKey[2]/Data/Secret/ValueMAC',
    });
  });

  it('a flipped bit in an IV (part of the CipherValue) fails the MAC too', async () => {
    const tampered = altered((d) => {
      d.contentKeyList!.contentKeys[0]!.data!.secret!.encryptedValue!.cipherValue[0]! ^= 0x80;
    });
    await expectCode(decryptContentKeys(tampered, { privateKey: fx.key('recipient1') }), 'ERR_CPIX_MAC_MISMATCH');
  });

  it('an altered or truncated ValueMAC is a MAC mismatch; a missing one is ERR_CPIX_MAC_MISSING', async () => {
    await expectCode(
      decryptContentKeys(
        altered((d) => void (d.contentKeyList!.contentKeys[2]!.data!.secret!.valueMac![63]! ^= 1)),
        { privateKey: fx.key('recipient1') },
      ),
      'ERR_CPIX_MAC_MISMATCH',
    );
    await expectCode(
      decryptContentKeys(
        altered(
          (d) =>
            void (d.contentKeyList!.contentKeys[2]!.data!.secret!.valueMac =
              d.contentKeyList!.contentKeys[2]!.data!.secret!.valueMac!.subarray(0, 32)),
        ),
        { privateKey: fx.key('recipient1') },
      ),
      'ERR_CPIX_MAC_MISMATCH',
    );
    await expectCode(
      decryptContentKeys(
        altered((d) => void delete d.contentKeyList!.contentKeys[0]!.data!.secret!.valueMac),
        { privateKey: fx.key('recipient1') },
      ),
      'ERR_CPIX_MAC_MISSING',
    );
    await expectCode(
      decryptContentKeys(
        altered((d) => void delete d.deliveryDataList!.deliveryData[0]!.macMethod),
        { privateKey: fx.key('recipient1') },
      ),
      'ERR_CPIX_MAC_MISSING',
    );
  });

  it('a damaged wrapped document key is ERR_CPIX_DOCUMENT_KEY_DECRYPTION_FAILED', async () => {
    const tampered = altered((d) => {
      d.deliveryDataList!.deliveryData[0]!.documentKeys[0]!.data!.secret!.encryptedValue!.cipherValue[100]! ^= 1;
    });
    await expectCode(
      decryptContentKeys(tampered, { privateKey: fx.key('recipient1') }),
      'ERR_CPIX_DOCUMENT_KEY_DECRYPTION_FAILED',
    );
    // The other recipient's entry is intact.
    expect(plainValues(await decryptContentKeys(tampered, { privateKey: fx.key('recipient2') }))).toHaveLength(3);
  });

  it('a damaged wrapped MAC key is ERR_CPIX_MAC_KEY_DECRYPTION_FAILED', async () => {
    const tampered = altered((d) => {
      d.deliveryDataList!.deliveryData[0]!.macMethod!.key!.cipherValue[100]! ^= 1;
    });
    await expect(decryptContentKeys(tampered, { privateKey: fx.key('recipient1') })).rejects.toMatchObject({
      code: 'ERR_CPIX_MAC_KEY_DECRYPTION_FAILED',
      path: '/CPIX/DeliveryDataList/DeliveryData[1]/MACMethod/Key/CipherData/CipherValue',
    });
    expect(plainValues(await decryptContentKeys(tampered, { privateKey: fx.key('recipient2') }))).toHaveLength(3);
  });

  it('refuses a MAC key encrypted under the document key (aes256-cbc) instead of the recipient key', async () => {
    const underDocumentKey = altered((d) => {
      d.deliveryDataList!.deliveryData[0]!.macMethod!.key = {
        algorithm: CPIX_ALGORITHMS.aes256Cbc,
        cipherValue: encryptAes256Cbc(randomBytes(32), randomBytes(64)),
      };
    });
    await expect(decryptContentKeys(underDocumentKey, { privateKey: fx.key('recipient1') })).rejects.toMatchObject({
      code: 'ERR_CPIX_UNSUPPORTED_ALGORITHM',
      path: '/CPIX/DeliveryDataList/DeliveryData[1]/MACMethod/Key/EncryptionMethod/@Algorithm',
    });
  });

  it('a key that belongs to no recipient is ERR_CPIX_WRONG_PRIVATE_KEY', async () => {
    await expectCode(
      decryptContentKeys(encrypted(), { privateKey: fx.key('recipient3') }),
      'ERR_CPIX_WRONG_PRIVATE_KEY',
    );
  });

  it('finds a recipient named without a certificate (KeyName) by trying its key', async () => {
    const byName = altered((d) => {
      for (const [index, data] of d.deliveryDataList!.deliveryData.entries()) {
        data.deliveryKey = {
          x509Certificates: [],
          otherKeyInfo: [
            `<ds:KeyName xmlns:ds="http://www.w3.org/2000/09/xmldsig#">recipient-${index + 1}</ds:KeyName>`,
          ],
        };
      }
    });
    expect(plainValues(await decryptContentKeys(viaXml(byName), { privateKey: fx.key('recipient2') }))).toHaveLength(3);
    await expectCode(decryptContentKeys(byName, { privateKey: fx.key('recipient3') }), 'ERR_CPIX_WRONG_PRIVATE_KEY');
  });

  it('a document without a recipient is ERR_CPIX_NO_RECIPIENT, on both sides', async () => {
    await expectCode(
      decryptContentKeys(clearDocument(), { privateKey: fx.key('recipient1') }),
      'ERR_CPIX_NO_RECIPIENT',
    );
    expect(() => encryptContentKeys(clearDocument())).toThrow(
      expect.objectContaining({ code: 'ERR_CPIX_NO_RECIPIENT' }),
    );
    expect(() => encryptContentKeys(clearDocument(), { recipients: [] })).toThrow(
      expect.objectContaining({ code: 'ERR_CPIX_NO_RECIPIENT' }),
    );
  });

  it('refuses what is not a document', async () => {
    expect(() => encryptContentKeys(null as unknown as CpixDocument, { recipients: [fx.pem('recipient1')] })).toThrow(
      expect.objectContaining({ code: 'ERR_CPIX_INVALID_INPUT' }),
    );
    await expectCode(
      decryptContentKeys('xml' as unknown as CpixDocument, { privateKey: fx.key('recipient1') }),
      'ERR_CPIX_INVALID_INPUT',
    );
    await expectCode(
      decryptContentKeys(encrypted(), undefined as unknown as { privateKey: string }),
      'ERR_CPIX_PRIVATE_KEY_INVALID',
    );
    expect(() =>
      encryptContentKeys(clearDocument(), { recipients: fx.pem('recipient1') as unknown as string[] }),
    ).toThrow(expect.objectContaining({ code: 'ERR_CPIX_INVALID_OPTION' }));
  });

  it('refuses to encrypt twice, and unsupported algorithms', async () => {
    expect(() => encryptContentKeys(encrypted(), { recipients: [fx.pem('recipient1')] })).toThrow(
      expect.objectContaining({ code: 'ERR_CPIX_ALREADY_ENCRYPTED' }),
    );
    const otherMac = altered(
      (d) =>
        void (d.deliveryDataList!.deliveryData[0]!.macMethod!.algorithm =
          'http://www.w3.org/2000/09/xmldsig#hmac-sha1'),
    );
    await expectCode(
      decryptContentKeys(otherMac, { privateKey: fx.key('recipient1') }),
      'ERR_CPIX_UNSUPPORTED_ALGORITHM',
    );
  });

  it('never puts key bytes into error messages', async () => {
    const errors: CpixError[] = [];
    for (const tampered of [
      altered((d) => void (d.contentKeyList!.contentKeys[1]!.data!.secret!.encryptedValue!.cipherValue[20]! ^= 1)),
      altered(
        (d) =>
          void (d.deliveryDataList!.deliveryData[0]!.documentKeys[0]!.data!.secret!.encryptedValue!.cipherValue[5]! ^=
            1),
      ),
    ]) {
      errors.push(
        await decryptContentKeys(tampered, { privateKey: fx.key('recipient1') }).then(
          () => expect.unreachable(),
          (error: CpixError) => error,
        ),
      );
    }
    const secrets = encrypted().contentKeyList!.contentKeys.flatMap((key) => [
      key.data!.secret!.encryptedValue!.cipherValue,
      key.data!.secret!.valueMac!,
    ]);
    for (const error of errors) {
      for (const secret of secrets) {
        expect(error.message).not.toContain(Buffer.from(secret).toString('base64'));
        expect(error.message).not.toContain(Buffer.from(secret).toString('hex'));
      }
    }
  });
});

describe('recipient certificate policy', () => {
  const encryptFor =
    (certificate: string | Uint8Array, policy = {}) =>
    () =>
      encryptContentKeys(clearDocument(), { recipients: [certificate], certificatePolicy: policy });

  it('requires 3072-bit RSA by default and accepts 2048 when configured (SPEKE)', () => {
    expect(encryptFor(fx.pem('rsa2048'))).toThrow(
      expect.objectContaining({ code: 'ERR_CPIX_CERTIFICATE_KEY_TOO_SMALL' }),
    );
    expect(encryptFor(fx.pem('rsa2048'), { minimumRsaKeySize: 2048 })()).toHaveProperty('deliveryDataList');
  });

  it('refuses non-RSA keys, SHA-1 signed certificates unless allowed, and garbage', () => {
    expect(encryptFor(fx.pem('ec'))).toThrow(expect.objectContaining({ code: 'ERR_CPIX_CERTIFICATE_NOT_RSA' }));
    expect(encryptFor(fx.pem('sha1'))).toThrow(
      expect.objectContaining({ code: 'ERR_CPIX_CERTIFICATE_WEAK_SIGNATURE' }),
    );
    expect(encryptFor(fx.pem('sha1'), { allowSha1Signatures: true })()).toHaveProperty('deliveryDataList');
    expect(encryptFor('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----')).toThrow(
      expect.objectContaining({ code: 'ERR_CPIX_CERTIFICATE_INVALID' }),
    );
    expect(encryptFor(new Uint8Array([0x30, 0x03, 1, 2, 3]))).toThrow(
      expect.objectContaining({ code: 'ERR_CPIX_CERTIFICATE_INVALID' }),
    );
  });

  it('checks validity against the configured clock', () => {
    expect(encryptFor(fx.pem('recipient1'), { now: new Date('2100-01-01T00:00:00Z') })).toThrow(
      expect.objectContaining({ code: 'ERR_CPIX_CERTIFICATE_EXPIRED' }),
    );
    expect(encryptFor(fx.pem('recipient1'), { now: () => new Date('2000-01-01T00:00:00Z') })).toThrow(
      expect.objectContaining({ code: 'ERR_CPIX_CERTIFICATE_NOT_YET_VALID' }),
    );
  });
});

describe('properties', () => {
  it('any key values round-trip, whatever their length', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.uint8Array({ minLength: 1, maxLength: 64 }), { minLength: 1, maxLength: 3 }),
        async (values) => {
          const clear = clearDocument(KIDS.map((_, index) => values[index] ?? new Uint8Array([index])));
          const decrypted = await decryptContentKeys(
            viaXml(encryptContentKeys(clear, { recipients: [fx.pem('recipient1')] })),
            { privateKey: fx.key('recipient1') },
          );
          expect(plainValues(decrypted)).toEqual(plainValues(clear));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('any single bit flipped in any content key CipherValue or ValueMAC is ERR_CPIX_MAC_MISMATCH', async () => {
    const encrypted = encryptContentKeys(clearDocument(), { recipients: [fx.pem('recipient1')] });
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: 2 }),
        fc.boolean(),
        fc.nat(),
        fc.nat({ max: 7 }),
        async (keyIndex, inMac, byteSeed, bit) => {
          const tampered = structuredClone(encrypted);
          const secret = tampered.contentKeyList!.contentKeys[keyIndex]!.data!.secret!;
          const bytes = inMac ? secret.valueMac! : secret.encryptedValue!.cipherValue;
          bytes[byteSeed % bytes.length]! ^= 1 << bit;
          await expectCode(decryptContentKeys(tampered, { privateKey: fx.key('recipient1') }), 'ERR_CPIX_MAC_MISMATCH');
        },
      ),
      { numRuns: 30 },
    );
  });
});

describe('CPIX 2.4 several document keys per recipient', () => {
  it('decrypts each content key with the document key that names it in encryptsKey, the others with the general one', async () => {
    const recipient = new X509Certificate(fx.pem('recipient1'));
    const general = randomBytes(32);
    const dedicated = randomBytes(32);
    const macKey = randomBytes(64);
    const values = KIDS.map(() => new Uint8Array(randomBytes(16)));
    const wrap = (key: Uint8Array) => ({
      data: {
        secret: {
          encryptedValue: {
            algorithm: CPIX_ALGORITHMS.rsaOaepMgf1p,
            cipherValue: wrapRsaOaepMgf1p(recipient.publicKey, key),
          },
        },
      },
    });
    const document: CpixDocument = {
      deliveryDataList: {
        deliveryData: [
          {
            deliveryKey: { x509Certificates: [new Uint8Array(recipient.raw)] },
            documentKeys: [wrap(general), { ...wrap(dedicated), encryptsKey: KIDS[1]!.toUpperCase() }],
            macMethod: {
              algorithm: CPIX_ALGORITHMS.hmacSha512,
              key: {
                algorithm: CPIX_ALGORITHMS.rsaOaepMgf1p,
                cipherValue: wrapRsaOaepMgf1p(recipient.publicKey, macKey),
              },
            },
          },
        ],
      },
      contentKeyList: {
        contentKeys: KIDS.map((kid, index) => {
          const cipherValue = encryptAes256Cbc(index === 1 ? dedicated : general, values[index]!);
          return {
            kid,
            data: {
              secret: {
                encryptedValue: { algorithm: CPIX_ALGORITHMS.aes256Cbc, cipherValue },
                valueMac: hmacSha512(macKey, cipherValue),
              },
            },
          };
        }),
      },
    };
    const decrypted = await decryptContentKeys(viaXml(document, '2.4'), { privateKey: fx.key('recipient1') });
    expect(plainValues(decrypted)).toEqual(values);
  });
});
