import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runTool } from './tools.js';

/** The decoded frames of a file, per media type, as ffmpeg's `framemd5` muxer hashes them (MD5 of each raw frame). */
export interface FrameHashes {
  video: string[];
  audio: string[];
}

/** Length of the generated test clips, in seconds. */
export const CLIP_SECONDS = 4;

/**
 * Writes a {@link CLIP_SECONDS}-second test clip: lavfi `testsrc` (320×240, 25 fps, H.264, a keyframe every
 * second) and a 440 Hz `sine` (AAC, 48 kHz). `container` is `mpegts` for HLS sources (no edit list, so a TS
 * segmenter keeps every audio frame the source decodes to) or `mp4`.
 */
export async function makeTestClip(path: string, container: 'mpegts' | 'mp4'): Promise<void> {
  await runTool(
    'ffmpeg',
    [
      ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-y'],
      ...['-f', 'lavfi', '-i', `testsrc=size=320x240:rate=25:duration=${CLIP_SECONDS}`],
      ...['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${CLIP_SECONDS}`],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-g', '25', '-pix_fmt', 'yuv420p'],
      ...['-c:a', 'aac', '-b:a', '64k', '-t', String(CLIP_SECONDS), '-f', container, path],
    ],
    { label: `ffmpeg (test clip ${container})` },
  );
}

/**
 * Decodes every stream of `input` with ffmpeg and returns the MD5 of each decoded frame (`-f framemd5`).
 * `inputOptions` go before `-i` (e.g. `-decryption_key`, `-allowed_extensions ALL`); `input` may be a file or
 * a playlist that ffmpeg fetches over HTTP.
 */
export async function frameHashes(
  input: string,
  inputOptions: readonly string[] = [],
  label = 'ffmpeg (decode)',
): Promise<FrameHashes> {
  const { stdout } = await runTool(
    'ffmpeg',
    [
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'error',
      ...inputOptions,
      '-i',
      input,
      '-map',
      '0',
      '-f',
      'framemd5',
      '-',
    ],
    { label },
  );
  return parseFrameMd5(stdout.toString('utf8'));
}

/**
 * Reads ffmpeg's framemd5 output: `#media_type N: video` header lines name each stream, then one line per
 * frame, `stream, dts, pts, duration, size, hash`. Timestamps are left out: a segmenter may shift them.
 */
export function parseFrameMd5(text: string): FrameHashes {
  const mediaTypes = new Map<string, string>();
  const hashes: FrameHashes = { video: [], audio: [] };
  for (const line of text.split('\n')) {
    const header = /^#media_type (\d+): (\w+)$/.exec(line.trim());
    if (header) {
      mediaTypes.set(header[1]!, header[2]!);
      continue;
    }
    if (line.startsWith('#') || line.trim() === '') continue;
    const fields = line.split(',').map((field) => field.trim());
    const type = mediaTypes.get(fields[0]!);
    const hash = fields[5];
    if ((type === 'video' || type === 'audio') && hash !== undefined) hashes[type].push(hash);
  }
  return hashes;
}

/** How the MP4 muxer lays the file out: `moov` after `mdat` (ffmpeg's default), `moov` first, or fragmented. */
export type Mp4Layout = 'moov-last' | 'faststart' | 'fragmented';

const LAYOUT_FLAGS: Record<Mp4Layout, string[]> = {
  'moov-last': [],
  faststart: ['-movflags', '+faststart'],
  fragmented: ['-movflags', 'frag_keyframe+empty_moov'],
};

/** Options of {@link remuxMp4}. */
export interface RemuxOptions {
  layout: Mp4Layout;
  /**
   * Common Encryption with ffmpeg's mov muxer: `cenc-aes-ctr` with a 16-byte key and KID (32 hex digits each).
   * ffmpeg 5.1 implements only `cenc-aes-ctr` (it answers "unsupported encryption scheme cbcs"), and writes no
   * `senc` into movie fragments, so its own demuxer cannot decrypt a fragmented file it encrypted: encrypt
   * with the `moov-last` or `faststart` layout.
   */
  cenc?: { keyHex: string; kidHex: string };
  /** The streams kept (ffmpeg `-map`): `0` (default) all, `0:v` the video only. */
  map?: string;
}

/** Copies the streams of `source` (no re-encoding) into an MP4 file at `output`. */
export async function remuxMp4(source: string, output: string, options: RemuxOptions): Promise<void> {
  const encryption = options.cenc
    ? [
        '-encryption_scheme',
        'cenc-aes-ctr',
        '-encryption_key',
        options.cenc.keyHex,
        '-encryption_kid',
        options.cenc.kidHex,
      ]
    : [];
  await runTool(
    'ffmpeg',
    [
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'error',
      '-y',
      '-i',
      source,
      '-map',
      options.map ?? '0',
      '-c',
      'copy',
      ...encryption,
      ...LAYOUT_FLAGS[options.layout],
      '-f',
      'mp4',
      output,
    ],
    { label: `ffmpeg (${options.cenc ? 'cenc-aes-ctr ' : ''}${options.layout} mp4)` },
  );
}

/**
 * Segments `source` (MPEG-TS) into `dir` with ffmpeg's HLS AES-128 encryption, given a key info file (key URI for
 * the playlist, local key file, IV), one-second segments; returns the playlist's path.
 */
export async function segmentHlsAes128(source: string, dir: string, keyInfoFile: string): Promise<string> {
  mkdirSync(dir, { recursive: true });
  const playlist = join(dir, 'playlist.m3u8');
  await runTool(
    'ffmpeg',
    [
      ...['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', '-i', source, '-map', '0', '-c', 'copy'],
      ...['-f', 'hls', '-hls_time', '1', '-hls_playlist_type', 'vod', '-hls_key_info_file', keyInfoFile],
      ...['-hls_segment_filename', join(dir, 'segment%03d.ts'), playlist],
    ],
    { label: 'ffmpeg (HLS AES-128 segmenter)' },
  );
  return playlist;
}
