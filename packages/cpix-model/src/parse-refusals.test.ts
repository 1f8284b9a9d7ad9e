import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../tooling/src/thrown.js';
import { CpixError, parseCpix } from './index.js';

// parseCpix's refusals and warnings compared whole (code, message with its path, path), one input
// for each place that refuses or warns, and the fields read next to them.

const KID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const OPEN =
  '<cpix:CPIX xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc" ' +
  'xmlns:enc="http://www.w3.org/2001/04/xmlenc#" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:x="urn:x">';
const cpix = (inner: string) => `${OPEN}${inner}</cpix:CPIX>`;
const keys = (inner: string) => cpix(`<cpix:ContentKeyList>${inner}</cpix:ContentKeyList>`);
const rules = (inner: string) =>
  cpix(
    `<cpix:ContentKeyUsageRuleList><cpix:ContentKeyUsageRule kid="${KID}">${inner}</cpix:ContentKeyUsageRule></cpix:ContentKeyUsageRuleList>`,
  );
const CIPHER = '<enc:CipherData><enc:CipherValue>QUJD</enc:CipherValue></enc:CipherData>';
const CERTIFICATE =
  '<cpix:DeliveryKey><ds:X509Data><ds:X509Certificate>QUJD</ds:X509Certificate></ds:X509Data></cpix:DeliveryKey>';
const DOCUMENT_KEY =
  '<cpix:DocumentKey><cpix:Data><pskc:Secret><pskc:PlainValue>QUJD</pskc:PlainValue></pskc:Secret></cpix:Data></cpix:DocumentKey>';
const delivery = (inner: string) =>
  cpix(`<cpix:DeliveryDataList><cpix:DeliveryData>${inner}</cpix:DeliveryData></cpix:DeliveryDataList>`);
const macKey = (inner: string) =>
  delivery(
    `${CERTIFICATE}${DOCUMENT_KEY}<cpix:MACMethod Algorithm="urn:m"><cpix:Key>${inner}</cpix:Key></cpix:MACMethod>`,
  );
const ABC = Uint8Array.from([0x41, 0x42, 0x43]);
const KEY = '/CPIX/ContentKeyList/ContentKey[1]';
const DATA = '/CPIX/DeliveryDataList/DeliveryData[1]';
const RULE = '/CPIX/ContentKeyUsageRuleList/ContentKeyUsageRule[1]';

function refusal(xml: string, strict = false): Pick<CpixError, 'code' | 'message' | 'path'> {
  const { code, message, path } = thrownBy(() => parseCpix(xml, { strict }), CpixError);
  return { code, message, path };
}

const at = (code: string, message: string, path: string | undefined) => ({
  code,
  message: path === undefined ? message : `${message} (at ${path})`,
  path,
});

describe('parseCpix reads', () => {
  it('an xs:integer with a sign or surrounding whitespace', () => {
    for (const [updateVersion, value] of [
      ['+12', 12],
      [' 7 ', 7],
      ['007', 7],
      ['-0', 0],
    ] as const) {
      expect(
        parseCpix(cpix(`<cpix:ContentKeyList updateVersion="${updateVersion}"/>`)).document.contentKeyList,
      ).toStrictEqual({ updateVersion: value, contentKeys: [] });
    }
  });
});

