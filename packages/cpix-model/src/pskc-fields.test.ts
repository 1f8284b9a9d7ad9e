import { describe, expect, it } from 'vitest';
import { onFirstUse } from '../../../tooling/src/on-first-use.js';
import { thrownBy } from '../../../tooling/src/thrown.js';
import { CpixError, parseCpix, serializeCpix } from './index.js';

// The PSKC key fields of ContentKey and DocumentKey, the EncryptedValue children, DeliveryKey,
// DocumentKey and MACMethod children: each read into its field (or kept as an extension), each
// refusal with its code, whole message and path, and each written back where it was read.

const KID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const ROOT =
  '<cpix:CPIX xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc" ' +
  'xmlns:enc="http://www.w3.org/2001/04/xmlenc#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:x="urn:x" version="2.3">';
const keys = (inner: string) => `${ROOT}<cpix:ContentKeyList>${inner}</cpix:ContentKeyList></cpix:CPIX>`;
const delivery = (inner: string) =>
  `${ROOT}<cpix:DeliveryDataList><cpix:DeliveryData>${inner}</cpix:DeliveryData></cpix:DeliveryDataList></cpix:CPIX>`;
const CIPHER = '<enc:CipherData><enc:CipherValue>QUJD</enc:CipherValue></enc:CipherData>';
const CERTIFICATE =
  '<cpix:DeliveryKey><ds:X509Data><ds:X509Certificate>QUJD</ds:X509Certificate></ds:X509Data></cpix:DeliveryKey>';
const PLAIN_DOCUMENT_KEY =
  '<cpix:DocumentKey><cpix:Data><pskc:Secret><pskc:PlainValue>QUJD</pskc:PlainValue></pskc:Secret></cpix:Data></cpix:DocumentKey>';
const ABC = Uint8Array.from([0x41, 0x42, 0x43]);
const PSKC_NS = 'xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc"';
const CPIX_NS = 'xmlns:cpix="urn:dashif:org:cpix"';

const CONTENT_KEY =
  `<cpix:ContentKey kid="${KID}"><cpix:HDCPData HLSHDCPLevel="TYPE-0">` +
  '<cpix:HDCPOutputProtectionData>QUJD</cpix:HDCPOutputProtectionData><x:h/></cpix:HDCPData>' +
  '<cpix:AlgorithmParameters><pskc:Suite>s</pskc:Suite></cpix:AlgorithmParameters>' +
  '<cpix:Data><pskc:Secret><pskc:EncryptedValue Id="ev1"><enc:EncryptionMethod Algorithm="urn:a"><x:p>1</x:p></enc:EncryptionMethod>' +
  `<ds:KeyInfo><ds:KeyName>k</ds:KeyName></ds:KeyInfo>${CIPHER}</pskc:EncryptedValue></pskc:Secret>` +
  '<pskc:Counter>1</pskc:Counter></cpix:Data>' +
  '<cpix:Policy><pskc:PINPolicy/></cpix:Policy><cpix:Extensions><x:e/></cpix:Extensions>' +
  '<cpix:Extensions><x:f/></cpix:Extensions></cpix:ContentKey>';
const contentKey = onFirstUse(() => parseCpix(keys(CONTENT_KEY)));

function refusal(xml: string): Pick<CpixError, 'code' | 'message' | 'path'> {
  const { code, message, path } = thrownBy(() => parseCpix(xml), CpixError);
  return { code, message, path };
}

