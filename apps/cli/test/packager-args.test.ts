import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildFairPlayUri } from '@cpixkit/hls-signaling';
import { parsePsshBox } from '@cpixkit/pssh';
import { describe, expect, it } from 'vitest';
import { KEYS, makeCertificates, responseDocument } from './cpix-fixtures.js';
import { cpixkit, cpixkitJson, tempDir } from './run.js';
import { vectorCase } from '../../../tooling/src/fixtures.js';

const dir = tempDir();
const response = join(dir, 'response.cpix');
writeFileSync(response, responseDocument());
// The same response without its FairPlay DRMSystem (a DASH-only answer).
const noFairPlayDocument = (): string =>
  responseDocument().replace(/<cpix:DRMSystem kid="[^"]+" systemId="94ce86fb[\s\S]*?<\/cpix:DRMSystem>\s*/, '');
const noFairPlay = join(dir, 'no-fairplay.cpix');
writeFileSync(noFairPlay, noFairPlayDocument());
/** The response without usage rules: keys with no track type. */
const withoutUsageRules = (document: string): string =>
  document.replace(/<cpix:ContentKeyUsageRuleList>[\s\S]*<\/cpix:ContentKeyUsageRuleList>\s*/, '');
/** The DASH-only response with a FairPlay DRMSystem per key carrying these key URIs (URIExtXKey). */
const withFairPlayUris = (uri98: string, uri53: string): string =>
  noFairPlayDocument().replace(
    '  </cpix:DRMSystemList>',
    `${[
      [k98.kid, uri98],
      [k53.kid, uri53],
    ]
      .map(
        ([kid, uri]) =>
          `    <cpix:DRMSystem kid="${kid}" systemId="94ce86fb-07ff-4f43-adb8-93d2fa968ca2"><cpix:URIExtXKey>${Buffer.from(uri!).toString('base64')}</cpix:URIExtXKey></cpix:DRMSystem>\n`,
      )
      .join('')}  </cpix:DRMSystemList>`,
  );
const hex = (b64: string): string => Buffer.from(b64, 'base64').toString('hex');
const [k98, k53] = KEYS;
const kidHex = (kid: string): string => kid.replace(/-/g, '');
const wv98 = String(vectorCase('axinom_speke2_widevine_signalling_98ee', 'widevine_pssh').expected.pssh_b64);
const pr98 = vectorCase(
  'axinom_speke2_playready_content_protection_data_98ee5596',
  'cpix_content_protection_data',
).expected;
const pr53 = vectorCase(
  'axinom_speke2_playready_content_protection_data_53abdba2',
  'cpix_content_protection_data',
).expected;
const skd98 = 'skd://98ee5596-cd3e-a20d-163a-e382420c6eff:3858F62230AC3C915F300C664312C63F';
const skd53 = 'skd://53abdba2-f210-43cb-bc90-f18f9a890a02:2FA8F3757AD70056C224606E32BACAAC';

interface ArgsJson {
  packager: string;
  scheme: string;
  args: string[];
}