describe('parseCpix refuses', () => {
  it.each<[string, string, ReturnType<typeof at>]>([
    [
      'a DOCTYPE',
      `<!DOCTYPE x>${cpix('')}`,
      at('ERR_CPIX_DTD_FORBIDDEN', 'DOCTYPE and entity declarations are not accepted', undefined),
    ],
    [
      'a root without namespace',
      '<CPIX/>',
      at('ERR_CPIX_NOT_CPIX', 'Root element is {}CPIX, not {urn:dashif:org:cpix}CPIX', '/'),
    ],
    [
      'a root in another namespace',
      '<x:CPIX xmlns:x="urn:x"/>',
      at('ERR_CPIX_NOT_CPIX', 'Root element is {urn:x}CPIX, not {urn:dashif:org:cpix}CPIX', '/'),
    ],
    [
      'a ContentKey without kid',
      keys('<cpix:ContentKey/>'),
      at('ERR_CPIX_MISSING_ATTRIBUTE', 'Required attribute kid is missing', `${KEY}/@kid`),
    ],
    [
      'a kid that is not a UUID',
      keys('<cpix:ContentKey kid="k"/>'),
      at('ERR_CPIX_INVALID_KID', 'Attribute kid is not a UUID', `${KEY}/@kid`),
    ],
    ...['DeliveryDataList', 'DRMSystemList', 'ContentKeyPeriodList', 'ContentKeyUsageRuleList'].map(
      (list) =>
        [
          `a repeated ${list}`,
          cpix(`<cpix:${list}/><cpix:${list}/>`),
          at('ERR_CPIX_DUPLICATE_ELEMENT', `Element ${list} occurs more than once`, `/CPIX/${list}`),
        ] as [string, string, ReturnType<typeof at>],
    ),
    [
      'a ContentKey with two Data',
      keys(
        `<cpix:ContentKey kid="${KID}">${'<cpix:Data><pskc:Secret><pskc:PlainValue>QUJD</pskc:PlainValue></pskc:Secret></cpix:Data>'.repeat(2)}</cpix:ContentKey>`,
      ),
      at('ERR_CPIX_DUPLICATE_ELEMENT', 'Element Data occurs more than once', `${KEY}/Data`),
    ],
    ...['1x', 'x1', '1 2', '1.0', ''].map(
      (updateVersion) =>
        [
          `a list updateVersion of ${JSON.stringify(updateVersion)}`,
          cpix(`<cpix:ContentKeyList updateVersion="${updateVersion}"/>`),
          at(
            'ERR_CPIX_INVALID_NUMBER',
            `Attribute updateVersion must be an integer from 0 to ${Number.MAX_SAFE_INTEGER}`,
            '/CPIX/ContentKeyList/@updateVersion',
          ),
        ] as [string, string, ReturnType<typeof at>],
    ),
    [
      'a repeated UpdateHistoryItemList',
      cpix('<cpix:UpdateHistoryItemList/><cpix:UpdateHistoryItemList/>'),
      at(
        'ERR_CPIX_DUPLICATE_ELEMENT',
        'Element UpdateHistoryItemList occurs more than once',
        '/CPIX/UpdateHistoryItemList',
      ),
    ],
    [
      'a repeated HDCPData',
      keys(`<cpix:ContentKey kid="${KID}"><cpix:HDCPData/><cpix:HDCPData/></cpix:ContentKey>`),
      at('ERR_CPIX_DUPLICATE_ELEMENT', 'Element HDCPData occurs more than once', `${KEY}/HDCPData`),
    ],
    [
      'a repeated Issuer',
      keys(`<cpix:ContentKey kid="${KID}"><cpix:Issuer>a</cpix:Issuer><cpix:Issuer>b</cpix:Issuer></cpix:ContentKey>`),
      at('ERR_CPIX_DUPLICATE_ELEMENT', 'Element Issuer occurs more than once', `${KEY}/Issuer`),
    ],
    [
      'a Secret with both values',
      keys(
        `<cpix:ContentKey kid="${KID}"><cpix:Data><pskc:Secret><pskc:PlainValue>QUJD</pskc:PlainValue>` +
          `<pskc:EncryptedValue>${CIPHER}</pskc:EncryptedValue></pskc:Secret></cpix:Data></cpix:ContentKey>`,
      ),
      at('ERR_CPIX_INVALID_SECRET', 'Secret has both PlainValue and EncryptedValue', `${KEY}/Data/Secret`),
    ],
    [
      'a repeated Description',
      delivery(`${CERTIFICATE}<cpix:Description>a</cpix:Description><cpix:Description>b</cpix:Description>`),
      at('ERR_CPIX_DUPLICATE_ELEMENT', 'Element Description occurs more than once', `${DATA}/Description`),
    ],
    [
      'a repeated SendingTime',
      delivery(`${CERTIFICATE}<cpix:SendingTime>a</cpix:SendingTime><cpix:SendingTime>b</cpix:SendingTime>`),
      at('ERR_CPIX_DUPLICATE_ELEMENT', 'Element SendingTime occurs more than once', `${DATA}/SendingTime`),
    ],
    [
      'two nested MAC keys',
      macKey(
        `<pskc:EncryptedValue>${CIPHER}</pskc:EncryptedValue><pskc:EncryptedValue>${CIPHER}</pskc:EncryptedValue>`,
      ),
      at(
        'ERR_CPIX_DUPLICATE_ELEMENT',
        'Element EncryptedValue occurs more than once',
        `${DATA}/MACMethod/Key/EncryptedValue`,
      ),
    ],
    [
      'a nested MAC key without CipherData',
      macKey('<pskc:EncryptedValue/>'),
      at(
        'ERR_CPIX_MISSING_ELEMENT',
        'Encrypted value has no readable CipherValue',
        `${DATA}/MACMethod/Key/EncryptedValue/CipherData`,
      ),
    ],
    [
      'an unknown playlist',
      cpix(
        `<cpix:DRMSystemList><cpix:DRMSystem kid="${KID}" systemId="${KID}"><cpix:HLSSignalingData playlist=" x ">QUJD</cpix:HLSSignalingData></cpix:DRMSystem></cpix:DRMSystemList>`,
      ),
      at(
        'ERR_CPIX_INVALID_ENUM',
        'playlist "x" is not media, master or multiVariant',
        '/CPIX/DRMSystemList/DRMSystem[1]/HLSSignalingData[1]/@playlist',
      ),
    ],
    [
      'a LabelFilter without label',
      rules('<cpix:LabelFilter label="a"/><cpix:LabelFilter/>'),
      at('ERR_CPIX_MISSING_ATTRIBUTE', 'Required attribute label is missing', `${RULE}/LabelFilter[2]/@label`),
    ],
    [
      'a BitrateFilter bound that is not a number',
      rules('<cpix:BitrateFilter minBitrate="1"/><cpix:BitrateFilter maxBitrate="x"/>'),
      at(
        'ERR_CPIX_INVALID_NUMBER',
        `Attribute maxBitrate must be an integer from 0 to ${Number.MAX_SAFE_INTEGER}`,
        `${RULE}/BitrateFilter[2]/@maxBitrate`,
      ),
    ],
  ])('%s', (_, xml, expected) => {
    expect(refusal(xml)).toStrictEqual(expected);
  });

  it.each(['updateVersion', 'index', 'source', 'date'])('in strict mode an UpdateHistoryItem without %s', (name) => {
    const all: Record<string, string> = { updateVersion: '1', index: 'i', source: 's', date: 'd' };
    delete all[name];
    const attributes = Object.entries(all)
      .map(([key, value]) => ` ${key}="${value}"`)
      .join('');
    const xml = cpix(`<cpix:UpdateHistoryItemList><cpix:UpdateHistoryItem${attributes}/></cpix:UpdateHistoryItemList>`);
    const path = '/CPIX/UpdateHistoryItemList/UpdateHistoryItem[1]';
    expect(refusal(xml, true)).toStrictEqual(
      at('ERR_CPIX_MISSING_ATTRIBUTE', `Required attribute ${name} is missing`, `${path}/@${name}`),
    );
    expect(parseCpix(xml).warnings).toStrictEqual([
      {
        code: 'INCOMPLETE_UPDATE_HISTORY_ITEM',
        path: `${path}/@${name}`,
        message: `UpdateHistoryItem without ${name} kept verbatim`,
      },
    ]);
  });
});

