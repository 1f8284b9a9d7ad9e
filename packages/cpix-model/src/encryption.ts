import { createPublicKey, randomBytes, type KeyObject } from 'node:crypto';
import {
  checkRecipientCertificate,
  readCertificate,
  type CertificateInput,
  type CertificatePolicy,
} from './certificate.js';
import { decryptAes256Cbc, encryptAes256Cbc } from './crypto/aes-cbc.js';
import { CPIX_ALGORITHMS } from './crypto/algorithms.js';
import { hmacSha512, macEquals } from './crypto/hmac.js';
import { loadPrivateKey, type PrivateKeyInput } from './crypto/private-key.js';
import { unwrapRsaOaepMgf1p, wrapRsaOaepMgf1p } from './crypto/rsa-oaep.js';
import { CpixError } from './errors.js';
import type { ContentKey, CpixDocument, DeliveryData, DocumentKey, EncryptedData } from './model.js';

const DOCUMENT_KEY_BYTES = 32;
const MAC_KEY_BYTES = 64;

/** Options of {@link encryptContentKeys}. */
export interface EncryptContentKeysOptions {
  /**
   * The recipients' X.509 certificates (PEM, DER or `X509Certificate`). When omitted, the
   * certificates of the document's request-side `DeliveryData` (those without a `DocumentKey`)
   * are used and those entries are filled in place, keeping their ids and descriptions.
   */
  recipients?: CertificateInput[];
  /** What each recipient certificate must satisfy (RSA ≥ 3072 bits by default, no SHA-1, valid now). */
  certificatePolicy?: CertificatePolicy;
}

/** Options of {@link decryptContentKeys}. */
export interface DecryptContentKeysOptions {
  /** The recipient's private key: PEM, `KeyObject`, or `{ pkcs12, password }` (read with node-forge). */
  privateKey: PrivateKeyInput;
}

/**
 * Encrypts every plain content key of a document for one or more recipients, as CPIX specifies:
 * a random 256-bit document key encrypts each key with AES-256-CBC (a fresh IV prefixed to each
 * CipherValue); a random MAC key gives each encrypted value a `ValueMAC` (HMAC-SHA512 over IV and
 * ciphertext). The document key and the MAC key are each wrapped for every recipient with
 * RSA-OAEP-MGF1P (SHA-1), in `DocumentKey` and `MACMethod/Key`, as the CPIX specification,
 * Axinom.Cpix and AWS's SPEKE reference server do. Returns a new document with `EncryptedValue` + `ValueMAC`
 * in place of each `PlainValue` and a filled `DeliveryDataList`; the input is not modified.
 * Content keys without a value (request side) are left as they are.
 */
export function encryptContentKeys(document: CpixDocument, options: EncryptContentKeysOptions = {}): CpixDocument {
  expectDocument(document);
  const existing = document.deliveryDataList?.deliveryData ?? [];
  if (existing.some((data) => data.documentKeys.length > 0)) {
    throw new CpixError(
      'ERR_CPIX_ALREADY_ENCRYPTED',
      'The document already has document keys; decrypt it before encrypting again',
      { path: '/CPIX/DeliveryDataList' },
    );
  }
  if (options.recipients !== undefined && !Array.isArray(options.recipients)) {
    throw new CpixError('ERR_CPIX_INVALID_OPTION', 'recipients must be an array of certificates');
  }
  const requested: { template: Omit<DeliveryData, 'documentKeys'> | undefined; certificate: CertificateInput }[] =
    options.recipients !== undefined
      ? options.recipients.map((certificate) => ({ template: undefined, certificate }))
      : existing.flatMap((data, index) => {
          const certificate = data.deliveryKey.x509Certificates[0];
          if (certificate === undefined) {
            throw new CpixError(
              'ERR_CPIX_NO_RECIPIENT',
              'Request-side DeliveryData has no X.509 certificate to encrypt for',
              {
                path: `/CPIX/DeliveryDataList/DeliveryData[${index + 1}]/DeliveryKey`,
              },
            );
          }
          return [{ template: data, certificate }];
        });
  if (requested.length === 0) {
    throw new CpixError(
      'ERR_CPIX_NO_RECIPIENT',
      'No recipient certificate: pass recipients or a document with request-side DeliveryData',
    );
  }
  const recipients = requested.map(({ template, certificate }) => {
    const checked = checkRecipientCertificate(certificate, options.certificatePolicy);
    return { template, publicKey: checked.publicKey, der: checked.info.der };
  });

  const documentKey = randomBytes(DOCUMENT_KEY_BYTES);
  const macKey = randomBytes(MAC_KEY_BYTES);
  try {
    const contentKeyList = document.contentKeyList && {
      ...document.contentKeyList,
      contentKeys: document.contentKeyList.contentKeys.map((key, index) =>
        encryptContentKey(key, index, documentKey, macKey),
      ),
    };
    const deliveryData = recipients.map(({ template, publicKey, der }): DeliveryData => {
      const wrapped: DocumentKey = {
        algorithm: CPIX_ALGORITHMS.aes256Cbc,
        data: {
          secret: {
            encryptedValue: {
              algorithm: CPIX_ALGORITHMS.rsaOaepMgf1p,
              cipherValue: wrapRsaOaepMgf1p(publicKey, documentKey),
            },
          },
        },
      };
      return {
        ...(template ?? { deliveryKey: { x509Certificates: [der] } }),
        documentKeys: [wrapped],
        macMethod: {
          algorithm: CPIX_ALGORITHMS.hmacSha512,
          key: { algorithm: CPIX_ALGORITHMS.rsaOaepMgf1p, cipherValue: wrapRsaOaepMgf1p(publicKey, macKey) },
        },
      };
    });
    return {
      ...document,
      deliveryDataList: { ...document.deliveryDataList, deliveryData },
      ...(contentKeyList && { contentKeyList }),
    };
  } finally {
    documentKey.fill(0);
    macKey.fill(0);
  }
}

