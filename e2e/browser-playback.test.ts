import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { CLEARKEY_SYSTEM_ID, COMMON_SYSTEM_ID, parsePsshBox } from '@cpixkit/pssh';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { type Browser, launchChromium } from './support/browser.js';
import { E2eError } from './support/errors.js';
import { requestKeys } from './support/keys.js';
import { type RunningKeyServer, startKeyServer } from './support/key-server.js';
import { makeTestClip } from './support/media.js';
import { readWithMp4box } from './support/mp4box-reader.js';
import { prepareAes128Hls, prepareClearKeyDash, startPlayerPage } from './support/playback-media.js';
import { prepareOnce } from './support/prepare.js';
import type { StaticServer } from './support/static-server.js';
import { runTool, secondsSince } from './support/tools.js';

// Flow 4: playback in a real browser. Debian's headless Chromium opens a local test page that plays, with
// shaka-player, a CENC DASH stream whose ClearKey licence comes from the key server's licence route, and with
// hls.js an HLS AES-128 stream whose key comes from the server's signed key URL; both cross-origin, both checked
// frame against source. H.264 in fMP4 and MPEG-TS plays in Debian's Chromium (its ffmpeg has the codecs).

/** Screenshots of the playing video, for a person to look at. */
const OUTPUT = fileURLToPath(new URL('.output/', import.meta.url));
const FPS = 25;
/** testsrc's scrolling colour band, in rows of the 320×240 picture. */
const BAND_TOP = 188;
const BAND_ROWS = 28;
const FRAME_BYTES = 320 * BAND_ROWS;
/** The frame compared with the source: 2.4 s in, past the first segments and key fetches. */
const CHECKED_FRAME = 60;
/** Frames the shown picture may be off by (80 ms). */
const FRAME_SLACK = 2;
/** Correlation a shown frame must reach with its source frame (codec loss and colour conversion stay far above). */
const MIN_CORRELATION = 0.95;

interface TestTenant {
  id: string;
  token: string;
  settings: Record<string, unknown>;
}

function tenant(id: string, settings: Record<string, unknown>): TestTenant {
  return { id, token: randomBytes(24).toString('base64url'), settings };
}

let dir: string | undefined;
let keyServer: RunningKeyServer | undefined;
let pages: StaticServer | undefined;
let browser: Browser | undefined;

const flow = prepareOnce(async () => {
  const started = performance.now();
  dir = mkdtempSync(join(tmpdir(), 'cpixkit-e2e-browser-'));
  const path = (name: string) => join(dir!, name);
  const media = path('media');
  mkdirSync(media);
  pages = await startPlayerPage(media);
  // The page's origin may play; a page from another origin (http://localhost:<same port>) may not.
  const player = tenant('player', { clearKey: { enabled: true }, cors: { allowedOrigins: [pages.origin] } });
  const stranger = tenant('stranger', { clearKey: { enabled: true }, cors: { allowedOrigins: ['*'] } });
  const shortLived = tenant('short-lived', {
    cors: { allowedOrigins: [pages.origin] },
    aes128: { keyUrlTtlSeconds: 1 },
  });
  const tenants = [player, stranger, shortLived].map(({ id, token, settings }) => ({
    id,
    keySeed: randomBytes(32).toString('base64'),
    derivationSecret: randomBytes(32).toString('base64'),
    tokens: [`sha256:${createHash('sha256').update(token).digest('hex')}`],
    settings,
  }));
  writeFileSync(path('tenants.json'), JSON.stringify({ tenants }), { mode: 0o600 });
  keyServer = await startKeyServer({ dataDir: path('data'), devToken: player.token, config: path('tenants.json') });
  const endpoint = (of: TestTenant) => ({ origin: keyServer!.origin, token: of.token });

  const [aes128, expiring] = await Promise.all([
    requestKeys(endpoint(player), { contentId: 'e2e-browser-hls', drm: ['aes128'] }),
    requestKeys(endpoint(shortLived), { contentId: 'e2e-browser-hls', drm: ['aes128'] }),
    makeTestClip(path('source.mp4'), 'mp4'),
    makeTestClip(path('source.ts'), 'mpegts'),
  ]);
  const { issued: clearKey, fragments } = await prepareClearKeyDash(
    endpoint(player),
    path('source.mp4'),
    dir,
    join(media, 'dash'),
  );
  await Promise.all([
    prepareAes128Hls(aes128, path('source.ts'), dir, join(media, 'hls')),
    prepareAes128Hls(expiring, path('source.ts'), dir, join(media, 'hls-expired')),
  ]);
  browser = await launchChromium();
  mkdirSync(OUTPUT, { recursive: true });
  return { path, player, stranger, clearKey, aes128, expiring, fragments, started };
});

