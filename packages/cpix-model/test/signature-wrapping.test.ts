import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { CpixError, parseCpix, serializeCpix, type CpixDocument } from '../src/index.js';
import { thrownBy } from '../../../tooling/src/thrown.js';
import { isSignedBy, signCpix, verifyCpixSignatures } from '../src/signature.js';
import { cryptoFixtures } from './crypto-fixtures.js';
import { ATTACKER_KID, wrappingAttacks } from './signature-wrapping-attacks.js';
import { onFirstUse } from '../../../tooling/src/on-first-use.js';

const KID_1 = '98ee5596-cd3e-a20d-163a-e382420c6eff';
const KID_2 = '53abdba2-f210-43cb-bc90-f18f9a890a02';

function document(): CpixDocument {
  return {
    contentId: 'movie-1',
    version: '2.3',
    contentKeyList: {
      id: 'keys',
      contentKeys: [
        { id: 'key-1', kid: KID_1, data: { secret: { plainValue: new Uint8Array(randomBytes(16)) } } },
        { kid: KID_2, data: { secret: { plainValue: new Uint8Array(randomBytes(16)) } } },
      ],
    },
    drmSystemList: {
      drmSystems: [{ systemId: 'edef8ba9-79d6-4ace-a3c8-27dcd51d21ed', kid: KID_1, pssh: new Uint8Array(40).fill(3) }],
    },
  };
}

let signer: { privateKey: string; certificate: string };
let otherSigner: { privateKey: string; certificate: string };
beforeAll(() => {
  const fx = cryptoFixtures();
  signer = { privateKey: fx.key('signer'), certificate: fx.pem('signer') };
  otherSigner = { privateKey: fx.key('recipient1'), certificate: fx.pem('recipient1') };
}, 120_000);

/** The signed documents the tests share, made by the first test that asks. */
const signed = onFirstUse(async () => {
  const xml = serializeCpix(document(), { version: '2.3' });
  const listSigned = await signCpix(xml, { ...signer, target: 'ContentKeyList' });
  const itemSigned = await signCpix(xml, { ...signer, target: { id: 'key-1' } });
  const other = await signCpix(xml, otherSigner);
  return {
    listSigned,
    itemSigned,
    fingerprint: verifyCpixSignatures(listSigned)[0]!.certificate!.fingerprint256,
    otherFingerprint: verifyCpixSignatures(other)[0]!.certificate!.fingerprint256,
    attacks: wrappingAttacks(listSigned, itemSigned),
  };
});

