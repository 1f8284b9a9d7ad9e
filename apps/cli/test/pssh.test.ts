import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePsshBox, encodeWidevinePsshData, parsePsshBox, WIDEVINE_SYSTEM_ID } from '@cpixkit/pssh';
import { describe, expect, it } from 'vitest';
import { initSegment, mediaSegment } from './mp4.js';
import { cpixkit, cpixkitJson, tempDir } from './run.js';
import { vectorCase, vectorCases } from '../../../tooling/src/fixtures.js';

interface DecodeJson {
  input: { origin: string; format: string };
  boxes: Array<
    Record<string, unknown> & { offset: number; systemName: string | null; error?: { code: string; offset?: number } }
  >;
  payloads: Array<Record<string, unknown> & { systemName: string | null }>;
}

const widevineLive = vectorCase('pallycon_dash_live_widevine_pssh', 'widevine_pssh');
const playreadyLive = vectorCase('pallycon_dash_live_playready_pssh', 'playready_pssh');
const widevineBox = String(widevineLive.expected.pssh_b64);
const playreadyBox = String(playreadyLive.expected.pssh_b64);
const bytes = (base64: string): Buffer => Buffer.from(base64, 'base64');
const dir = tempDir();

describe('cpixkit pssh decode', () => {
  it('prints a Widevine box in the layout of pssh-box.py', () => {
    const run = cpixkit(['pssh', 'decode', widevineBox]);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(
      [
        'PSSH Box v0',
        '  System ID: Widevine edef8ba9-79d6-4ace-a3c8-27dcd51d21ed',
        '  PSSH Data (size: 72):',
        '    Widevine Data:',
        '      Algorithm: AESCTR',
        '      Key IDs (1):',
        '        6bac8ec3-0ee3-379f-3d21-290b3a2bc9c3',
        '      Provider: inkaentworks',
        '      Content ID: 637069782D746573742D63696430303030303030303030303030303830 ("cpix-test-cid0000000000000080")',
        '      Track Type: HD',
        '      Crypto Period Index: 128',
        '',
      ].join('\n'),
    );
  });

  it('prints the PlayReady header XML and its fields', () => {
    const run = cpixkit(['pssh', 'decode', playreadyBox]);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('  System ID: PlayReady 9a04f079-9840-4286-ab92-e65be0885f95\n');
    expect(run.stdout).toContain('      Record (size 802):\n        Record Type: Rights Management Header (1)\n');
    expect(run.stdout).toContain(`          ${String(playreadyLive.expected.wrmheader_xml)}\n`);
    expect(run.stdout).toContain('        6bac8ec3-0ee3-379f-3d21-290b3a2bc9c3 ALGID=AESCTR CHECKSUM=6ibP40uTOZ0=\n');
    expect(run.stdout).toContain('      LA_URL: https://testtokyo.pallycon.com/ri/playready/licenseManager.do\n');
    expect(run.stdout).toContain('      Custom Attributes: <PERIOD_INDEX>128</PERIOD_INDEX>\n');
  });

  it('gives the same JSON for base64, hex, stdin and @file', () => {
    const fromBase64 = cpixkitJson<DecodeJson>(['pssh', 'decode', widevineBox, '--json']);
    expect(fromBase64.input).toEqual({ origin: 'argument', format: 'base64' });
    expect(fromBase64.boxes).toEqual([
      {
        offset: 0,
        byteLength: 104,
        version: 0,
        flags: 0,
        systemId: WIDEVINE_SYSTEM_ID,
        systemName: 'Widevine',
        keyIds: [],
        size: 72,
        data: bytes(widevineBox).subarray(32).toString('base64'),
        widevine: {
          algorithm: 'AESCTR',
          keyIds: ['6bac8ec3-0ee3-379f-3d21-290b3a2bc9c3'],
          provider: 'inkaentworks',
          contentId: Buffer.from('cpix-test-cid0000000000000080').toString('hex'),
          contentIdText: 'cpix-test-cid0000000000000080',
          trackType: 'HD',
          cryptoPeriodIndex: 128,
        },
      },
    ]);
    expect(fromBase64.payloads).toEqual([]);

    const hex = bytes(widevineBox).toString('hex');
    const fromHex = cpixkitJson<DecodeJson>(['pssh', 'decode', hex, '--json']);
    expect(fromHex.input.format).toBe('hex');
    expect(fromHex.boxes).toEqual(fromBase64.boxes);

    const fromStdin = cpixkitJson<DecodeJson>(['pssh', 'decode', '-', '--json'], { input: `${widevineBox}\n` });
    expect(fromStdin.input).toEqual({ origin: 'stdin', format: 'base64' });
    expect(fromStdin.boxes).toEqual(fromBase64.boxes);

    writeFileSync(join(dir, 'box.txt'), `${hex.slice(0, 40)}\n${hex.slice(40)}\n`);
    const fromFile = cpixkitJson<DecodeJson>(['pssh', 'decode', `@${join(dir, 'box.txt')}`, '--json']);
    expect(fromFile.input).toEqual({ origin: 'file', format: 'hex' });
    expect(fromFile.boxes).toEqual(fromBase64.boxes);
  });

  it('reads binary boxes from stdin and from a file', () => {
    const both = Buffer.concat([bytes(widevineBox), bytes(playreadyBox)]);
    writeFileSync(join(dir, 'boxes.bin'), both);
    const fromFile = cpixkitJson<DecodeJson>(['pssh', 'decode', join(dir, 'boxes.bin'), '--json']);
    expect(fromFile.input).toEqual({ origin: 'file', format: 'binary' });
    expect(fromFile.boxes.map((box) => [box.offset, box.systemName])).toEqual([
      [0, 'Widevine'],
      [104, 'PlayReady'],
    ]);
    const fromStdin = cpixkitJson<DecodeJson>(['pssh', 'decode', '-', '--json'], { input: both });
    expect(fromStdin.boxes).toEqual(fromFile.boxes);
  });

  it('scans an MP4 init segment and a media segment for the pssh boxes inside moov and moof', () => {
    const wv = bytes(widevineBox);
    const pr = bytes(playreadyBox);
    const init = initSegment([wv, pr]);
    const path = join(dir, 'init.mp4');
    writeFileSync(path, init);
    const result = cpixkitJson<DecodeJson>(['pssh', 'decode', path, '--json']);
    const wvAt = Buffer.from(init).indexOf(wv);
    const prAt = Buffer.from(init).indexOf(pr);
    expect(wvAt).toBeGreaterThan(0);
    expect(result.boxes.map((box) => [box.offset, box.systemName])).toEqual([
      [wvAt, 'Widevine'],
      [prAt, 'PlayReady'],
    ]);
    expect(result.boxes[1]!.playready).toMatchObject({
      header: { version: '4.0.0.0', keys: [{ kid: '6bac8ec3-0ee3-379f-3d21-290b3a2bc9c3', checksum: '6ibP40uTOZ0=' }] },
    });

    const human = cpixkit(['pssh', 'decode', `@${path}`]);
    expect(human.status).toBe(0);
    expect(human.stdout).toContain(`PSSH Box v0\n  Offset: ${wvAt}\n  System ID: Widevine`);
    expect(human.stdout).toContain(`PSSH Box v0\n  Offset: ${prAt}\n  System ID: PlayReady`);

    const segment = mediaSegment([wv]);
    const fromSegment = cpixkitJson<DecodeJson>(['pssh', 'decode', '-', '--json'], { input: segment });
    expect(fromSegment.boxes.map((box) => box.offset)).toEqual([Buffer.from(segment).indexOf(wv)]);
  });

  it('exits 2 when an MP4 file has no pssh box', () => {
    const path = join(dir, 'clear.mp4');
    writeFileSync(path, initSegment([]));
    const run = cpixkit(['pssh', 'decode', path]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/ERR_CLI_NO_PSSH/);
  });

  it('decodes a bare payload: a PlayReady Object or Widevine data without the box', () => {
    const pr = vectorCase('pallycon_client_json_playready_pssh_4_3_aesctr', 'playready_pssh');
    const prJson = cpixkitJson<DecodeJson>(['pssh', 'decode', String(pr.expected.pssh_payload_only_b64), '--json']);
    expect(prJson.boxes).toEqual([]);
    expect(prJson.payloads).toHaveLength(1);
    expect(prJson.payloads[0]).toMatchObject({
      systemName: 'PlayReady',
      playready: {
        header: {
          version: '4.3.0.0',
          keys: [{ kid: String(pr.inputs.kid), algId: 'AESCTR', checksum: 'HEsvlXUxnWw=' }],
        },
      },
    });

    const wv = vectorCase('pallycon_client_json_widevine_pssh', 'widevine_pssh');
    const wvRun = cpixkit(['pssh', 'decode', String(wv.expected.pssh_payload_only_b64)]);
    expect(wvRun.status).toBe(0);
    expect(wvRun.stdout).toContain('PSSH Data (size: 44)\n  Widevine Data:\n    Algorithm: AESCTR\n');
    expect(wvRun.stdout).toContain('    Content ID: 64656D6F74657374 ("demotest")\n');
  });

  it('finds boxes in XML: CPIX ContentProtectionData and MPD cenc:pssh', () => {
    const cpd = vectorCase('axinom_speke2_playready_content_protection_data_98ee5596', 'cpix_content_protection_data');
    const xml = `<cpix:DRMSystem xmlns:cpix="urn:dashif:org:cpix"><cpix:ContentProtectionData>${String(cpd.expected.content_protection_data_b64)}</cpix:ContentProtectionData></cpix:DRMSystem>`;
    const fromCpix = cpixkitJson<DecodeJson>(['pssh', 'decode', '-', '--json'], { input: xml });
    expect(fromCpix.input.format).toBe('xml');
    expect(fromCpix.boxes.map((box) => box.systemName)).toEqual(['PlayReady']);
    expect(fromCpix.payloads.map((payload) => payload.systemName)).toEqual(['PlayReady']);

    const mpd = `<MPD><ContentProtection schemeIdUri="urn:uuid:edef8ba9-79d6-4ace-a3c8-27dcd51d21ed"><cenc:pssh>${widevineBox}</cenc:pssh></ContentProtection></MPD>`;
    const fromMpd = cpixkitJson<DecodeJson>(['pssh', 'decode', '-', '--json'], { input: mpd });
    expect(fromMpd.boxes.map((box) => box.systemName)).toEqual(['Widevine']);
  });

  it('exits 2 with the error code and byte offset when a box is cut short', () => {
    const truncated = bytes(widevineBox).subarray(0, 90).toString('base64');
    const run = cpixkit(['pssh', 'decode', truncated]);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^cpixkit: ERR_PSSH_TRUNCATED: .*\(at byte 0\)\n$/);
  });

  it('reports a broken PlayReady Object at its offset in the input, after printing the box', () => {
    const pr = parsePsshBox(bytes(playreadyBox));
    const data = Uint8Array.from(pr.data);
    data[0] = data[0]! + 2; // the PRO Length no longer matches
    const box = encodePsshBox({ systemId: pr.systemId, data });
    const run = cpixkit(['pssh', 'decode', Buffer.from(box).toString('base64')]);
    expect(run.status).toBe(2);
    expect(run.stdout).toContain('System ID: PlayReady');
    expect(run.stdout).toContain('ERROR: ERR_PLAYREADY_INVALID_OBJECT');
    expect(run.stderr).toMatch(/ERR_PLAYREADY_INVALID_OBJECT: .*\(at byte 32\)/);
    const json = cpixkit(['pssh', 'decode', Buffer.from(box).toString('base64'), '--json']);
    expect(json.status).toBe(2);
    expect((JSON.parse(json.stdout) as DecodeJson).boxes[0]!.error).toMatchObject({
      code: 'ERR_PLAYREADY_INVALID_OBJECT',
      offset: 32,
    });
  });

  it('exits 2 on text that is neither hex nor base64, and on a missing file', () => {
    const garbage = cpixkit(['pssh', 'decode', 'not base64!']);
    expect(garbage.status).toBe(2);
    expect(garbage.stderr).toMatch(/ERR_PSSH_INVALID_ENCODING/);
    const missing = cpixkit(['pssh', 'decode', '@/nonexistent/box.bin']);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toMatch(/ERR_CLI_READ_FAILED: cannot read \/nonexistent\/box.bin \(ENOENT\)/);
  });

  it('exits 1 when the input argument is missing', () => {
    const run = cpixkit(['pssh', 'decode']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/missing required argument 'input'/);
  });

  it('hides Widevine entitled keys unless --show-keys', () => {
    const key = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
    const data = encodeWidevinePsshData({
      keyIds: ['6bac8ec3-0ee3-379f-3d21-290b3a2bc9c3'],
      type: 2,
      entitledKeys: [{ keyId: new Uint8Array(16), key, iv: new Uint8Array(16) }],
    });
    const box = Buffer.from(encodePsshBox({ systemId: WIDEVINE_SYSTEM_ID, data })).toString('base64');
    const keyHex = Buffer.from(key).toString('hex');
    const hidden = cpixkit(['pssh', 'decode', box]);
    expect(hidden.status).toBe(0);
    expect(hidden.stdout).toContain('key=****');
    expect(hidden.stdout).not.toContain(keyHex);
    const hiddenJson = cpixkit(['pssh', 'decode', box, '--json']);
    expect(hiddenJson.stdout).not.toContain(keyHex);
    const shown = cpixkit(['pssh', 'decode', box, '--show-keys']);
    expect(shown.stdout).toContain(`key=${keyHex}`);
  });
});

