import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { CpixError, decryptContentKeys, parseCpix } from '@cpixkit/cpix-model';
import { deriveContentKey } from '@cpixkit/key-seed';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CryptoFixtures, cryptoFixtures } from '../../cpix-model/test/crypto-fixtures.js';
import { validateAgainstXsd } from '../../cpix-model/test/xsd.js';
import { seed, TEST_KEY_SEED, testTenant } from '../test/fixtures.js';
import { spekeV2Request, TWO_KEYS } from '../test/requests.js';
import { createKeyService, type Dialect, KeyServiceError } from './index.js';

let fixtures: CryptoFixtures;
beforeAll(() => {
  fixtures = cryptoFixtures();
}, 120_000);

const derBase64 = (pem: string): string => pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
const deliveryDataList = (pem: string): string =>
  `<cpix:DeliveryDataList><cpix:DeliveryData id="packager-1"><cpix:DeliveryKey><ds:X509Data><ds:X509Certificate>${derBase64(pem)}</ds:X509Certificate></ds:X509Data></cpix:DeliveryKey><cpix:Description>packager</cpix:Description></cpix:DeliveryData></cpix:DeliveryDataList>`;
const withRecipient = (xml: string, pem: string): string =>
  xml.replace(/(<cpix:CPIX [^>]*)>/, `$1 xmlns:ds="http://www.w3.org/2000/09/xmldsig#">${deliveryDataList(pem)}`);

describe('encrypted delivery to the certificate of the request', () => {
  const [kid1, kid2] = TWO_KEYS;
  const request = () =>
    spekeV2Request({
      keys: [{ kid: kid1 }, { kid: kid2, filter: 'audio' }],
      systems: [
        { system: 'playready', kid: kid1 },
        { system: 'widevine', kid: kid2 },
      ],
    });

  it('encrypts every key for a 2048-bit SPEKE recipient; the recipient decrypts the seed keys', async () => {
    const answer = await createKeyService().answer({
      tenant: testTenant(),
      dialect: 'speke-v2',
      body: withRecipient(request(), fixtures.pem('rsa2048')),
      baseUrl: 'https://k.example',
    });
    expect(answer.body).not.toContain('PlainValue');
    const { document } = parseCpix(answer.body);
    for (const key of document.contentKeyList!.contentKeys) expect(key.data?.secret?.encryptedValue).toBeDefined();
    expect(document.deliveryDataList!.deliveryData[0]).toMatchObject({ id: 'packager-1', description: 'packager' });
    const decrypted = await decryptContentKeys(document, { privateKey: fixtures.key('rsa2048') });
    for (const key of decrypted.contentKeyList!.contentKeys)
      expect(key.data?.secret?.plainValue).toEqual(deriveContentKey(TEST_KEY_SEED, key.kid));
    expect((await validateAgainstXsd(answer.body, '2.3')).errors).toEqual([]);
  });

  it('wraps the document key and the MAC key for the recipient with RSA-OAEP-MGF1P, as AWS and Axinom read them (checked with openssl)', async () => {
    const answer = await createKeyService().answer({
      tenant: testTenant(),
      dialect: 'speke-v2',
      body: withRecipient(request(), fixtures.pem('rsa2048')),
      baseUrl: 'https://k.example',
    });
    const delivery = parseCpix(answer.body).document.deliveryDataList!.deliveryData[0]!;
    const macKey = delivery.macMethod!.key!;
    expect(macKey.algorithm).toBe('http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p');
    const unwrap = (wrapped: Uint8Array): Buffer =>
      execFileSync(
        'openssl',
        [
          'pkeyutl',
          '-decrypt',
          '-inkey',
          join(fixtures.dir, 'rsa2048.key'),
          '-pkeyopt',
          'rsa_padding_mode:oaep',
          '-pkeyopt',
          'rsa_oaep_md:sha1',
        ],
        { input: wrapped },
      );
    expect(unwrap(macKey.cipherValue)).toHaveLength(64);
    expect(unwrap(delivery.documentKeys[0]!.data!.secret!.encryptedValue!.cipherValue)).toHaveLength(32);
  });

  it('holds PallyCon recipients to 3072-bit keys', async () => {
    const answer = (pem: string, dialect: Dialect) =>
      createKeyService().answer({
        tenant: testTenant(),
        dialect,
        body: withRecipient(seed('pallyConDashVodRequest'), pem),
        baseUrl: 'https://k.example',
      });
    const error = await answer(fixtures.pem('rsa2048'), 'pallycon-v2').then(
      () => expect.unreachable('answered'),
      (caught: unknown) => caught as KeyServiceError,
    );
    expect(error).toBeInstanceOf(KeyServiceError);
    expect(error.cause).toBeInstanceOf(CpixError);
    const cause = error.cause as CpixError;
    const reason =
      'Certificate "CN=cpixkit test rsa2048, O=cpixkit" has a 2048-bit RSA key; at least 3072 bits are required';
    expect([error.code, error.status, error.message, cause.code, cause.message]).toStrictEqual([
      'ERR_KEY_SERVICE_INVALID_RECIPIENT',
      422,
      `the recipient certificate cannot be used: ${reason}`,
      'ERR_CPIX_CERTIFICATE_KEY_TOO_SMALL',
      reason,
    ]);
    const { body } = await answer(fixtures.pem('recipient1'), 'pallycon-v2');
    const decrypted = await decryptContentKeys(parseCpix(body).document, { privateKey: fixtures.key('recipient1') });
    expect(decrypted.contentKeyList!.contentKeys[0]!.data?.secret?.plainValue).toHaveLength(16);
  });

  it('refuses certificates that are not RSA or are SHA-1 signed', async () => {
    for (const name of ['ec', 'sha1']) {
      await expect(
        createKeyService().answer({
          tenant: testTenant(),
          dialect: 'speke-v2',
          body: withRecipient(request(), fixtures.pem(name)),
          baseUrl: 'https://k.example',
        }),
      ).rejects.toMatchObject({ code: 'ERR_KEY_SERVICE_INVALID_RECIPIENT', status: 422 });
    }
  });
});