describe('cpixkit packager-args', () => {
  it('writes Shaka Packager raw-key arguments: labelled keys, IVs, the PSSH boxes in hex', () => {
    const json = cpixkitJson<ArgsJson>([
      'packager-args',
      '--for',
      'shaka-packager',
      noFairPlay,
      '--show-keys',
      '--json',
    ]);
    expect(json).toEqual({
      packager: 'shaka-packager',
      scheme: 'cenc',
      args: [
        '--enable_raw_key_encryption',
        '--keys',
        `label=SD+HD:key_id=${kidHex(k98.kid)}:key=${hex(k98.keyB64)}:iv=${hex(k98.ivB64)},label=AUDIO:key_id=${kidHex(k53.kid)}:key=${hex(k53.keyB64)}:iv=${hex(k53.ivB64)}`,
        '--protection_scheme',
        'cenc',
        '--pssh',
        hex(wv98) + hex(String(pr98.pssh_b64)) + hex(String(pr53.pssh_b64)),
      ],
    });
  });

  it('signals FairPlay to Shaka Packager with --protection_systems and the one key URI (--hls_key_uri)', () => {
    const json = cpixkitJson<ArgsJson>([
      'packager-args',
      '--for',
      'shaka-packager',
      response,
      '--kid',
      k98.kid,
      '--show-keys',
      '--json',
    ]);
    expect(json.args.slice(-4)).toEqual(['--protection_systems', 'FairPlay', '--hls_key_uri', skd98]);
    // Without --hls_key_uri Shaka Packager writes skd://<base64 KID> per key: right when that is the key server's URI for every key.
    const perKid = join(dir, 'fairplay-kid-base64.cpix');
    writeFileSync(
      perKid,
      withFairPlayUris(
        buildFairPlayUri({ form: 'kid-base64', kid: k98.kid }),
        buildFairPlayUri({ form: 'kid-base64', kid: k53.kid }),
      ),
    );
    const both = cpixkitJson<ArgsJson>(['packager-args', '--for', 'shaka-packager', perKid, '--json']);
    expect(both.args.slice(-2)).toEqual(['--protection_systems', 'FairPlay']);
    // One URI for every key (a content-wide skd:// URI) goes in --hls_key_uri.
    const shared = join(dir, 'fairplay-shared.cpix');
    writeFileSync(shared, withFairPlayUris('skd://movie-1', 'skd://movie-1'));
    expect(
      cpixkitJson<ArgsJson>(['packager-args', '--for', 'shaka-packager', shared, '--json']).args.slice(-4),
    ).toEqual(['--protection_systems', 'FairPlay', '--hls_key_uri', 'skd://movie-1']);
  });

  it.each([
    [
      'FairPlay URIs that differ per key (one --hls_key_uri serves all keys)',
      () => withFairPlayUris(skd98, skd53),
      /one --hls_key_uri for all keys/,
    ],
    [
      'a FairPlay URI for only some of the keys',
      () => responseDocument(),
      /FairPlay key URI for only some of the keys/,
    ],
    [
      'two keys without a track type (drm_label)',
      () => withoutUsageRules(responseDocument()),
      /2 keys for streams without a drm_label/,
    ],
    [
      'two keys for the same track type',
      () => responseDocument().replace('intendedTrackType="AUDIO"', 'intendedTrackType="SD+HD"'),
      /2 keys for drm_label SD\+HD/,
    ],
  ])('refuses Shaka Packager arguments for %s (exit 2, ERR_CLI_PACKAGER_UNSUPPORTED)', (_name, document, message) => {
    const path = join(dir, 'shaka-refused.cpix');
    writeFileSync(path, document());
    const run = cpixkit(['packager-args', '--for', 'shaka-packager', path]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/ERR_CLI_PACKAGER_UNSUPPORTED/);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });

  it('hides the keys unless --show-keys, in paste-ready lines', () => {
    const run = cpixkit(['packager-args', '--for', 'shaka-packager', noFairPlay]);
    expect(run.status).toBe(0);
    for (const key of KEYS) expect(run.stdout).not.toContain(hex(key.keyB64));
    const lines = run.stdout.trimEnd().split(' \\\n  ');
    expect(lines[0]).toBe('--enable_raw_key_encryption');
    expect(lines[1]).toBe(
      `--keys 'label=SD+HD:key_id=${kidHex(k98.kid)}:key=****:iv=${hex(k98.ivB64)},label=AUDIO:key_id=${kidHex(k53.kid)}:key=****:iv=${hex(k53.ivB64)}'`,
    );
    expect(lines[2]).toBe('--protection_scheme cenc');
  });

  it('writes mp4split arguments for one key, as in the Unified Streaming scripts', () => {
    const json = cpixkitJson<ArgsJson>([
      'packager-args',
      '--for',
      'mp4split',
      response,
      '--kid',
      k98.kid,
      '--show-keys',
      '--json',
    ]);
    const keyHex = hex(k98.keyB64);
    expect(json.args).toEqual([
      `--widevine.key=${kidHex(k98.kid)}:${keyHex}`,
      '--widevine.drm_specific_data=EhCY7lWWzT6iDRY644JCDG7/SOPclZsG',
      `--iss.key=${kidHex(k98.kid)}:${keyHex}`,
      `--iss.drm_specific_data=${String(pr98.pro_b64)}`,
      `--hls.key=:${keyHex}`,
      `--hls.key_iv=${hex(k98.ivB64)}`,
      `--hls.license_server_url=${skd98}`,
      '--hls.playout=sample_aes_streamingkeydelivery',
    ]);
    const several = cpixkit(['packager-args', '--for', 'mp4split', response]);
    expect(several.status).toBe(2);
    expect(several.stderr).toMatch(/ERR_CLI_PACKAGER_UNSUPPORTED: .*--mpd\.cpix=<file>/);
  });

  it('writes Bento4 mp4dash arguments for one key, with its track filter, and needs cbcs for FairPlay', () => {
    const json = cpixkitJson<ArgsJson>([
      'packager-args',
      '--for',
      'bento4',
      response,
      '--kid',
      k98.kid,
      '--scheme',
      'cbcs',
      '--show-keys',
      '--json',
    ]);
    expect(json.args).toEqual([
      `--encryption-key=video:${kidHex(k98.kid)}:${hex(k98.keyB64)}:${hex(k98.ivB64)}`,
      '--encryption-cenc-scheme=cbcs',
      // Axinom's Widevine data has no provider or content id: mp4dash's --hls form cannot carry it.
      `--playready-header=#${String(pr98.pro_b64)}`,
      '--hls',
      `--fairplay-key-uri=${skd98}`,
    ]);
    const dash = cpixkitJson<ArgsJson>([
      'packager-args',
      '--for',
      'bento4',
      noFairPlay,
      '--kid',
      k98.kid,
      '--show-keys',
      '--json',
    ]);
    expect(dash.args).toEqual([
      `--encryption-key=video:${kidHex(k98.kid)}:${hex(k98.keyB64)}:${hex(k98.ivB64)}`,
      '--encryption-cenc-scheme=cenc',
      '--widevine-header=#EhCY7lWWzT6iDRY644JCDG7/SOPclZsG',
      `--playready-header=#${String(pr98.pro_b64)}`,
    ]);
    const audio = cpixkitJson<ArgsJson>([
      'packager-args',
      '--for',
      'bento4',
      noFairPlay,
      '--kid',
      k53.kid,
      '--show-keys',
      '--json',
    ]);
    expect(audio.args).toEqual([
      `--encryption-key=audio:${kidHex(k53.kid)}:${hex(k53.keyB64)}:${hex(k53.ivB64)}`,
      '--encryption-cenc-scheme=cenc',
      `--playready-header=#${String(pr53.pro_b64)}`,
    ]);
    // With --hls mp4dash wants the name:value form: PallyCon-style Widevine data has the fields for it.
    const pallycon = vectorCase('pallycon_dash_live_widevine_pssh', 'widevine_pssh').expected;
    const withFields = join(dir, 'widevine-fields.cpix');
    writeFileSync(withFields, responseDocument().replace(wv98, String(pallycon.pssh_b64)));
    const fields = cpixkitJson<ArgsJson>([
      'packager-args',
      '--for',
      'bento4',
      withFields,
      '--kid',
      k98.kid,
      '--scheme',
      'cbcs',
      '--json',
    ]);
    expect(fields.args).toContain(
      `--widevine-header=provider:inkaentworks#content_id:${Buffer.from('cpix-test-cid0000000000000080').toString('hex')}`,
    );
    const cenc = cpixkit(['packager-args', '--for', 'bento4', response, '--kid', k98.kid]);
    expect(cenc.status).toBe(2);
    expect(cenc.stderr).toMatch(/needs the cbcs scheme/);
  });

  it('writes one --encryption-key entry per key and track type when the DRM headers serve every key', () => {
    const keysOnly = join(dir, 'keys-only.cpix');
    writeFileSync(keysOnly, responseDocument().replace(/<cpix:DRMSystemList>[\s\S]*<\/cpix:DRMSystemList>\s*/, ''));
    const json = cpixkitJson<ArgsJson>(['packager-args', '--for', 'bento4', keysOnly, '--show-keys', '--json']);
    expect(json.args).toEqual([
      `--encryption-key=video:${kidHex(k98.kid)}:${hex(k98.keyB64)}:${hex(k98.ivB64)},audio:${kidHex(k53.kid)}:${hex(k53.keyB64)}:${hex(k53.ivB64)}`,
      '--encryption-cenc-scheme=cenc',
    ]);
  });

  it.each([
    [
      'two video keys (SD and HD): mp4dash gives every video track one key',
      () => responseDocument().replace('intendedTrackType="AUDIO"', 'intendedTrackType="HD"'),
      /all video tracks with one key, and 2 keys are for video/,
    ],
    [
      'PlayReady headers that differ per key: mp4dash writes one into every file',
      () =>
        noFairPlayDocument().replace(
          /<cpix:DRMSystem kid="[^"]+" systemId="edef8ba9[\s\S]*?<\/cpix:DRMSystem>\s*/g,
          '',
        ),
      /one --playready-header for all tracks, and the keys' PlayReady headers differ/,
    ],
    [
      'a FairPlay key URI for one of the keys',
      () =>
        responseDocument().replace(
          /<cpix:DRMSystem kid="[^"]+" systemId="(9a04f079|edef8ba9)[\s\S]*?<\/cpix:DRMSystem>\s*/g,
          '',
        ),
      /one --fairplay-key-uri for all tracks/,
    ],
  ])('refuses Bento4 arguments for %s (exit 2, ERR_CLI_PACKAGER_UNSUPPORTED)', (_name, document, message) => {
    const path = join(dir, 'bento4-refused.cpix');
    writeFileSync(path, document());
    const run = cpixkit(['packager-args', '--for', 'bento4', path, '--scheme', 'cbcs']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/ERR_CLI_PACKAGER_UNSUPPORTED/);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/--kid/);
  });

  it("writes nginx-vod-module's DRM upstream answer: one key, its KID in base64, each system's PSSH data", () => {
    const widevineData = Buffer.from(parsePsshBox(Buffer.from(wv98, 'base64')).data).toString('base64');
    const answer = cpixkitJson<unknown>([
      'packager-args',
      '--for',
      'nginx-vod',
      noFairPlay,
      '--kid',
      k98.kid,
      '--show-keys',
    ]);
    expect(answer).toEqual([
      {
        key: k98.keyB64,
        key_id: Buffer.from(kidHex(k98.kid), 'hex').toString('base64'),
        iv: k98.ivB64,
        pssh: [
          { uuid: 'edef8ba9-79d6-4ace-a3c8-27dcd51d21ed', data: widevineData },
          { uuid: '9a04f079-9840-4286-ab92-e65be0885f95', data: String(pr98.pro_b64) },
        ],
      },
    ]);
    // The PallyCon guide's rule for nginx: the PSSH data is the ContentProtectionData (box payload), the KID base64 of its 16 bytes.
    expect(widevineData).toBe('EhCY7lWWzT6iDRY644JCDG7/SOPclZsG');
    const hidden = cpixkitJson<[{ key: string }]>([
      'packager-args',
      '--for',
      'nginx-vod',
      noFairPlay,
      '--kid',
      k98.kid,
    ]);
    expect(hidden[0].key).toBe('****');
    const json = cpixkitJson<{ packager: string; scheme: string; response: unknown }>([
      'packager-args',
      '--for',
      'nginx-vod',
      noFairPlay,
      '--kid',
      k98.kid,
      '--show-keys',
      '--json',
    ]);
    expect(json).toEqual({ packager: 'nginx-vod', scheme: 'cenc', response: answer });
    const several = cpixkit(['packager-args', '--for', 'nginx-vod', noFairPlay]);
    expect(several.status).toBe(2);
    expect(several.stderr).toMatch(
      /ERR_CLI_PACKAGER_UNSUPPORTED: nginx-vod-module takes one key per DRM upstream answer/,
    );
  });

  it('writes ffmpeg arguments: MP4 common encryption, or HLS AES-128', () => {
    const json = cpixkitJson<ArgsJson>([
      'packager-args',
      '--for',
      'ffmpeg',
      response,
      '--kid',
      k53.kid,
      '--show-keys',
      '--json',
    ]);
    expect(json.args).toEqual([
      '-encryption_scheme',
      'cenc-aes-ctr',
      '-encryption_key',
      hex(k53.keyB64),
      '-encryption_kid',
      kidHex(k53.kid),
    ]);
    const several = cpixkit(['packager-args', '--for', 'ffmpeg', response]);
    expect(several.status).toBe(2);
    expect(several.stderr).toMatch(/ERR_CLI_PACKAGER_UNSUPPORTED/);

    const line = '#EXT-X-KEY:METHOD=AES-128,URI="https://keys.example.com/k/1",IV=0x3858F62230AC3C915F300C664312C63F';
    const aes = responseDocument()
      .replace('systemId="94ce86fb-07ff-4f43-adb8-93d2fa968ca2"', 'systemId="81376844-f976-481e-a84e-cc25d39b0b33"')
      .replace(
        /(<cpix:DRMSystem kid="[^"]+" systemId="81376844[^>]*>)[\s\S]*?(<\/cpix:DRMSystem>)/,
        `$1<cpix:HLSSignalingData playlist="media">${Buffer.from(line).toString('base64')}</cpix:HLSSignalingData>$2`,
      );
    const path = join(dir, 'aes128.cpix');
    writeFileSync(path, aes);
    const hls = cpixkitJson<ArgsJson>([
      'packager-args',
      '--for',
      'ffmpeg',
      path,
      '--kid',
      k98.kid,
      '--show-keys',
      '--json',
    ]);
    expect(hls.args).toEqual([
      '-hls_enc',
      '1',
      '-hls_enc_key',
      hex(k98.keyB64),
      '-hls_enc_key_url',
      'https://keys.example.com/k/1',
      '-hls_enc_iv',
      hex(k98.ivB64),
    ]);
  });

  it('opens encrypted keys with the private key, and exits 2 without it', () => {
    const certs = makeCertificates(dir);
    const path = join(dir, 'encrypted.cpix');
    writeFileSync(path, cpixkit(['cpix', 'encrypt', response, '--recipient', certs.recipientCert]).stdout);
    const locked = cpixkit(['packager-args', '--for', 'ffmpeg', path, '--kid', k53.kid]);
    expect(locked.status).toBe(2);
    expect(locked.stderr).toMatch(/is encrypted: give --private-key or --pkcs12/);
    const opened = cpixkitJson<ArgsJson>([
      'packager-args',
      '--for',
      'ffmpeg',
      path,
      '--kid',
      k53.kid,
      '--private-key',
      certs.recipientKey,
      '--show-keys',
      '--json',
    ]);
    expect(opened.args).toContain(hex(k53.keyB64));
  }, 120_000);

  it('exits 1 without --for or with an unknown packager', () => {
    expect(cpixkit(['packager-args', response]).status).toBe(1);
    expect(cpixkit(['packager-args', '--for', 'mediaconvert', response]).status).toBe(1);
  });
});
