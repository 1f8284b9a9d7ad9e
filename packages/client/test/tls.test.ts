import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpixClient } from '../src/index.js';
import { makeCertificate, reply, startServer, type TestCertificate, type TestServer } from './helpers.js';
import { seedDocument } from '../../../tooling/src/fixtures.js';

const REQUEST = { contentId: 'cpix-test-cid', drmSystems: ['widevine', 'playready'] };

let ca: TestCertificate;
let serverCertificate: TestCertificate;
let clientCertificate: TestCertificate;
let strangerCertificate: TestCertificate;
let server: TestServer;
const clientNames: unknown[] = [];

beforeAll(async () => {
  ca = makeCertificate('cpixkit test CA', { ca: true });
  serverCertificate = makeCertificate('127.0.0.1', { issuer: ca, altIp: '127.0.0.1' });
  clientCertificate = makeCertificate('packager-1', { issuer: ca, clientAuth: true });
  strangerCertificate = makeCertificate('stranger', { clientAuth: true });
  server = await startServer(
    (_request, response) => {
      const socket = response.socket as TLSSocket;
      clientNames.push(socket.getPeerCertificate().subject?.CN);
      reply(response, 200, seedDocument('pallyConDashVodResponse'));
    },
    {
      cert: serverCertificate.certificatePem,
      key: serverCertificate.privateKeyPem,
      ca: ca.certificatePem,
      requestCert: true,
      rejectUnauthorized: true,
    },
  );
}, 60_000);
afterAll(() => server.close());

const client = (tls?: ConstructorParameters<typeof CpixClient>[0]['tls']) =>
  new CpixClient({
    url: server.url,
    dialect: 'pallycon-v2',
    retry: { retries: 2, baseDelayMs: 1 },
    ...(tls ? { tls } : {}),
  });

describe('TLS through an undici Agent', () => {
  it('trusts a private CA and presents a client certificate (mutual TLS)', async () => {
    const mtls = client({
      ca: ca.certificatePem,
      cert: clientCertificate.certificatePem,
      key: clientCertificate.privateKeyPem,
    });
    try {
      const result = await mtls.requestKeys(REQUEST);
      expect(result.keys[0]!.kid.uuid).toBe('12ea753c-23e7-bc02-4474-b2b976c43beb');
      expect(clientNames.at(-1)).toBe('packager-1');
    } finally {
      await mtls.close();
    }
  });

  it('refuses a server certificate from an unknown CA, without retrying (ERR_CLIENT_TLS)', async () => {
    const before = clientNames.length;
    await expect(client().requestKeys(REQUEST)).rejects.toMatchObject({
      code: 'ERR_CLIENT_TLS',
      attempts: 1,
      message: expect.stringMatching(
        /^TLS with https:\/\/127\.0\.0\.1:\d+ failed \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\)$/,
      ),
    });
    expect(clientNames.length).toBe(before);
  });

  it('fails when the server refuses the client certificate', async () => {
    const stranger = client({
      ca: ca.certificatePem,
      cert: strangerCertificate.certificatePem,
      key: strangerCertificate.privateKeyPem,
    });
    try {
      // TLS 1.3: the server refuses the certificate after the client's handshake is done, so the
      // client only sees the socket closed, like any network failure (and retries it).
      await expect(stranger.requestKeys(REQUEST)).rejects.toMatchObject({
        code: 'ERR_CLIENT_NETWORK',
        message: expect.stringMatching(/\(UND_ERR_SOCKET: other side closed\) \(after 3 attempts\)$/),
      });
    } finally {
      await stranger.close();
    }
  });
});
