import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { documentedErrorCodes } from '../../../tooling/src/error-codes.js';
import { seedSamples } from '../../../tooling/src/fixtures.js';
import { expectDocumentedError } from '../../../tooling/src/fuzz-outcome.js';
import { caseBody, fuzzCase, parseSample, type FuzzCase } from '../../../reliability/support/xml-mutations.js';
import { CpixError, decodeCpixText, encryptContentKeys, serializeCpix } from '../src/index.js';
import { liveRotationDocument } from '../bench/live-document.js';
import { cpixDocument } from './arbitraries.js';
import { cryptoFixtures } from './crypto-fixtures.js';
import { fullDocument23, fullDocument24 } from './documents.js';
import {
  readWithFastXmlParser,
  readWithOurs,
  withoutIndentation,
  writeWithXmlBuilder2,
  type InfosetElement,
  type Reading,
} from './oracles.js';

/**
 * Our XML reader and writer against the libraries the chosen stack names (fast-xml-parser,
 * xmlbuilder2), used here as independent oracles: on every document both readers give the same
 * infoset or both refuse it, and both writers give the same infoset for the same model.
 */

/**
 * What fast-xml-parser's validator lets through although XML 1.0 and Namespaces in XML forbid
 * it; our reader refuses these, and only these, where fast-xml-parser reads a tree.
 */