function encryptContentKey(key: ContentKey, index: number, documentKey: Uint8Array, macKey: Uint8Array): ContentKey {
  const secret = key.data?.secret;
  if (secret?.encryptedValue !== undefined) {
    throw new CpixError('ERR_CPIX_ALREADY_ENCRYPTED', `Content key ${key.kid} is already encrypted`, {
      path: `/CPIX/ContentKeyList/ContentKey[${index + 1}]/Data/Secret`,
    });
  }
  if (secret?.plainValue === undefined) return key;
  const { plainValue, valueMac: _previousMac, ...rest } = secret;
  const cipherValue = encryptAes256Cbc(documentKey, plainValue);
  return {
    ...key,
    data: {
      ...key.data,
      secret: {
        ...rest,
        encryptedValue: { algorithm: CPIX_ALGORITHMS.aes256Cbc, cipherValue },
        valueMac: hmacSha512(macKey, cipherValue),
      },
    },
  };
}

/**
 * Decrypts the content keys of an encrypted document with a recipient's private key. The
 * recipient is found by matching the key against the `DeliveryKey` certificates; every value's
 * MAC is checked (constant time) before it is decrypted. Returns a new document whose content
 * keys carry `PlainValue`s and which no longer has a `DeliveryDataList`. A recipient identified
 * otherwise than by certificate (`ds:KeyName`...) is found by trying the key. With CPIX 2.4's
 * several document keys per recipient, a content key uses the one whose `encryptsKey` names its
 * KID, else the one without `encryptsKey` (or the first). The MAC key (`MACMethod/Key`) is wrapped
 * for the recipient with RSA-OAEP-MGF1P, like the document key.
 *
 * Errors: `ERR_CPIX_NO_RECIPIENT` (no `DeliveryData` with a document key), `ERR_CPIX_WRONG_PRIVATE_KEY`
 * (the key belongs to none of the recipients), `ERR_CPIX_DOCUMENT_KEY_DECRYPTION_FAILED` (the
 * wrapped document key does not open: damaged CipherValue), `ERR_CPIX_MAC_KEY_DECRYPTION_FAILED`
 * (the wrapped MAC key does not open), `ERR_CPIX_MAC_MISSING`,
 * `ERR_CPIX_MAC_MISMATCH` (a value or its MAC was altered), `ERR_CPIX_UNSUPPORTED_ALGORITHM`,
 * `ERR_CPIX_DECRYPTION_FAILED`, `ERR_CPIX_PRIVATE_KEY_INVALID`.
 */
