import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KEYS, makeCertificates, responseDocument } from './cpix-fixtures.js';
import { cpixkit, cpixkitJson, tempDir } from './run.js';
import { vectorCase } from '../../../tooling/src/shared-data.js';

const dir = tempDir();
const response = join(dir, 'response.cpix');
writeFileSync(response, responseDocument());
// The same response without its FairPlay DRMSystem (a DASH-only answer).
writeFileSync(join(dir, 'no-fairplay.cpix'), responseDocument().replace(/<cpix:DRMSystem kid="[^"]+" systemId="94ce86fb[\s\S]*?<\/cpix:DRMSystem>\s*/, ''));
const hex = (b64: string): string => Buffer.from(b64, 'base64').toString('hex');
const [k98, k53] = KEYS;
const kidHex = (kid: string): string => kid.replace(/-/g, '');
const wv98 = String(vectorCase('axinom_speke2_widevine_signalling_98ee', 'widevine_pssh').expected.pssh_b64);
const pr98 = vectorCase('axinom_speke2_playready_content_protection_data_98ee5596', 'cpix_content_protection_data').expected;
const pr53 = vectorCase('axinom_speke2_playready_content_protection_data_53abdba2', 'cpix_content_protection_data').expected;
const skd98 = 'skd://98ee5596-cd3e-a20d-163a-e382420c6eff:3858F62230AC3C915F300C664312C63F';

interface ArgsJson {
  packager: string;
  scheme: string;
  args: string[];
}

