import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../tooling/src/thrown.js';
import {
  type ContentKey,
  type CpixDocument,
  CpixError,
  type DeliveryData,
  type SerializeCpixOptions,
  serializeCpix,
} from './index.js';

// serializeCpix's refusals compared whole (code, message with its path, path), one document for
// each place that refuses, and what `keep` writes there instead.

const KID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const ABC = Uint8Array.from([0x41, 0x42, 0x43]);
const KEY = '/CPIX/ContentKeyList/ContentKey[1]';
const DATA = '/CPIX/DeliveryDataList/DeliveryData[1]';
const withKey = (key: Partial<ContentKey>): CpixDocument => ({
  contentKeyList: { contentKeys: [{ kid: KID, ...key }] },
});
const CERTIFIED = { x509Certificates: [ABC] };
const PLAIN_DOCUMENT_KEY = { data: { secret: { plainValue: ABC } } };
const withDelivery = (data: Partial<DeliveryData>): CpixDocument => ({
  deliveryDataList: { deliveryData: [{ deliveryKey: CERTIFIED, documentKeys: [PLAIN_DOCUMENT_KEY], ...data }] },
});

function refusal(document: CpixDocument, options: SerializeCpixOptions): Pick<CpixError, 'code' | 'message' | 'path'> {
  const { code, message, path } = thrownBy(() => serializeCpix(document, options), CpixError);
  return { code, message, path };
}

const at = (code: string, message: string, path?: string) => ({
  code,
  message: path === undefined ? message : `${message} (at ${path})`,
  path,
});
const notRepresentable = (what: string, path: string, version = '2.3') =>
  at('ERR_CPIX_NOT_REPRESENTABLE', `${what} cannot be written in CPIX ${version}`, path);

