import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { CLEARKEY_SYSTEM_ID, COMMON_SYSTEM_ID } from '@cpixkit/pssh';
import { type CencFragments, fragmentCencMp4 } from './cenc-fragments.js';
import { writeDash } from './dash-manifest.js';
import { E2eError } from './errors.js';
import { type IssuedKey, type KeyServerEndpoint, requestKeys } from './keys.js';
import { remuxMp4, segmentHlsAes128 } from './media.js';
import { insertBoxesIntoMoov } from './mp4-boxes.js';
import { type StaticServer, startStaticServer } from './static-server.js';
import { REPO_ROOT } from './tools.js';

// The media of the browser test and of `pnpm demo`, made from the key server's answers as a packager would, and
// the page that plays them (e2e/player) with the players from node_modules.

/** Where the page and the media are served: `/`, `/player.js`, `/lib/…`, `/media/…` (the directory `media`). */
export function startPlayerPage(media: string, port = 0): Promise<StaticServer> {
  const require = createRequire(join(REPO_ROOT, 'package.json'));
  const page = join(REPO_ROOT, 'e2e', 'player');
  return startStaticServer(
    {
      '/': join(page, 'index.html'),
      '/player.js': join(page, 'player.js'),
      '/lib/shaka-player.compiled.js': require.resolve('shaka-player'),
      '/lib/hls.min.js': require.resolve('hls.js/dist/hls.min.js'),
      '/media/': media,
    },
    port,
  );
}

/**
 * Asks the key server for a ClearKey key (with the W3C common PSSH), has ffmpeg encrypt the video of `source`
 * (an MP4) with it, cuts the result into fragments whose init segment carries the answer's common `pssh` box, and
 * writes them to `dir` with a DASH manifest holding the answer's signalling (ClearKey's `dashif:Laurl`, the common
 * `<pssh>`). `work` holds the intermediate file.
 */
export async function prepareClearKeyDash(
  endpoint: KeyServerEndpoint,
  source: string,
  work: string,
  dir: string,
): Promise<{ issued: IssuedKey; fragments: CencFragments }> {
  const issued = await requestKeys(endpoint, { contentId: 'cpixkit-playback-dash', drm: ['clearkey', 'common'] });
  const encrypted = join(work, 'encrypted.mp4');
  await remuxMp4(source, encrypted, {
    layout: 'faststart',
    map: '0:v',
    cenc: { keyHex: issued.key.toString('hex'), kidHex: issued.kid.replaceAll('-', '') },
  });
  const fragments = fragmentCencMp4(readFileSync(encrypted));
  const commonBox = issued.pssh.get(CLEARKEY_SYSTEM_ID);
  const laurl = issued.contentProtectionData.get(CLEARKEY_SYSTEM_ID);
  const commonPssh = issued.contentProtectionData.get(COMMON_SYSTEM_ID);
  if (commonBox === undefined || laurl === undefined || commonPssh === undefined) {
    throw new E2eError(
      'ERR_E2E_PROCESS_FAILED',
      'the answer lacks the ClearKey PSSH, its licence URL or the common <pssh>',
    );
  }
  fragments.init = insertBoxesIntoMoov(fragments.init, [commonBox]);
  writeDash(dir, fragments, issued.kid, [
    { systemId: CLEARKEY_SYSTEM_ID, value: 'ClearKey1.0', contentProtectionData: laurl },
    { systemId: COMMON_SYSTEM_ID, contentProtectionData: commonPssh },
  ]);
  return { issued, fragments };
}

/**
 * Has ffmpeg segment `source` (MPEG-TS) into `dir` with HLS AES-128 under a key of the answer `issued`: its key,
 * IV and signed key URL. The key file lives in `work` only while ffmpeg runs.
 */
export async function prepareAes128Hls(issued: IssuedKey, source: string, work: string, dir: string): Promise<string> {
  if (issued.keyUri === undefined || issued.iv === undefined) {
    throw new E2eError('ERR_E2E_PROCESS_FAILED', 'the AES-128 answer has no key URL or IV');
  }
  const keyFile = join(work, `${issued.kid}.key`);
  const keyInfo = join(work, `${issued.kid}.keyinfo`);
  writeFileSync(keyFile, issued.key, { mode: 0o600 });
  writeFileSync(keyInfo, `${issued.keyUri}\n${keyFile}\n${issued.iv.toString('hex')}\n`);
  try {
    return await segmentHlsAes128(source, dir, keyInfo);
  } finally {
    rmSync(keyFile, { force: true });
  }
}
