import { describe, expect, it } from 'vitest';
import { MAX_DECLARATIONS_PER_DOCUMENT, MAX_DECLARATIONS_PER_ELEMENT, readXml } from './xml-reader.js';

const LIMITS = { maxLength: 1_000_000, maxDepth: 48, maxElements: 1_000 };

function message(xml: string): string {
  try {
    readXml(xml, LIMITS);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the input was accepted');
}

describe('readXml', () => {
  it('refuses a duplicate attribute among few attributes and among many', () => {
    const names = (count: number) => Array.from({ length: count }, (_, i) => ` a${i}="${i}"`).join('');
    expect(message(`<r${names(3)} a1="x"/>`)).toBe('Duplicate attribute a1 at line 1, column 28');
    expect(message(`<r${names(20)} a3="x"/>`)).toMatch(/^Duplicate attribute a3 /);
    expect(message(`<r${names(20)} a17="x"/>`)).toMatch(/^Duplicate attribute a17 /);
    expect(readXml(`<r${names(20)}/>`, LIMITS).attributes.map((a) => a.value)).toEqual(
      Array.from({ length: 20 }, (_, i) => String(i)),
    );
  });

  it('reads an XML declaration only at the very start', () => {
    expect(message('<?pi x?><?xml version="1.0"?><r/>')).toBe(
      'An XML declaration is allowed only at the start of the document at line 1, column 9',
    );
    expect(message('<r/>\n<?XML version="1.0"?>')).toMatch(/^An XML declaration is allowed only at the start/);
    expect(readXml('<?xml version="1.0"?><r/>', LIMITS).localName).toBe('r');
    expect(readXml('<?xml-stylesheet href="a"?><r/>', LIMITS).localName).toBe('r');
  });

  it('says which end tag does not match, or that none was expected', () => {
    expect(message('<a><b></a></b>')).toBe('End tag </a> does not match <b> at line 1, column 7');
    expect(message('<a><b></bb></a>')).toBe('End tag </bb> does not match <b> at line 1, column 7');
    expect(message('<a><bb></b></a>')).toBe('End tag </b> does not match <bb> at line 1, column 8');
    expect(message('<a></ a>')).toBe('Unexpected end tag at line 1, column 4');
    expect(message('<a/></a>')).toBe('Unexpected end tag at line 1, column 5');
    expect(readXml('<a><b></b  ></a >', LIMITS).children[0]!.end).toBe(12);
  });

  it('gives a known namespace as the very string it was given', () => {
    const known = 'urn:dashif:org:cpix';
    const declared = `urn:dashif:${'org'}:cpix`.split('').join('');
    const root = readXml(`<c:CPIX xmlns:c="${declared}"><c:A/></c:CPIX>`, LIMITS, [known]);
    expect(root.namespace).toBe(known);
    expect(Object.is(root.children[0]!.namespace, known)).toBe(true);
    expect(readXml('<c:CPIX xmlns:c="urn:other"/>', LIMITS, [known]).namespace).toBe('urn:other');
  });

  it("joins an element's text around children, comments and CDATA, decoded", () => {
    const root = readXml('<a>one &amp; <b>x</b>two<!-- no --><![CDATA[<three>]]>&#33;</a>', LIMITS);
    expect(root.text).toBe('one & two<three>!');
    expect(root.children[0]!.text).toBe('x');
  });

  it('resolves prefixes through long chains of declarations', () => {
    const declarations = Array.from({ length: 50 }, (_, i) => ` xmlns:p${i}="urn:p${i}"`).join('');
    const root = readXml(`<r${declarations}><p0:a p1:x="1" p49:y="2"/><p25:b/></r>`, LIMITS);
    expect(root.children.map((c) => c.namespace)).toEqual(['urn:p0', 'urn:p25']);
    expect(root.children[0]!.attributes.map((a) => a.namespace)).toEqual(['urn:p1', 'urn:p49']);
    expect(message(`<r${declarations}><q:a/></r>`)).toMatch(/^Unbound prefix q: /);
  });

  it('scopes declarations to their element: siblings and later elements do not see them, inner ones shadow outer ones', () => {
    const root = readXml(
      '<r xmlns:p="urn:outer"><a xmlns:p="urn:inner" p:x="1"><p:b/></a><p:c/><d xmlns:q="urn:q"/><e/></r>',
      LIMITS,
    );
    const [a, c] = root.children;
    expect(a!.attributes[0]!.namespace).toBe('urn:inner');
    expect(a!.children[0]!.namespace).toBe('urn:inner');
    expect(c!.namespace).toBe('urn:outer');
    expect(message('<r><d xmlns:q="urn:q"/><q:e/></r>')).toMatch(/^Unbound prefix q: /);
    expect(
      readXml('<r xmlns="urn:d"><a xmlns=""><b/></a><c/></r>', LIMITS).children.map((child) => child.namespace),
    ).toEqual([undefined, 'urn:d']);
  });

  it(`refuses more than ${MAX_DECLARATIONS_PER_ELEMENT} declarations on one element`, () => {
    const declarations = (count: number) =>
      Array.from({ length: count }, (_, i) => ` xmlns:p${i}="urn:p${i}"`).join('');
    expect(readXml(`<r${declarations(MAX_DECLARATIONS_PER_ELEMENT)}/>`, LIMITS).declarations).toBe(
      MAX_DECLARATIONS_PER_ELEMENT,
    );
    expect(() => readXml(`<r${declarations(MAX_DECLARATIONS_PER_ELEMENT + 1)}/>`, LIMITS)).toThrow(
      expect.objectContaining({
        code: 'ERR_CPIX_TOO_LARGE',
        message: `<r> declares more than ${MAX_DECLARATIONS_PER_ELEMENT} namespaces`,
      }),
    );
  });

  it(`refuses more than ${MAX_DECLARATIONS_PER_DOCUMENT} declarations in one document`, () => {
    const element = (d: number) => `<e${Array.from({ length: 128 }, (_, i) => ` xmlns:p${d}x${i}="u"`).join('')}/>`;
    const count = MAX_DECLARATIONS_PER_DOCUMENT / 128;
    expect(
      readXml(`<r>${Array.from({ length: count }, (_, d) => element(d)).join('')}</r>`, LIMITS).children,
    ).toHaveLength(count);
    expect(() =>
      readXml(`<r xmlns:q="u">${Array.from({ length: count }, (_, d) => element(d)).join('')}</r>`, LIMITS),
    ).toThrow(
      expect.objectContaining({
        code: 'ERR_CPIX_TOO_LARGE',
        message: `The document declares more than ${MAX_DECLARATIONS_PER_DOCUMENT} namespaces`,
      }),
    );
  });

  it('reads many declarations and prefixed names in linear time (a chain walk per lookup is quadratic)', () => {
    // 15 nested elements each declaring 250 prefixes; below them 120 elements, each declaring one
    // more (so that no lookup cache is shared) and using 250 of the outer ones: 30,000 lookups. The
    // control is the same document with unprefixed attributes of the same length, timed in the same
    // run, so load and instrumentation slow both alike; walking the chain would multiply it by hundreds.
    const depth = 15;
    const width = 250;
    let open = '';
    let close = '';
    for (let d = 0; d < depth; d += 1) {
      open += `<e${Array.from({ length: width }, (_, i) => ` xmlns:p${d}x${i}="u${d}x${i}"`).join('')}>`;
      close += '</e>';
    }
    const document = (separator: string) => {
      const uses = Array.from({ length: 120 }, (_, k) => {
        const d = k % depth;
        return `<u xmlns:z="z${k}"${Array.from({ length: width }, (_, i) => ` p${d}x${i}${separator}a=""`).join('')}/>`;
      }).join('');
      return `<r>${open}${uses}${close}</r>`;
    };
    const limits = { maxLength: 10_000_000, maxDepth: 200, maxElements: 1_000 };
    const leastCpuMs = (xml: string) => {
      let least = Number.POSITIVE_INFINITY;
      for (let run = 0; run < 2; run += 1) {
        const started = process.cpuUsage();
        readXml(xml, limits);
        const used = process.cpuUsage(started);
        least = Math.min(least, (used.user + used.system) / 1000);
      }
      return least;
    };
    const prefixed = document(':');
    const control = document('_');
    expect(control.length).toBe(prefixed.length);
    let innermost = readXml(prefixed, limits);
    while (innermost.children.length === 1) innermost = innermost.children[0]!;
    expect(innermost.children).toHaveLength(120);
    expect(innermost.children.at(-1)!.attributes.at(-1)!.namespace).toBe(`u${119 % depth}x${width - 1}`);
    expect(leastCpuMs(prefixed)).toBeLessThan(3 * leastCpuMs(control) + 30);
  }, 30_000);
});