describe('what a signature covers', () => {
  it('names the parts of the parsed document: a list, an item, the whole document', async () => {
    const { listSigned, itemSigned } = await signed();
    expect(verifyCpixSignatures(listSigned)).toEqual([
      expect.objectContaining({ valid: true, target: 'ContentKeyList', covers: ['/CPIX/ContentKeyList'] }),
    ]);
    expect(verifyCpixSignatures(itemSigned)).toEqual([
      expect.objectContaining({ valid: true, target: 'ContentKey', covers: ['/CPIX/ContentKeyList/ContentKey[1]'] }),
    ]);
    expect(parseCpix(itemSigned).document.contentKeyList!.contentKeys[0]!.id).toBe('key-1');
    const whole = await signCpix(listSigned, signer);
    expect(verifyCpixSignatures(whole).map(({ valid, covers }) => ({ valid, covers }))).toEqual([
      { valid: true, covers: ['/CPIX/ContentKeyList'] },
      { valid: true, covers: ['/CPIX'] },
    ]);
  });

  it('isSignedBy answers "are the content keys signed by X"', async () => {
    const { listSigned, itemSigned, fingerprint, otherFingerprint } = await signed();
    const results = verifyCpixSignatures(listSigned);
    expect(isSignedBy(results, '/CPIX/ContentKeyList', fingerprint)).toBe(true);
    expect(isSignedBy(results, '/CPIX/ContentKeyList/ContentKey[2]', fingerprint.replace(/:/g, '').toLowerCase())).toBe(
      true,
    );
    expect(isSignedBy(results, '/CPIX/DRMSystemList', fingerprint)).toBe(false);
    expect(isSignedBy(results, '/CPIX', fingerprint)).toBe(false);
    expect(isSignedBy(results, '/CPIX/ContentKeyList', otherFingerprint)).toBe(false);
    // An item signature does not vouch for the list, nor for the other items.
    const item = verifyCpixSignatures(itemSigned);
    expect(isSignedBy(item, '/CPIX/ContentKeyList/ContentKey[1]', fingerprint)).toBe(true);
    expect(isSignedBy(item, '/CPIX/ContentKeyList', fingerprint)).toBe(false);
    expect(isSignedBy(item, '/CPIX/ContentKeyList/ContentKey[2]', fingerprint)).toBe(false);
    // A whole-document signature covers every part; a tampered one none.
    const whole = verifyCpixSignatures(await signCpix(serializeCpix(document(), { version: '2.3' }), signer));
    expect(isSignedBy(whole, '/CPIX/DRMSystemList/DRMSystem[1]', fingerprint)).toBe(true);
    const tampered = verifyCpixSignatures(
      listSigned.replace(/(<pskc:PlainValue>)(.)/, (_, tag: string, c: string) => `${tag}${c === 'A' ? 'B' : 'A'}`),
    );
    expect(tampered[0]).toMatchObject({ valid: false, covers: [] });
    expect(isSignedBy(tampered, '/CPIX/ContentKeyList', fingerprint)).toBe(false);
  });

  it('binds every reference of a signature, not only the first', async () => {
    const { listSigned } = await signed();
    const second = listSigned.replace(
      /(<ds:Reference URI="#keys">[\s\S]*?<\/ds:Reference>)/,
      '$1<ds:Reference URI="#elsewhere"><ds:DigestMethod Algorithm="http://www.w3.org/2001/04/xmlenc#sha256"/><ds:DigestValue>AAAA</ds:DigestValue></ds:Reference>',
    );
    const forged = second.replace(
      '</ds:Signature>',
      '<ds:Object><x:W xmlns:x="urn:example:attacker" id="elsewhere"/></ds:Object></ds:Signature>',
    );
    expect(verifyCpixSignatures(forged)[0]).toMatchObject({
      valid: false,
      code: 'ERR_CPIX_SIGNATURE_UNBOUND_REFERENCE',
      covers: [],
    });
  });
});

describe('signature wrapping: a signed element moved where the model does not read it never verifies', () => {
  it('builds the ten attacks', async () => {
    const { attacks } = await signed();
    expect(attacks).toHaveLength(10);
  });

  it.each([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])(
    'attack %i fails verification while the parser reads the attacker keys or refuses',
    async (index) => {
      const { fingerprint, attacks } = await signed();
      const attack = attacks[index]!;
      const results = verifyCpixSignatures(attack.xml);
      expect(results, attack.name).toHaveLength(1);
      expect(results[0], attack.name).toMatchObject({ valid: false, covers: [] });
      expect(['ERR_CPIX_SIGNATURE_UNBOUND_REFERENCE', 'ERR_CPIX_SIGNATURE_AMBIGUOUS_REFERENCE']).toContain(
        results[0]!.code,
      );
      expect(isSignedBy(results, '/CPIX/ContentKeyList', fingerprint)).toBe(false);
      expect(isSignedBy(results, '/CPIX/ContentKeyList/ContentKey[1]', fingerprint)).toBe(false);
      if (attack.parses) {
        expect(
          parseCpix(attack.xml).document.contentKeyList!.contentKeys.map((key) => key.kid),
          attack.name,
        ).toContain(ATTACKER_KID);
      } else {
        // The only attack that does not parse adds a second ContentKeyList.
        expect(thrownBy(() => parseCpix(attack.xml), CpixError).code, attack.name).toBe('ERR_CPIX_DUPLICATE_ELEMENT');
      }
    },
  );

  it('says where the wrapped element is', async () => {
    const { attacks } = await signed();
    const [wrapper, object] = attacks;
    expect(verifyCpixSignatures(wrapper!.xml)[0]!.reason).toContain('/CPIX/Wrapper[1]/ContentKeyList[1]');
    expect(verifyCpixSignatures(object!.xml)[0]!.reason).toContain('/CPIX/Signature[1]/Object[1]/ContentKeyList[1]');
  });
});

