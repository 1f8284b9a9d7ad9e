import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../tooling/src/thrown.js';
import { CpixError, parseCpix } from '../src/index.js';

// parseCpix's limits at their boundary: a document exactly at each limit is read, one step past it
// is refused with the code and the whole message.

const ROOT = 'xmlns:cpix="urn:dashif:org:cpix"';
const nested = (depth: number) =>
  `<cpix:CPIX ${ROOT}>${'<x:a xmlns:x="urn:x">'.repeat(depth - 1)}${'</x:a>'.repeat(depth - 1)}</cpix:CPIX>`;
const flat = (elements: number) => `<cpix:CPIX ${ROOT}>${'<x:a xmlns:x="urn:x"/>'.repeat(elements - 1)}</cpix:CPIX>`;

function refusal(xml: string | Uint8Array, options: Parameters<typeof parseCpix>[1]): [string, string] {
  const error = thrownBy(() => parseCpix(xml, options), CpixError);
  return [error.code, error.message];
}

describe('parseCpix limits', () => {
  it('reads a document of exactly maxBytes characters or bytes, and refuses one more', () => {
    const text = flat(1);
    expect(parseCpix(text, { maxBytes: text.length }).warnings).toStrictEqual([]);
    expect(refusal(text, { maxBytes: text.length - 1 })).toStrictEqual([
      'ERR_CPIX_TOO_LARGE',
      `Document of ${text.length} characters exceeds the limit of ${text.length - 1}`,
    ]);
    const bytes = new Uint8Array(Buffer.from(text));
    expect(parseCpix(bytes, { maxBytes: bytes.length }).warnings).toStrictEqual([]);
    expect(refusal(bytes, { maxBytes: bytes.length - 1 })).toStrictEqual([
      'ERR_CPIX_TOO_LARGE',
      `Document of ${bytes.length} bytes exceeds the limit of ${bytes.length - 1}`,
    ]);
  });

  it('reads elements nested exactly maxDepth deep, and refuses one level more', () => {
    expect(parseCpix(nested(4), { maxDepth: 4 }).document.extensions).toHaveLength(1);
    expect(refusal(nested(5), { maxDepth: 4 })).toStrictEqual([
      'ERR_CPIX_TOO_DEEP',
      'Elements nest deeper than 4 levels',
    ]);
  });

  it('reads exactly maxElements elements, and refuses one more', () => {
    expect(parseCpix(flat(50), { maxElements: 50 }).document.extensions).toHaveLength(49);
    expect(refusal(flat(51), { maxElements: 50 })).toStrictEqual([
      'ERR_CPIX_TOO_MANY_ELEMENTS',
      'Document has more than 50 elements',
    ]);
  });

  it('reads 48 levels by default, and refuses one more', () => {
    expect(parseCpix(nested(48)).document.extensions).toHaveLength(1);
    expect(refusal(nested(49), {})).toStrictEqual(['ERR_CPIX_TOO_DEEP', 'Elements nest deeper than 48 levels']);
  });

  it('refuses input that is neither text nor bytes', () => {
    expect(refusal(42 as never, {})).toStrictEqual([
      'ERR_CPIX_INVALID_INPUT',
      'parseCpix expects a string or a Uint8Array',
    ]);
  });
});
