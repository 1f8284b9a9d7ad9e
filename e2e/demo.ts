import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requestKeys } from './support/keys.js';
import { startKeyServer } from './support/key-server.js';
import { makeTestClip } from './support/media.js';
import { prepareAes128Hls, prepareClearKeyDash, startPlayerPage } from './support/playback-media.js';
import { requireTool } from './support/tools.js';

// `pnpm demo`: the browser test's setup, left running for a person. A key server with a fresh development tenant
// (ClearKey enabled, any origin), a clip packaged twice with keys from it (CENC DASH with a ClearKey licence, HLS
// AES-128 with a signed key URL), and the test page, on http://127.0.0.1:8090 (DEMO_PORT) until Ctrl-C.

async function main(): Promise<void> {
  requireTool('ffmpeg');
  const dir = mkdtempSync(join(tmpdir(), 'cpixkit-demo-'));
  const token = `cpx_${randomBytes(18).toString('base64url')}`;
  const server = await startKeyServer({ dataDir: join(dir, 'data'), devToken: token });
  const stop = async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const media = join(dir, 'media');
    mkdirSync(media);
    const endpoint = { origin: server.origin, token };
    const [aes128] = await Promise.all([
      requestKeys(endpoint, { contentId: 'cpixkit-playback-hls', drm: ['aes128'] }),
      makeTestClip(join(dir, 'source.mp4'), 'mp4'),
      makeTestClip(join(dir, 'source.ts'), 'mpegts'),
    ]);
    await prepareClearKeyDash(endpoint, join(dir, 'source.mp4'), dir, join(media, 'dash'));
    await prepareAes128Hls(aes128, join(dir, 'source.ts'), dir, join(media, 'hls'));
    const page = await startPlayerPage(media, Number(process.env.DEMO_PORT ?? 8090));
    const dash = new URLSearchParams({ player: 'shaka', src: '/media/dash/manifest.mpd', token });
    const hls = new URLSearchParams({ player: 'hls', src: '/media/hls/playlist.m3u8' });
    console.log(
      [
        `key server: ${server.origin} (development tenant, token ${token})`,
        '',
        'Open in a browser on this machine:',
        `  CENC DASH, shaka-player, ClearKey licence from ${server.origin}/clearkey/dev/license:`,
        `    ${page.origin}/#${dash}`,
        `  HLS AES-128, hls.js, key from a signed URL on ${server.origin}/keys/dev/…:`,
        `    ${page.origin}/#${hls}`,
        '',
        'Ctrl-C stops the page and the key server.',
      ].join('\n'),
    );
    await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
    await page.close();
  } finally {
    await stop();
  }
}

main().catch((error: unknown) => {
  console.error(`cpixkit demo: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
