import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { signCpix, verifyCpixSignatures } from '../src/signature.js';
import { encryptContentKeys, parseCpix, serializeCpix, type CpixDocument } from '../src/index.js';
import { cryptoFixtures, type CryptoFixtures } from './crypto-fixtures.js';
import { validateAgainstXsd } from './xsd.js';
import { onFirstUse } from '../../../tooling/src/on-first-use.js';

let fx: CryptoFixtures;
let signer: { privateKey: string; certificate: string };
beforeAll(() => {
  fx = cryptoFixtures();
  signer = { privateKey: fx.key('signer'), certificate: fx.pem('signer') };
}, 120_000);

function document(): CpixDocument {
  return {
    id: 'cpix',
    contentId: 'movie-1',
    version: '2.3',
    contentKeyList: {
      id: 'keys',
      contentKeys: [
        {
          id: 'key-1',
          kid: '98ee5596-cd3e-a20d-163a-e382420c6eff',
          data: { secret: { plainValue: new Uint8Array(randomBytes(16)) } },
        },
        {
          kid: '53abdba2-f210-43cb-bc90-f18f9a890a02',
          data: { secret: { plainValue: new Uint8Array(randomBytes(16)) } },
        },
      ],
    },
    drmSystemList: {
      drmSystems: [
        {
          systemId: 'edef8ba9-79d6-4ace-a3c8-27dcd51d21ed',
          kid: '98ee5596-cd3e-a20d-163a-e382420c6eff',
          pssh: new Uint8Array(40).fill(3),
        },
      ],
    },
    contentKeyUsageRuleList: {
      contentKeyUsageRules: [{ kid: '98ee5596-cd3e-a20d-163a-e382420c6eff', intendedTrackType: 'VIDEO' }],
    },
  };
}

const xml23 = (d: CpixDocument = document()) => serializeCpix(d, { version: '2.3' });

describe('signCpix → verifyCpixSignatures', () => {
  for (const canonicalization of ['c14n', 'exc-c14n'] as const) {
    for (const digest of ['sha256', 'sha512'] as const) {
      it(`signs and verifies the document (${canonicalization}, ${digest})`, async () => {
        const signed = await signCpix(xml23(), { ...signer, canonicalization, digest });
        const c14n = {
          c14n: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
          'exc-c14n': 'http://www.w3.org/2001/10/xml-exc-c14n#',
        }[canonicalization];
        const algorithms = [...signed.matchAll(/<ds:(\w+) Algorithm="([^"]*)"/g)].map(
          ([, name, uri]) => `${name} ${uri}`,
        );
        expect(algorithms).toStrictEqual([
          `CanonicalizationMethod ${c14n}`,
          `SignatureMethod http://www.w3.org/2001/04/xmldsig-more#rsa-${digest}`,
          'Transform http://www.w3.org/2000/09/xmldsig#enveloped-signature',
          `Transform ${c14n}`,
          `DigestMethod http://www.w3.org/2001/04/xmlenc#${digest}`,
        ]);
        expect(signed).toContain('<ds:Reference URI="">');
        const [result, ...rest] = verifyCpixSignatures(signed);
        expect(rest).toEqual([]);
        expect(result).toMatchObject({ target: 'document', uri: '', valid: true, location: '/CPIX/Signature[1]' });
        expect(result!.certificate!.subject).toContain('cpixkit test signer');
        expect(result!.certificate!.rsaModulusBits).toBe(3072);
      });
    }
  }

  it('signs lists (adding an id where missing) and then the document; all verify', async () => {
    let signed = await signCpix(xml23(), { ...signer, target: 'ContentKeyList' });
    // A list is referenced by its id, and canonicalized without the enveloped-signature transform.
    expect(
      signed.slice(signed.indexOf('<ds:Reference')).match(/<ds:Reference URI="[^"]*">|Algorithm="[^"]*"/g),
    ).toStrictEqual([
      '<ds:Reference URI="#keys">',
      'Algorithm="http://www.w3.org/2001/10/xml-exc-c14n#"',
      'Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"',
    ]);
    signed = await signCpix(signed, { ...signer, target: 'DRMSystemList' });
    signed = await signCpix(signed, { ...signer, target: { id: 'key-1' }, canonicalization: 'c14n' });
    signed = await signCpix(signed, signer);
    expect(signed).toMatch(/<cpix:DRMSystemList id="DRMSystemList">/);
    const results = verifyCpixSignatures(signed);
    expect(results.map(({ target, uri, valid }) => ({ target, uri, valid }))).toEqual([
      { target: 'ContentKeyList', uri: '#keys', valid: true },
      { target: 'DRMSystemList', uri: '#DRMSystemList', valid: true },
      { target: 'ContentKey', uri: '#key-1', valid: true },
      { target: 'document', uri: '', valid: true },
    ]);
  });

  it('places signatures as the last children of the root, indented like them, and the result is schema-valid', async () => {
    const signed = await signCpix(await signCpix(xml23(), { ...signer, target: 'ContentKeyList' }), signer);
    expect(signed).toMatch(
      /<\/cpix:ContentKeyUsageRuleList>\n {2}<ds:Signature [\s\S]*<\/ds:Signature>\n {2}<ds:Signature [\s\S]*<\/ds:Signature>\n<\/cpix:CPIX>\n$/,
    );
    expect(await validateAgainstXsd(signed, '2.3')).toEqual({ valid: true, errors: [] });
    const encryptedSigned = await signCpix(
      serializeCpix(encryptContentKeys(document(), { recipients: [fx.pem('recipient1')] }), { version: '2.4' }),
      signer,
    );
    expect(await validateAgainstXsd(encryptedSigned, '2.4')).toEqual({ valid: true, errors: [] });
    expect(verifyCpixSignatures(encryptedSigned)[0]!.valid).toBe(true);
  });

  it('signed documents still parse, and survive parseCpix → serializeCpix', async () => {
    for (const canonicalization of ['c14n', 'exc-c14n'] as const) {
      const signed = await signCpix(
        await signCpix(xml23(), { ...signer, target: 'ContentKeyList', canonicalization }),
        { ...signer, canonicalization },
      );
      const { document: parsed } = parseCpix(signed);
      expect(parsed.signatures).toHaveLength(2);
      const rewritten = serializeCpix(parsed, { version: '2.3' });
      expect(verifyCpixSignatures(rewritten).map((result) => result.valid)).toEqual([true, true]);
    }
  });

  it('accepts a PKCS#12 signing key', async () => {
    const signed = await signCpix(xml23(), {
      privateKey: { pkcs12: fx.bytes('recipient1.p12'), password: 'fixture-password' },
      certificate: fx.pem('recipient1'),
    });
    expect(verifyCpixSignatures(signed)[0]!.valid).toBe(true);
  });

  it('returns no results for an unsigned document', () => {
    expect(verifyCpixSignatures(xml23())).toEqual([]);
  });
});