const STRICTER_THAN_FAST_XML_PARSER: { rule: RegExp; example: string }[] = [
  { rule: /^Undeclared entity &/, example: '<r>&nbsp;</r>' }, // fast-xml-parser decodes HTML entities
  { rule: /^Invalid character reference/, example: '<r>&#0;</r>' },
  { rule: /^"<" in the value of attribute/, example: '<r a="x<y"/>' },
  { rule: /^Only the prefix xml is bound/, example: '<r xmlns:xml="urn:x"/>' },
  { rule: /^The prefix xmlns cannot be declared/, example: '<r xmlns:xmlns="urn:x"/>' },
  { rule: /^Empty namespace for prefix/, example: '<r xmlns:p=""/>' },
  { rule: /^Duplicate attribute \{/, example: '<r xmlns:a="u" xmlns:b="u" a:x="1" b:x="2"/>' }, // a duplicate only once resolved
  { rule: /^Text after the root element/, example: '<r/>tail' },
  { rule: /^Text outside the root element/, example: '\uFEFF\uFEFF<r/>'.slice(1) }, // a byte order mark after the one the decoder takes
  { rule: /^CDATA outside the root element/, example: '<![CDATA[x]]><r/>' },
  { rule: /^DOCTYPE and entity declarations are not accepted/, example: '<!DOCTYPE r><r/>' },
];

/** Attribute values with XML's attribute-value normalization applied (fast-xml-parser does not normalize). */
function normalizedAttributes(element: InfosetElement): InfosetElement {
  return {
    ...element,
    attributes: element.attributes.map((attribute) => attribute.replace(/[\t\n\r]/g, ' ')),
    children: element.children.map(normalizedAttributes),
  };
}

function compare(text: string): 'same' | 'both refuse' | 'we refuse' {
  const ours = readWithOurs(text);
  const theirs: Reading = readWithFastXmlParser(text);
  if ('infoset' in ours && 'infoset' in theirs) {
    expect(normalizedAttributes(ours.infoset)).toEqual(normalizedAttributes(theirs.infoset));
    return 'same';
  }
  if ('refused' in ours && 'refused' in theirs) return 'both refuse';
  if ('refused' in ours) {
    expect(
      STRICTER_THAN_FAST_XML_PARSER.some(({ rule }) => rule.test(ours.refused)),
      `we refuse, fast-xml-parser reads: ${ours.refused}`,
    ).toBe(true);
    return 'we refuse';
  }
  throw new Error(`fast-xml-parser refuses (${'refused' in theirs ? theirs.refused : ''}) what we read`);
}

/**
 * Both infoset conversions recurse, and so does fast-xml-parser: mutations nesting thousands deep
 * (which the reliability fuzzer sends to the server) exhaust the stack here, not in our reader.
 */
function shallowEnough(fuzz: FuzzCase): boolean {
  return fuzz.tree.every((mutation) => mutation.op !== 'nest' || mutation.depth <= 500);
}

describe('reading: our reader and fast-xml-parser agree', () => {
  it.each(STRICTER_THAN_FAST_XML_PARSER)(
    'refuses what XML forbids and fast-xml-parser reads: $example',
    ({ rule, example }) => {
      expect(compare(example)).toBe('we refuse');
      expect((readWithOurs(example) as { refused: string }).refused).toMatch(rule);
    },
  );

  it('refuses with fast-xml-parser what both see as malformed', () => {
    for (const malformed of ['<r>a & b</r>', 'head<r/>', '<r/><s/>', '<1r/>', '<r><s></r>', '<r a="1" a="2"/>', '<r'])
      expect(compare(malformed), malformed).toBe('both refuse');
  });

  it('on every seed sample', () => {
    const samples = seedSamples();
    expect(samples.length).toBeGreaterThan(20);
    const outcomes = samples.map((sample) => compare(decodeCpixText(sample.xml)));
    expect(outcomes.filter((outcome) => outcome === 'same').length).toBeGreaterThan(samples.length / 2);
  });

  it('on the test documents, the live answer and generated documents, in 2.3 and 2.4', () => {
    for (const version of ['2.3', '2.4'] as const) {
      for (const document of [fullDocument23(), fullDocument24(), liveRotationDocument(20)]) {
        expect(compare(serializeCpix(document, { version, unrepresentable: 'keep' }))).toBe('same');
      }
      fc.assert(
        fc.property(cpixDocument({ version, unrepresentable: true }), (document) => {
          expect(compare(serializeCpix(document, { version, unrepresentable: 'keep' }))).toBe('same');
        }),
        { numRuns: 100 },
      );
    }
  }, 60_000);

  it('on a fuzzed stream of mutations of the seed requests: the same infoset, or both refuse', () => {
    const bases = seedSamples()
      .filter((sample) => Object.hasOwn(readWithOurs(sample.xml), 'infoset'))
      .map((sample) => parseSample(sample.xml));
    const counts = { same: 0, 'both refuse': 0, 'we refuse': 0, undecodable: 0 };
    const documentedCodes = documentedErrorCodes(join(import.meta.dirname, '..'));
    fc.assert(
      fc.property(fuzzCase(bases.length, 1).filter(shallowEnough), (fuzz) => {
        let text: string;
        try {
          text = decodeCpixText(new Uint8Array(caseBody(bases[fuzz.base]!, fuzz)));
        } catch (error) {
          expectDocumentedError(error, CpixError, documentedCodes);
          counts.undecodable += 1; // refused before any XML is read
          return;
        }
        counts[compare(text)] += 1;
      }),
      { numRuns: 300 },
    );
    console.log(`[cpix-model] reader vs fast-xml-parser on 300 mutations: ${JSON.stringify(counts)}`);
    expect(counts.same).toBeGreaterThan(0);
  }, 120_000);
});

describe('writing: serializeCpix and xmlbuilder2 give the same infoset', () => {
  const infoset = (xml: string): InfosetElement => {
    const reading = readWithFastXmlParser(xml);
    if (!('infoset' in reading)) throw new Error(`not well formed: ${reading.refused}`);
    return withoutIndentation(reading.infoset);
  };

  it('for live rotation answers, clear and encrypted for two recipients', () => {
    const fx = cryptoFixtures();
    for (const keys of [1, 3, 25]) {
      const clear = liveRotationDocument(keys);
      const encrypted = encryptContentKeys(clear, { recipients: [fx.pem('recipient1'), fx.pem('recipient2')] });
      for (const document of [clear, encrypted]) {
        expect(infoset(serializeCpix(document, { version: '2.3' }))).toEqual(infoset(writeWithXmlBuilder2(document)));
      }
    }
  }, 60_000);

  it('refuses to compare a field the xmlbuilder2 writer does not write', () => {
    expect(() => writeWithXmlBuilder2({ ...liveRotationDocument(1), name: 'not written by the oracle' })).toThrow(
      /does not write CPIX name/,
    );
  });
});
