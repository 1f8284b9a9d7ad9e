import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { requestKeys } from './support/keys.js';
import { startKeyServer } from './support/key-server.js';
import { frameHashes, makeTestClip, segmentHlsAes128 } from './support/media.js';
import { prepareOnce } from './support/prepare.js';
import { secondsSince } from './support/tools.js';
import { type E2eWorkspace, openWorkspace } from './support/workspace.js';

// Flow 1: HLS AES-128. `cpixkit request` asks the key server for an AES-128 key; ffmpeg segments a clip with that
// key, IV and key URL; then ffmpeg plays the playlist as a client, fetching the key from the server over HTTP.

const CONTENT_ID = 'e2e-hls-aes128';
/** ffmpeg as an HLS client: a local playlist may name an http key URI only once http is whitelisted. */
const PLAYER_OPTIONS = ['-allowed_extensions', 'ALL', '-protocol_whitelist', 'file,crypto,data,http,tcp'];

let workspace: E2eWorkspace | undefined;
const flow = prepareOnce(async () => {
  // When the flow began: before the server started, the clip was made and the key requested.
  const started = performance.now();
  workspace = await openWorkspace('hls');
  await makeTestClip(workspace.path('source.ts'), 'mpegts');
  const source = await frameHashes(workspace.path('source.ts'));
  const issued = await requestKeys(workspace.endpoint(), { contentId: CONTENT_ID, drm: ['aes128'] });
  return { workspace, source, issued, started };
});

afterAll(async () => {
  await workspace?.close();
});

/** A key URL's answer as `<status> <error code>`: the server names why it refused in `X-Cpixkit-Error`. */
function refusal(response: Response): string {
  return `${response.status} ${response.headers.get('x-cpixkit-error') ?? '(no error code)'}`;
}

/** Segments the source into `dir` of the workspace with ffmpeg's AES-128 HLS encryption. */
function segment(workspace: E2eWorkspace, dir: string, keyInfoFile: string): Promise<string> {
  return segmentHlsAes128(workspace.path('source.ts'), workspace.path(dir), keyInfoFile);
}

