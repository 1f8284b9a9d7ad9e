import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCpix, serializeCpix } from '../src/index.js';
import { cpixDocument } from './arbitraries.js';
import { validateManyAgainstXsd } from './xsd.js';

describe.each(['2.3', '2.4'] as const)('round trip, CPIX %s', (version) => {
  it('parse(serialize(document)) is the document, read without a single warning', () => {
    fc.assert(
      fc.property(cpixDocument({ version, unrepresentable: false }), (document) => {
        const xml = serializeCpix(document, { version });
        expect(parseCpix(xml, { strict: true }).document).toEqual(document);
      }),
      { numRuns: 200 },
    );
  }, 60_000);

  it("keeps unknown elements and attributes anywhere with unrepresentable: 'keep'", () => {
    fc.assert(
      fc.property(cpixDocument({ version, unrepresentable: true }), (document) => {
        const xml = serializeCpix(document, { version, unrepresentable: 'keep' });
        expect(parseCpix(xml).document).toEqual(document);
      }),
      { numRuns: 200 },
    );
  }, 60_000);

  // xmllint compiles the schemas on every run, so the schema checks validate a batch of generated
  // documents in one run instead of shrinking one by one.
  it.each([
    ['writes schema-valid documents', false],
    ['leaves out what the schema cannot hold, so the output is still valid', true],
  ])(
    '%s',
    async (_, unrepresentable) => {
      const seed = Date.now();
      const documents = fc.sample(cpixDocument({ version, unrepresentable }), { numRuns: 80, seed });
      const results = await validateManyAgainstXsd(
        documents.map((document) => serializeCpix(document, { version })),
        version,
      );
      const failures = results.flatMap((result, index) =>
        result.valid ? [] : [{ seed, index, errors: result.errors }],
      );
      expect(failures).toEqual([]);
    },
    120_000,
  );
});