export async function decryptContentKeys(
  document: CpixDocument,
  options: DecryptContentKeysOptions,
): Promise<CpixDocument> {
  expectDocument(document);
  const candidates = (document.deliveryDataList?.deliveryData ?? [])
    .map((data, index) => ({ data, path: `/CPIX/DeliveryDataList/DeliveryData[${index + 1}]` }))
    .filter(({ data }) => data.documentKeys.length > 0);
  if (candidates.length === 0) {
    throw new CpixError(
      'ERR_CPIX_NO_RECIPIENT',
      'The document has no DeliveryData with a document key: it is not encrypted for anyone',
      { path: '/CPIX/DeliveryDataList' },
    );
  }
  const privateKey = await loadPrivateKey(options?.privateKey);
  const recipient = findRecipient(candidates, privateKey);
  const documentKeys = unwrapDocumentKeys(recipient.data, recipient.path, privateKey);
  try {
    const macKey = unwrapMacKey(recipient.data, recipient.path, privateKey);
    try {
      const contentKeyList = document.contentKeyList && {
        ...document.contentKeyList,
        contentKeys: document.contentKeyList.contentKeys.map((key, index) =>
          decryptContentKey(key, `/CPIX/ContentKeyList/ContentKey[${index + 1}]`, documentKeys, macKey),
        ),
      };
      const { deliveryDataList: _delivery, ...rest } = document;
      return { ...rest, ...(contentKeyList && { contentKeyList }) };
      // Stryker disable next-line BlockStatement: hygiene, zeroes the MAC key once it is no longer used
    } finally {
      // Stryker disable next-line CallExpression: hygiene, zeroes the MAC key once it is no longer used
      macKey.fill(0);
    }
    // Stryker disable next-line BlockStatement: hygiene, zeroes the document keys once they are no longer used
  } finally {
    // Stryker disable next-line CallExpression: hygiene, zeroes the document keys once they are no longer used
    for (const key of documentKeys.values()) key.fill(0);
  }
}

type Candidate = { data: DeliveryData; path: string };

function spki(key: KeyObject): Buffer {
  return key.export({ type: 'spki', format: 'der' });
}

/** The DeliveryData whose certificate carries the private key's public half. */
function findRecipient(candidates: Candidate[], privateKey: KeyObject): Candidate {
  const publicKey = spki(createPublicKey(privateKey));
  const matching = candidates.find(({ data }) =>
    data.deliveryKey.x509Certificates.some((der) => {
      try {
        return spki(readCertificate(der).publicKey).equals(publicKey);
        // Stryker disable next-line BlockStatement: an empty catch returns undefined, which some() reads as false too
      } catch {
        return false;
      }
    }),
  );
  if (matching !== undefined) return matching;
  // A DeliveryKey may identify the recipient otherwise (KeyName...); then only unwrapping can tell.
  const anonymous = candidates.filter(({ data }) => data.deliveryKey.x509Certificates.length === 0);
  const opened = anonymous.find(({ data }) => {
    const cipherValue = data.documentKeys[0]?.data?.secret?.encryptedValue?.cipherValue;
    if (cipherValue === undefined) return false;
    try {
      unwrapRsaOaepMgf1p(privateKey, cipherValue).fill(0);
      return true;
    } catch {
      return false;
    }
  });
  if (opened !== undefined) return opened;
  throw new CpixError(
    'ERR_CPIX_WRONG_PRIVATE_KEY',
    `The private key belongs to none of the ${candidates.length} recipient(s) of this document`,
    { path: '/CPIX/DeliveryDataList' },
  );
}

const DEFAULT_DOCUMENT_KEY = '';

/** The recipient's document keys, by the KID they encrypt (CPIX 2.4 `encryptsKey`), '' for the general one. */
function unwrapDocumentKeys(data: DeliveryData, path: string, privateKey: KeyObject): Map<string, Uint8Array> {
  const keys = new Map<string, Uint8Array>();
  data.documentKeys.forEach((documentKey, index) => {
    const keyPath = `${path}/DocumentKey[${index + 1}]`;
    if (documentKey.algorithm !== undefined && documentKey.algorithm !== CPIX_ALGORITHMS.aes256Cbc) {
      throw new CpixError(
        'ERR_CPIX_UNSUPPORTED_ALGORITHM',
        `Document key algorithm ${documentKey.algorithm} is not supported (aes256-cbc expected)`,
        { path: `${keyPath}/@Algorithm` },
      );
    }
    const encrypted = documentKey.data?.secret?.encryptedValue;
    if (encrypted === undefined) {
      throw new CpixError('ERR_CPIX_MISSING_ELEMENT', 'DocumentKey has no EncryptedValue', {
        path: `${keyPath}/Data/Secret`,
      });
    }
    expectAlgorithm(encrypted, CPIX_ALGORITHMS.rsaOaepMgf1p, `${keyPath}/Data/Secret/EncryptedValue`);
    let key: Uint8Array;
    try {
      key = unwrapRsaOaepMgf1p(privateKey, encrypted.cipherValue);
    } catch (cause) {
      throw new CpixError(
        'ERR_CPIX_DOCUMENT_KEY_DECRYPTION_FAILED',
        'The wrapped document key does not decrypt with the recipient key (damaged CipherValue?)',
        {
          path: `${keyPath}/Data/Secret/EncryptedValue/CipherData/CipherValue`,
          cause,
        },
      );
    }
    if (key.length !== DOCUMENT_KEY_BYTES) {
      // Stryker disable next-line CallExpression: hygiene, zeroes a key that is thrown away
      key.fill(0);
      throw new CpixError(
        'ERR_CPIX_DOCUMENT_KEY_DECRYPTION_FAILED',
        `The document key has ${key.length} bytes; AES-256 needs ${DOCUMENT_KEY_BYTES}`,
        { path: keyPath },
      );
    }
    keys.set(documentKey.encryptsKey?.toLowerCase() ?? DEFAULT_DOCUMENT_KEY, key);
  });
  return keys;
}