describe('serializeCpix refuses', () => {
  it.each<[string, CpixDocument, SerializeCpixOptions, ReturnType<typeof at>]>([
    [
      'an unknown version',
      {},
      { version: '3.0' as '2.3' },
      at('ERR_CPIX_INVALID_OPTION', 'Unsupported CPIX version to write: 3.0'),
    ],
    [
      'unknown attributes',
      withKey({ unknownAttributes: [{ localName: 'a', value: '1' }] }),
      { version: '2.3', unrepresentable: 'error' },
      notRepresentable('Unknown attributes', KEY),
    ],
    [
      'unknown attributes of HDCPData',
      withKey({ hdcpData: { unknownAttributes: [{ localName: 'a', value: '1' }] } }),
      { version: '2.4', unrepresentable: 'error' },
      notRepresentable('Unknown attributes', `${KEY}/HDCPData`, '2.4'),
    ],
    [
      'an unknown element in HDCPData',
      withKey({ hdcpData: { extensions: ['<cpix:X xmlns:cpix="urn:dashif:org:cpix"/>'] } }),
      { version: '2.4', unrepresentable: 'error' },
      notRepresentable('An extension element', `${KEY}/HDCPData`, '2.4'),
    ],
    [
      'HDCPData in 2.3',
      withKey({ hdcpData: {} }),
      { version: '2.3', unrepresentable: 'error' },
      at('ERR_CPIX_NOT_REPRESENTABLE', 'HDCPData does not exist in CPIX 2.3', `${KEY}/HDCPData`),
    ],
    [
      'a negative updateVersion',
      { contentKeyList: { updateVersion: -1, contentKeys: [{ kid: KID }] } },
      { version: '2.3' },
      at('ERR_CPIX_INVALID_NUMBER', `updateVersion must be an integer from 0 to ${Number.MAX_SAFE_INTEGER}, not -1`),
    ],
    [
      'a kid that is not a UUID',
      withKey({ kid: 'k' }),
      { version: '2.3' },
      at('ERR_CPIX_INVALID_KID', 'Value is not a UUID', `${KEY}/@kid`),
    ],
    [
      'an id that is not an XML id',
      withKey({ id: '1a' }),
      { version: '2.3', unrepresentable: 'error' },
      notRepresentable('id "1a" (not an XML id)', `${KEY}/@id`),
    ],
    [
      'a repeated id',
      { ...withKey({ id: 'a' }), id: 'a' },
      { version: '2.3', unrepresentable: 'error' },
      notRepresentable('Duplicate id "a"', `${KEY}/@id`),
    ],
    [
      'a DeliveryKey without certificate',
      withDelivery({ deliveryKey: { x509Certificates: [] } }),
      { version: '2.3', unrepresentable: 'error' },
      notRepresentable('A DeliveryKey without certificate', `${DATA}/DeliveryKey`),
    ],
    [
      'a DeliveryData without DocumentKey',
      withDelivery({ documentKeys: [] }),
      { version: '2.3', unrepresentable: 'error' },
      notRepresentable('A DeliveryData without DocumentKey', DATA),
    ],
    [
      'a second DocumentKey in 2.3',
      withDelivery({ documentKeys: [PLAIN_DOCUMENT_KEY, PLAIN_DOCUMENT_KEY] }),
      { version: '2.3', unrepresentable: 'error' },
      notRepresentable('More than one DocumentKey per DeliveryData', `${DATA}/DocumentKey[2]`),
    ],
    [
      'a SendingTime',
      withDelivery({ sendingTime: 't' }),
      { version: '2.3', unrepresentable: 'error' },
      notRepresentable('SendingTime', `${DATA}/SendingTime`),
    ],
    [
      'an encryptsKey that is not a UUID in 2.4',
      withDelivery({ documentKeys: [{ ...PLAIN_DOCUMENT_KEY, encryptsKey: 'k' }] }),
      { version: '2.4', unrepresentable: 'error' },
      notRepresentable('encryptsKey that is not a UUID', `${DATA}/DocumentKey[1]/@encryptsKey`, '2.4'),
    ],
    [
      'a DocumentKey without Data in 2.4',
      withDelivery({ documentKeys: [{}] }),
      { version: '2.4', unrepresentable: 'error' },
      at('ERR_CPIX_NOT_REPRESENTABLE', 'A 2.4 DocumentKey needs Data', `${DATA}/DocumentKey[1]`),
    ],
    [
      'a Secret without value',
      withKey({ data: { secret: {} } }),
      { version: '2.3', unrepresentable: 'error' },
      notRepresentable('A Secret without value', `${KEY}/Data/Secret`),
    ],
    [
      'a dependsOnKey that is not a UUID in 2.4',
      withKey({ dependsOnKey: 'k' }),
      { version: '2.4', unrepresentable: 'error' },
      notRepresentable('dependsOnKey that is not a UUID', `${KEY}/@dependsOnKey`, '2.4'),
    ],
    [
      'a long commonEncryptionScheme in 2.3',
      withKey({ commonEncryptionScheme: 'cbcs1' }),
      { version: '2.3', unrepresentable: 'error' },
      notRepresentable('commonEncryptionScheme "cbcs1"', `${KEY}/@commonEncryptionScheme`),
    ],
    [
      'a KeyPeriodFilter to a missing period',
      { contentKeyUsageRuleList: { contentKeyUsageRules: [{ kid: KID, keyPeriodFilters: [{ periodId: 'p' }] }] } },
      { version: '2.3' },
      at(
        'ERR_CPIX_DANGLING_REFERENCE',
        'KeyPeriodFilter refers to period "p", which is not in the document',
        '/CPIX/ContentKeyUsageRuleList/ContentKeyUsageRule[1]/KeyPeriodFilter[1]/@periodId',
      ),
    ],
    [
      'a KeyPeriodFilter to a missing period, with error',
      { contentKeyUsageRuleList: { contentKeyUsageRules: [{ kid: KID, keyPeriodFilters: [{ periodId: 'p' }] }] } },
      { version: '2.3', unrepresentable: 'error' },
      notRepresentable(
        'periodId "p" (no ContentKeyPeriod has this id)',
        '/CPIX/ContentKeyUsageRuleList/ContentKeyUsageRule[1]/KeyPeriodFilter[1]/@periodId',
      ),
    ],
    [
      'an empty list in 2.4',
      { updateHistoryItemList: { updateHistoryItems: [] } },
      { version: '2.4', unrepresentable: 'error' },
      at(
        'ERR_CPIX_NOT_REPRESENTABLE',
        'An empty UpdateHistoryItemList cannot be written in CPIX 2.4',
        '/CPIX/UpdateHistoryItemList',
      ),
    ],
    [
      'a third HLSSignalingData',
      {
        drmSystemList: {
          drmSystems: [
            {
              kid: KID,
              systemId: KID,
              hlsSignalingData: [{ playlist: 'media', value: ABC }, { playlist: 'master', value: ABC }, { value: ABC }],
            },
          ],
        },
      },
      { version: '2.3', unrepresentable: 'error' },
      notRepresentable(
        'A third HLSSignalingData, or a repeated playlist',
        '/CPIX/DRMSystemList/DRMSystem[1]/HLSSignalingData[3]',
      ),
    ],
    [
      'a character XML cannot carry',
      { contentId: 'a\u0001' },
      { version: '2.3' },
      at('ERR_CPIX_INVALID_CHARACTER', 'contentId holds a character XML cannot carry'),
    ],
    [
      'a prefix starting with xml',
      {},
      { version: '2.3', prefixes: { pskc: 'XMLp' } },
      at('ERR_CPIX_INVALID_OPTION', 'Prefix "XMLp" for pskc is not a usable, distinct prefix'),
    ],
    [
      'a namespace of an unknown attribute XML cannot carry',
      withKey({ unknownAttributes: [{ localName: 'a', value: '1', namespace: 'urn:\u0001' }] }),
      { version: '2.3', unrepresentable: 'keep' },
      at('ERR_CPIX_INVALID_CHARACTER', 'namespace holds a character XML cannot carry'),
    ],
    [
      'an extension that is not an element',
      { extensions: ['<a>'] },
      { version: '2.3' },
      at('ERR_CPIX_INVALID_EXTENSION', 'An extension is not a single well-formed XML element', '/CPIX'),
    ],
  ])('%s', (_, document, options, expected) => {
    expect(refusal(document, options)).toStrictEqual(expected);
  });
});

