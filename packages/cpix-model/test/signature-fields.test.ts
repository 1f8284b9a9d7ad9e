import { createPrivateKey } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { CpixError } from '../src/index.js';
import { signCpix, verifyCpixSignatures, type SignCpixOptions } from '../src/signature.js';
import { cryptoFixtures, type CryptoFixtures } from './crypto-fixtures.js';

let fx: CryptoFixtures;
beforeAll(() => {
  fx = cryptoFixtures();
}, 120_000);

const CPIX = 'urn:dashif:org:cpix';
const KID = '98ee5596-cd3e-a20d-163a-e382420c6eff';

function xml(body: string, rootAttributes = ''): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<CPIX xmlns="${CPIX}"${rootAttributes}>\n  ${body}\n</CPIX>\n`;
}

const KEYS = `<ContentKeyList><ContentKey kid="${KID}"/></ContentKeyList>`;

function signer(): SignCpixOptions {
  return { privateKey: fx.key('signer'), certificate: fx.pem('signer') };
}

/** The code and whole message of the error a promise rejects with. */
async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  const error = await promise.then(
    () => expect.unreachable('no error thrown'),
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(CpixError);
  const { code, message } = error as CpixError;
  return { code, message };
}

describe('signCpix: the message of each refused option', () => {
  it('refuses a non-RSA key and a key of another certificate', async () => {
    expect(await rejection(signCpix(xml(KEYS), { privateKey: fx.key('ec'), certificate: fx.pem('ec') }))).toStrictEqual(
      {
        code: 'ERR_CPIX_PRIVATE_KEY_INVALID',
        message: 'Signing needs an RSA key, got ec',
      },
    );
    expect(
      await rejection(signCpix(xml(KEYS), { privateKey: fx.key('recipient1'), certificate: fx.pem('signer') })),
    ).toStrictEqual({
      code: 'ERR_CPIX_SIGNING_KEY_MISMATCH',
      message: 'The private key does not belong to the certificate "CN=cpixkit test signer, O=cpixkit"',
    });
  });

  it('refuses an unknown canonicalization or digest', async () => {
    expect(
      await rejection(signCpix(xml(KEYS), { ...signer(), canonicalization: 'c14n11' as unknown as 'c14n' })),
    ).toStrictEqual({
      code: 'ERR_CPIX_INVALID_OPTION',
      message: "canonicalization must be 'c14n' or 'exc-c14n', got c14n11",
    });
    expect(await rejection(signCpix(xml(KEYS), { ...signer(), digest: 'sha1' as unknown as 'sha256' }))).toStrictEqual({
      code: 'ERR_CPIX_INVALID_OPTION',
      message: "digest must be 'sha256' or 'sha512', got sha1",
    });
  });

  it('refuses targets that are unknown, absent, ambiguous or not ids', async () => {
    const cases: [SignCpixOptions['target'], string, string][] = [
      ['KeyList' as never, 'ERR_CPIX_INVALID_OPTION', 'Unknown signature target KeyList'],
      ['DRMSystemList', 'ERR_CPIX_SIGNATURE_TARGET_NOT_FOUND', 'The document has no DRMSystemList to sign'],
      [{ id: '1st' }, 'ERR_CPIX_INVALID_OPTION', '"1st" is not an XML id'],
      [{ id: 'nowhere' }, 'ERR_CPIX_SIGNATURE_TARGET_NOT_FOUND', 'No element has the id "nowhere"'],
      [{ id: 'twice' }, 'ERR_CPIX_SIGNATURE_TARGET_NOT_FOUND', 'Several elements have the id "twice"'],
      [42 as never, 'ERR_CPIX_INVALID_OPTION', "target must be 'document', a list name or { id }"],
    ];
    const source = xml(
      `<ContentKeyList id="twice"><ContentKey kid="${KID}"/></ContentKeyList>\n  <ContentKeyUsageRuleList id="twice"/>`,
    );
    for (const [target, code, message] of cases) {
      expect(await rejection(signCpix(source, { ...signer(), target }))).toStrictEqual({ code, message });
    }
  });

  it('refuses what is not a CPIX document, with the reason', async () => {
    const cases: [unknown, string, string][] = [
      [42, 'ERR_CPIX_INVALID_INPUT', 'Expected the CPIX document as a string or bytes'],
      [
        `<!DOCTYPE CPIX [<!ENTITY a "b">]><CPIX xmlns="${CPIX}"/>`,
        'ERR_CPIX_DTD_FORBIDDEN',
        'DOCTYPE and entity declarations are not accepted',
      ],
      ['<x xmlns="urn:other"/>', 'ERR_CPIX_NOT_CPIX', `The root element is not {${CPIX}}CPIX`],
      [`<CPIX xmlns="${CPIX}"/>`, 'ERR_CPIX_XML_MALFORMED', 'Cannot locate the end tag of the CPIX root'],
    ];
    for (const [input, code, message] of cases) {
      expect(await rejection(signCpix(input as string, signer()))).toStrictEqual({ code, message });
    }
    const malformed = await rejection(signCpix(`<CPIX xmlns="${CPIX}"><a></b></CPIX>`, signer()));
    expect(malformed.code).toBe('ERR_CPIX_XML_MALFORMED');
    expect(malformed.message).toMatch(/^Malformed XML: \S.*$/);
  });

  it('refuses XML the parser reports an error in, not only a fatal one', async () => {
    expect(await rejection(signCpix(`<CPIX xmlns="${CPIX}">&nbsp;${KEYS}</CPIX>`, signer()))).toStrictEqual({
      code: 'ERR_CPIX_XML_MALFORMED',
      message: 'Malformed XML: Reporting error "entity not found:&nbsp;" caused Error: entity not found:&nbsp;',
    });
  });

  it('keeps the parser error as the cause of malformed XML', async () => {
    const error = await signCpix(`<CPIX xmlns="${CPIX}"><a></b></CPIX>`, signer()).catch((e: unknown) => e);
    expect((error as CpixError).cause).toBeInstanceOf(Error);
    expect((error as CpixError).message).toBe(
      `Malformed XML: ${((error as CpixError).cause as Error).message.split('\n')[0]}`,
    );
  });

  it('signs XML the parser only warns about (an attribute without space before the next)', async () => {
    const signed = await signCpix(`<CPIX xmlns="${CPIX}" a="1"b="2">${KEYS}</CPIX>`, {
      ...signer(),
      privateKey: createPrivateKey(fx.key('signer')),
    });
    expect(signed.startsWith(`<CPIX xmlns="${CPIX}" a="1"b="2">${KEYS}<ds:Signature `)).toBe(true);
  });
});

describe('signCpix: where the signature and the added id go', () => {
  it('names a list after itself, or after itself and a UUID when that id is taken', async () => {
    const free = await signCpix(xml(KEYS), { ...signer(), target: 'ContentKeyList' });
    expect(free).toContain('<ContentKeyList id="ContentKeyList">');
    const taken = await signCpix(xml(`${KEYS}\n  <ContentKeyUsageRuleList id="ContentKeyList"/>`), {
      ...signer(),
      target: 'ContentKeyList',
    });
    expect(taken).toMatch(
      /<ContentKeyList id="ContentKeyList-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}">/,
    );
    expect((await verifyCpixSignatures(taken))[0]!.valid).toBe(true);
  });

  it('adds the id to the right start tag when the element is on a later line, after other attributes', async () => {
    const source = xml(
      `<ContentKeyUsageRuleList/>\n  <ContentKeyList\n    xmlns:x="urn:x"><ContentKey kid="${KID}"/></ContentKeyList>`,
    );
    const signed = await signCpix(source, { ...signer(), target: 'ContentKeyList' });
    expect(signed).toContain('<ContentKeyList id="ContentKeyList"\n    xmlns:x="urn:x">');
    expect((await verifyCpixSignatures(signed))[0]!.valid).toBe(true);
  });

  it('asks for an id rather than guess where the start tag is when lines end in CR alone', async () => {
    const source = `<CPIX xmlns="${CPIX}">\r  <ContentKeyUsageRuleList/>\r  ${KEYS}\r</CPIX>`;
    expect(await rejection(signCpix(source, { ...signer(), target: 'ContentKeyList' }))).toStrictEqual({
      code: 'ERR_CPIX_SIGNATURE_TARGET_NOT_FOUND',
      message: 'Cannot add an id to ContentKeyList; give it one before signing',
    });
  });

  it('does not indent the signature when the children are not indented, nor in an empty root', async () => {
    const flat = `<CPIX xmlns="${CPIX}">${KEYS}</CPIX>`;
    const signedFlat = await signCpix(flat, signer());
    expect(signedFlat.startsWith(`<CPIX xmlns="${CPIX}">${KEYS}<ds:Signature `)).toBe(true);
    const empty = `<CPIX xmlns="${CPIX}"></CPIX>`;
    const signedEmpty = await signCpix(empty, signer());
    expect(signedEmpty.startsWith(`<CPIX xmlns="${CPIX}"><ds:Signature `)).toBe(true);
    expect(signedEmpty.endsWith('</ds:Signature></CPIX>')).toBe(true);
  });
});