function documentKeyFor(documentKeys: Map<string, Uint8Array>, kid: string): Uint8Array {
  const key =
    documentKeys.get(kid.toLowerCase()) ?? documentKeys.get(DEFAULT_DOCUMENT_KEY) ?? documentKeys.values().next().value;
  // unwrapDocumentKeys returns at least one key: callers only get here for a DeliveryData with document keys.
  return key!;
}

function unwrapMacKey(data: DeliveryData, path: string, privateKey: KeyObject): Uint8Array {
  const method = data.macMethod;
  if (method === undefined) {
    throw new CpixError(
      'ERR_CPIX_MAC_MISSING',
      'DeliveryData has no MACMethod: encrypted values cannot be authenticated',
      { path: `${path}/MACMethod` },
    );
  }
  if (method.algorithm !== CPIX_ALGORITHMS.hmacSha512) {
    throw new CpixError(
      'ERR_CPIX_UNSUPPORTED_ALGORITHM',
      `MAC algorithm ${method.algorithm} is not supported (hmac-sha512 expected)`,
      { path: `${path}/MACMethod/@Algorithm` },
    );
  }
  if (method.key === undefined) {
    throw new CpixError('ERR_CPIX_MAC_MISSING', 'MACMethod carries no MAC key (MACKeyReference is not supported)', {
      path: `${path}/MACMethod`,
    });
  }
  const keyPath = `${path}/MACMethod/Key`;
  expectAlgorithm(method.key, CPIX_ALGORITHMS.rsaOaepMgf1p, keyPath);
  try {
    return unwrapRsaOaepMgf1p(privateKey, method.key.cipherValue);
  } catch (cause) {
    throw new CpixError(
      'ERR_CPIX_MAC_KEY_DECRYPTION_FAILED',
      'The wrapped MAC key does not decrypt with the recipient key (damaged CipherValue?)',
      {
        path: `${keyPath}/CipherData/CipherValue`,
        cause,
      },
    );
  }
}

function decryptContentKey(
  key: ContentKey,
  path: string,
  documentKeys: Map<string, Uint8Array>,
  macKey: Uint8Array,
): ContentKey {
  const secret = key.data?.secret;
  const encrypted = secret?.encryptedValue;
  if (secret === undefined || encrypted === undefined) return key;
  const secretPath = `${path}/Data/Secret`;
  if (secret.valueMac === undefined) {
    throw new CpixError('ERR_CPIX_MAC_MISSING', `Encrypted content key ${key.kid} has no ValueMAC`, {
      path: `${secretPath}/ValueMAC`,
    });
  }
  if (!macEquals(hmacSha512(macKey, encrypted.cipherValue), secret.valueMac)) {
    throw new CpixError(
      'ERR_CPIX_MAC_MISMATCH',
      `The MAC of content key ${key.kid} does not match: the value or its MAC was altered`,
      { path: `${secretPath}/ValueMAC` },
    );
  }
  expectAlgorithm(encrypted, CPIX_ALGORITHMS.aes256Cbc, `${secretPath}/EncryptedValue`);
  const plainValue = decryptAes256Cbc(
    documentKeyFor(documentKeys, key.kid),
    encrypted.cipherValue,
    `${secretPath}/EncryptedValue`,
  );
  const { encryptedValue: _encrypted, valueMac: _mac, ...rest } = secret;
  return { ...key, data: { ...key.data, secret: { ...rest, plainValue } } };
}

function expectAlgorithm(data: EncryptedData, algorithm: string, path: string): void {
  if (data.algorithm !== undefined && data.algorithm !== algorithm) {
    throw new CpixError(
      'ERR_CPIX_UNSUPPORTED_ALGORITHM',
      `Encryption algorithm ${data.algorithm} is not supported here (${algorithm} expected)`,
      { path: `${path}/EncryptionMethod/@Algorithm` },
    );
  }
}

function expectDocument(document: unknown): void {
  if (typeof document !== 'object' || document === null)
    throw new CpixError('ERR_CPIX_INVALID_INPUT', 'Expected a CpixDocument object');
}