function widevineFlags(inputs: Record<string, unknown>): string[] {
  const flags = ['--widevine-system-id', '--key-id', String(inputs.kid)];
  if (inputs.algorithm === 1) flags.push('--algorithm', 'aesctr');
  if (inputs.provider !== undefined) flags.push('--provider', String(inputs.provider));
  if (inputs.content_id !== undefined) flags.push('--content-id-string', String(inputs.content_id));
  if (inputs.track_type !== undefined) flags.push('--track-type', String(inputs.track_type));
  if (inputs.crypto_period_index !== undefined) flags.push('--crypto-period-index', String(inputs.crypto_period_index));
  if (inputs.protection_scheme !== undefined) flags.push('--protection-scheme', String(inputs.protection_scheme));
  return flags;
}

function playReadyFlags(inputs: Record<string, unknown>): string[] {
  const flags = [
    '--playready-system-id',
    '--key-id',
    String(inputs.kid),
    '--header-version',
    String(inputs.wrmheader_version),
  ];
  // Headers without a CHECKSUM (Axinom) are built without the key.
  if (inputs.checksum !== null) flags.push('--key', String(inputs.key_b64));
  if (typeof inputs.la_url === 'string') flags.push('--la-url', inputs.la_url);
  if (typeof inputs.custom_attributes_xml === 'string') flags.push('--custom-attributes', inputs.custom_attributes_xml);
  return flags;
}

