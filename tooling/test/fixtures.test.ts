import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import * as sharedData from '../src/fixtures.js';
import {
  fromBase64,
  fromHex,
  schemaDir,
  seedDocument,
  seedFiles,
  seedSample,
  seedSamples,
  toHex,
  vectorCase,
  vectorCases,
  type VectorCase,
} from '../src/fixtures.js';

const repositoryRoot = resolve(import.meta.dirname, '../..');
const documentsDir = resolve(import.meta.dirname, '../fixtures/documents');
const documentText = (file: string): string => readFileSync(join(documentsDir, file), 'utf8');

describe('the shared data module', () => {
  it('reads only what the repository holds: no lookup of data beside the checkout', () => {
    expect(Object.keys(sharedData).sort()).toEqual([
      'fromBase64',
      'fromHex',
      'schemaDir',
      'seedDocument',
      'seedFiles',
      'seedSample',
      'seedSamples',
      'toHex',
      'vectorCase',
      'vectorCases',
    ]);
  });
});

describe('vectors', () => {
  const all = vectorCases(
    'playready_pssh',
    'widevine_pssh',
    'playready_checksum',
    'playready_key_seed',
    'cpix_content_protection_data',
    'hls_line',
    'fairplay_uri',
    'kid_encoding',
    'widevine_protection_scheme',
  );

  it('selects cases by kind and refuses an empty selection', () => {
    const boxes = vectorCases('playready_pssh', 'widevine_pssh');
    expect(boxes.length).toBeGreaterThan(0);
    expect(new Set(boxes.map((c) => c.kind))).toEqual(new Set(['playready_pssh', 'widevine_pssh']));
    expect(() => vectorCases('no_such_kind')).toThrow('no vectors of kind no_such_kind');
  });

  it('finds a case by name, checking its kind when given', () => {
    const seed = vectorCase('ms_test_key_seed_bytes');
    expect(seed.kind).toBe('playready_key_seed');
    expect(toHex(fromBase64(seed.inputs.key_seed_b64))).toBe(seed.expected.key_seed_hex);
    expect(() => vectorCase('ms_test_key_seed_bytes', 'widevine_pssh')).toThrow(
      'no vector named ms_test_key_seed_bytes of kind widevine_pssh',
    );
    expect(() => vectorCase('no_such_case')).toThrow('no vector named no_such_case');
  });

  it('converts hex both ways', () => {
    expect(fromHex('00ff10')).toEqual(Uint8Array.of(0, 255, 16));
    expect(toHex(Uint8Array.of(0, 255, 16))).toBe('00ff10');
  });

  it('holds cases of every kind, each named once, each with inputs and expected values', () => {
    expect(all).toHaveLength(24);
    expect(new Set(all.map((c) => c.name)).size).toBe(all.length);
    for (const c of all) {
      expect(Object.keys(c.inputs).length, c.name).toBeGreaterThan(0);
      expect(Object.keys(c.expected).length, c.name).toBeGreaterThan(0);
    }
  });

  it('says where every value comes from in a few words', () => {
    const seedCase = (c: VectorCase): boolean => c.origin === 'seed';
    for (const c of all.filter(seedCase)) {
      expect(c.source, c.name).toEqual({
        document: expect.any(String),
        seed_file: expect.stringMatching(/^00[0-4]$/),
        where: expect.any(String),
      });
    }
    for (const c of all.filter((c) => !seedCase(c))) {
      expect(c.source.references?.length, c.name).toBeGreaterThan(0);
      for (const reference of c.source.references!) expect(reference.commit).toMatch(/^[0-9a-f]{40}$/);
    }
  });

  it('names, for a seed PSSH box, fixture documents that carry it byte for byte', () => {
    const boxes = vectorCases<string>('playready_pssh', 'widevine_pssh').filter((c) =>
      /\.xml \/ DRMSystem \w+ \/ PSSH$/.test(c.source.where ?? ''),
    );
    expect(boxes.length).toBeGreaterThanOrEqual(6);
    for (const c of boxes) {
      const files = c.source.where!.split(' / ')[0]!.split(', ');
      for (const file of files) {
        expect(seedFiles(), c.name).toContain(file);
        expect(documentText(file), `${c.name} in ${file}`).toContain(`<cpix:PSSH>${c.expected.pssh_b64}</cpix:PSSH>`);
      }
    }
  });

  it('names only documents and files the repository has', () => {
    for (const c of all) {
      for (const path of c.source.where?.match(/[\w./-]+\.(xml|json)\b/g) ?? []) {
        if (path.endsWith('.xml')) expect(seedFiles(), c.name).toContain(path);
        else expect(existsSync(join(repositoryRoot, path)), `${c.name}: ${path}`).toBe(true);
      }
    }
  });
});

