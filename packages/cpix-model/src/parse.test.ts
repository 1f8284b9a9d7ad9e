import { describe, expect, it } from 'vitest';
import { CpixError, parseCpix } from './index.js';
import { onFirstUse } from '../../../tooling/src/on-first-use.js';

const KID = '98ee5596-cd3e-a20d-163a-e382420c6eff';
const PSKC = 'urn:ietf:params:xml:ns:keyprov:pskc';

const prefixed = `<?xml version="1.0" encoding="UTF-8"?>
<cpix:CPIX xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="${PSKC}" contentId="abc" version="2.3">
  <cpix:ContentKeyList>
    <cpix:ContentKey kid="${KID}" explicitIV="OFj2IjCsPJFfMAxmQxLGPw==" commonEncryptionScheme="cbcs">
      <cpix:Data><pskc:Secret><pskc:PlainValue>nFLKuNE4LJ1+eXVGiSiTvA==</pskc:PlainValue></pskc:Secret></cpix:Data>
    </cpix:ContentKey>
  </cpix:ContentKeyList>
  <cpix:DRMSystemList>
    <cpix:DRMSystem kid="${KID}" systemId="94ce86fb-07ff-4f43-adb8-93d2fa968ca2">
      <cpix:HLSSignalingData playlist="media">I0VYVA==</cpix:HLSSignalingData>
    </cpix:DRMSystem>
  </cpix:DRMSystemList>
</cpix:CPIX>`;

function codeOf(run: () => unknown): { code: string; path: string | undefined } {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(CpixError);
    return { code: (error as CpixError).code, path: (error as CpixError).path };
  }
  throw new Error('expected a CpixError');
}