describe('documents as parseCpix reads them', () => {
  it('verifies only a document parseCpix reads: what xmldom lets through outside the signed list is refused alike', async () => {
    const { listSigned } = await signed();
    const bareAmpersand = listSigned.replace(
      '</cpix:CPIX>',
      '<x:Note xmlns:x="urn:example:note">fish & chips</x:Note></cpix:CPIX>',
    );
    expect(() => parseCpix(bareAmpersand)).toThrow(expect.objectContaining({ code: 'ERR_CPIX_XML_MALFORMED' }));
    expect(() => verifyCpixSignatures(bareAmpersand)).toThrow(
      expect.objectContaining({ code: 'ERR_CPIX_XML_MALFORMED' }),
    );
  });

  it('refuses XML 1.1 line ends, which the signature library reads as line feeds and parseCpix as characters; carriage returns are line feeds to both', async () => {
    const named = document();
    named.contentKeyList!.contentKeys[1]!.friendlyName = 'line one\nline two';
    const signed = await signCpix(serializeCpix(named, { version: '2.3' }), { ...signer, target: 'ContentKeyList' });
    expect(signed).toContain('line one\nline two');
    const friendlyName = (xml: string) => parseCpix(xml).document.contentKeyList!.contentKeys[1]!.friendlyName;
    for (const lineEnd of ['\u2028', '\u2029', '\u0085']) {
      const forged = signed.replace('line one\nline two', `line one${lineEnd}line two`);
      expect(friendlyName(forged)).toBe(`line one${lineEnd}line two`);
      expect(verifyCpixSignatures(forged)[0]).toMatchObject({
        valid: false,
        code: 'ERR_CPIX_SIGNATURE_UNSAFE_CHARACTER',
        covers: [],
      });
    }
    for (const lineEnd of ['\r', '\r\n']) {
      const same = signed.replace('line one\nline two', `line one${lineEnd}line two`);
      expect(friendlyName(same)).toBe('line one\nline two');
      expect(verifyCpixSignatures(same)[0]).toMatchObject({ valid: true, covers: ['/CPIX/ContentKeyList'] });
    }
  });

  it('verifies bytes: UTF-8 with and without BOM, UTF-16 LE and BE with BOM, and a string with a BOM', async () => {
    const { listSigned } = await signed();
    const utf16 = listSigned.replace(
      /^<\?xml version="1.0" encoding="UTF-8"\?>/,
      '<?xml version="1.0" encoding="UTF-16"?>',
    );
    expect(utf16).not.toBe(listSigned);
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(utf16, 'utf16le')]);
    const be = Buffer.from(le).swap16();
    const inputs: (string | Uint8Array)[] = [
      new Uint8Array(Buffer.from(listSigned)),
      new Uint8Array(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(listSigned)])),
      new Uint8Array(le),
      new Uint8Array(be),
      `\uFEFF${listSigned}`,
    ];
    for (const input of inputs) {
      expect(verifyCpixSignatures(input)).toEqual([
        expect.objectContaining({ valid: true, covers: ['/CPIX/ContentKeyList'] }),
      ]);
      expect(parseCpix(input).document.contentKeyList!.contentKeys).toHaveLength(2);
    }
  });

  it('refuses a declared encoding that contradicts the bytes, as parseCpix does', async () => {
    const { listSigned } = await signed();
    const declaredUtf16 = new Uint8Array(Buffer.from(listSigned.replace('encoding="UTF-8"', 'encoding="UTF-16"')));
    const declaredUtf8 = new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(listSigned, 'utf16le')]));
    for (const bytes of [declaredUtf16, declaredUtf8]) {
      expect(() => verifyCpixSignatures(bytes)).toThrow(expect.objectContaining({ code: 'ERR_CPIX_ENCODING' }));
      expect(() => parseCpix(bytes)).toThrow(expect.objectContaining({ code: 'ERR_CPIX_ENCODING' }));
    }
  });

  it('signs bytes too', async () => {
    const signed = await signCpix(
      new Uint8Array(Buffer.from(`\uFEFF${serializeCpix(document(), { version: '2.3' })}`)),
      signer,
    );
    expect(verifyCpixSignatures(signed)[0]).toMatchObject({ valid: true, covers: ['/CPIX'] });
  });
});
