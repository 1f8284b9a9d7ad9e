import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { decryptContentKeys, encryptContentKeys, parseCpix, serializeCpix, type CpixDocument } from '../src/index.js';
import { cryptoFixtures, type CryptoFixtures } from './crypto-fixtures.js';

/**
 * Encrypted delivery checked against the openssl command line alone: openssl opens what we write
 * (read with fast-xml-parser, not our reader), and we open what openssl builds. RSA-OAEP-MGF1P
 * (SHA-1) wraps the document key and the MAC key for every recipient, as the CPIX specification,
 * Axinom.Cpix and AWS's SPEKE reference server do.
 */

let fx: CryptoFixtures;
beforeAll(() => {
  fx = cryptoFixtures();
}, 120_000);

const RECIPIENTS = ['recipient1', 'recipient2', 'recipient3'];
const KIDS = [
  '98ee5596-cd3e-a20d-163a-e382420c6eff',
  '53abdba2-f210-43cb-bc90-f18f9a890a02',
  'af1ed63c-5784-460b-9e51-309dd47b7d9c',
];
const ALGORITHM = {
  aes256Cbc: 'http://www.w3.org/2001/04/xmlenc#aes256-cbc',
  rsaOaepMgf1p: 'http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p',
  hmacSha512: 'http://www.w3.org/2001/04/xmldsig-more#hmac-sha512',
};

const openssl = (args: string[], input?: Uint8Array): Buffer =>
  execFileSync('openssl', args, { input, stdio: ['pipe', 'pipe', 'pipe'] });
const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const base64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const OAEP = ['-pkeyopt', 'rsa_padding_mode:oaep', '-pkeyopt', 'rsa_oaep_md:sha1', '-pkeyopt', 'rsa_mgf1_md:sha1'];

const rsaOaepDecrypt = (recipient: string, wrapped: Uint8Array): Buffer =>
  openssl(['pkeyutl', '-decrypt', '-inkey', join(fx.dir, `${recipient}.key`), ...OAEP], wrapped);
const rsaOaepEncrypt = (recipient: string, key: Uint8Array): Buffer =>
  openssl(['pkeyutl', '-encrypt', '-certin', '-inkey', join(fx.dir, `${recipient}.pem`), ...OAEP], key);
const hmacSha512 = (key: Uint8Array, data: Uint8Array): Buffer =>
  openssl(['dgst', '-sha512', '-mac', 'HMAC', '-macopt', `hexkey:${hex(key)}`, '-binary'], data);
const aesDecrypt = (key: Uint8Array, cipherValue: Uint8Array): Buffer =>
  openssl(
    ['enc', '-d', '-aes-256-cbc', '-K', hex(key), '-iv', hex(cipherValue.subarray(0, 16))],
    cipherValue.subarray(16),
  );
/** AES-256-CBC as XML-Enc writes it: a fresh IV, then the ciphertext. */
function aesEncrypt(key: Uint8Array, plaintext: Uint8Array): Buffer {
  const iv = openssl(['rand', '16']);
  return Buffer.concat([iv, openssl(['enc', '-aes-256-cbc', '-K', hex(key), '-iv', hex(iv)], plaintext)]);
}

// ---------------------------------------------------------------------------------------------
// Reading our XML without our reader.

type Node = Record<string, unknown>;
const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  isArray: (name) => ['DeliveryData', 'ContentKey'].includes(name),
});

function at(node: unknown, ...path: string[]): Node {
  let current = node as Node;
  for (const step of path) {
    const next = current[step];
    if (next === undefined) throw new Error(`no ${step} in ${Object.keys(current).join(', ')}`);
    current = next as Node;
  }
  return current;
}

/** An `xenc:EncryptedDataType` element's algorithm and CipherValue bytes. */
function encrypted(node: Node): { algorithm: string; cipherValue: Buffer } {
  return {
    algorithm: at(node, 'EncryptionMethod')['@Algorithm'] as string,
    cipherValue: Buffer.from(String(at(node, 'CipherData').CipherValue), 'base64'),
  };
}

function clearDocument(): { document: CpixDocument; keys: Uint8Array[] } {
  const keys = KIDS.map(() => new Uint8Array(randomBytes(16)));
  return {
    keys,
    document: {
      contentId: 'movie-1',
      version: '2.3',
      contentKeyList: {
        contentKeys: KIDS.map((kid, index) => ({ kid, data: { secret: { plainValue: keys[index]! } } })),
      },
    },
  };
}