describe('tampering, each with its own code', () => {
  const signedTwice = onFirstUse(async () =>
    signCpix(await signCpix(xml23(), { ...signer, target: 'ContentKeyList' }), signer),
  );

  it('altered signed content is ERR_CPIX_SIGNATURE_DIGEST_MISMATCH, for the list and the document', async () => {
    const signed = await signedTwice();
    const tampered = signed.replace('intendedTrackType="VIDEO"', 'intendedTrackType="AUDIO"');
    expect(verifyCpixSignatures(tampered).map(({ valid, code }) => ({ valid, code }))).toEqual([
      { valid: true, code: undefined },
      { valid: false, code: 'ERR_CPIX_SIGNATURE_DIGEST_MISMATCH' },
    ]);
    const keyTampered = signed.replace(
      /(<pskc:PlainValue>)(.)/,
      (_, tag: string, c: string) => `${tag}${c === 'A' ? 'B' : 'A'}`,
    );
    expect(verifyCpixSignatures(keyTampered).map(({ code }) => code)).toEqual([
      'ERR_CPIX_SIGNATURE_DIGEST_MISMATCH',
      'ERR_CPIX_SIGNATURE_DIGEST_MISMATCH',
    ]);
  });

  it('names a whole-document signature as such in its reason, and an element signature by its URI', async () => {
    const signed = await signedTwice();
    const keyTampered = signed.replace(
      /(<pskc:PlainValue>)(.)/,
      (_, tag: string, c: string) => `${tag}${c === 'A' ? 'B' : 'A'}`,
    );
    const [list, document] = verifyCpixSignatures(keyTampered);
    expect(document).toMatchObject({
      uri: '',
      target: 'document',
      reason: 'The content signed by the document signature changed after it was signed',
    });
    expect(list!.reason).toBe(`The content signed by reference ${list!.uri} changed after it was signed`);
    expect(list!.uri).toMatch(/^#./);
  });

  it('an altered SignedInfo or SignatureValue is ERR_CPIX_SIGNATURE_VALUE_MISMATCH', async () => {
    const signed = await signedTwice();
    const alteredInfo = signed.replace('<ds:SignedInfo>', '<ds:SignedInfo Id="altered">');
    expect(verifyCpixSignatures(alteredInfo)[0]).toMatchObject({
      valid: false,
      code: 'ERR_CPIX_SIGNATURE_VALUE_MISMATCH',
    });
    const value = /<ds:SignatureValue>([^<]+)<\/ds:SignatureValue>/.exec(signed)![1]!;
    const alteredValue = signed.replace(value, Buffer.from(randomBytes(384)).toString('base64'));
    expect(verifyCpixSignatures(alteredValue)[0]).toMatchObject({
      valid: false,
      code: 'ERR_CPIX_SIGNATURE_VALUE_MISMATCH',
    });
  });

  it('a signature by another key than the embedded certificate is a value mismatch', async () => {
    const forged = await signCpix(xml23(), { privateKey: fx.key('recipient2'), certificate: fx.pem('recipient2') });
    const swapped = forged.replace(
      /<ds:X509Certificate>[^<]+</,
      `<ds:X509Certificate>${fx.pem('signer').replace(/-----[^-]+-----|\s/g, '')}<`,
    );
    expect(verifyCpixSignatures(swapped)[0]).toMatchObject({ valid: false, code: 'ERR_CPIX_SIGNATURE_VALUE_MISMATCH' });
  });

  it('a dangling or duplicated reference id, and a missing certificate, have their own codes', async () => {
    const signed = await signedTwice();
    expect(verifyCpixSignatures(signed.replace('id="keys"', 'id="other"'))[0]).toMatchObject({
      valid: false,
      code: 'ERR_CPIX_SIGNATURE_REFERENCE_NOT_FOUND',
      target: '#keys',
    });
    const wrapped = signed.replace('<cpix:DRMSystemList>', '<cpix:DRMSystemList id="keys">');
    expect(verifyCpixSignatures(wrapped)[0]).toMatchObject({
      valid: false,
      code: 'ERR_CPIX_SIGNATURE_AMBIGUOUS_REFERENCE',
    });
    expect(verifyCpixSignatures(signed.replace(/<ds:KeyInfo>[\s\S]*?<\/ds:KeyInfo>/, ''))[0]).toMatchObject({
      valid: false,
      code: 'ERR_CPIX_SIGNATURE_NO_CERTIFICATE',
    });
  });

  it('finds signatures placed inside elements too', async () => {
    const signedList = await signCpix(xml23(), { ...signer, target: 'ContentKeyList' });
    const signature = /\n {2}(<ds:Signature [\s\S]*<\/ds:Signature>)/.exec(signedList)![1]!;
    const moved = signedList
      .replace(`\n  ${signature}`, '')
      .replace('</cpix:DRMSystemList>', `${signature}</cpix:DRMSystemList>`);
    expect(verifyCpixSignatures(moved)).toEqual([
      expect.objectContaining({
        valid: true,
        target: 'ContentKeyList',
        location: '/CPIX/DRMSystemList[1]/Signature[1]',
      }),
    ]);
  });
});

describe('bad input', () => {
  it('malformed XML, DTDs and non-CPIX roots are typed errors', async () => {
    expect(() => verifyCpixSignatures('<cpix:CPIX xmlns:cpix="urn:dashif:org:cpix"><a></cpix:CPIX>')).toThrow(
      expect.objectContaining({ code: 'ERR_CPIX_XML_MALFORMED' }),
    );
    expect(() => verifyCpixSignatures('<!DOCTYPE x [<!ENTITY a "b">]><x/>')).toThrow(
      expect.objectContaining({ code: 'ERR_CPIX_DTD_FORBIDDEN' }),
    );
    expect(() => verifyCpixSignatures('<other/>')).toThrow(expect.objectContaining({ code: 'ERR_CPIX_NOT_CPIX' }));
    expect(() => verifyCpixSignatures(42 as unknown as string)).toThrow(
      expect.objectContaining({
        name: 'CpixError',
        code: 'ERR_CPIX_INVALID_INPUT',
        message: 'Expected the CPIX document as a string or bytes',
      }),
    );
    await expect(signCpix('<other/>', signer)).rejects.toMatchObject({ code: 'ERR_CPIX_NOT_CPIX' });
  });

  it('refuses a key that does not match the certificate, unknown targets and options', async () => {
    await expect(
      signCpix(xml23(), { privateKey: fx.key('recipient1'), certificate: fx.pem('signer') }),
    ).rejects.toMatchObject({ code: 'ERR_CPIX_SIGNING_KEY_MISMATCH' });
    await expect(signCpix(xml23(), { ...signer, target: 'ContentKeyPeriodList' })).rejects.toMatchObject({
      code: 'ERR_CPIX_SIGNATURE_TARGET_NOT_FOUND',
    });
    await expect(signCpix(xml23(), { ...signer, target: { id: 'nope' } })).rejects.toMatchObject({
      code: 'ERR_CPIX_SIGNATURE_TARGET_NOT_FOUND',
    });
    await expect(signCpix(xml23(), { ...signer, target: { id: "x'] | //*[@a='" } })).rejects.toMatchObject({
      code: 'ERR_CPIX_INVALID_OPTION',
    });
    await expect(signCpix(xml23(), { ...signer, digest: 'md5' as 'sha256' })).rejects.toMatchObject({
      code: 'ERR_CPIX_INVALID_OPTION',
    });
    await expect(signCpix(xml23(), { privateKey: fx.key('ec'), certificate: fx.pem('ec') })).rejects.toMatchObject({
      code: 'ERR_CPIX_PRIVATE_KEY_INVALID',
    });
  });
});

describe('interoperability with xmlsec1 (libxmlsec, an independent implementation)', () => {
  const xmlsec1 = (args: string[]): string => {
    try {
      return execFileSync('xmlsec1', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw new Error('xmlsec1 is required: run tooling/scripts/install-system-deps.sh xmlsec1');
      throw error;
    }
  };
  const work = () => mkdtempSync(join(tmpdir(), 'cpixkit-xmlsec-'));

  it('xmlsec1 verifies what we sign: document and list, c14n and exc-c14n, SHA-256 and SHA-512', async () => {
    const dir = work();
    const xml = serializeCpix(encryptContentKeys(document(), { recipients: [fx.pem('recipient1')] }), {
      version: '2.3',
    });
    for (const canonicalization of ['c14n', 'exc-c14n'] as const) {
      for (const digest of ['sha256', 'sha512'] as const) {
        for (const target of ['document', 'ContentKeyList'] as const) {
          const file = join(dir, `${target}-${canonicalization}-${digest}.xml`);
          writeFileSync(file, await signCpix(xml, { ...signer, canonicalization, digest, target }));
          xmlsec1([
            '--verify',
            '--pubkey-cert-pem',
            join(fx.dir, 'signer.pem'),
            '--id-attr:id',
            'urn:dashif:org:cpix:ContentKeyList',
            file,
          ]);
        }
      }
    }
    const tampered = join(dir, 'tampered.xml');
    writeFileSync(
      tampered,
      (await signCpix(xml, signer)).replace('intendedTrackType="VIDEO"', 'intendedTrackType="AUDIO"'),
    );
    expect(() => xmlsec1(['--verify', '--pubkey-cert-pem', join(fx.dir, 'signer.pem'), tampered])).toThrow();
  });

  it('we verify what xmlsec1 signs', async () => {
    const dir = work();
    const template =
      '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignedInfo>' +
      '<ds:CanonicalizationMethod Algorithm="http://www.w3.org/TR/2001/REC-xml-c14n-20010315"/>' +
      '<ds:SignatureMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#rsa-sha512"/>' +
      '<ds:Reference URI=""><ds:Transforms><ds:Transform Algorithm="http://www.w3.org/2000/09/xmldsig#enveloped-signature"/></ds:Transforms>' +
      '<ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha512"/><ds:DigestValue/></ds:Reference></ds:SignedInfo>' +
      '<ds:SignatureValue/><ds:KeyInfo><ds:X509Data/></ds:KeyInfo></ds:Signature>';
    const file = join(dir, 'template.xml');
    writeFileSync(file, xml23().replace('\n</cpix:CPIX>', `\n  ${template}\n</cpix:CPIX>`));
    const signed = xmlsec1([
      '--sign',
      '--privkey-pem',
      `${join(fx.dir, 'signer.key')},${join(fx.dir, 'signer.pem')}`,
      file,
    ]);
    expect(verifyCpixSignatures(signed)).toEqual([expect.objectContaining({ target: 'document', valid: true })]);
    expect(
      verifyCpixSignatures(signed.replace('intendedTrackType="VIDEO"', 'intendedTrackType="AUDIO"'))[0],
    ).toMatchObject({ code: 'ERR_CPIX_SIGNATURE_DIGEST_MISMATCH' });
  });
});