describe('ContentKey PSKC fields', () => {
  it('reads HDCPData with an extension, AlgorithmParameters, Policy, each Extensions and other PSKC data', () => {
    expect(contentKey()).toStrictEqual({
      document: {
        version: '2.3',
        contentKeyList: {
          contentKeys: [
            {
              kid: KID,
              hdcpData: {
                hlsHdcpLevel: 'TYPE-0',
                hdcpOutputProtectionData: ABC,
                extensions: ['<x:h xmlns:x="urn:x"/>'],
              },
              algorithmParameters: `<cpix:AlgorithmParameters ${CPIX_NS} ${PSKC_NS}><pskc:Suite>s</pskc:Suite></cpix:AlgorithmParameters>`,
              data: {
                secret: {
                  encryptedValue: {
                    id: 'ev1',
                    algorithm: 'urn:a',
                    encryptionMethodParameters: ['<x:p xmlns:x="urn:x">1</x:p>'],
                    keyInfo:
                      '<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:KeyName>k</ds:KeyName></ds:KeyInfo>',
                    cipherValue: ABC,
                  },
                },
                otherPskcData: [`<pskc:Counter ${PSKC_NS}>1</pskc:Counter>`],
              },
              policy: `<cpix:Policy ${CPIX_NS} ${PSKC_NS}><pskc:PINPolicy/></cpix:Policy>`,
              pskcExtensions: [
                `<cpix:Extensions ${CPIX_NS} xmlns:x="urn:x"><x:e/></cpix:Extensions>`,
                `<cpix:Extensions ${CPIX_NS} xmlns:x="urn:x"><x:f/></cpix:Extensions>`,
              ],
            },
          ],
        },
      },
      warnings: [],
    });
  });

  it('writes them back in schema order, each at its depth', () => {
    expect(serializeCpix(contentKey().document, { version: '2.3', xmlDeclaration: false })).toBe(
      [
        '<cpix:CPIX xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc" xmlns:enc="http://www.w3.org/2001/04/xmlenc#" version="2.3">',
        '  <cpix:ContentKeyList>',
        `    <cpix:ContentKey kid="${KID}">`,
        `      <cpix:AlgorithmParameters ${CPIX_NS} ${PSKC_NS}><pskc:Suite>s</pskc:Suite></cpix:AlgorithmParameters>`,
        '      <cpix:Data>',
        '        <pskc:Secret>',
        '          <pskc:EncryptedValue Id="ev1">',
        '            <enc:EncryptionMethod Algorithm="urn:a">',
        '              <x:p xmlns:x="urn:x">1</x:p>',
        '            </enc:EncryptionMethod>',
        '            <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:KeyName>k</ds:KeyName></ds:KeyInfo>',
        '            <enc:CipherData>',
        '              <enc:CipherValue>QUJD</enc:CipherValue>',
        '            </enc:CipherData>',
        '          </pskc:EncryptedValue>',
        '        </pskc:Secret>',
        `        <pskc:Counter ${PSKC_NS}>1</pskc:Counter>`,
        '      </cpix:Data>',
        `      <cpix:Policy ${CPIX_NS} ${PSKC_NS}><pskc:PINPolicy/></cpix:Policy>`,
        `      <cpix:Extensions ${CPIX_NS} xmlns:x="urn:x"><x:e/></cpix:Extensions>`,
        `      <cpix:Extensions ${CPIX_NS} xmlns:x="urn:x"><x:f/></cpix:Extensions>`,
        '    </cpix:ContentKey>',
        '  </cpix:ContentKeyList>',
        '</cpix:CPIX>',
        '',
      ].join('\n'),
    );
  });

  it.each([
    ['AlgorithmParameters', '<cpix:AlgorithmParameters/><cpix:AlgorithmParameters/>'],
    ['Policy', '<cpix:Policy/><cpix:Policy/>'],
  ])('refuses a repeated %s', (name, children) => {
    expect(refusal(keys(`<cpix:ContentKey kid="${KID}">${children}</cpix:ContentKey>`))).toStrictEqual({
      code: 'ERR_CPIX_DUPLICATE_ELEMENT',
      message: `Element ${name} occurs more than once (at /CPIX/ContentKeyList/ContentKey[1]/${name})`,
      path: `/CPIX/ContentKeyList/ContentKey[1]/${name}`,
    });
  });
});

describe('EncryptedValue', () => {
  const secret = (inner: string) =>
    keys(
      `<cpix:ContentKey kid="${KID}"><cpix:Data><pskc:Secret><pskc:EncryptedValue>${inner}</pskc:EncryptedValue></pskc:Secret></cpix:Data></cpix:ContentKey>`,
    );
  const PATH = '/CPIX/ContentKeyList/ContentKey[1]/Data/Secret/EncryptedValue';

  it('refuses a CipherData without CipherValue', () => {
    expect(refusal(secret('<enc:CipherData><enc:CipherReference URI="u"/></enc:CipherData>'))).toStrictEqual({
      code: 'ERR_CPIX_MISSING_ELEMENT',
      message: `CipherData has no CipherValue (CipherReference is not supported) (at ${PATH}/CipherData)`,
      path: `${PATH}/CipherData`,
    });
  });

  it('refuses a missing CipherData', () => {
    expect(refusal(secret('<enc:EncryptionMethod Algorithm="urn:a"/>'))).toStrictEqual({
      code: 'ERR_CPIX_MISSING_ELEMENT',
      message: `Encrypted value has no readable CipherValue (at ${PATH}/CipherData)`,
      path: `${PATH}/CipherData`,
    });
  });

  it('refuses a repeated KeyInfo', () => {
    expect(refusal(secret(`<ds:KeyInfo/><ds:KeyInfo/>${CIPHER}`))).toStrictEqual({
      code: 'ERR_CPIX_DUPLICATE_ELEMENT',
      message: `Element KeyInfo occurs more than once (at ${PATH}/KeyInfo)`,
      path: `${PATH}/KeyInfo`,
    });
  });
});

