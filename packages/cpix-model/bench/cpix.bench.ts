import { XMLParser } from 'fast-xml-parser';
import { bench, describe } from 'vitest';
import { parseCpix, serializeCpix } from '../src/index.js';
import { liveRotationDocument } from './live-document.js';

// A live key-rotation answer: 1,000 content keys × Widevine, PlayReady and FairPlay, with periods
// and usage rules (about 4.8 MB of XML).
const document = liveRotationDocument(1000);
const xml = serializeCpix(document, { version: '2.3' });
const bytes = new TextEncoder().encode(xml);
// The floor: a general-purpose parser's raw tree of the same text, without namespaces, base64 or model.
const rawParser = new XMLParser({ ignoreAttributes: false, parseTagValue: false, parseAttributeValue: false });

describe(`live rotation document, 1,000 keys × 3 DRM systems (${(xml.length / 1e6).toFixed(1)} MB)`, () => {
  bench('fast-xml-parser raw parse (floor)', () => {
    rawParser.parse(xml);
  });
  bench('parseCpix (string)', () => {
    parseCpix(xml);
  });
  bench('parseCpix (UTF-8 bytes)', () => {
    parseCpix(bytes);
  });
  bench('serializeCpix 2.3', () => {
    serializeCpix(document, { version: '2.3' });
  });
});