describe('cpixkit pssh encode', () => {
  for (const c of vectorCases('widevine_pssh')) {
    it(`rebuilds ${c.name} byte for byte`, () => {
      const run = cpixkit(['pssh', 'encode', ...widevineFlags(c.inputs)]);
      expect(run.stderr).toBe('');
      expect(run.stdout).toBe(`${String(c.expected.pssh_b64)}\n`);
    });
  }

  for (const c of [...vectorCases('playready_pssh'), ...vectorCases('cpix_content_protection_data')]) {
    it(`rebuilds ${c.name} byte for byte`, () => {
      const run = cpixkit(['pssh', 'encode', ...playReadyFlags(c.inputs)]);
      expect(run.stderr).toBe('');
      expect(run.stdout).toBe(`${String(c.expected.pssh_b64)}\n`);
    });
  }

  it('takes --content-id as hex, as pssh-box.py does', () => {
    const c = vectorCase('pallycon_client_json_widevine_pssh', 'widevine_pssh');
    const flags = widevineFlags(c.inputs).filter((flag) => flag !== '--content-id-string' && flag !== 'demotest');
    const run = cpixkit(['pssh', 'encode', ...flags, '--content-id', Buffer.from('demotest').toString('hex')]);
    expect(run.stdout).toBe(`${String(c.expected.pssh_b64)}\n`);
  });

  it('writes a version 1 box listing the KIDs for the common system, in hex', () => {
    const run = cpixkit([
      'pssh',
      'encode',
      '--common-system-id',
      '--key-id',
      '12ea753c23e7bc024474b2b976c43beb,6bac8ec3-0ee3-379f-3d21-290b3a2bc9c3',
      '--hex',
    ]);
    expect(run.status).toBe(0);
    const box = parsePsshBox(Buffer.from(run.stdout.trim(), 'hex'));
    expect(box).toMatchObject({
      version: 1,
      systemId: '1077efec-c0b2-4d02-ace3-3c1e52e2fb4b',
      keyIds: ['12ea753c-23e7-bc02-4474-b2b976c43beb', '6bac8ec3-0ee3-379f-3d21-290b3a2bc9c3'],
    });
    expect(box.data).toHaveLength(0);
  });

  it('prints JSON and the decoded box', () => {
    const flags = [
      'pssh',
      'encode',
      '--widevine-system-id',
      '--key-id',
      '98ee5596-cd3e-a20d-163a-e382420c6eff',
      '--protection-scheme',
      'cenc',
    ];
    const json = cpixkitJson<Record<string, unknown>>([...flags, '--json']);
    expect(json).toEqual({
      systemId: WIDEVINE_SYSTEM_ID,
      version: 0,
      keyIds: [],
      base64: 'AAAAOHBzc2gAAAAA7e+LqXnWSs6jyCfc1R0h7QAAABgSEJjuVZbNPqINFjrjgkIMbv9I49yVmwY=',
      hex: bytes('AAAAOHBzc2gAAAAA7e+LqXnWSs6jyCfc1R0h7QAAABgSEJjuVZbNPqINFjrjgkIMbv9I49yVmwY=').toString('hex'),
      data: 'EhCY7lWWzT6iDRY644JCDG7/SOPclZsG',
    });
    const human = cpixkit([...flags, '--human']);
    expect(human.stdout).toContain('PSSH Box v0\n  System ID: Widevine');
    expect(human.stdout).toContain('      Protection Scheme: cenc\n');
  });

  it('exits 1 on usage errors and 2 on a malformed KID', () => {
    expect(cpixkit(['pssh', 'encode', '--key-id', '12ea753c23e7bc024474b2b976c43beb']).status).toBe(1);
    expect(cpixkit(['pssh', 'encode', '--widevine-system-id', '--common-system-id']).status).toBe(1);
    expect(cpixkit(['pssh', 'encode', '--widevine-system-id', '--protection-scheme', 'ctr']).status).toBe(1);
    expect(cpixkit(['pssh', 'encode', '--widevine-system-id', '--hex', '--json']).status).toBe(1);
    expect(
      cpixkit(['pssh', 'encode', '--common-system-id', '--key-id', '12ea753c', '--pssh-version', '0']).status,
    ).toBe(2);
    expect(
      cpixkit([
        'pssh',
        'encode',
        '--common-system-id',
        '--key-id',
        '12ea753c23e7bc024474b2b976c43beb',
        '--pssh-version',
        '0',
      ]).status,
    ).toBe(1);
    const bad = cpixkit(['pssh', 'encode', '--widevine-system-id', '--key-id', 'not-a-kid']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/ERR_PSSH_INVALID_UUID/);
  });
});
