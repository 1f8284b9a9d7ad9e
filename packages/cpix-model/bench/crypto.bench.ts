import { bench, describe } from 'vitest';
import { decryptContentKeys, encryptContentKeys, serializeCpix } from '../src/index.js';
import { signCpix, verifyCpixSignatures } from '../src/signature.js';
import { cryptoFixtures } from '../test/crypto-fixtures.js';
import { liveRotationDocument } from './live-document.js';

// Keys and certificates are generated with openssl once (seconds) before the measurements.
const fx = cryptoFixtures();
const recipient = { certificate: fx.pem('recipient1'), privateKey: fx.key('recipient1') };
const signer = { certificate: fx.pem('signer'), privateKey: fx.key('signer') };

const clear = liveRotationDocument(100);
const encrypted = encryptContentKeys(clear, { recipients: [recipient.certificate] });
const xml = serializeCpix(clear, { version: '2.3' });
const signed = await signCpix(xml, signer);

describe('encrypted delivery, 100 content keys (RSA-3072 recipient)', () => {
  bench('encryptContentKeys, 1 recipient', () => {
    encryptContentKeys(clear, { recipients: [recipient.certificate] });
  });
  bench('decryptContentKeys (PEM key)', async () => {
    await decryptContentKeys(encrypted, { privateKey: recipient.privateKey });
  });
});

describe(`XML-DSig, 100-key document (${Math.round(xml.length / 1024)} KiB), RSA-3072 signer`, () => {
  bench('signCpix document, exc-c14n, sha256', async () => {
    await signCpix(xml, signer);
  });
  bench('verifyCpixSignatures, one document signature', () => {
    verifyCpixSignatures(signed);
  });
});