describe('fixture documents', () => {
  it('are named by the index, each file, and every name of the index is a file', () => {
    expect(readdirSync(documentsDir).sort()).toEqual(seedFiles());
  });

  it('are well-formed XML (libxml2), except the damaged copies, which are not', async () => {
    for (const file of seedFiles()) {
      const { valid, errors } = await validateXML({
        xml: [{ fileName: file, contents: documentText(file) }],
        normalization: 'format',
      });
      expect({ file, valid }, errors.map((error) => error.message).join('\n')).toEqual({
        file,
        valid: !file.endsWith('-damaged.xml'),
      });
    }
  }, 60_000);

  it("carry no comments: the vendors' remarks are not ours to copy", () => {
    for (const file of seedFiles()) expect(documentText(file), file).not.toContain('<!--');
  });

  it('find every published sample by seed and ordinal', () => {
    const names = seedSamples().map((sample) => sample.name);
    expect(names).toEqual([
      ...['000', '001'].flatMap((seed) => Array.from({ length: 9 }, (_, index) => `${seed}#${index + 1}`)),
      ...['002#1', '002#2', '002#3', '002#4', '003#1', '003#2', '003#3', '003#4', '004#1', '004#2'],
    ]);
    for (const { name, xml } of seedSamples()) expect(seedSample(name)).toBe(xml);
    expect(seedSample('002#1')).toBe(seedDocument('axinomSpekeV2Request'));
    expect(() => seedSample('999#1')).toThrow('seed sample 999#1 not found');
  });

  it("keep the AWS spec's DRMSysList/DRMSys only in the requests named so, which are otherwise the same requests", () => {
    for (const [spec, misspelt, sample] of [
      ['awsLiveRequest', 'awsLiveRequestDrmSysList', '003#1'],
      ['awsVodRequest', 'awsVodRequestDrmSysList', '003#3'],
    ] as const) {
      const written = seedDocument(spec);
      const printed = seedDocument(misspelt);
      expect(seedSample(sample)).toBe(printed);
      expect(written).toMatch(/<cpix:DRMSystemList>[\s\S]*<cpix:DRMSystem kid=/);
      expect(written).not.toMatch(/<\/?cpix:DRMSys(List)?\b/);
      expect(printed).toMatch(/<cpix:DRMSysList>[\s\S]*<cpix:DRMSys kid=/);
      expect(printed.replace(/(<\/?cpix:)DRMSys(List)?\b/g, '$1DRMSystem$2')).toBe(written);
    }
    expect(seedDocument('awsLiveResponse')).toMatch(/<cpix:DRMSystemList>/);
  });
});

describe('CPIX schemas', () => {
  const versions = ['2.3', '2.4'] as const;
  const files = ['cpix.xsd', 'pskc.xsd', 'xenc-schema.xsd', 'xmldsig-core-schema.xsd'];

  it('are in third_party/, both versions with their imports', () => {
    expect(schemaDir()).toBe(join(repositoryRoot, 'third_party', 'dash-if-cpix-schema'));
    for (const version of versions) {
      expect(schemaDir(version)).toBe(join(schemaDir(), version));
      expect(readdirSync(schemaDir(version)).sort()).toEqual(files);
    }
  });

  it('are the unmodified copies whose digests the README lists', () => {
    const listed = [
      ...readFileSync(join(schemaDir(), 'README.md'), 'utf8').matchAll(/^([0-9a-f]{64}) {2}(\S+)$/gm),
    ].map(([, digest, path]) => `${digest} ${path}`);
    const actual = versions.flatMap((version) =>
      files.map(
        (file) =>
          `${createHash('sha256')
            .update(readFileSync(join(schemaDir(version), file)))
            .digest('hex')} ${version}/${file}`,
      ),
    );
    expect(listed).toEqual(actual);
  });
});
