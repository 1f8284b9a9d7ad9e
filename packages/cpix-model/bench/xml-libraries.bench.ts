import { XMLParser } from 'fast-xml-parser';
import { bench, describe } from 'vitest';
import { serializeCpix } from '../src/index.js';
import { readXml } from '../src/xml-reader.js';
import { readWithFastXmlParser, writeWithXmlBuilder2 } from '../test/oracles.js';
import { liveRotationDocument } from './live-document.js';

// Why cpix-model reads and writes XML with its own code rather than with fast-xml-parser and
// xmlbuilder2, the libraries the chosen stack names (and which its tests use as oracles): the same
// live answer (200 keys × Widevine, PlayReady, FairPlay, periods and rules) read into an element
// tree and written from the model by each.
const document = liveRotationDocument(200);
const xml = serializeCpix(document, { version: '2.3' });
const LIMITS = { maxLength: 64 * 1024 * 1024, maxDepth: 48, maxElements: 500_000 };
const orderedParser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
});

describe(`reading the live answer, 200 keys (${(xml.length / 1e6).toFixed(2)} MB)`, () => {
  bench('cpix-model reader: namespaces resolved, entities checked, source spans', () => {
    readXml(xml, LIMITS);
  });
  bench('fast-xml-parser: ordered tree, no namespaces', () => {
    orderedParser.parse(xml);
  });
  bench('fast-xml-parser: validated, ordered, namespaces resolved (the test oracle)', () => {
    readWithFastXmlParser(xml);
  });
});

describe('writing the live answer from the model, 200 keys', () => {
  bench('cpix-model serializeCpix 2.3', () => {
    serializeCpix(document, { version: '2.3' });
  });
  bench('xmlbuilder2 (the test oracle writer)', () => {
    writeWithXmlBuilder2(document);
  });
});
