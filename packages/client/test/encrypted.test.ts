import { randomBytes } from 'node:crypto';
import { encryptContentKeys, parseCpix, serializeCpix } from '@cpixkit/cpix-model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpixClient } from '../src/index.js';
import { makeCertificate, reply, startServer, type TestCertificate, type TestServer } from './helpers.js';

let recipient: TestCertificate;
let other: TestCertificate;
let server: TestServer;
/** The keys the fake server issued, by KID, to compare with what the client decrypts. */
const issued = new Map<string, string>();

beforeAll(async () => {
  recipient = makeCertificate('packager', { bits: 3072 });
  other = makeCertificate('someone else', { bits: 3072 });
  // A SPEKE v2 server that answers with content keys encrypted for the request's DeliveryData certificate.
  server = await startServer((request, response) => {
    const { document } = parseCpix(request.body);
    for (const key of document.contentKeyList!.contentKeys) {
      const value = randomBytes(16);
      issued.set(key.kid, value.toString('base64'));
      key.data = { secret: { plainValue: value } };
    }
    const answer = serializeCpix(encryptContentKeys(document), { version: '2.3' });
    reply(response, 200, answer, { 'x-speke-version': '2.0' });
  });
}, 60_000);
afterAll(() => server.close());

const REQUEST = () => ({
  contentId: 'encrypted-1',
  drmSystems: ['widevine'],
  tracks: ['SD', 'HD'],
  recipientCertificate: recipient.certificatePem,
});

describe('encrypted key delivery (DeliveryDataList)', () => {
  it('sends the recipient certificate and decrypts the answer with the private key', async () => {
    const client = new CpixClient({
      url: `${server.url}/speke/v2.0/copyProtection`,
      dialect: 'speke-v2',
      privateKey: recipient.privateKeyPem,
    });
    const result = await client.requestKeys(REQUEST());
    const sent = parseCpix(server.requests.at(-1)!.body).document;
    expect(sent.deliveryDataList!.deliveryData[0]!.deliveryKey.x509Certificates).toEqual([recipient.der]);
    expect(result.keys).toHaveLength(2);
    for (const key of result.keys) expect(key.key.base64).toBe(issued.get(key.kid.uuid));
    expect(result.document.deliveryDataList).toBeUndefined();
  });

  it('asks for the private key when it has none', async () => {
    const client = new CpixClient({ url: server.url, dialect: 'speke-v2' });
    await expect(client.requestKeys(REQUEST())).rejects.toMatchObject({
      code: 'ERR_CLIENT_ENCRYPTED_RESPONSE',
      message: /pass the privateKey/,
    });
  });

  it('reports a private key that is not the recipient', async () => {
    const client = new CpixClient({ url: server.url, dialect: 'speke-v2', privateKey: other.privateKeyPem });
    const error = await client.requestKeys(REQUEST()).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'ERR_CLIENT_ENCRYPTED_RESPONSE',
      message: expect.stringMatching(/cannot be decrypted/),
    });
    expect((error as { cause: { code: string } }).cause.code).toBe('ERR_CPIX_WRONG_PRIVATE_KEY');
  });
});
