import { describe, expect, it } from 'vitest';
import { cpixkit, cpixkitJson } from './run.js';
import { vectorCase, vectorCases } from '../../../tooling/src/fixtures.js';

/** Microsoft's public PlayReady test key seed (vectors.json `ms_test_key_seed_bytes`). */
const TEST_KEY_SEED = String(vectorCase('ms_test_key_seed_bytes').inputs.key_seed_b64);

describe('cpixkit playready header', () => {
  for (const c of vectorCases('playready_pssh')) {
    it(`rebuilds ${c.name}: WRMHEADER, PRO and pssh box`, () => {
      const flags = [
        'playready',
        'header',
        '--kid',
        String(c.inputs.kid),
        '--key',
        String(c.inputs.key_hex),
        '--header-version',
        String(c.inputs.wrmheader_version),
        '--la-url',
        String(c.inputs.la_url),
      ];
      if (typeof c.inputs.custom_attributes_xml === 'string')
        flags.push('--custom-attributes', c.inputs.custom_attributes_xml);
      const json = cpixkitJson<Record<string, unknown>>([...flags, '--json']);
      expect(json).toEqual({
        version: c.inputs.wrmheader_version,
        keys: [{ kid: c.inputs.kid, guid: expect.any(String), algId: 'AESCTR', checksum: c.expected.checksum_b64 }],
        wrmHeader: c.expected.wrmheader_xml,
        pro: c.expected.pro_b64,
        pssh: c.expected.pssh_b64,
      });
      expect(cpixkit([...flags, '--output', 'wrmheader']).stdout).toBe(`${String(c.expected.wrmheader_xml)}\n`);
      expect(cpixkit([...flags, '--output', 'pro']).stdout).toBe(`${String(c.expected.pro_b64)}\n`);
      expect(cpixkit([...flags, '--output', 'pssh', '--hex']).stdout).toBe(
        `${Buffer.from(String(c.expected.pssh_b64), 'base64').toString('hex')}\n`,
      );
    });
  }

  it('writes the KID in GUID byte order', () => {
    const kids = vectorCase('kid_representations', 'kid_encoding');
    const json = cpixkitJson<{ keys: Array<{ guid: string }> }>([
      'playready',
      'header',
      '--kid',
      'cbbc38b6b50dab53f8263e06b7382aa3',
      '--json',
    ]);
    expect(json.keys[0]!.guid).toBe(kids.expected.cbbc38b6_wrmheader_value);
  });

  it("derives the CHECKSUM from a key seed: the header specification's 4.0 example", () => {
    const c = vectorCase('ms_header_spec_4_0_example_checksum_via_test_key_seed', 'playready_checksum');
    const json = cpixkitJson<{ keys: Array<{ checksum: string }> }>(
      ['playready', 'header', '--kid', String(c.inputs.kid), '--key-seed', 'env:TEST_SEED', '--json'],
      { env: { TEST_SEED: TEST_KEY_SEED } },
    );
    expect(json.keys[0]!.checksum).toBe(c.expected.checksum_b64);
  });

  it('picks the header version: 4.0 for one key, 4.2 for several, 4.3 for AESCBC (without CHECKSUM)', () => {
    const one = cpixkitJson<{ version: string }>([
      'playready',
      'header',
      '--kid',
      '12ea753c-23e7-bc02-4474-b2b976c43beb',
      '--json',
    ]);
    expect(one.version).toBe('4.0.0.0');
    const two = cpixkitJson<{ version: string; keys: unknown[] }>([
      'playready',
      'header',
      '--kid',
      '12ea753c-23e7-bc02-4474-b2b976c43beb,6bac8ec3-0ee3-379f-3d21-290b3a2bc9c3',
      '--json',
    ]);
    expect(two.version).toBe('4.2.0.0');
    expect(two.keys).toHaveLength(2);
    const cbc = cpixkitJson<{ version: string; keys: Array<Record<string, string>> }>([
      'playready',
      'header',
      '--kid',
      '12ea753c-23e7-bc02-4474-b2b976c43beb',
      '--algid',
      'AESCBC',
      '--key-seed',
      TEST_KEY_SEED,
      '--json',
    ]);
    expect(cbc.version).toBe('4.3.0.0');
    expect(cbc.keys[0]).toEqual({
      kid: '12ea753c-23e7-bc02-4474-b2b976c43beb',
      guid: 'PHXqEucjArxEdLK5dsQ76w==',
      algId: 'AESCBC',
    });
  });

  it('prints the three forms with labels by default', () => {
    const run = cpixkit(['playready', 'header', '--kid', '12ea753c-23e7-bc02-4474-b2b976c43beb']);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^WRMHEADER:\n<WRMHEADER .*<\/WRMHEADER>\nPlayReady Object \(base64\):\n\S+\nPSSH box v0 \(base64\):\n\S+\n$/,
    );
  });

  it('exits 1 without a KID or with a bad version, 2 on a bad key, never echoing it', () => {
    expect(cpixkit(['playready', 'header']).status).toBe(1);
    expect(
      cpixkit(['playready', 'header', '--kid', '12ea753c-23e7-bc02-4474-b2b976c43beb', '--header-version', '5']).status,
    ).toBe(1);
    const badKey = cpixkit([
      'playready',
      'header',
      '--kid',
      '12ea753c-23e7-bc02-4474-b2b976c43beb',
      '--key',
      'c2VjcmV0LWtleQ==',
    ]);
    expect(badKey.status).toBe(2);
    expect(badKey.stderr).toMatch(/ERR_CLI_INVALID_INPUT: --key 1 must be 16 bytes/);
    expect(badKey.stderr).not.toContain('c2VjcmV0LWtleQ==');
    const version41 = cpixkit([
      'playready',
      'header',
      '--kid',
      '12ea753c-23e7-bc02-4474-b2b976c43beb,6bac8ec3-0ee3-379f-3d21-290b3a2bc9c3',
      '--header-version',
      '4.1',
    ]);
    expect(version41.status).toBe(2);
    expect(version41.stderr).toMatch(/ERR_PLAYREADY_INVALID_HEADER/);
  });
});

