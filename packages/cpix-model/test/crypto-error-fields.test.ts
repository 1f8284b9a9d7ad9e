import { createCipheriv, createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { beforeAll, describe, expect, it } from 'vitest';
import { CpixError, decryptContentKeys, encryptContentKeys, type CpixDocument } from '../src/index.js';
import { CPIX_ALGORITHMS } from '../src/crypto/algorithms.js';
import { hmacSha512 } from '../src/crypto/hmac.js';
import { wrapRsaOaepMgf1p } from '../src/crypto/rsa-oaep.js';
import { cryptoFixtures, type CryptoFixtures } from './crypto-fixtures.js';

let fx: CryptoFixtures;
beforeAll(() => {
  fx = cryptoFixtures();
}, 120_000);

const KID = '98ee5596-cd3e-a20d-163a-e382420c6eff';
const DOCUMENT_KEY = new Uint8Array(32).fill(7);
const MAC_KEY = new Uint8Array(64).fill(9);

/** AES-256-CBC with a fixed IV, so a test's bytes are the same on every run. */
function aesCbc(key: Uint8Array, plaintext: Uint8Array): Uint8Array {
  const iv = new Uint8Array(16).fill(3);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  return new Uint8Array(Buffer.concat([iv, cipher.update(plaintext), cipher.final()]));
}

/** An encrypted document built by hand for recipient1, so each field can be made wrong on its own. */
function handmade({
  documentKey = DOCUMENT_KEY,
  cipherValue = aesCbc(DOCUMENT_KEY, new Uint8Array(16).fill(1)),
}: {
  documentKey?: Uint8Array;
  cipherValue?: Uint8Array;
} = {}): CpixDocument {
  const publicKey = createPublicKey(fx.pem('recipient1'));
  return {
    contentKeyList: {
      contentKeys: [
        {
          kid: KID,
          data: {
            secret: {
              encryptedValue: { algorithm: CPIX_ALGORITHMS.aes256Cbc, cipherValue },
              valueMac: hmacSha512(MAC_KEY, cipherValue),
            },
          },
        },
      ],
    },
    deliveryDataList: {
      deliveryData: [
        {
          deliveryKey: { x509Certificates: [new Uint8Array(new X509Certificate(fx.pem('recipient1')).raw)] },
          documentKeys: [
            {
              algorithm: CPIX_ALGORITHMS.aes256Cbc,
              data: {
                secret: {
                  encryptedValue: {
                    algorithm: CPIX_ALGORITHMS.rsaOaepMgf1p,
                    cipherValue: wrapRsaOaepMgf1p(publicKey, documentKey),
                  },
                },
              },
            },
          ],
          macMethod: {
            algorithm: CPIX_ALGORITHMS.hmacSha512,
            key: { algorithm: CPIX_ALGORITHMS.rsaOaepMgf1p, cipherValue: wrapRsaOaepMgf1p(publicKey, MAC_KEY) },
          },
        },
      ],
    },
  };
}

/** The visible fields of the error a promise rejects with: code, message (without the path it ends with) and path. */
async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string; path?: string }> {
  const error = await promise.then(
    () => expect.unreachable('no error thrown'),
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(CpixError);
  const { code, message, path } = error as CpixError;
  // The message ends with its path; the path is compared as a field of its own.
  const suffix = path === undefined ? '' : ` (at ${path})`;
  expect(message.endsWith(suffix)).toBe(true);
  return { code, message: message.slice(0, message.length - suffix.length), path };
}

function thrown(fn: () => unknown): Promise<{ code: string; message: string; path?: string }> {
  return rejection(Promise.resolve().then(fn));
}

describe('decryptContentKeys: the fields of each error', () => {
  it('decrypts the handmade document (so the errors below come from the one wrong field)', async () => {
    const plain = await decryptContentKeys(handmade(), { privateKey: fx.key('recipient1') });
    expect(plain.contentKeyList!.contentKeys[0]!.data!.secret).toStrictEqual({
      plainValue: new Uint8Array(16).fill(1),
    });
  });

  it('a CipherValue shorter than an IV and one block, or not in whole blocks, is ERR_CPIX_DECRYPTION_FAILED', async () => {
    for (const length of [16, 31, 33, 47]) {
      expect(
        await rejection(
          decryptContentKeys(handmade({ cipherValue: new Uint8Array(length) }), { privateKey: fx.key('recipient1') }),
        ),
      ).toStrictEqual({
        code: 'ERR_CPIX_DECRYPTION_FAILED',
        message: `CipherValue of ${length} bytes is not an IV followed by whole AES blocks`,
        path: '/CPIX/ContentKeyList/ContentKey[1]/Data/Secret/EncryptedValue',
      });
    }
  });

  it('a value encrypted under another key fails its padding: ERR_CPIX_DECRYPTION_FAILED', async () => {
    const cipherValue = aesCbc(new Uint8Array(32).fill(8), new Uint8Array(16).fill(1));
    expect(
      await rejection(decryptContentKeys(handmade({ cipherValue }), { privateKey: fx.key('recipient1') })),
    ).toStrictEqual({
      code: 'ERR_CPIX_DECRYPTION_FAILED',
      message: 'AES-256-CBC decryption failed (bad padding: encrypted under another key)',
      path: '/CPIX/ContentKeyList/ContentKey[1]/Data/Secret/EncryptedValue',
    });
  });

  it('a document key of another length than 32 bytes is ERR_CPIX_DOCUMENT_KEY_DECRYPTION_FAILED', async () => {
    expect(
      await rejection(
        decryptContentKeys(handmade({ documentKey: new Uint8Array(16) }), { privateKey: fx.key('recipient1') }),
      ),
    ).toStrictEqual({
      code: 'ERR_CPIX_DOCUMENT_KEY_DECRYPTION_FAILED',
      message: 'The document key has 16 bytes; AES-256 needs 32',
      path: '/CPIX/DeliveryDataList/DeliveryData[1]/DocumentKey[1]',
    });
  });

  it('a document key under another algorithm, or without EncryptedValue, is refused with its path', async () => {
    const otherAlgorithm = handmade();
    otherAlgorithm.deliveryDataList!.deliveryData[0]!.documentKeys[0]!.algorithm = 'urn:example:aes128';
    expect(await rejection(decryptContentKeys(otherAlgorithm, { privateKey: fx.key('recipient1') }))).toStrictEqual({
      code: 'ERR_CPIX_UNSUPPORTED_ALGORITHM',
      message: 'Document key algorithm urn:example:aes128 is not supported (aes256-cbc expected)',
      path: '/CPIX/DeliveryDataList/DeliveryData[1]/DocumentKey[1]/@Algorithm',
    });
    const noValue = handmade();
    noValue.deliveryDataList!.deliveryData[0]!.documentKeys[0]!.data = { secret: {} };
    expect(await rejection(decryptContentKeys(noValue, { privateKey: fx.key('recipient1') }))).toStrictEqual({
      code: 'ERR_CPIX_MISSING_ELEMENT',
      message: 'DocumentKey has no EncryptedValue',
      path: '/CPIX/DeliveryDataList/DeliveryData[1]/DocumentKey[1]/Data/Secret',
    });
  });

  it('a MACMethod without a key is ERR_CPIX_MAC_MISSING', async () => {
    const document = handmade();
    delete document.deliveryDataList!.deliveryData[0]!.macMethod!.key;
    expect(await rejection(decryptContentKeys(document, { privateKey: fx.key('recipient1') }))).toStrictEqual({
      code: 'ERR_CPIX_MAC_MISSING',
      message: 'MACMethod carries no MAC key (MACKeyReference is not supported)',
      path: '/CPIX/DeliveryDataList/DeliveryData[1]/MACMethod',
    });
  });

  it('skips an unreadable recipient certificate and a recipient without a wrapped key when looking for the key', async () => {
    const unreadable = handmade();
    unreadable.deliveryDataList!.deliveryData[0]!.deliveryKey.x509Certificates = [new Uint8Array([1, 2, 3])];
    const noWrappedKey = handmade();
    const data = noWrappedKey.deliveryDataList!.deliveryData[0]!;
    data.deliveryKey.x509Certificates = [];
    data.documentKeys[0]!.data = { secret: {} };
    for (const document of [unreadable, noWrappedKey]) {
      expect(await rejection(decryptContentKeys(document, { privateKey: fx.key('recipient1') }))).toStrictEqual({
        code: 'ERR_CPIX_WRONG_PRIVATE_KEY',
        message: 'The private key belongs to none of the 1 recipient(s) of this document',
        path: '/CPIX/DeliveryDataList',
      });
    }
  });
});

describe('decryptContentKeys: the whole message and path of the other errors', () => {
  const R1 = '/CPIX/DeliveryDataList/DeliveryData[1]';
  const CK1 = '/CPIX/ContentKeyList/ContentKey[1]/Data/Secret';
  const cases: [string, (document: CpixDocument) => void, string, string, string | undefined][] = [
    [
      'no document key',
      (d) => void (d.deliveryDataList!.deliveryData[0]!.documentKeys = []),
      'ERR_CPIX_NO_RECIPIENT',
      'The document has no DeliveryData with a document key: it is not encrypted for anyone',
      '/CPIX/DeliveryDataList',
    ],
    [
      'a damaged wrapped document key',
      (d) =>
        void (d.deliveryDataList!.deliveryData[0]!.documentKeys[0]!.data!.secret!.encryptedValue!.cipherValue[9]! ^= 1),
      'ERR_CPIX_DOCUMENT_KEY_DECRYPTION_FAILED',
      'The wrapped document key does not decrypt with the recipient key (damaged CipherValue?)',
      `${R1}/DocumentKey[1]/Data/Secret/EncryptedValue/CipherData/CipherValue`,
    ],
    [
      'a document key wrapped otherwise',
      (d) =>
        void (d.deliveryDataList!.deliveryData[0]!.documentKeys[0]!.data!.secret!.encryptedValue!.algorithm = 'urn:x'),
      'ERR_CPIX_UNSUPPORTED_ALGORITHM',
      `Encryption algorithm urn:x is not supported here (${CPIX_ALGORITHMS.rsaOaepMgf1p} expected)`,
      `${R1}/DocumentKey[1]/Data/Secret/EncryptedValue/EncryptionMethod/@Algorithm`,
    ],
    [
      'a second document key under another algorithm',
      (d) => {
        const keys = d.deliveryDataList!.deliveryData[0]!.documentKeys;
        keys.push({ ...keys[0]!, algorithm: 'urn:z', encryptsKey: KID });
      },
      'ERR_CPIX_UNSUPPORTED_ALGORITHM',
      'Document key algorithm urn:z is not supported (aes256-cbc expected)',
      `${R1}/DocumentKey[2]/@Algorithm`,
    ],
    [
      'no MACMethod',
      (d) => void delete d.deliveryDataList!.deliveryData[0]!.macMethod,
      'ERR_CPIX_MAC_MISSING',
      'DeliveryData has no MACMethod: encrypted values cannot be authenticated',
      `${R1}/MACMethod`,
    ],
    [
      'another MAC algorithm',
      (d) => void (d.deliveryDataList!.deliveryData[0]!.macMethod!.algorithm = 'urn:mac'),
      'ERR_CPIX_UNSUPPORTED_ALGORITHM',
      'MAC algorithm urn:mac is not supported (hmac-sha512 expected)',
      `${R1}/MACMethod/@Algorithm`,
    ],
    [
      'a damaged wrapped MAC key',
      (d) => void (d.deliveryDataList!.deliveryData[0]!.macMethod!.key!.cipherValue[9]! ^= 1),
      'ERR_CPIX_MAC_KEY_DECRYPTION_FAILED',
      'The wrapped MAC key does not decrypt with the recipient key (damaged CipherValue?)',
      `${R1}/MACMethod/Key/CipherData/CipherValue`,
    ],
    [
      'no ValueMAC',
      (d) => void delete d.contentKeyList!.contentKeys[0]!.data!.secret!.valueMac,
      'ERR_CPIX_MAC_MISSING',
      `Encrypted content key ${KID} has no ValueMAC`,
      `${CK1}/ValueMAC`,
    ],
    [
      'an altered ValueMAC',
      (d) => void (d.contentKeyList!.contentKeys[0]!.data!.secret!.valueMac![0]! ^= 1),
      'ERR_CPIX_MAC_MISMATCH',
      `The MAC of content key ${KID} does not match: the value or its MAC was altered`,
      `${CK1}/ValueMAC`,
    ],
    [
      'a content key encrypted otherwise',
      (d) => void (d.contentKeyList!.contentKeys[0]!.data!.secret!.encryptedValue!.algorithm = 'urn:y'),
      'ERR_CPIX_UNSUPPORTED_ALGORITHM',
      `Encryption algorithm urn:y is not supported here (${CPIX_ALGORITHMS.aes256Cbc} expected)`,
      `${CK1}/EncryptedValue/EncryptionMethod/@Algorithm`,
    ],
  ];
  for (const [name, mutate, code, message, path] of cases) {
    it(`${name}: ${code}`, async () => {
      const document = handmade();
      mutate(document);
      expect(await rejection(decryptContentKeys(document, { privateKey: fx.key('recipient1') }))).toStrictEqual({
        code,
        message,
        path,
      });
    });
  }

  it('leaves a content key without a value or an encrypted value as it is', async () => {
    const document = handmade();
    document.contentKeyList!.contentKeys.push(
      { kid: KID },
      { kid: KID, data: { secret: { plainValue: new Uint8Array(16) } } },
    );
    const plain = await decryptContentKeys(document, { privateKey: fx.key('recipient1') });
    expect(plain.contentKeyList!.contentKeys.slice(1)).toStrictEqual([
      { kid: KID },
      { kid: KID, data: { secret: { plainValue: new Uint8Array(16) } } },
    ]);
  });

  it('refuses what is not a document or a private key, and a PKCS#12 file it cannot open', async () => {
    expect(await rejection(decryptContentKeys(null as unknown as CpixDocument, { privateKey: 'x' }))).toStrictEqual({
      code: 'ERR_CPIX_INVALID_INPUT',
      message: 'Expected a CpixDocument object',
      path: undefined,
    });
    expect(await rejection(decryptContentKeys(handmade(), { privateKey: 42 as unknown as string }))).toStrictEqual({
      code: 'ERR_CPIX_PRIVATE_KEY_INVALID',
      message: 'A private key must be PEM text, a KeyObject or { pkcs12, password }',
      path: undefined,
    });
    expect(
      await rejection(
        decryptContentKeys(handmade(), {
          privateKey: { pkcs12: new Uint8Array([1, 2]), password: 42 as unknown as string },
        }),
      ),
    ).toStrictEqual({
      code: 'ERR_CPIX_PRIVATE_KEY_INVALID',
      message: 'A private key must be PEM text, a KeyObject or { pkcs12, password }',
      path: undefined,
    });
    const wrongPassword = decryptContentKeys(handmade(), {
      privateKey: { pkcs12: fx.bytes('recipient1.p12'), password: 'wrong' },
    });
    const error = await wrongPassword.catch((e: unknown) => e);
    expect(await rejection(wrongPassword)).toStrictEqual({
      code: 'ERR_CPIX_PRIVATE_KEY_INVALID',
      message: 'PKCS#12 file could not be opened (wrong password or not PKCS#12)',
      path: undefined,
    });
    expect((error as CpixError).cause).toBeInstanceOf(Error);
  });
});

describe('private keys: the fields of each error', () => {
  it('refuses a public KeyObject, unreadable PEM text and a PKCS#12 file without a key', async () => {
    const publicKey = createPublicKey(fx.pem('recipient1'));
    expect(await rejection(decryptContentKeys(handmade(), { privateKey: publicKey }))).toStrictEqual({
      code: 'ERR_CPIX_PRIVATE_KEY_INVALID',
      message: 'Expected a private key, got a public key',
      path: undefined,
    });
    expect(await rejection(decryptContentKeys(handmade(), { privateKey: 'not a key' }))).toStrictEqual({
      code: 'ERR_CPIX_PRIVATE_KEY_INVALID',
      message: 'Not a readable unencrypted PEM private key',
      path: undefined,
    });
    const certificateOnly = forge.asn1
      .toDer(forge.pkcs12.toPkcs12Asn1(null, [forge.pki.certificateFromPem(fx.pem('recipient1'))], 'pw'))
      .getBytes();
    expect(
      await rejection(
        decryptContentKeys(handmade(), {
          privateKey: { pkcs12: new Uint8Array(Buffer.from(certificateOnly, 'binary')), password: 'pw' },
        }),
      ),
    ).toStrictEqual({
      code: 'ERR_CPIX_PRIVATE_KEY_INVALID',
      message: 'PKCS#12 file holds no private key',
      path: undefined,
    });
  });

  it('accepts a private KeyObject', async () => {
    const plain = await decryptContentKeys(handmade(), { privateKey: createPrivateKey(fx.key('recipient1')) });
    expect(plain.contentKeyList!.contentKeys[0]!.data!.secret).toStrictEqual({
      plainValue: new Uint8Array(16).fill(1),
    });
  });

  it('keeps the reason of an unreadable PEM key as its cause', async () => {
    const error = await decryptContentKeys(handmade(), { privateKey: 'not a key' }).catch((e: unknown) => e);
    expect((error as CpixError).cause).toBeInstanceOf(Error);
  });
});

describe('encryptContentKeys: the fields of each error', () => {
  it('refuses an encrypted document, recipients that are not an array, and no recipient at all', async () => {
    expect(await thrown(() => encryptContentKeys(handmade(), { recipients: [fx.pem('recipient1')] }))).toStrictEqual({
      code: 'ERR_CPIX_ALREADY_ENCRYPTED',
      message: 'The document already has document keys; decrypt it before encrypting again',
      path: '/CPIX/DeliveryDataList',
    });
    expect(await thrown(() => encryptContentKeys({}, { recipients: 'x' as unknown as string[] }))).toStrictEqual({
      code: 'ERR_CPIX_INVALID_OPTION',
      message: 'recipients must be an array of certificates',
      path: undefined,
    });
    expect(await thrown(() => encryptContentKeys({}))).toStrictEqual({
      code: 'ERR_CPIX_NO_RECIPIENT',
      message: 'No recipient certificate: pass recipients or a document with request-side DeliveryData',
      path: undefined,
    });
  });

  it('a request-side DeliveryData without a certificate is ERR_CPIX_NO_RECIPIENT at its index', async () => {
    const document: CpixDocument = {
      deliveryDataList: {
        deliveryData: [
          {
            deliveryKey: { x509Certificates: [new Uint8Array(new X509Certificate(fx.pem('recipient1')).raw)] },
            documentKeys: [],
          },
          { deliveryKey: { x509Certificates: [] }, documentKeys: [] },
        ],
      },
    };
    expect(await thrown(() => encryptContentKeys(document))).toStrictEqual({
      code: 'ERR_CPIX_NO_RECIPIENT',
      message: 'Request-side DeliveryData has no X.509 certificate to encrypt for',
      path: '/CPIX/DeliveryDataList/DeliveryData[2]/DeliveryKey',
    });
  });

  it('a content key that is already encrypted is ERR_CPIX_ALREADY_ENCRYPTED at its index', async () => {
    const encrypted = handmade().contentKeyList!.contentKeys[0]!;
    const document: CpixDocument = {
      contentKeyList: {
        contentKeys: [
          { kid: '53abdba2-f210-43cb-bc90-f18f9a890a02', data: { secret: { plainValue: new Uint8Array(16) } } },
          encrypted,
        ],
      },
    };
    expect(await thrown(() => encryptContentKeys(document, { recipients: [fx.pem('recipient1')] }))).toStrictEqual({
      code: 'ERR_CPIX_ALREADY_ENCRYPTED',
      message: `Content key ${KID} is already encrypted`,
      path: '/CPIX/ContentKeyList/ContentKey[2]/Data/Secret',
    });
  });
});