describe('parseCpix reads', () => {
  it('HDCPData without level, its undecodable data dropped at its path', () => {
    const { document, warnings } = parseCpix(
      keys(
        `<cpix:ContentKey kid="${KID}"><cpix:HDCPData><cpix:HDCPOutputProtectionData>!!</cpix:HDCPOutputProtectionData></cpix:HDCPData></cpix:ContentKey>`,
      ),
    );
    expect(document.contentKeyList!.contentKeys[0]!.hdcpData).toStrictEqual({});
    expect(warnings).toStrictEqual([
      {
        code: 'INVALID_BASE64',
        path: `${KEY}/HDCPData/HDCPOutputProtectionData`,
        message: 'Value is not base64 and was dropped',
      },
    ]);
  });

  it('an unknown child of Data as its extension, a KeyInfo child of DeliveryKey as other key info', () => {
    const { document, warnings } = parseCpix(
      delivery(
        '<cpix:DeliveryKey><ds:KeyName>n</ds:KeyName></cpix:DeliveryKey>' +
          '<cpix:DocumentKey><cpix:Data><x:d/></cpix:Data></cpix:DocumentKey>',
      ),
    );
    const data = document.deliveryDataList!.deliveryData[0]!;
    expect(data.deliveryKey).toStrictEqual({
      x509Certificates: [],
      otherKeyInfo: ['<ds:KeyName xmlns:ds="http://www.w3.org/2000/09/xmldsig#">n</ds:KeyName>'],
    });
    expect(data.documentKeys).toStrictEqual([{ data: { extensions: ['<x:d xmlns:x="urn:x"/>'] } }]);
    expect(warnings).toStrictEqual([]);
  });

  it('a request-side DeliveryData, with its warning', () => {
    expect(parseCpix(delivery(CERTIFICATE)).warnings).toStrictEqual([
      {
        code: 'DELIVERY_DATA_WITHOUT_DOCUMENT_KEY',
        path: DATA,
        message: 'DeliveryData holds only a DeliveryKey (request side)',
      },
    ]);
  });

  it('a nested MAC key, with its whole warning', () => {
    const { document, warnings } = parseCpix(macKey(`<pskc:EncryptedValue>${CIPHER}</pskc:EncryptedValue>`));
    expect(document.deliveryDataList!.deliveryData[0]!.macMethod).toStrictEqual({
      algorithm: 'urn:m',
      key: { cipherValue: ABC },
    });
    expect(warnings).toStrictEqual([
      {
        code: 'NESTED_MAC_KEY',
        path: `${DATA}/MACMethod/Key`,
        message:
          'MAC key inside pskc:EncryptedValue (as the AWS SPEKE reference server writes it) read; its ValueMAC is not kept',
      },
    ]);
  });

  it('a MAC key in the schema form next to a pskc:EncryptedValue as that key, the other child as its extension', () => {
    const { document } = parseCpix(macKey(`<pskc:EncryptedValue>${CIPHER}</pskc:EncryptedValue>${CIPHER}`));
    expect(document.deliveryDataList!.deliveryData[0]!.macMethod).toStrictEqual({
      algorithm: 'urn:m',
      key: {
        cipherValue: ABC,
        extensions: [
          `<pskc:EncryptedValue xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc" xmlns:enc="http://www.w3.org/2001/04/xmlenc#">${CIPHER}</pskc:EncryptedValue>`,
        ],
      },
    });
  });

  it('a playlist in another case, with its warning, and a trimmed boolean without one', () => {
    const { document, warnings } = parseCpix(
      cpix(
        `<cpix:DRMSystemList><cpix:DRMSystem kid="${KID}" systemId="${KID}"><cpix:HLSSignalingData playlist=" MEDIA ">QUJD</cpix:HLSSignalingData></cpix:DRMSystem></cpix:DRMSystemList>` +
          `<cpix:ContentKeyUsageRuleList><cpix:ContentKeyUsageRule kid="${KID}"><cpix:VideoFilter hdr=" true "/></cpix:ContentKeyUsageRule></cpix:ContentKeyUsageRuleList>`,
      ),
    );
    expect(document.drmSystemList!.drmSystems[0]!.hlsSignalingData).toStrictEqual([{ playlist: 'media', value: ABC }]);
    expect(document.contentKeyUsageRuleList!.contentKeyUsageRules[0]!.videoFilters).toStrictEqual([{ hdr: true }]);
    expect(warnings).toStrictEqual([
      {
        code: 'ENUM_CASE',
        path: '/CPIX/DRMSystemList/DRMSystem[1]/HLSSignalingData[1]/@playlist',
        message: 'playlist "MEDIA" read as media',
      },
    ]);
  });

  it('filters: a LabelFilter with its label, BitrateFilters with only the bounds given, list extensions', () => {
    const { document, warnings } = parseCpix(
      cpix(
        `<cpix:ContentKeyUsageRuleList><x:l/><cpix:ContentKeyUsageRule kid="${KID}"><cpix:LabelFilter label="a"/>` +
          '<cpix:BitrateFilter minBitrate="1"/><cpix:BitrateFilter/></cpix:ContentKeyUsageRule></cpix:ContentKeyUsageRuleList>',
      ),
    );
    expect(document.contentKeyUsageRuleList).toStrictEqual({
      extensions: ['<x:l xmlns:x="urn:x"/>'],
      contentKeyUsageRules: [{ kid: KID, labelFilters: [{ label: 'a' }], bitrateFilters: [{ minBitrate: 1 }, {}] }],
    });
    expect(warnings).toStrictEqual([]);
  });

  it('an UpdateHistoryItem without id, and one with its id', () => {
    const { document } = parseCpix(
      cpix(
        '<cpix:UpdateHistoryItemList><cpix:UpdateHistoryItem updateVersion="1" index="i" source="s" date="d"/>' +
          '<cpix:UpdateHistoryItem id="u" updateVersion="2" index="j" source="t" date="e"/></cpix:UpdateHistoryItemList>',
      ),
    );
    expect(document.updateHistoryItemList).toStrictEqual({
      updateHistoryItems: [
        { updateVersion: 1, index: 'i', source: 's', date: 'd' },
        { updateVersion: 2, index: 'j', source: 't', date: 'e', id: 'u' },
      ],
    });
  });
});
