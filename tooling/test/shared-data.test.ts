import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  fromBase64,
  fromHex,
  schemaDir,
  seedFiles,
  seedDocument,
  seedSample,
  seedSamples,
  seedText,
  sharedDir,
  toHex,
  vectorCase,
  vectorCases,
} from '../src/shared-data.js';

const repositoryRoot = resolve(import.meta.dirname, '../..');

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the shared data directory', () => {
  it('is <repository root>/../shared unless CPIXKIT_SHARED says otherwise', () => {
    vi.stubEnv('CPIXKIT_SHARED', '');
    expect(sharedDir()).toBe(resolve(repositoryRoot, '..', 'shared'));
    const elsewhere = mkdtempSync(join(tmpdir(), 'cpixkit-shared-'));
    try {
      expect(sharedDir({ CPIXKIT_SHARED: elsewhere })).toBe(elsewhere);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it('names the missing path and how to fix it', () => {
    const missing = join(tmpdir(), 'cpixkit-no-such-shared-dir');
    expect(() => sharedDir({ CPIXKIT_SHARED: missing })).toThrow(
      `shared test data not found at ${missing}: put shared/ beside the repository checkout or set CPIXKIT_SHARED`,
    );
    vi.stubEnv('CPIXKIT_SHARED', missing);
    expect(() => schemaDir('2.3')).toThrow(missing);
  });
});

describe('vectors', () => {
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
});

describe('seeds and schemas', () => {
  it('reads the seed texts and cuts the CPIX samples out of them', () => {
    expect(seedFiles()[0]).toMatch(/^000_.*\.txt$/);
    expect(seedText('002')).toContain('SPEKE');
    const samples = seedSamples();
    expect(samples.map((s) => s.name)).toContain('002#1');
    for (const { xml } of samples) expect(xml).toMatch(/^(<\?xml|<cpix:CPIX)/);
    expect(seedSample('002#1')).toBe(samples.find((s) => s.name === '002#1')!.xml);
    expect(seedSample('002#1')).toMatch(/<\/cpix:CPIX>$/);
    expect(() => seedSample('999#1')).toThrow('seed sample 999#1 not found');
    expect(() => seedText('999')).toThrow('no seed file starting with 999');
  });

  it('names the seed documents by what they are, with the AWS samples\' element names restored', () => {
    expect(seedDocument('axinomSpekeV2Request')).toBe(seedSample('002#1'));
    const aws = seedDocument('awsLiveRequest');
    expect(seedSample('003#1')).toMatch(/<cpix:DRMSysList>/);
    expect(aws).toMatch(/<cpix:DRMSystemList>/);
    expect(aws).not.toMatch(/<\/?cpix:DRMSys(List)?\b/);
    expect(aws.replace(/(<\/?cpix:)DRMSystem(List)?\b/g, '$1DRMSys$2')).toBe(seedSample('003#1'));
  });

  it('has both CPIX schema versions', () => {
    for (const version of ['2.3', '2.4'] as const) expect(existsSync(join(schemaDir(version), 'cpix.xsd'))).toBe(true);
    expect(schemaDir()).toBe(join(sharedDir(), 'schema'));
  });
});
