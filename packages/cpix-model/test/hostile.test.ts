import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { documentedErrorCodes } from '../../../tooling/src/error-codes.js';
import { expectAnswerOrDocumentedError } from '../../../tooling/src/fuzz-outcome.js';
import { CpixError, parseCpix, type ParseCpixOptions, validateCpix } from '../src/index.js';

const CPIX = 'xmlns:cpix="urn:dashif:org:cpix"';

function refusal(input: string | Uint8Array, options?: ParseCpixOptions): string {
  try {
    parseCpix(input, options);
  } catch (error) {
    expect(error).toBeInstanceOf(CpixError);
    return (error as CpixError).code;
  }
  throw new Error('the input was accepted');
}

describe('hostile input', () => {
  it.each([
    ['a DOCTYPE', `<!DOCTYPE cpix:CPIX><cpix:CPIX ${CPIX}/>`],
    [
      'an external entity',
      `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><cpix:CPIX ${CPIX} id="&xxe;"/>`,
    ],
    [
      'a billion laughs',
      `<!DOCTYPE l [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><cpix:CPIX ${CPIX} name="&b;"/>`,
    ],
    ['a lower-case doctype', `<!doctype cpix:CPIX><cpix:CPIX ${CPIX}/>`],
  ])('refuses %s before parsing', (_, xml) => {
    expect(refusal(xml)).toBe('ERR_CPIX_DTD_FORBIDDEN');
    expect(refusal(new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, 'utf16le')])))).toBe(
      'ERR_CPIX_DTD_FORBIDDEN',
    );
  });

  it('refuses an entity it does not know (no DTD, so only the five predefined ones exist)', () => {
    expect(refusal(`<cpix:CPIX ${CPIX} name="&xxe;"/>`)).toBe('ERR_CPIX_XML_MALFORMED');
    expect(refusal(`<cpix:CPIX ${CPIX} name="&#0;"/>`)).toBe('ERR_CPIX_XML_MALFORMED');
  });

  it('refuses namespace confusion: xml rebound, xmlns declared, either namespace bound elsewhere', () => {
    const XML_NS = 'http://www.w3.org/XML/1998/namespace';
    expect(refusal(`<cpix:CPIX ${CPIX} xmlns:xml="urn:evil"/>`)).toBe('ERR_CPIX_XML_MALFORMED');
    expect(refusal(`<cpix:CPIX ${CPIX} xmlns:xmlns="urn:evil"/>`)).toBe('ERR_CPIX_XML_MALFORMED');
    expect(refusal(`<cpix:CPIX ${CPIX} xmlns:x="${XML_NS}"/>`)).toBe('ERR_CPIX_XML_MALFORMED');
    expect(refusal(`<cpix:CPIX ${CPIX} xmlns="${XML_NS}"/>`)).toBe('ERR_CPIX_XML_MALFORMED');
    expect(refusal(`<cpix:CPIX ${CPIX} xmlns:x="http://www.w3.org/2000/xmlns/"/>`)).toBe('ERR_CPIX_XML_MALFORMED');
    // Declaring xml with its own namespace is allowed.
    expect(parseCpix(`<cpix:CPIX ${CPIX} xmlns:xml="${XML_NS}"/>`).document).toBeDefined();
  });

  it('reads one byte order mark and refuses a second, or any non-XML space outside the root', () => {
    const xml = Buffer.from(`<cpix:CPIX ${CPIX}/>`);
    const bom = Buffer.from([0xef, 0xbb, 0xbf]);
    expect(parseCpix(new Uint8Array(Buffer.concat([bom, xml]))).document).toBeDefined();
    expect(refusal(new Uint8Array(Buffer.concat([bom, bom, xml])))).toBe('ERR_CPIX_XML_MALFORMED');
    const utf16 = Buffer.from(`\uFEFF<cpix:CPIX ${CPIX}/>`, 'utf16le');
    expect(refusal(new Uint8Array(Buffer.concat([Buffer.from([0xff, 0xfe]), utf16])))).toBe('ERR_CPIX_XML_MALFORMED');
    expect(refusal(`<cpix:CPIX ${CPIX}/>\u00a0`)).toBe('ERR_CPIX_XML_MALFORMED');
  });

  it('refuses deep nesting without exhausting the stack', () => {
    const depth = 100_000;
    const xml = `<cpix:CPIX ${CPIX}>${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}</cpix:CPIX>`;
    expect(refusal(xml)).toBe('ERR_CPIX_TOO_DEEP');
    expect(refusal(`<cpix:CPIX ${CPIX}>${'<a>'.repeat(5)}${'</a>'.repeat(5)}</cpix:CPIX>`, { maxDepth: 4 })).toBe(
      'ERR_CPIX_TOO_DEEP',
    );
  });

  it('refuses documents past the size limit, before decoding', () => {
    const big = `<cpix:CPIX ${CPIX} name="${'x'.repeat(2048)}"/>`;
    expect(refusal(big, { maxBytes: 1024 })).toBe('ERR_CPIX_TOO_LARGE');
    expect(refusal(new Uint8Array(2048), { maxBytes: 1024 })).toBe('ERR_CPIX_TOO_LARGE');
  });

  it('refuses documents with more elements than allowed', () => {
    const many = `<cpix:CPIX ${CPIX}>${'<x/>'.repeat(100)}</cpix:CPIX>`;
    expect(refusal(many, { maxElements: 50 })).toBe('ERR_CPIX_TOO_MANY_ELEMENTS');
  });

  it.each([
    ['an unclosed root', `<cpix:CPIX ${CPIX}><cpix:ContentKeyList>`],
    ['mismatched tags', `<cpix:CPIX ${CPIX}><a></b></cpix:CPIX>`],
    ['an unbound prefix', '<cpix:CPIX/>'],
    ['two roots', `<cpix:CPIX ${CPIX}/><cpix:CPIX ${CPIX}/>`],
    ['a duplicate attribute', `<cpix:CPIX ${CPIX} id="a" id="b"/>`],
    ['the same attribute through two prefixes', `<cpix:CPIX ${CPIX} xmlns:a="urn:x" xmlns:b="urn:x" a:v="1" b:v="2"/>`],
    ['an unquoted attribute', `<cpix:CPIX ${CPIX} id=a/>`],
    ['"<" in an attribute', `<cpix:CPIX ${CPIX} id="<"/>`],
    ['a bare ampersand', `<cpix:CPIX ${CPIX}>a & b</cpix:CPIX>`],
    ['text after the root', `<cpix:CPIX ${CPIX}/>trailing`],
    ['an empty document', ''],
    ['an unterminated comment', `<cpix:CPIX ${CPIX}><!-- </cpix:CPIX>`],
  ])('refuses malformed XML: %s', (_, xml) => {
    expect(refusal(xml)).toBe('ERR_CPIX_XML_MALFORMED');
  });

  it('reads any input to a document that validates without failing, or a documented CpixError', () => {
    const documentedCodes = documentedErrorCodes(join(import.meta.dirname, '..'));
    const fragments = fc.constantFrom(
      '<cpix:CPIX xmlns:cpix="urn:dashif:org:cpix">',
      '</cpix:CPIX>',
      '<cpix:ContentKeyList>',
      '</cpix:ContentKeyList>',
      '<cpix:ContentKey kid="98ee5596-cd3e-a20d-163a-e382420c6eff"/>',
      '<cpix:DRMSystem systemId="x" kid="y">',
      '<cpix:PSSH>AAAA</cpix:PSSH>',
      '<![CDATA[',
      ']]>',
      '<!--',
      '-->',
      '<?pi?>',
      '&amp;',
      '&#x41;',
      '"',
      '=',
      ' ',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.array(fc.oneof(fragments, fc.string({ maxLength: 3 }))).map((parts) => parts.join('')),
        ),
        (xml) => {
          expectAnswerOrDocumentedError(
            () => parseCpix(xml),
            CpixError,
            documentedCodes,
            ({ document, warnings }) => {
              for (const warning of warnings) expect(warning.path).toMatch(/^\/CPIX/);
              for (const problem of validateCpix(document)) expect(problem.path).toMatch(/^\/CPIX/);
            },
          );
        },
      ),
      { numRuns: 2000 },
    );
  });
});