describe('DeliveryData children', () => {
  const PATH = '/CPIX/DeliveryDataList/DeliveryData[1]';

  it('reads a DeliveryKey Id and extension, DocumentKey extensions and a MACMethod key reference', () => {
    const result = parseCpix(
      delivery(
        '<cpix:DeliveryKey Id="dk"><ds:X509Data><ds:X509Certificate>QUJD</ds:X509Certificate>' +
          '<ds:X509SubjectName>CN=a</ds:X509SubjectName></ds:X509Data><x:dk/></cpix:DeliveryKey>' +
          '<cpix:DocumentKey><cpix:Data><pskc:Secret><pskc:PlainValue>QUJD</pskc:PlainValue></pskc:Secret></cpix:Data><x:doc/></cpix:DocumentKey>' +
          '<cpix:MACMethod Algorithm="urn:m"><pskc:MACKeyReference>r</pskc:MACKeyReference><x:mm/></cpix:MACMethod>',
      ),
    );
    expect(result).toStrictEqual({
      document: {
        version: '2.3',
        deliveryDataList: {
          deliveryData: [
            {
              macMethod: { algorithm: 'urn:m', keyReference: 'r', extensions: ['<x:mm xmlns:x="urn:x"/>'] },
              deliveryKey: { x509Certificates: [ABC], id: 'dk', extensions: ['<x:dk xmlns:x="urn:x"/>'] },
              documentKeys: [{ data: { secret: { plainValue: ABC } }, extensions: ['<x:doc xmlns:x="urn:x"/>'] }],
            },
          ],
        },
      },
      warnings: [
        {
          code: 'IGNORED_ELEMENT',
          path: `${PATH}/DeliveryKey/X509Data/X509SubjectName`,
          message: 'X509Data child X509SubjectName ignored; only certificates are kept',
        },
      ],
    });
  });

  it('warns of an EncryptedValue Id and a DeliveryKey Id that are not XML ids, by their own names', () => {
    const { warnings } = parseCpix(
      delivery(
        '<cpix:DeliveryKey Id="1k"><ds:X509Data><ds:X509Certificate>QUJD</ds:X509Certificate></ds:X509Data></cpix:DeliveryKey>' +
          `<cpix:DocumentKey><cpix:Data><pskc:Secret><pskc:EncryptedValue Id="1v">${CIPHER}</pskc:EncryptedValue></pskc:Secret></cpix:Data></cpix:DocumentKey>`,
      ),
    );
    expect(warnings).toStrictEqual([
      {
        code: 'ID_NOT_NCNAME',
        path: `${PATH}/DeliveryKey/@Id`,
        message: 'Attribute Id "1k" is not an XML id (NCName)',
      },
      {
        code: 'ID_NOT_NCNAME',
        path: `${PATH}/DocumentKey[1]/Data/Secret/EncryptedValue/@Id`,
        message: 'Attribute Id "1v" is not an XML id (NCName)',
      },
    ]);
  });

  it('refuses a repeated MACKeyReference', () => {
    expect(
      refusal(
        delivery(
          `${CERTIFICATE}${PLAIN_DOCUMENT_KEY}<cpix:MACMethod Algorithm="urn:m"><pskc:MACKeyReference>r</pskc:MACKeyReference>` +
            '<pskc:MACKeyReference>s</pskc:MACKeyReference></cpix:MACMethod>',
        ),
      ),
    ).toStrictEqual({
      code: 'ERR_CPIX_DUPLICATE_ELEMENT',
      message: `Element MACKeyReference occurs more than once (at ${PATH}/MACMethod/MACKeyReference)`,
      path: `${PATH}/MACMethod/MACKeyReference`,
    });
  });

  it('keeps an unknown child of a nested MAC key on the key', () => {
    const { document, warnings } = parseCpix(
      delivery(
        `${CERTIFICATE}${PLAIN_DOCUMENT_KEY}<cpix:MACMethod Algorithm="urn:m"><cpix:Key>` +
          `<pskc:EncryptedValue>${CIPHER}</pskc:EncryptedValue><pskc:ValueMAC>QUJD</pskc:ValueMAC><x:n/></cpix:Key></cpix:MACMethod>`,
      ),
    );
    expect(document.deliveryDataList!.deliveryData[0]!.macMethod).toStrictEqual({
      algorithm: 'urn:m',
      key: { cipherValue: ABC, extensions: ['<x:n xmlns:x="urn:x"/>'] },
    });
    expect(warnings.map((w) => w.code)).toStrictEqual(['NESTED_MAC_KEY']);
  });

  it('refuses a DeliveryData without DeliveryKey', () => {
    expect(refusal(delivery(PLAIN_DOCUMENT_KEY))).toStrictEqual({
      code: 'ERR_CPIX_MISSING_ELEMENT',
      message: `DeliveryData has no DeliveryKey (at ${PATH}/DeliveryKey)`,
      path: `${PATH}/DeliveryKey`,
    });
  });
});
