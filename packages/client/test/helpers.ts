import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type ServerOptions as HttpsOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import forge from 'node-forge';

/** A sample response copied verbatim from the shared seeds (see test/fixtures/README.md). */
export function fixture(name: string): string {
  return readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
}

/** One request the test server received. */
export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Handler = (request: ReceivedRequest, response: ServerResponse) => void | Promise<void>;

/** A real HTTP(S) server on 127.0.0.1 and an ephemeral port, recording every request. */
export interface TestServer {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/** Starts an HTTP server (HTTPS with `https` options) running `handler` for every request. */
export async function startServer(handler: Handler, https?: HttpsOptions): Promise<TestServer> {
  const requests: ReceivedRequest[] = [];
  const listener = (incoming: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const request = {
        method: incoming.method ?? '',
        url: incoming.url ?? '',
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      Promise.resolve(handler(request, response)).catch((error: unknown) => {
        response.statusCode = 599;
        response.end(String(error));
      });
    });
  };
  const server: Server = https ? createHttpsServer(https, listener) : createHttpServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${https ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers with a status, headers and body. */
export function reply(
  response: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { 'content-type': 'application/xml', ...headers });
  response.end(body);
}

/** A PEM key pair and certificate made for the test, signed by `issuer` or self-signed. */
export interface TestCertificate {
  certificatePem: string;
  privateKeyPem: string;
  /** The certificate, DER. */
  der: Uint8Array;
}

/** Makes an RSA key and an X.509 certificate for `commonName` (a CA when `ca`), valid from yesterday for a year. */
export function makeCertificate(
  commonName: string,
  options: { issuer?: TestCertificate; ca?: boolean; altIp?: string; bits?: number; clientAuth?: boolean } = {},
): TestCertificate {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: options.bits ?? 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const certificate = forge.pki.createCertificate();
  certificate.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  certificate.serialNumber = `0${Math.floor(Math.random() * 1e12).toString(16)}`;
  certificate.validity.notBefore = new Date(Date.now() - 86_400_000);
  certificate.validity.notAfter = new Date(Date.now() + 365 * 86_400_000);
  const subject = [{ name: 'commonName', value: commonName }];
  certificate.setSubject(subject);
  const issuer = options.issuer ? forge.pki.certificateFromPem(options.issuer.certificatePem) : undefined;
  certificate.setIssuer(issuer ? issuer.subject.attributes : subject);
  const extensions: object[] = [{ name: 'basicConstraints', cA: options.ca === true }];
  if (options.ca) extensions.push({ name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true });
  else extensions.push({ name: 'keyUsage', digitalSignature: true, keyEncipherment: true });
  if (options.altIp) extensions.push({ name: 'subjectAltName', altNames: [{ type: 7, ip: options.altIp }] });
  if (options.clientAuth) extensions.push({ name: 'extKeyUsage', clientAuth: true });
  else if (!options.ca) extensions.push({ name: 'extKeyUsage', serverAuth: true });
  certificate.setExtensions(extensions);
  const signingKey = forge.pki.privateKeyFromPem(options.issuer?.privateKeyPem ?? privateKeyPem);
  certificate.sign(signingKey, forge.md.sha256.create());
  const certificatePem = forge.pki.certificateToPem(certificate);
  const der = Uint8Array.from(
    Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(certificate)).getBytes(), 'binary'),
  );
  return { certificatePem, privateKeyPem, der };
}
