import { describe, expect, it } from 'vitest';
import { parseCpix } from './index.js';
import { rawElementXml, readXml } from './xml-reader.js';

// How parseCpix keeps an element verbatim: with the declarations of the prefixes it uses, found
// however far up they were declared, and the default namespace it inherits.

const KID = '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const UNRELATED = Array.from({ length: 10 }, (_, i) => ` xmlns:u${i}="urn:u${i}"`).join('');

describe('parseCpix keeps an element verbatim', () => {
  it('with an inherited default namespace', () => {
    const { document } = parseCpix(
      `<CPIX xmlns="urn:dashif:org:cpix"><ContentKeyList><ContentKey kid="${KID}"><Policy><a/></Policy></ContentKey></ContentKeyList></CPIX>`,
    );
    expect(document.contentKeyList!.contentKeys[0]!.policy).toBe('<Policy xmlns="urn:dashif:org:cpix"><a/></Policy>');
  });

  it('with prefixes declared under many unrelated declarations, the same for each element that uses them', () => {
    const { document } = parseCpix(
      `<cpix:CPIX xmlns:cpix="urn:dashif:org:cpix" xmlns:x="urn:x" xmlns:y="urn:y"${UNRELATED}>` +
        '<x:a/><x:b y:c="1"/><cpix:ContentKeyList xmlns:z="urn:z"><x:d/><z:e/></cpix:ContentKeyList><y:f xmlns:x="urn:x2"><x:g/></y:f></cpix:CPIX>',
    );
    expect(document.extensions).toStrictEqual([
      '<x:a xmlns:x="urn:x"/>',
      '<x:b xmlns:x="urn:x" xmlns:y="urn:y" y:c="1"/>',
      '<y:f xmlns:y="urn:y" xmlns:x="urn:x2"><x:g/></y:f>',
    ]);
    expect(document.contentKeyList!.extensions).toStrictEqual(['<x:d xmlns:x="urn:x"/>', '<z:e xmlns:z="urn:z"/>']);
  });

  it('with every inherited binding, each once and the innermost, for a signature', () => {
    const source = '<r xmlns:a="urn:1" xmlns:b="urn:b"><s xmlns:a="urn:2"><t/></s></r>';
    const t = readXml(source, { maxLength: 1_000, maxDepth: 8, maxElements: 8 }).children[0]!.children[0]!;
    expect(rawElementXml(source, t, 'all')).toBe('<t xmlns:b="urn:b" xmlns:a="urn:2" xmlns=""/>');
  });
});
