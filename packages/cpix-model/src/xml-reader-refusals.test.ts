import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../tooling/src/thrown.js';
import { CpixError } from './errors.js';
import { readXml } from './xml-reader.js';

// readXml's refusals with their codes and whole messages (line and column included), and the
// boundaries next to them that it reads.

const LIMITS = { maxLength: 1_000_000, maxDepth: 48, maxElements: 1_000 };

function refusal(xml: string, limits = LIMITS): Pick<CpixError, 'code' | 'message'> {
  const { code, message } = thrownBy(() => readXml(xml, limits), CpixError);
  return { code, message };
}

const malformed = (message: string) => ({ code: 'ERR_CPIX_XML_MALFORMED', message });

describe('readXml refuses', () => {
  it.each([
    ['<r>&</r>', 'Bare "&" (not an entity reference) at line 1, column 4'],
    ['<r>&#x;</r>', 'Bare "&" (not an entity reference) at line 1, column 4'],
    ['<r>&#x110000;</r>', 'Invalid character reference &#x110000; at line 1, column 4'],
    ['<r>&#0;</r>', 'Invalid character reference &#0; at line 1, column 4'],
    ['<r>&#xD800;</r>', 'Invalid character reference &#xD800; at line 1, column 4'],
    ['<r>&#xDFFF;</r>', 'Invalid character reference &#xDFFF; at line 1, column 4'],
    ['<r>&#99999999999999999999;</r>', 'Invalid character reference &#99999999999999999999; at line 1, column 4'],
    ['<\u00bf/>', 'Invalid element name at line 1, column 1'],
    ['<\u00b7/>', 'Invalid element name at line 1, column 1'],
    ['<1/>', 'Invalid element name at line 1, column 1'],
    ['<a\u00bf/>', 'Malformed start tag <a> at line 1, column 3'],
    ['<r"/>', 'Malformed start tag <r> at line 1, column 3'],
    [
      '<r xmlns:a="http://www.w3.org/2000/xmlns/"/>',
      'No prefix is bound to http://www.w3.org/2000/xmlns/ at line 1, column 12',
    ],
    ['<r>', 'Element <r> is not closed at line 1, column 4'],
    ['', 'No root element at line 1, column 1'],
    ['<r><!--></r>', 'Unterminated comment at line 1, column 4'],
    ['<r><![CDATA[x</r>', 'Unterminated CDATA section at line 1, column 4'],
    ['<r><?pi </r>', 'Unterminated processing instruction at line 1, column 4'],
    ['<r/><s/>', 'A second root element at line 1, column 5'],
    ['<r></r x>', 'Malformed end tag at line 1, column 4'],
    ['<r a=b/>', 'Attribute a value is not quoted at line 1, column 6'],
    ['<r ="x"/>', 'Malformed attribute in <r> at line 1, column 4'],
    ['<r a="x/>', 'Unterminated value of attribute a at line 1, column 6'],
    ["<r a='x/>", 'Unterminated value of attribute a at line 1, column 6'],
    ['<r a/>', 'Attribute a has no value at line 1, column 5'],
    ['<r a:b="1"/>', 'Unbound prefix a: at line 1, column 1'],
  ])('%j', (xml, message) => {
    expect(refusal(xml)).toStrictEqual(malformed(message));
  });

  it('a DOCTYPE, and a document over the length limit', () => {
    expect(refusal('<!DOCTYPE r><r/>')).toStrictEqual({
      code: 'ERR_CPIX_DTD_FORBIDDEN',
      message: 'DOCTYPE and entity declarations are not accepted',
    });
    expect(refusal('<r/>', { ...LIMITS, maxLength: 3 })).toStrictEqual({
      code: 'ERR_CPIX_TOO_LARGE',
      message: 'Document of 4 characters exceeds the limit of 3',
    });
    expect(readXml('<r/>', { ...LIMITS, maxLength: 4 }).localName).toBe('r');
  });
});

describe('readXml reads', () => {
  it.each([
    ['&#x10FFFF;', '\u{10ffff}'],
    ['&#xD7FF;', '\ud7ff'],
    ['&#xE000;', '\ue000'],
  ])('the character reference %s at the edge of the allowed ranges', (reference, text) => {
    expect(readXml(`<r>${reference}</r>`, LIMITS).text).toBe(text);
  });

  it('names that start with U+00C0 and hold U+00B7, and single-quoted values', () => {
    expect(readXml('<\u00c0/>', LIMITS).localName).toBe('\u00c0');
    expect(readXml('<a\u00b7\u00c0/>', LIMITS).localName).toBe('a\u00b7\u00c0');
    expect(readXml("<r a='b'/>", LIMITS).attributes.map((a) => [a.localName, a.value])).toStrictEqual([['a', 'b']]);
  });
});