afterAll(async () => {
  await browser?.close();
  await pages?.close();
  await keyServer?.stop();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** What the page reports: playing past 2 s (then paused there), or the player's error code. */
interface Playback {
  state: 'loading' | 'playing' | 'error';
  time?: number;
  code?: string;
}

/** Opens the page with `fragment` and waits until the player plays past 2 s or fails. */
async function play(
  fragment: Record<string, string>,
  origin = pages!.origin,
): Promise<{ page: Page; playback: Playback }> {
  const page = await browser!.context.newPage();
  // The page's console, shown when it neither plays nor fails (tokens are never logged by the page).
  const console: string[] = [];
  page.on('console', (message) => console.push(`${message.type()}: ${message.text()}`.slice(0, 300)));
  page.on('pageerror', (error) => console.push(`pageerror: ${error.message}`.slice(0, 300)));
  page.on('response', (response) =>
    console.push(`${response.request().method()} ${new URL(response.url()).pathname} ${response.status()}`),
  );
  page.on('requestfailed', (request) =>
    console.push(`${request.method()} ${new URL(request.url()).pathname} failed: ${request.failure()?.errorText}`),
  );
  await page.goto(`${origin}/#${new URLSearchParams({ ...fragment, pause: '' })}`);
  await page
    .waitForFunction(() => (globalThis as unknown as { playback: Playback }).playback.state !== 'loading', undefined, {
      timeout: 20_000,
    })
    .catch(() => {
      throw new E2eError(
        'ERR_E2E_PROCESS_FAILED',
        `the page neither played nor failed in 20 s; its console:\n${console.slice(-30).join('\n')}`,
      );
    });
  const playback = await page.evaluate(() => (globalThis as unknown as { playback: Playback }).playback);
  return { page, playback };
}

/**
 * Every frame of a picture or video as ffmpeg decodes it, at 320×240, cut to testsrc's scrolling colour band
 * (the part of the picture that moves every frame), in grey.
 */
async function greyFrames(input: string): Promise<Uint8Array[]> {
  const { stdout } = await runTool(
    'ffmpeg',
    [
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'error',
      '-i',
      input,
      '-map',
      '0:v',
      '-vf',
      `scale=320:240,crop=320:${BAND_ROWS}:0:${BAND_TOP},format=gray`,
      '-f',
      'rawvideo',
      '-',
    ],
    { label: 'ffmpeg (grey frames)' },
  );
  return Array.from({ length: stdout.length / FRAME_BYTES }, (_, index) =>
    stdout.subarray(index * FRAME_BYTES, (index + 1) * FRAME_BYTES),
  );
}

/** Pearson correlation of two grey pictures: 1 for the same picture whatever the brightness and contrast. */
function correlation(a: Uint8Array, b: Uint8Array): number {
  const mean = (x: Uint8Array) => x.reduce((sum, value) => sum + value, 0) / x.length;
  const [ma, mb] = [mean(a), mean(b)];
  let [ab, aa, bb] = [0, 0, 0];
  a.forEach((value, index) => {
    const [da, db] = [value - ma, b[index]! - mb];
    ab += da * db;
    aa += da * da;
    bb += db * db;
  });
  return ab / Math.sqrt(aa * bb);
}

/**
 * Seeks the paused video to the middle of frame {@link CHECKED_FRAME}, screenshots the video element (kept in
 * e2e/.output for a person to look at) and finds the source frame it is most like: it must be that frame, give or
 * take {@link FRAME_SLACK} (hls.js shifts a transmuxed TS timeline by a frame or two).
 * The screenshot is what the browser composited: Chromium draws EME-decrypted frames black onto a canvas, so a
 * canvas cannot show them.
 */
async function expectSourceFrame(page: Page, source: string, name: string): Promise<string> {
  const time = await page.evaluate(
    (seconds) => (globalThis as unknown as { seekTo(s: number): Promise<number> }).seekTo(seconds),
    (CHECKED_FRAME + 0.5) / FPS,
  );
  const screenshot = join(OUTPUT, `${name}.png`);
  await page.locator('video').screenshot({ path: screenshot });
  const [shown] = await greyFrames(screenshot);
  const scores = (await greyFrames(source)).map((frame) => correlation(shown!, frame));
  const best = scores.indexOf(Math.max(...scores));
  const expected = Math.floor(time * FPS + 1e-6);
  expect(
    Math.abs(best - expected),
    `the ${name} picture at ${time.toFixed(3)} s is most like source frame ${best}`,
  ).toBeLessThanOrEqual(FRAME_SLACK);
  expect(scores[best]).toBeGreaterThan(MIN_CORRELATION);
  const elsewhere = Math.max(...scores.filter((_, index) => Math.abs(index - best) > FRAME_SLACK));
  return `most like source frame ${best} of ${scores.length} (expected ${expected}), correlation ${scores[best]!.toFixed(4)}, best elsewhere ${elsewhere.toFixed(4)}`;
}

describe('Playback in Chromium: shaka-player with a ClearKey licence, hls.js with an AES-128 key URL', () => {
  it('the ClearKey signalling of the SPEKE answer: the DASH-IF Laurl of our licence route, the W3C common box as mp4box.js reads it', () => {
    const { clearKey, fragments } = flow();
    expect(clearKey.licenseUrl).toBe(`${keyServer!.origin}/clearkey/player/license`);
    expect(clearKey.contentProtectionData.get(CLEARKEY_SYSTEM_ID)).toBe(
      `<dashif:Laurl xmlns:dashif="https://dashif.org/CPS" licenseType="EME-1.0">${clearKey.licenseUrl}</dashif:Laurl>`,
    );
    const box = clearKey.pssh.get(CLEARKEY_SYSTEM_ID)!;
    expect(parsePsshBox(box)).toMatchObject({ systemId: COMMON_SYSTEM_ID, version: 1, keyIds: [clearKey.kid] });
    expect(Buffer.compare(box, clearKey.pssh.get(COMMON_SYSTEM_ID)!)).toBe(0);
    const read = readWithMp4box(fragments.init);
    expect(read.pssh).toEqual([{ systemId: COMMON_SYSTEM_ID, keyIds: [clearKey.kid], data: new Uint8Array(0) }]);
    expect(read.defaultKids).toEqual([clearKey.kid]);
  });

  it('shaka-player plays the CENC DASH stream with the licence from our ClearKey route: frames match the source', async ({
    annotate,
  }) => {
    const { path, player, started } = flow();
    const begun = performance.now();
    const { page, playback } = await play({ player: 'shaka', src: '/media/dash/manifest.mpd', token: player.token });
    expect(playback).toMatchObject({ state: 'playing' });
    const compared = await expectSourceFrame(page, path('source.mp4'), 'dash-clearkey');
    await page.close();
    await annotate(
      `shaka-player + ClearKey: played to ${playback.time!.toFixed(2)} s, ${compared}; ${secondsSince(begun)} in the browser, flow ${secondsSince(started)}`,
    );
  });

  it('hls.js plays the AES-128 stream with the key from our signed key URL: frames match the source', async ({
    annotate,
  }) => {
    const { path } = flow();
    const begun = performance.now();
    const { page, playback } = await play({ player: 'hls', src: '/media/hls/playlist.m3u8' });
    expect(playback).toMatchObject({ state: 'playing' });
    const compared = await expectSourceFrame(page, path('source.ts'), 'hls-aes128');
    await page.close();
    await annotate(
      `hls.js + AES-128: played to ${playback.time!.toFixed(2)} s, ${compared}; ${secondsSince(begun)} in the browser`,
    );
  });

  it("another tenant's token: the licence request fails (shaka 6007 LICENSE_REQUEST_FAILED after 1001 BAD_HTTP_STATUS 403)", async () => {
    const { stranger } = flow();
    const { page, playback } = await play({ player: 'shaka', src: '/media/dash/manifest.mpd', token: stranger.token });
    await page.close();
    expect(playback).toEqual({ state: 'error', code: '6007/1001/403' });
  });

  it('a page from an origin the tenant does not allow: the browser blocks the licence (shaka 6007 after 1002 HTTP_ERROR)', async () => {
    const { player } = flow();
    const { page, playback } = await play(
      { player: 'shaka', src: '/media/dash/manifest.mpd', token: player.token },
      `http://localhost:${pages!.port}`,
    );
    await page.close();
    expect(playback).toEqual({ state: 'error', code: '6007/1002' });
  });

  it('an expired key URL: hls.js cannot load the key (keyLoadError)', async () => {
    const { expiring } = flow();
    const exp = Number(new URL(expiring.keyUri!).searchParams.get('exp'));
    await sleep(Math.max(0, exp * 1000 - Date.now() + 50));
    const { page, playback } = await play({ player: 'hls', src: '/media/hls-expired/playlist.m3u8' });
    await page.close();
    expect(playback).toEqual({ state: 'error', code: 'keyLoadError' });
  });
});