describe('cpixkit keys derive', () => {
  const known = vectorCase('keyseed_azure_ams_sdk_known_good', 'playready_key_seed');
  const kid = String(known.inputs.kid);
  const keyB64 = String(known.expected.key_b64);
  const keyHex = Buffer.from(keyB64, 'base64').toString('hex');

  it("derives Microsoft's known-good key, shown only with --show-keys", () => {
    const shown = cpixkitJson([
      'keys',
      'derive',
      '--key-seed',
      String(known.inputs.key_seed_b64),
      '--kid',
      kid,
      '--show-keys',
      '--json',
    ]);
    expect(shown).toEqual({ keys: [{ kid, key: { hex: keyHex, base64: keyB64 }, checksum: expect.any(String) }] });
    const hidden = cpixkit(['keys', 'derive', '--key-seed', String(known.inputs.key_seed_b64), '--kid', kid, '--json']);
    expect(hidden.status).toBe(0);
    expect(JSON.parse(hidden.stdout)).toEqual({
      keys: [{ kid, key: { hex: '****', base64: '****' }, checksum: expect.any(String) }],
    });
    expect(hidden.stdout).not.toContain(keyHex);
  });

  it('prints a table with the PlayReady checksum, the seed read from a file or the environment', () => {
    const c = vectorCase('ms_header_spec_4_0_example_checksum_via_test_key_seed', 'playready_checksum');
    const run = cpixkit(['keys', 'derive', '--key-seed', 'env:SEED', '--kid', String(c.inputs.kid), '--show-keys'], {
      env: { SEED: TEST_KEY_SEED },
    });
    expect(run.status).toBe(0);
    const [header, row] = run.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^KID\s+KEY \(hex\)\s+KEY \(base64\)\s+CHECKSUM$/);
    expect(row!.split(/\s+/)).toEqual([
      String(c.inputs.kid),
      String(c.expected.derived_key_hex),
      Buffer.from(String(c.expected.derived_key_hex), 'hex').toString('base64'),
      String(c.expected.checksum_b64),
    ]);
  });

  it('exits 1 without a seed, 2 on a short seed, never echoing the seed', () => {
    expect(cpixkit(['keys', 'derive', '--kid', kid]).status).toBe(1);
    expect(cpixkit(['keys', 'derive', '--key-seed', 'env:UNSET_SEED_VARIABLE', '--kid', kid]).status).toBe(1);
    const short = cpixkit(['keys', 'derive', '--key-seed', 'c2hvcnRzZWVk', '--kid', kid]);
    expect(short.status).toBe(2);
    expect(short.stderr).toMatch(/ERR_KEY_SEED_TOO_SHORT/);
    expect(short.stderr).not.toContain('c2hvcnRzZWVk');
  });
});