describe('cpixkit packager-args', () => {
  it('writes Shaka Packager raw-key arguments: labelled keys, IVs, the PSSH boxes in hex, the FairPlay URI', () => {
    const json = cpixkitJson<ArgsJson>(['packager-args', '--for', 'shaka-packager', response, '--show-keys', '--json']);
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
        '--hls_key_uri',
        skd98,
      ],
    });
  });

  it('hides the keys unless --show-keys, in paste-ready lines', () => {
    const run = cpixkit(['packager-args', '--for', 'shaka-packager', response]);
    expect(run.status).toBe(0);
    for (const key of KEYS) expect(run.stdout).not.toContain(hex(key.keyB64));
    const lines = run.stdout.trimEnd().split(' \\\n  ');
    expect(lines[0]).toBe('--enable_raw_key_encryption');
    expect(lines[1]).toBe(`--keys 'label=SD+HD:key_id=${kidHex(k98.kid)}:key=****:iv=${hex(k98.ivB64)},label=AUDIO:key_id=${kidHex(k53.kid)}:key=****:iv=${hex(k53.ivB64)}'`);
    expect(lines[2]).toBe('--protection_scheme cenc');
    expect(lines[4]).toBe(`--hls_key_uri ${skd98}`);
  });

  it('writes mp4split arguments for one key, as in the Unified Streaming scripts', () => {
    const json = cpixkitJson<ArgsJson>(['packager-args', '--for', 'mp4split', response, '--kid', k98.kid, '--show-keys', '--json']);
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
    expect(several.stderr).toMatch(/--mpd\.cpix=<file>/);
  });

  it('writes Bento4 mp4dash arguments with track filters, and needs cbcs for FairPlay', () => {
    const json = cpixkitJson<ArgsJson>(['packager-args', '--for', 'bento4', response, '--scheme', 'cbcs', '--show-keys', '--json']);
    expect(json.args).toEqual([
      `--encryption-key=video:${kidHex(k98.kid)}:${hex(k98.keyB64)}:${hex(k98.ivB64)},audio:${kidHex(k53.kid)}:${hex(k53.keyB64)}:${hex(k53.ivB64)}`,
      '--encryption-cenc-scheme=cbcs',
      // Axinom's Widevine data has no provider or content id: mp4dash's --hls form cannot carry it.
      `--playready-header=#${String(pr98.pro_b64)}`,
      '--hls',
      `--fairplay-key-uri=${skd98}`,
    ]);
    const dash = cpixkitJson<ArgsJson>(['packager-args', '--for', 'bento4', response.replace('response.cpix', 'no-fairplay.cpix'), '--show-keys', '--json']);
    expect(dash.args).toEqual([
      `--encryption-key=video:${kidHex(k98.kid)}:${hex(k98.keyB64)}:${hex(k98.ivB64)},audio:${kidHex(k53.kid)}:${hex(k53.keyB64)}:${hex(k53.ivB64)}`,
      '--encryption-cenc-scheme=cenc',
      '--widevine-header=#EhCY7lWWzT6iDRY644JCDG7/SOPclZsG',
      `--playready-header=#${String(pr98.pro_b64)}`,
    ]);
    // With --hls mp4dash wants the name:value form: PallyCon-style Widevine data has the fields for it.
    const pallycon = vectorCase('pallycon_dash_live_widevine_pssh', 'widevine_pssh').expected;
    const withFields = join(dir, 'widevine-fields.cpix');
    writeFileSync(withFields, responseDocument().replace(wv98, String(pallycon.pssh_b64)));
    const fields = cpixkitJson<ArgsJson>(['packager-args', '--for', 'bento4', withFields, '--scheme', 'cbcs', '--json']);
    expect(fields.args).toContain(`--widevine-header=provider:inkaentworks#content_id:${Buffer.from('cpix-test-cid0000000000000080').toString('hex')}`);
    const cenc = cpixkit(['packager-args', '--for', 'bento4', response]);
    expect(cenc.status).toBe(2);
    expect(cenc.stderr).toMatch(/needs the cbcs scheme/);
  });

  it('writes ffmpeg arguments: MP4 common encryption, or HLS AES-128', () => {
    const json = cpixkitJson<ArgsJson>(['packager-args', '--for', 'ffmpeg', response, '--kid', k53.kid, '--show-keys', '--json']);
    expect(json.args).toEqual(['-encryption_scheme', 'cenc-aes-ctr', '-encryption_key', hex(k53.keyB64), '-encryption_kid', kidHex(k53.kid)]);
    expect(cpixkit(['packager-args', '--for', 'ffmpeg', response]).status).toBe(2);

    const line = '#EXT-X-KEY:METHOD=AES-128,URI="https://keys.example.com/k/1",IV=0x3858F62230AC3C915F300C664312C63F';
    const aes = responseDocument()
      .replace('systemId="94ce86fb-07ff-4f43-adb8-93d2fa968ca2"', 'systemId="81376844-f976-481e-a84e-cc25d39b0b33"')
      .replace(/(<cpix:DRMSystem kid="[^"]+" systemId="81376844[^>]*>)[\s\S]*?(<\/cpix:DRMSystem>)/, `$1<cpix:HLSSignalingData playlist="media">${Buffer.from(line).toString('base64')}</cpix:HLSSignalingData>$2`);
    const path = join(dir, 'aes128.cpix');
    writeFileSync(path, aes);
    const hls = cpixkitJson<ArgsJson>(['packager-args', '--for', 'ffmpeg', path, '--kid', k98.kid, '--show-keys', '--json']);
    expect(hls.args).toEqual(['-hls_enc', '1', '-hls_enc_key', hex(k98.keyB64), '-hls_enc_key_url', 'https://keys.example.com/k/1', '-hls_enc_iv', hex(k98.ivB64)]);
  });

  it('opens encrypted keys with the private key, and exits 2 without it', () => {
    const certs = makeCertificates(dir);
    const path = join(dir, 'encrypted.cpix');
    writeFileSync(path, cpixkit(['cpix', 'encrypt', response, '--recipient', certs.recipientCert]).stdout);
    const locked = cpixkit(['packager-args', '--for', 'ffmpeg', path, '--kid', k53.kid]);
    expect(locked.status).toBe(2);
    expect(locked.stderr).toMatch(/is encrypted: give --private-key or --pkcs12/);
    const opened = cpixkitJson<ArgsJson>(['packager-args', '--for', 'ffmpeg', path, '--kid', k53.kid, '--private-key', certs.recipientKey, '--show-keys', '--json']);
    expect(opened.args).toContain(hex(k53.keyB64));
  }, 120_000);

  it('exits 1 without --for or with an unknown packager', () => {
    expect(cpixkit(['packager-args', response]).status).toBe(1);
    expect(cpixkit(['packager-args', '--for', 'mediaconvert', response]).status).toBe(1);
  });
});
