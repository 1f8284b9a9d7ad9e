import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../tooling/src/thrown.js';
import { CpixError, parseCpix } from '../src/index.js';

// What parseCpix reads past, compared whole: every warning with its code, path and message, what
// is kept of unknown attributes, and the refusals of values it cannot read, with their messages;
// in strict mode the first warning is a refusal.

const KID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const FILTER = 'hdr="TRUE" minPixels=" 5 "';
const XML =
  `<cpix:CPIX xmlns:cpix="urn:dashif:org:cpix" xmlns:x="urn:x" id="1abc" contentId="c">` +
  `<cpix:DRMSystemList><cpix:DRMSystem kid="${KID}" systemId="${KID}"><cpix:PSSH a="1">QUJD</cpix:PSSH>` +
  `<cpix:URIExtXKey>QUJDRB=</cpix:URIExtXKey><cpix:HLSSignalingData playlist="media">!!</cpix:HLSSignalingData>` +
  `</cpix:DRMSystem></cpix:DRMSystemList><cpix:ContentKeyList>` +
  `<cpix:ContentKey kid="${KID}" foo="1" x:bar="2" commonEncryptionScheme="CBCS"/></cpix:ContentKeyList>` +
  `<cpix:ContentKeyUsageRuleList><cpix:ContentKeyUsageRule kid="${KID}"><cpix:VideoFilter ${FILTER}/>` +
  `</cpix:ContentKeyUsageRule></cpix:ContentKeyUsageRuleList><cpix:Mystery/><x:ok/></cpix:CPIX>`;
const RULE = '/CPIX/ContentKeyUsageRuleList/ContentKeyUsageRule[1]/VideoFilter[1]';

describe('parseCpix, leniently', () => {
  it('reports each thing it read past, in document order', () => {
    expect(parseCpix(XML).warnings).toStrictEqual([
      { code: 'ID_NOT_NCNAME', path: '/CPIX/@id', message: 'Attribute id "1abc" is not an XML id (NCName)' },
      { code: 'IGNORED_ATTRIBUTE', path: '/CPIX/DRMSystemList/DRMSystem[1]/PSSH/@a', message: 'Attribute a ignored' },
      {
        code: 'NON_CANONICAL_BASE64',
        path: '/CPIX/DRMSystemList/DRMSystem[1]/URIExtXKey',
        message: 'Base64 value is not canonical (padding or trailing bits); decoded leniently',
      },
      {
        code: 'INVALID_BASE64',
        path: '/CPIX/DRMSystemList/DRMSystem[1]/HLSSignalingData[1]',
        message: 'Value is not base64 and was dropped',
      },
      {
        code: 'CHILD_ORDER',
        path: '/CPIX',
        message: 'Children are not in schema order (ContentKeyList after DRMSystemList)',
      },
      {
        code: 'UNKNOWN_ATTRIBUTE',
        path: '/CPIX/ContentKeyList/ContentKey[1]/@foo',
        message: 'Unknown attribute foo kept',
      },
      {
        code: 'ENUM_CASE',
        path: '/CPIX/ContentKeyList/ContentKey[1]/@commonEncryptionScheme',
        message: 'commonEncryptionScheme "CBCS" read as cbcs',
      },
      { code: 'ENUM_CASE', path: `${RULE}/@hdr`, message: 'Attribute hdr "TRUE" read as true' },
      { code: 'UNKNOWN_ELEMENT', path: '/CPIX/Mystery', message: 'Unknown element Mystery kept as an extension' },
    ]);
  });

  it('keeps unknown attributes, a namespaced one with its namespace and prefix, and reads trimmed numbers', () => {
    const { document } = parseCpix(XML);
    expect(document.contentKeyList).toStrictEqual({
      contentKeys: [
        {
          kid: KID,
          commonEncryptionScheme: 'cbcs',
          unknownAttributes: [
            { localName: 'foo', value: '1' },
            { localName: 'bar', value: '2', namespace: 'urn:x', prefix: 'x' },
          ],
        },
      ],
    });
    expect(document.contentKeyUsageRuleList!.contentKeyUsageRules[0]!.videoFilters).toStrictEqual([
      { hdr: true, minPixels: 5 },
    ]);
    expect(document.drmSystemList!.drmSystems[0]!.uriExtXKey).toStrictEqual(Uint8Array.from(Buffer.from('ABCD')));
  });

  it.each([
    ['hdr="yes"', 'ERR_CPIX_INVALID_BOOLEAN', `Attribute hdr must be true or false (at ${RULE}/@hdr)`],
    [
      'minPixels="-1"',
      'ERR_CPIX_INVALID_NUMBER',
      `Attribute minPixels must be an integer from 0 to 9007199254740991 (at ${RULE}/@minPixels)`,
    ],
    [
      'minPixels="1.5"',
      'ERR_CPIX_INVALID_NUMBER',
      `Attribute minPixels must be an integer from 0 to 9007199254740991 (at ${RULE}/@minPixels)`,
    ],
    [
      'minPixels="9007199254740992"',
      'ERR_CPIX_INVALID_NUMBER',
      `Attribute minPixels must be an integer from 0 to 9007199254740991 (at ${RULE}/@minPixels)`,
    ],
  ])('refuses %s', (filter, code, message) => {
    const error = thrownBy(() => parseCpix(XML.replace(FILTER, filter)), CpixError);
    expect([error.code, error.message]).toStrictEqual([code, message]);
  });

  it.each([
    ['hdr="0" minPixels="0"', { hdr: false, minPixels: 0 }],
    ['hdr="1" minPixels="9007199254740991"', { hdr: true, minPixels: 9007199254740991 }],
    ['hdr="false"', { hdr: false }],
  ])('reads %s', (filter, expected) => {
    expect(
      parseCpix(XML.replace(FILTER, filter)).document.contentKeyUsageRuleList!.contentKeyUsageRules[0]!.videoFilters,
    ).toStrictEqual([expected]);
  });

  it('refuses the first thing it would read past in strict mode, naming its path', () => {
    const error = thrownBy(() => parseCpix(XML, { strict: true }), CpixError);
    expect([error.code, error.message, error.path]).toStrictEqual([
      'ERR_CPIX_ID_NOT_NCNAME',
      'Attribute id "1abc" is not an XML id (NCName) (at /CPIX/@id)',
      '/CPIX/@id',
    ]);
  });
});