describe('serializeCpix writes', () => {
  const write = (document: CpixDocument, options: Partial<SerializeCpixOptions> = {}) =>
    serializeCpix(document, { version: '2.3', xmlDeclaration: false, ...options });
  const ROOT =
    '<cpix:CPIX xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc" version="2.3"';

  it('no unknown attributes when the list is empty, and no enc namespace without encrypted keys', () => {
    expect(write({ unknownAttributes: [] }, { unrepresentable: 'error' })).toBe(`${ROOT}/>\n`);
  });

  it('namespaced unknown attributes under their prefix, renamed where it is taken', () => {
    expect(
      write(
        withKey({
          unknownAttributes: [
            { localName: 'a', value: '1', namespace: 'urn:a' },
            { localName: 'b', value: '2', namespace: 'urn:b', prefix: 'cpix' },
            { localName: 'c', value: '3', namespace: 'urn:c', prefix: 'ns1' },
            { localName: 'd', value: '4', namespace: 'urn:a', prefix: 'ns' },
          ],
        }),
        { unrepresentable: 'keep' },
      ),
    ).toBe(
      `${ROOT}>\n  <cpix:ContentKeyList>\n` +
        `    <cpix:ContentKey kid="${KID}" xmlns:ns="urn:a" ns:a="1" xmlns:ns1="urn:b" ns1:b="2" xmlns:ns2="urn:c" ns2:c="3" ns:d="4"/>\n` +
        '  </cpix:ContentKeyList>\n</cpix:CPIX>\n',
    );
  });

  const documentKeyLines = [
    '      <cpix:DocumentKey>',
    '        <cpix:Data>',
    '          <pskc:Secret>',
    '            <pskc:PlainValue>QUJD</pskc:PlainValue>',
    '          </pskc:Secret>',
    '        </cpix:Data>',
    '      </cpix:DocumentKey>',
  ];

  it('a repeated id, other key info and a SendingTime when kept', () => {
    expect(
      write(
        {
          id: 'a',
          ...withDelivery({
            id: 'a',
            deliveryKey: {
              x509Certificates: [],
              otherKeyInfo: ['<ds:KeyName xmlns:ds="http://www.w3.org/2000/09/xmldsig#">n</ds:KeyName>'],
            },
            sendingTime: 't',
          }),
        },
        { unrepresentable: 'keep' },
      ),
    ).toBe(
      [
        '<cpix:CPIX xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:enc="http://www.w3.org/2001/04/xmlenc#" id="a" version="2.3">',
        '  <cpix:DeliveryDataList>',
        '    <cpix:DeliveryData id="a">',
        '      <cpix:DeliveryKey>',
        '        <ds:KeyName xmlns:ds="http://www.w3.org/2000/09/xmldsig#">n</ds:KeyName>',
        '      </cpix:DeliveryKey>',
        ...documentKeyLines,
        '      <cpix:SendingTime>t</cpix:SendingTime>',
        '    </cpix:DeliveryData>',
        '  </cpix:DeliveryDataList>',
        '</cpix:CPIX>',
        '',
      ].join('\n'),
    );
  });

  const delivery24 = (...documentKeys: string[]) =>
    [
      '<cpix:CPIX xmlns:cpix="urn:dashif:org:cpix" xmlns:pskc="urn:ietf:params:xml:ns:keyprov:pskc" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" xmlns:enc="http://www.w3.org/2001/04/xmlenc#" version="2.4">',
      '  <cpix:DeliveryDataList>',
      '    <cpix:DeliveryData>',
      '      <cpix:DeliveryKey>',
      '        <ds:X509Data>',
      '          <ds:X509Certificate>QUJD</ds:X509Certificate>',
      '        </ds:X509Data>',
      '      </cpix:DeliveryKey>',
      ...documentKeys,
      '    </cpix:DeliveryData>',
      '  </cpix:DeliveryDataList>',
      '</cpix:CPIX>',
      '',
    ].join('\n');

  it('in 2.4 a DocumentKey without encryptsKey, and one without Data unless refused', () => {
    const document = withDelivery({ documentKeys: [PLAIN_DOCUMENT_KEY, {}] });
    expect(write(withDelivery({}), { version: '2.4', unrepresentable: 'error' })).toBe(delivery24(...documentKeyLines));
    expect(write(document, { version: '2.4' })).toBe(delivery24(...documentKeyLines, '      <cpix:DocumentKey/>'));
  });

  it('a prefix that holds xml past its start', () => {
    expect(write({}, { prefixes: { pskc: 'axml' } })).toBe(
      '<cpix:CPIX xmlns:cpix="urn:dashif:org:cpix" xmlns:axml="urn:ietf:params:xml:ns:keyprov:pskc" version="2.3"/>\n',
    );
  });
});
