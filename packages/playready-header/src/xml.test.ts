import { describe, expect, it } from 'vitest';
import { PlayReadyError } from './errors.js';
import { escapeAttribute, escapeText, parseXmlElement } from './xml.js';

/** Asserts that parsing `xml` fails with `malformed WRMHEADER XML: <message> (at character <at>)`. */
function expectMalformed(xml: string, message: string, at: number): void {
  try {
    parseXmlElement(xml);
  } catch (error) {
    expect(error).toBeInstanceOf(PlayReadyError);
    expect((error as PlayReadyError).code).toBe('ERR_PLAYREADY_INVALID_HEADER');
    expect((error as PlayReadyError).message).toBe(`malformed WRMHEADER XML: ${message} (at character ${at})`);
    return;
  }
  expect.unreachable('no error thrown');
}

const nested = (depth: number): string => '<a>'.repeat(depth) + '</a>'.repeat(depth);

describe('the WRMHEADER XML reader', () => {
  it('reads an element with its attributes, children, text and content offsets', () => {
    const source = `<A x="1" y='2'>t<B/>u<C z = "3" >v</C ></A>`;
    expect(parseXmlElement(source)).toStrictEqual({
      name: 'A',
      attributes: new Map([
        ['x', '1'],
        ['y', '2'],
      ]),
      children: [
        { name: 'B', attributes: new Map(), children: [], text: '', selfClosing: true, innerStart: 18, innerEnd: 18 },
        {
          name: 'C',
          attributes: new Map([['z', '3']]),
          children: [],
          text: 'v',
          selfClosing: false,
          innerStart: 33,
          innerEnd: 34,
        },
      ],
      text: 'tu',
      selfClosing: false,
      innerStart: 15,
      innerEnd: 39,
    });
  });

  it('resolves the five predefined entities in text and in attribute values', () => {
    const element = parseXmlElement(`<A v="&lt;&gt;&amp;&quot;&apos;">&lt;&gt;&amp;&quot;&apos;</A>`);
    expect(element.text).toBe(`<>&"'`);
    expect(element.attributes.get('v')).toBe(`<>&"'`);
  });

  it('resolves decimal and hexadecimal character references, up to U+10FFFF', () => {
    expect(parseXmlElement('<A>&#65;&#x42;&#x1F600;&#1114111;&#x9;</A>').text).toBe('AB\u{1F600}\u{10FFFF}\t');
    expect(parseXmlElement('<A v="&#x10FFFF;&#0000065;"></A>').attributes.get('v')).toBe('\u{10FFFF}A');
  });

  it.each([
    ['an unknown name', '&xxe;', '&xxe;'],
    ['a code point past U+10FFFF', '&#x110000;', '&#x110000;'],
    ['more than 6 hex digits', '&#x0000041;', '&#x0000041;'],
    ['more than 7 decimal digits', '&#00000065;', '&#00000065;'],
    ['an empty reference', '&#;', '&#;'],
    ['an upper-case X (XML writes &#x only)', '&#X43;', '&#X43;'],
    ['a name in front of a number', '&a#65;', '&a#65;'],
    ['a reference with a sign', '&#+65;', '&#+65;'],
  ])('refuses a reference to %s', (_, reference, quoted) => {
    expectMalformed(`<A>x${reference}</A>`, `unknown entity ${quoted}`, 3);
  });

  it.each(['&#0;', '&#x8;', '&#11;', '&#x1F;', '&#xD800;', '&#xDFFF;', '&#xFFFE;', '&#xFFFF;'])(
    'refuses %s, a reference to a character XML does not allow',
    (reference) => {
      expectMalformed(`<A>x${reference}</A>`, 'a character XML does not allow', 3);
    },
  );

  it('refuses a character XML does not allow written as it is, where it is', () => {
    expectMalformed('<A>ab\u0001</A>', 'a character XML does not allow', 5);
    expectMalformed('<A v="\uDC00"></A>', 'a character XML does not allow', 6);
    expect(parseXmlElement('<A>\u{1F600}&#xD;&#xA;&#xFFFD;&#x10000;</A>').text).toBe('\u{1F600}\r\n\uFFFD\u{10000}');
  });

  it('quotes no more than 16 characters of an unknown entity', () => {
    expectMalformed('<A>&abcdefghijklmnopqrstuvwxyz;</A>', 'unknown entity &abcdefghijklmnop;', 3);
  });

  it("refuses a '&' that starts no entity, in text and in an attribute", () => {
    expectMalformed('<A>a & b</A>', "'&' that does not start an entity", 3);
    expectMalformed('<A v="a&b"></A>', "'&' that does not start an entity", 6);
  });

  it('reads CDATA as text, markup and entities untouched, and refuses an unterminated one', () => {
    expect(parseXmlElement('<A>a<![CDATA[<b>&amp;]]]]>c</A>').text).toBe('a<b>&amp;]]c');
    expectMalformed('<A><![CDATA[x</A>', 'unterminated CDATA section', 3);
  });

  it('skips comments inside elements, before and after the root, and refuses an unterminated one', () => {
    const element = parseXmlElement('<!-- a --> <!----><A>x<!-- <B></B> -->y</A><!-- c -->\n');
    expect(element.text).toBe('xy');
    expect(element.children).toStrictEqual([]);
    expectMalformed('<A><!-- x</A>', 'unterminated comment', 3);
    expectMalformed('<A></A><!--->', 'unterminated comment', 7);
  });

  it('skips an XML declaration and a BOM before the root, and refuses an unterminated declaration', () => {
    expect(parseXmlElement('\uFEFF <?xml version="1.0" encoding="utf-8"?>\n<A>x</A>').text).toBe('x');
    expectMalformed('<?xml version="1.0"<A></A>', 'unterminated XML declaration', 0);
  });

  it('refuses DOCTYPE and processing instructions, before the root and inside it', () => {
    expectMalformed('<!DOCTYPE A><A></A>', 'DOCTYPE and processing instructions are not allowed', 0);
    expectMalformed('<?pi x?><A></A>', 'DOCTYPE and processing instructions are not allowed', 0);
    expectMalformed('<A><!ENTITY x "y"></A>', 'DOCTYPE and processing instructions are not allowed', 3);
    expectMalformed('<A><?pi x?></A>', 'DOCTYPE and processing instructions are not allowed', 3);
  });

  it('reads elements nested 65 deep (the root and 64 levels) and refuses 66', () => {
    let element = parseXmlElement(nested(65));
    for (let level = 1; level < 65; level++) element = element.children[0]!;
    expect(element.children).toStrictEqual([]);
    expectMalformed(nested(66), 'elements nested too deeply', 195);
  });

  it('refuses attributes it cannot read', () => {
    expectMalformed('<A x="1"y="2"></A>', 'expected whitespace before an attribute of <A>', 8);
    expectMalformed('<A x=1></A>', 'attribute x needs a quoted value', 5);
    expectMalformed('<A x="1></A>', 'unterminated value of attribute x', 5);
    expectMalformed('<A x="<"></A>', "'<' in the value of attribute x", 5);
    expectMalformed('<A x="1" x="2"></A>', 'duplicate attribute x on <A>', 11);
    expectMalformed('<A x></A>', "expected '='", 4);
    expectMalformed('<A ="1"></A>', 'expected a name', 3);
  });

  it('refuses elements it cannot read', () => {
    expectMalformed('', 'expected an element', 0);
    expectMalformed('text', 'expected an element', 0);
    expectMalformed('<A>', '<A> is not closed', 3);
    expectMalformed('<A></B>', '</B> closes <A>', 6);
    expectMalformed('<A></A', "expected '>'", 6);
    expectMalformed('<A x="1"', 'expected whitespace before an attribute of <A>', 8);
    expectMalformed('<A></A> x', 'content after the root element', 8);
    expectMalformed('<A></A><B></B>', 'content after the root element', 7);
    expectMalformed('<1></1>', 'expected a name', 1);
  });
});

describe('canonical escaping', () => {
  it('escapes text: &, <, > and carriage return, nothing else', () => {
    expect(escapeText(`a&b<c>d\re"f'g\th\ni`)).toBe(`a&amp;b&lt;c&gt;d&#xD;e"f'g\th\ni`);
  });

  it('escapes a double-quoted attribute value: &, <, ", tab, line feed and carriage return', () => {
    expect(escapeAttribute(`a&b<c>d"e'f\tg\nh\ri`)).toBe(`a&amp;b&lt;c>d&quot;e'f&#x9;g&#xA;h&#xD;i`);
  });
});