describe('openssl opens what we encrypt', () => {
  it('for three recipients: each unwraps the same document key and MAC key with pkeyutl; every ValueMAC and content key checks out', () => {
    const { document, keys } = clearDocument();
    const xml = serializeCpix(encryptContentKeys(document, { recipients: RECIPIENTS.map((name) => fx.pem(name)) }), {
      version: '2.3',
    });
    const cpix = at(xmlParser.parse(xml), 'CPIX');
    const deliveryData = at(cpix, 'DeliveryDataList').DeliveryData as Node[];
    expect(deliveryData).toHaveLength(3);

    const opened = RECIPIENTS.map((name, index) => {
      const data = deliveryData[index]!;
      const documentKey = encrypted(at(data, 'DocumentKey', 'Data', 'Secret', 'EncryptedValue'));
      const macMethod = at(data, 'MACMethod');
      const macKey = encrypted(at(macMethod, 'Key'));
      expect(at(data, 'DocumentKey')['@Algorithm']).toBe(ALGORITHM.aes256Cbc);
      expect(documentKey.algorithm).toBe(ALGORITHM.rsaOaepMgf1p);
      expect(macMethod['@Algorithm']).toBe(ALGORITHM.hmacSha512);
      expect(macKey.algorithm).toBe(ALGORITHM.rsaOaepMgf1p);
      return {
        documentKey: rsaOaepDecrypt(name, documentKey.cipherValue),
        macKey: rsaOaepDecrypt(name, macKey.cipherValue),
      };
    });
    const [first] = opened;
    expect(first!.documentKey).toHaveLength(32);
    expect(first!.macKey).toHaveLength(64);
    for (const other of opened) {
      expect(hex(other.documentKey)).toBe(hex(first!.documentKey));
      expect(hex(other.macKey)).toBe(hex(first!.macKey));
    }
    // Another recipient's private key does not open the first recipient's wrapped MAC key.
    const wrappedForFirst = encrypted(at(deliveryData[0]!, 'MACMethod', 'Key')).cipherValue;
    expect(() => rsaOaepDecrypt('recipient2', wrappedForFirst)).toThrow();

    const contentKeys = at(cpix, 'ContentKeyList').ContentKey as Node[];
    contentKeys.forEach((contentKey, index) => {
      const secret = at(contentKey, 'Data', 'Secret');
      const value = encrypted(at(secret, 'EncryptedValue'));
      expect(value.algorithm).toBe(ALGORITHM.aes256Cbc);
      expect(base64(hmacSha512(first!.macKey, value.cipherValue))).toBe(String(secret.ValueMAC));
      expect(hex(aesDecrypt(first!.documentKey, value.cipherValue))).toBe(hex(keys[index]!));
    });
  });
});

// ---------------------------------------------------------------------------------------------
// A document built by openssl alone, in the form Axinom.Cpix and AWS's reference server write.

function encryptedValue(algorithm: string, cipherValue: Uint8Array): string {
  return `<pskc:EncryptedValue><enc:EncryptionMethod Algorithm="${algorithm}"/><enc:CipherData><enc:CipherValue>${base64(cipherValue)}</enc:CipherValue></enc:CipherData></pskc:EncryptedValue>`;
}

/**
 * The document, and the content keys it carries. `alterMac` changes one byte of the second
 * ValueMAC. `form: 'aws'` writes the wrapped keys as AWS's SPEKE reference server does
 * (key_server_common.py): each with a `pskc:ValueMAC`, the MAC key inside a `pskc:EncryptedValue`
 * in `MACMethod/Key`.
 */
