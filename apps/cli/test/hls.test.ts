import { parseHlsKeyLine } from '@cpixkit/hls-signaling';
import { decodePlayReadyObject, parseWrmHeader } from '@cpixkit/playready-header';
import { describe, expect, it } from 'vitest';
import { cpixkit, cpixkitJson } from './run.js';
import { vectorCase, vectorCases } from '../../../tooling/src/fixtures.js';

describe('cpixkit hls', () => {
  for (const c of vectorCases('widevine_pssh').filter((v) => v.expected.hls_media_line !== undefined)) {
    it(`writes the Widevine lines of ${c.name}`, () => {
      const run = cpixkit([
        'hls',
        '--drm',
        'widevine',
        '--kid',
        String(c.inputs.kid),
        '--scheme',
        String(c.inputs.protection_scheme),
        '--playlist',
        'both',
      ]);
      expect(run.status).toBe(0);
      expect(run.stdout).toBe(`${String(c.expected.hls_media_line)}\n${String(c.expected.hls_master_line)}\n`);
    });
  }

  for (const c of vectorCases('hls_line')) {
    it(`writes the FairPlay lines of ${c.name}`, () => {
      const run = cpixkit([
        'hls',
        '--drm',
        'fairplay',
        '--kid',
        String(c.inputs.kid),
        '--iv',
        String(c.inputs.explicit_iv_b64),
        '--playlist',
        'both',
      ]);
      expect(run.stdout).toBe(`${String(c.expected.hls_media_line)}\n${String(c.expected.hls_master_line)}\n`);
    });
  }

  it("writes PallyCon's FairPlay URIs from templates", () => {
    const c = vectorCase('pallycon_fairplay_and_ncg_uris', 'fairplay_uri');
    const vod = cpixkit(['hls', '--drm', 'fairplay', '--kid', String(c.inputs.vod_kid)]);
    expect(parseHlsKeyLine(vod.stdout.trim()).uri).toBe(c.expected.vod_uri);
    const live = cpixkit([
      'hls',
      '--drm',
      'fairplay',
      '--kid',
      String(c.inputs.vod_kid),
      '--skd',
      'skd://{contentId}{periodIndexHex}',
      '--content-id',
      String(c.inputs.live_content_id),
      '--period',
      String(c.inputs.live_period_index),
    ]);
    expect(parseHlsKeyLine(live.stdout.trim()).uri).toBe(c.expected.live_uri);
  });

  it('writes PlayReady lines with the PlayReady Object, AESCBC for cbcs', () => {
    const lines = cpixkitJson<{ lines: Array<{ drm: string; playlist: string; line: string }> }>([
      'hls',
      '--drm',
      'playready',
      '--kid',
      '12ea753c-23e7-bc02-4474-b2b976c43beb',
      '--scheme',
      'cbcs',
      '--la-url',
      'https://pr.example.com/rightsmanager.asmx',
      '--json',
    ]);
    expect(lines.lines).toHaveLength(1);
    const parsed = parseHlsKeyLine(lines.lines[0]!.line);
    expect(parsed).toMatchObject({ tag: 'EXT-X-KEY', method: 'SAMPLE-AES', keyFormat: 'com.microsoft.playready' });
    const pro = Buffer.from(parsed.uri!.split(',')[1]!, 'base64');
    const header = parseWrmHeader(decodePlayReadyObject(pro).wrmHeader!);
    expect(header).toMatchObject({
      version: '4.3.0.0',
      keys: [{ kid: '12ea753c-23e7-bc02-4474-b2b976c43beb', algId: 'AESCBC' }],
      laUrl: 'https://pr.example.com/rightsmanager.asmx',
    });
  });

  it('writes AES-128 lines and the JSON shape', () => {
    const json = cpixkitJson([
      'hls',
      '--drm',
      'aes128',
      '--kid',
      '12ea753c-23e7-bc02-4474-b2b976c43beb',
      '--key-uri',
      'https://keys.example.com/k?id=1',
      '--iv',
      '000102030405060708090a0b0c0d0e0f',
      '--playlist',
      'master',
      '--json',
    ]);
    expect(json).toEqual({
      lines: [
        {
          drm: 'aes128',
          kid: '12ea753c-23e7-bc02-4474-b2b976c43beb',
          playlist: 'master',
          line: '#EXT-X-SESSION-KEY:METHOD=AES-128,URI="https://keys.example.com/k?id=1",IV=0x000102030405060708090A0B0C0D0E0F',
        },
      ],
    });
  });

  it('exits 1 on a missing or unknown DRM and a missing key URI, 2 on a bad IV', () => {
    expect(cpixkit(['hls', '--kid', '12ea753c-23e7-bc02-4474-b2b976c43beb']).status).toBe(1);
    expect(cpixkit(['hls', '--drm', 'clearkey', '--kid', '12ea753c-23e7-bc02-4474-b2b976c43beb']).status).toBe(1);
    expect(cpixkit(['hls', '--drm', 'aes128', '--kid', '12ea753c-23e7-bc02-4474-b2b976c43beb']).status).toBe(1);
    const badIv = cpixkit([
      'hls',
      '--drm',
      'fairplay',
      '--kid',
      '12ea753c-23e7-bc02-4474-b2b976c43beb',
      '--iv',
      'abcd',
    ]);
    expect(badIv.status).toBe(2);
    expect(badIv.stderr).toMatch(/ERR_CLI_INVALID_INPUT: --iv must be 16 bytes/);
  });
});