describe('parseCpix', () => {
  const expected = onFirstUse(() => parseCpix(prefixed));

  it('reads a document into the model', () => {
    expect(expected().warnings).toEqual([]);
    expect(expected().document).toEqual({
      contentId: 'abc',
      version: '2.3',
      contentKeyList: {
        contentKeys: [
          {
            kid: KID,
            explicitIV: new Uint8Array(Buffer.from('OFj2IjCsPJFfMAxmQxLGPw==', 'base64')),
            commonEncryptionScheme: 'cbcs',
            data: { secret: { plainValue: new Uint8Array(Buffer.from('nFLKuNE4LJ1+eXVGiSiTvA==', 'base64')) } },
          },
        ],
      },
      drmSystemList: {
        drmSystems: [
          {
            kid: KID,
            systemId: '94ce86fb-07ff-4f43-adb8-93d2fa968ca2',
            hlsSignalingData: [{ playlist: 'media', value: new Uint8Array(Buffer.from('#EXT')) }],
          },
        ],
      },
    });
  });

  it('matches namespaces by URI: default namespace, other prefixes', () => {
    const defaultNamespace = prefixed.replace('xmlns:cpix=', 'xmlns=').replace(/cpix:/g, '');
    expect(defaultNamespace).toContain('<CPIX xmlns="urn:dashif:org:cpix"');
    expect(parseCpix(defaultNamespace)).toEqual(expected());
    const ns2 = prefixed
      .replace('xmlns:cpix=', 'xmlns:ns2=')
      .replace(/cpix:/g, 'ns2:')
      .replace('xmlns:pskc=', 'xmlns:ns3=')
      .replace(/pskc:/g, 'ns3:');
    expect(ns2).toContain('<ns2:CPIX xmlns:ns2="urn:dashif:org:cpix" xmlns:ns3=');
    expect(parseCpix(ns2)).toEqual(expected());
  });

  it('does not take a prefix for its namespace', () => {
    const wrongNamespace = prefixed.replace('xmlns:cpix="urn:dashif:org:cpix"', 'xmlns:cpix="urn:example:not-cpix"');
    expect(codeOf(() => parseCpix(wrongNamespace))).toEqual({ code: 'ERR_CPIX_NOT_CPIX', path: '/' });
  });

  it('reads bytes: UTF-8 with or without BOM, UTF-16 LE and BE with BOM', () => {
    const utf8 = Buffer.from(prefixed, 'utf8');
    const le = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from(prefixed.replace('encoding="UTF-8"', 'encoding="UTF-16"'), 'utf16le'),
    ]);
    const be = Buffer.from(le);
    be.swap16();
    for (const bytes of [utf8, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]), le, be]) {
      expect(parseCpix(new Uint8Array(bytes))).toEqual(expected());
    }
    expect(parseCpix(`\uFEFF${prefixed}`)).toEqual(expected());
    expect(codeOf(() => parseCpix(new Uint8Array([0x3c, 0xff, 0xfe, 0x3e])))).toEqual({
      code: 'ERR_CPIX_ENCODING',
      path: undefined,
    });
  });

  it('honours the declared encoding, and refuses one that contradicts the bytes or is not supported', () => {
    const declared = (encoding: string) => prefixed.replace('encoding="UTF-8"', `encoding="${encoding}"`);
    const latin1 = Buffer.from(declared('ISO-8859-1').replace('contentId="abc"', 'contentId="caf\u00e9"'), 'latin1');
    expect(latin1.includes(0xe9)).toBe(true);
    expect(parseCpix(new Uint8Array(latin1)).document.contentId).toBe('caf\u00e9');
    expect(parseCpix(new Uint8Array(Buffer.from(declared('US-ASCII')))).document).toEqual(expected().document);
    expect(parseCpix(new Uint8Array(Buffer.from(declared('utf-16'), 'utf16le'))).document).toEqual(expected().document); // no BOM, "<" as two bytes
    const refusals: [Uint8Array, RegExp][] = [
      [new Uint8Array(Buffer.from(declared('UTF-16'))), /says encoding="UTF-16" but the bytes are not UTF-16/],
      [
        new Uint8Array(Buffer.from(declared('US-ASCII').replace('contentId="abc"', 'contentId="caf\u00e9"'))),
        /says encoding="US-ASCII" but byte \d+ is not ASCII/,
      ],
      [new Uint8Array(Buffer.from(declared('windows-1252'))), /Encoding "windows-1252" is not supported/],
      [
        new Uint8Array(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(declared('UTF-16'))])),
        /says encoding="UTF-16" but the document is UTF-8/,
      ],
      [
        new Uint8Array(
          Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(declared('UTF-16LE'), 'utf16le').swap16()]),
        ),
        /says encoding="UTF-16LE" but the document is UTF-16BE/,
      ],
    ];
    for (const [bytes, message] of refusals) {
      expect(() => parseCpix(bytes)).toThrow(
        expect.objectContaining({ code: 'ERR_CPIX_ENCODING', message: expect.stringMatching(message) }),
      );
    }
    // A string is already characters: its declaration is not checked.
    expect(parseCpix(declared('UTF-16')).document).toEqual(expected().document);
  });

  it('is lenient about case and order, and says so', () => {
    const sloppy = prefixed
      .replace('playlist="media"', 'playlist="MASTER"')
      .replace('commonEncryptionScheme="cbcs"', 'commonEncryptionScheme="CBCS"')
      .replace('contentId="abc"', 'id="123 not an id" contentId="abc"')
      .replace(
        /(<cpix:ContentKeyList>[\s\S]*<\/cpix:ContentKeyList>)\s*(<cpix:DRMSystemList>[\s\S]*<\/cpix:DRMSystemList>)/,
        '$2$1',
      );
    const { document, warnings } = parseCpix(sloppy);
    expect(warnings.map(({ code, path }) => ({ code, path }))).toEqual([
      { code: 'ID_NOT_NCNAME', path: '/CPIX/@id' },
      { code: 'ENUM_CASE', path: '/CPIX/DRMSystemList/DRMSystem[1]/HLSSignalingData[1]/@playlist' },
      { code: 'CHILD_ORDER', path: '/CPIX' },
      { code: 'ENUM_CASE', path: '/CPIX/ContentKeyList/ContentKey[1]/@commonEncryptionScheme' },
    ]);
    expect(document.id).toBe('123 not an id');
    expect(document.drmSystemList?.drmSystems[0]?.hlsSignalingData?.[0]?.playlist).toBe('master');
    expect(document.contentKeyList?.contentKeys[0]?.commonEncryptionScheme).toBe('cbcs');
    expect(codeOf(() => parseCpix(sloppy, { strict: true }))).toEqual({
      code: 'ERR_CPIX_ID_NOT_NCNAME',
      path: '/CPIX/@id',
    });
  });

  it('keeps unknown attributes and elements, with their namespaces', () => {
    const extended = prefixed
      .replace('<cpix:DRMSystem kid', '<cpix:DRMSystem xmlns:v="urn:vendor" v:tier="gold" kid')
      .replace('</cpix:DRMSystem>', '<v:Extra>1</v:Extra></cpix:DRMSystem>');
    const { document, warnings } = parseCpix(extended);
    expect(warnings).toEqual([]);
    const system = document.drmSystemList?.drmSystems[0];
    expect(system?.unknownAttributes).toEqual([
      { namespace: 'urn:vendor', prefix: 'v', localName: 'tier', value: 'gold' },
    ]);
    expect(system?.extensions).toEqual(['<v:Extra xmlns:v="urn:vendor">1</v:Extra>']);
  });

  it('keeps an UpdateHistoryItem without its required attributes verbatim when lenient, and refuses it when strict', () => {
    const incomplete = prefixed.replace(
      '</cpix:CPIX>',
      '<cpix:UpdateHistoryItemList><cpix:UpdateHistoryItem source="packager" date="2025-01-01T00:00:00Z"/><cpix:UpdateHistoryItem updateVersion="1" index="a" source="s" date="2025-01-01T00:00:00Z"/></cpix:UpdateHistoryItemList></cpix:CPIX>',
    );
    const { document, warnings } = parseCpix(incomplete);
    expect(warnings).toContainEqual(
      expect.objectContaining({
        code: 'INCOMPLETE_UPDATE_HISTORY_ITEM',
        path: '/CPIX/UpdateHistoryItemList/UpdateHistoryItem[1]/@updateVersion',
      }),
    );
    expect(document.updateHistoryItemList!.updateHistoryItems).toEqual([
      { updateVersion: 1, index: 'a', source: 's', date: '2025-01-01T00:00:00Z' },
    ]);
    expect(document.updateHistoryItemList!.extensions).toHaveLength(1);
    expect(document.updateHistoryItemList!.extensions![0]).toContain('source="packager"');
    expect(codeOf(() => parseCpix(incomplete, { strict: true }))).toEqual({
      code: 'ERR_CPIX_MISSING_ATTRIBUTE',
      path: '/CPIX/UpdateHistoryItemList/UpdateHistoryItem[1]/@updateVersion',
    });
  });

  it('decodes entity and character references', () => {
    const { document } = parseCpix(prefixed.replace('contentId="abc"', 'contentId="a&amp;b&#x20;&#67;&lt;"'));
    expect(document.contentId).toBe('a&b C<');
  });

  describe('errors carry a code and a path', () => {
    const second = prefixed.replace('</cpix:ContentKeyList>', '<cpix:ContentKey kid="KID"/></cpix:ContentKeyList>');

    it.each([
      ['a KID that is not a UUID', second, 'ERR_CPIX_INVALID_KID', '/CPIX/ContentKeyList/ContentKey[2]/@kid'],
      [
        'a missing required attribute',
        prefixed.replace(' systemId="94ce86fb-07ff-4f43-adb8-93d2fa968ca2"', ''),
        'ERR_CPIX_MISSING_ATTRIBUTE',
        '/CPIX/DRMSystemList/DRMSystem[1]/@systemId',
      ],
      [
        'a negative index',
        prefixed.replace(
          '</cpix:CPIX>',
          '<cpix:ContentKeyPeriodList><cpix:ContentKeyPeriod index="-1"/></cpix:ContentKeyPeriodList></cpix:CPIX>',
        ),
        'ERR_CPIX_INVALID_NUMBER',
        '/CPIX/ContentKeyPeriodList/ContentKeyPeriod[1]/@index',
      ],
      [
        'an index past 2^53',
        prefixed.replace(
          '</cpix:CPIX>',
          '<cpix:ContentKeyPeriodList><cpix:ContentKeyPeriod index="99999999999999999999"/></cpix:ContentKeyPeriodList></cpix:CPIX>',
        ),
        'ERR_CPIX_INVALID_NUMBER',
        '/CPIX/ContentKeyPeriodList/ContentKeyPeriod[1]/@index',
      ],
      [
        'a non-integer pixel bound',
        prefixed.replace(
          '</cpix:CPIX>',
          `<cpix:ContentKeyUsageRuleList><cpix:ContentKeyUsageRule kid="${KID}"><cpix:VideoFilter maxPixels="1.5"/></cpix:ContentKeyUsageRule></cpix:ContentKeyUsageRuleList></cpix:CPIX>`,
        ),
        'ERR_CPIX_INVALID_NUMBER',
        '/CPIX/ContentKeyUsageRuleList/ContentKeyUsageRule[1]/VideoFilter[1]/@maxPixels',
      ],
      [
        'a bad boolean',
        prefixed.replace(
          '</cpix:CPIX>',
          `<cpix:ContentKeyUsageRuleList><cpix:ContentKeyUsageRule kid="${KID}"><cpix:VideoFilter hdr="yes"/></cpix:ContentKeyUsageRule></cpix:ContentKeyUsageRuleList></cpix:CPIX>`,
        ),
        'ERR_CPIX_INVALID_BOOLEAN',
        '/CPIX/ContentKeyUsageRuleList/ContentKeyUsageRule[1]/VideoFilter[1]/@hdr',
      ],
      [
        'an unknown playlist',
        prefixed.replace('playlist="media"', 'playlist="audio"'),
        'ERR_CPIX_INVALID_ENUM',
        '/CPIX/DRMSystemList/DRMSystem[1]/HLSSignalingData[1]/@playlist',
      ],
      [
        'a list given twice',
        prefixed.replace('</cpix:CPIX>', '<cpix:ContentKeyList/></cpix:CPIX>'),
        'ERR_CPIX_DUPLICATE_ELEMENT',
        '/CPIX/ContentKeyList',
      ],
      [
        'a PSSH given twice',
        prefixed.replace('<cpix:HLSSignalingData', '<cpix:PSSH/><cpix:PSSH/><cpix:HLSSignalingData'),
        'ERR_CPIX_DUPLICATE_ELEMENT',
        '/CPIX/DRMSystemList/DRMSystem[1]/PSSH',
      ],
      [
        'a secret with both values',
        prefixed.replace(
          '</pskc:PlainValue>',
          '</pskc:PlainValue><pskc:EncryptedValue><enc:CipherData xmlns:enc="http://www.w3.org/2001/04/xmlenc#"><enc:CipherValue>AA==</enc:CipherValue></enc:CipherData></pskc:EncryptedValue>',
        ),
        'ERR_CPIX_INVALID_SECRET',
        '/CPIX/ContentKeyList/ContentKey[1]/Data/Secret',
      ],
      ['another root element', '<root/>', 'ERR_CPIX_NOT_CPIX', '/'],
    ])('%s', (_, xml, code, path) => {
      expect(codeOf(() => parseCpix(xml))).toEqual({ code, path });
    });
  });

  it('reads the MAC key from pskc:MACKey as well as cpix:Key', () => {
    const delivery = (macKey: string): string =>
      prefixed.replace(
        '<cpix:ContentKeyList>',
        `<cpix:DeliveryDataList><cpix:DeliveryData><cpix:DeliveryKey><ds:X509Data xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Certificate>AQID</ds:X509Certificate></ds:X509Data></cpix:DeliveryKey>` +
          `<cpix:MACMethod Algorithm="http://www.w3.org/2001/04/xmldsig-more#hmac-sha512">${macKey}</cpix:MACMethod></cpix:DeliveryData></cpix:DeliveryDataList><cpix:ContentKeyList>`,
      );
    const body =
      '<enc:EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes256-cbc"/><enc:CipherData><enc:CipherValue>BAUG</enc:CipherValue></enc:CipherData>';
    const enc = 'xmlns:enc="http://www.w3.org/2001/04/xmlenc#"';
    const fromPskc = parseCpix(delivery(`<pskc:MACKey ${enc}>${body}</pskc:MACKey>`));
    const fromCpix = parseCpix(delivery(`<cpix:Key ${enc}>${body}</cpix:Key>`));
    expect(fromPskc.document).toEqual(fromCpix.document);
    const data = fromCpix.document.deliveryDataList?.deliveryData[0];
    expect(data?.macMethod?.key).toEqual({
      algorithm: 'http://www.w3.org/2001/04/xmlenc#aes256-cbc',
      cipherValue: new Uint8Array([4, 5, 6]),
    });
    expect(data?.deliveryKey.x509Certificates).toEqual([new Uint8Array([1, 2, 3])]);
    expect(fromCpix.warnings.map((warning) => warning.code)).toEqual(['DELIVERY_DATA_WITHOUT_DOCUMENT_KEY']);
  });

  it('refuses input that is neither a string nor bytes', () => {
    expect(codeOf(() => parseCpix(42 as unknown as string))).toEqual({
      code: 'ERR_CPIX_INVALID_INPUT',
      path: undefined,
    });
  });
});