function opensslDocument({ alterMac = false, form = 'schema' }: { alterMac?: boolean; form?: 'schema' | 'aws' } = {}): {
  xml: string;
  keys: Buffer[];
} {
  const documentKey = openssl(['rand', '32']);
  const macKey = openssl(['rand', '64']);
  const keys = KIDS.map(() => openssl(['rand', '16']));
  const deliveryData = RECIPIENTS.map((name) => {
    const certificate = openssl(['x509', '-in', join(fx.dir, `${name}.pem`), '-outform', 'DER']);
    const wrappedDocumentKey = rsaOaepEncrypt(name, documentKey);
    const wrappedMacKey = rsaOaepEncrypt(name, macKey);
    const valueMac = (value: Uint8Array) =>
      form === 'aws' ? `<pskc:ValueMAC>${base64(hmacSha512(macKey, value))}</pskc:ValueMAC>` : '';
    const macKeyXml =
      form === 'aws'
        ? encryptedValue(ALGORITHM.rsaOaepMgf1p, wrappedMacKey) + valueMac(wrappedMacKey)
        : `<enc:EncryptionMethod Algorithm="${ALGORITHM.rsaOaepMgf1p}"/><enc:CipherData><enc:CipherValue>${base64(wrappedMacKey)}</enc:CipherValue></enc:CipherData>`;
    return `<cpix:DeliveryData>
      <cpix:DeliveryKey><ds:X509Data><ds:X509Certificate>${base64(certificate)}</ds:X509Certificate></ds:X509Data></cpix:DeliveryKey>
      <cpix:DocumentKey Algorithm="${ALGORITHM.aes256Cbc}"><cpix:Data><pskc:Secret>${encryptedValue(ALGORITHM.rsaOaepMgf1p, wrappedDocumentKey)}${valueMac(wrappedDocumentKey)}</pskc:Secret></cpix:Data></cpix:DocumentKey>
      <cpix:MACMethod Algorithm="${ALGORITHM.hmacSha512}"><cpix:Key>${macKeyXml}</cpix:Key></cpix:MACMethod>
    </cpix:DeliveryData>`;
  });
  const contentKeys = KIDS.map((kid, index) => {
    const cipherValue = aesEncrypt(documentKey, keys[index]!);
    const mac = hmacSha512(macKey, cipherValue);
    if (alterMac && index === 1) mac[7]! ^= 0x20;
    return `<cpix:ContentKey kid="${kid}"><cpix:Data><pskc:Secret>${encryptedValue(ALGORITHM.aes256Cbc, cipherValue)}<pskc:ValueMAC>${base64(mac)}</pskc:ValueMAC></pskc:Secret></cpix:Data></cpix:ContentKey>`;
  });
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<cpix:CPIX xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:enc="http://www.w3.org/2001/04/xmlenc#" contentId="movie-1" version="2.3">
  <cpix:DeliveryDataList>${deliveryData.join('')}</cpix:DeliveryDataList>
  <cpix:ContentKeyList>${contentKeys.join('')}</cpix:ContentKeyList>
</cpix:CPIX>`;
  return { xml, keys };
}

describe('we open what openssl builds', () => {
  let built: { xml: string; keys: Buffer[] };
  beforeAll(() => {
    built = opensslDocument();
  }, 60_000);

  it.each(RECIPIENTS)('decrypts every content key of a three-recipient document as %s', async (name) => {
    const decrypted = await decryptContentKeys(parseCpix(built.xml).document, { privateKey: fx.key(name) });
    expect(decrypted.contentKeyList!.contentKeys.map((key) => hex(key.data!.secret!.plainValue!))).toEqual(
      built.keys.map(hex),
    );
  });

  it("reads the form of AWS's SPEKE reference server (MAC key inside pskc:EncryptedValue, ValueMACs on the wrapped keys) with a warning, and writes it back in the schema's form", async () => {
    const aws = opensslDocument({ form: 'aws' });
    const { document, warnings } = parseCpix(aws.xml);
    expect(warnings.filter((warning) => warning.code === 'NESTED_MAC_KEY').map((warning) => warning.path)).toEqual(
      RECIPIENTS.map((_, index) => `/CPIX/DeliveryDataList/DeliveryData[${index + 1}]/MACMethod/Key`),
    );
    for (const name of RECIPIENTS) {
      const decrypted = await decryptContentKeys(document, { privateKey: fx.key(name) });
      expect(decrypted.contentKeyList!.contentKeys.map((key) => hex(key.data!.secret!.plainValue!))).toEqual(
        aws.keys.map(hex),
      );
    }
    const rewritten = serializeCpix(document, { version: '2.3' });
    expect(rewritten).toMatch(
      /<cpix:Key>\s*<enc:EncryptionMethod Algorithm="http:\/\/www\.w3\.org\/2001\/04\/xmlenc#rsa-oaep-mgf1p"\/>/,
    );
    expect(parseCpix(rewritten).warnings).toEqual([]);
    expect(() => parseCpix(aws.xml, { strict: true })).toThrow(
      expect.objectContaining({ code: 'ERR_CPIX_NESTED_MAC_KEY' }),
    );
  });

  it('refuses the document whose ValueMAC was changed with ERR_CPIX_MAC_MISMATCH', async () => {
    const { xml } = opensslDocument({ alterMac: true });
    await expect(
      decryptContentKeys(parseCpix(xml).document, { privateKey: fx.key('recipient3') }),
    ).rejects.toMatchObject({
      code: 'ERR_CPIX_MAC_MISMATCH',
      path: '/CPIX/ContentKeyList/ContentKey[2]/Data/Secret/ValueMAC',
    });
  });
});