describe('HLS AES-128: ffmpeg packages and plays with keys from the key server', () => {
  it('ffmpeg plays the encrypted stream with the key it fetches from the key URL: every frame equals the source', async ({
    annotate,
  }) => {
    const { workspace, source, issued, started: flowStarted } = flow();
    const started = performance.now();
    expect(issued.keyUri).toMatch(
      new RegExp(`^${workspace.server.origin}/keys/dev/${issued.kid}\\?exp=\\d+&sig=[\\w-]{43}$`),
    );
    expect(issued.iv).toHaveLength(16);
    // The key info file: key URI for the playlist, local key file for the segmenter, IV.
    const keyFile = workspace.path('aes128.key');
    writeFileSync(keyFile, issued.key, { mode: 0o600 });
    writeFileSync(workspace.path('key_info'), `${issued.keyUri}\n${keyFile}\n${issued.iv!.toString('hex')}\n`);
    const playlist = await segment(workspace, 'hls', workspace.path('key_info'));
    // The player must get the key from the server: the local copy is gone.
    rmSync(keyFile);

    const text = readFileSync(playlist, 'utf8');
    expect(text).toContain(`#EXT-X-KEY:METHOD=AES-128,URI="${issued.keyUri}",IV=0x${issued.iv!.toString('hex')}`);
    const segments = readdirSync(workspace.path('hls')).filter((name) => name.endsWith('.ts'));
    expect(segments.length).toBeGreaterThanOrEqual(4);
    // Encrypted: a clear MPEG-TS segment starts with the sync byte 0x47 every 188 bytes.
    for (const name of segments) {
      const bytes = readFileSync(workspace.path(`hls/${name}`));
      expect(bytes.length % 16, `${name} is whole AES blocks`).toBe(0);
      expect(
        [0, 188, 376].every((at) => bytes[at] === 0x47),
        `${name} is not clear MPEG-TS`,
      ).toBe(false);
    }

    const played = await frameHashes(playlist, PLAYER_OPTIONS, 'ffmpeg (HLS client)');
    expect(played.video).toHaveLength(100);
    expect(played.audio.length).toBeGreaterThan(180);
    expect(played).toEqual(source);
    await annotate(
      `HLS AES-128: ${segments.length} segments; ${played.video.length} video + ${played.audio.length} audio frames decoded ` +
        `through the key URL, all hashes equal the source; segment and play ${secondsSince(started)}, whole flow ${secondsSince(flowStarted)}`,
    );
  });

  it('a player with the wrong key does not get the source frames (the comparison can fail)', async () => {
    const { workspace, source, issued } = flow();
    const wrong = Buffer.from(issued.key.map((byte) => byte ^ 0xff));
    writeFileSync(workspace.path('wrong.key'), wrong);
    const playlist = readFileSync(workspace.path('hls/playlist.m3u8'), 'utf8').replace(issued.keyUri!, '../wrong.key');
    writeFileSync(workspace.path('hls/wrong-key.m3u8'), playlist);
    const played = await frameHashes(workspace.path('hls/wrong-key.m3u8'), PLAYER_OPTIONS).catch(() => undefined);
    expect(played).not.toEqual(source);
  });

  it('the key URL answers the key, and refuses a missing, malformed or tampered signature', async () => {
    const { issued } = flow();
    const url = new URL(issued.keyUri!);
    const answer = await fetch(url);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(
      Buffer.compare(Buffer.from(await answer.arrayBuffer()), issued.key) === 0,
      'the key URL serves the issued key',
    ).toBe(true);

    const variant = (change: (copy: URL) => void) => {
      const copy = new URL(url);
      change(copy);
      return copy;
    };
    const sig = url.searchParams.get('sig')!;
    const exp = Number(url.searchParams.get('exp'));
    const statuses = async (urls: Record<string, URL>) =>
      Object.fromEntries(
        await Promise.all(Object.entries(urls).map(async ([name, target]) => [name, refusal(await fetch(target))])),
      );
    expect(
      await statuses({
        'no sig': variant((copy) => copy.searchParams.delete('sig')),
        'no exp': variant((copy) => copy.searchParams.delete('exp')),
        'no query': variant((copy) => (copy.search = '')),
        'malformed sig': variant((copy) => copy.searchParams.set('sig', 'not-a-signature')),
        'one sig character changed': variant((copy) =>
          copy.searchParams.set('sig', `${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}`),
        ),
        'expiry pushed later': variant((copy) => copy.searchParams.set('exp', String(exp + 3600))),
        'another KID': variant(
          (copy) => (copy.pathname = url.pathname.replace(issued.kid, '00000000-0000-4000-8000-000000000000')),
        ),
      }),
    ).toEqual({
      // Every fault gets the same answer: a key URL tells nothing about what exists.
      'no sig': '403 ERR_KEY_SERVICE_INVALID_KEY_URL',
      'no exp': '403 ERR_KEY_SERVICE_INVALID_KEY_URL',
      'no query': '403 ERR_KEY_SERVICE_INVALID_KEY_URL',
      'malformed sig': '403 ERR_KEY_SERVICE_INVALID_KEY_URL',
      'one sig character changed': '403 ERR_KEY_SERVICE_INVALID_KEY_URL',
      'expiry pushed later': '403 ERR_KEY_SERVICE_INVALID_KEY_URL',
      'another KID': '403 ERR_KEY_SERVICE_INVALID_KEY_URL',
    });
  });

  it('a key URL stops working when it expires (a tenant whose key URLs live 8 s)', async () => {
    const { workspace } = flow();
    // A second server with a tenants config of its own, so that expiry is real time passing, not a forged URL.
    const token = randomBytes(24).toString('base64url');
    const config = workspace.path('short-lived-tenants.json');
    const tenant = {
      id: 'short-lived',
      keySeed: randomBytes(32).toString('base64'),
      derivationSecret: randomBytes(32).toString('base64'),
      tokens: [`sha256:${createHash('sha256').update(token).digest('hex')}`],
      settings: { aes128: { keyUrlTtlSeconds: 8 } },
    };
    writeFileSync(config, JSON.stringify({ tenants: [tenant] }), { mode: 0o600 });
    const server = await startKeyServer({ dataDir: workspace.path('short-lived-data'), devToken: token, config });
    try {
      const shortLived = await requestKeys(
        { origin: server.origin, token },
        { contentId: CONTENT_ID, drm: ['aes128'] },
      );
      const url = new URL(shortLived.keyUri!);
      expect(url.pathname).toBe(`/keys/short-lived/${shortLived.kid}`);
      expect((await fetch(url)).status).toBe(200);
      await sleep(Number(url.searchParams.get('exp')) * 1000 - Date.now() + 100);
      expect(refusal(await fetch(url))).toBe('403 ERR_KEY_SERVICE_INVALID_KEY_URL');
    } finally {
      await server.stop();
    }
  });
});
