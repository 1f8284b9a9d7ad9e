import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { computeKeyChecksum } from '@cpixkit/playready-header';
import { parsePsshBox, PLAYREADY_SYSTEM_ID, WIDEVINE_SYSTEM_ID } from '@cpixkit/pssh';
import { afterAll, describe, expect, it } from 'vitest';
import { cpixkitJson } from './support/cli.js';
import { E2eError } from './support/errors.js';
import { requestKeys } from './support/keys.js';
import { frameHashes, makeTestClip, type Mp4Layout, remuxMp4 } from './support/media.js';
import { insertBoxesIntoMoov } from './support/mp4-boxes.js';
import { readWithMp4box } from './support/mp4box-reader.js';
import { prepareOnce } from './support/prepare.js';
import { secondsSince } from './support/tools.js';
import { type E2eWorkspace, openWorkspace } from './support/workspace.js';

// Flow 3: the Widevine and PlayReady pssh boxes of a SPEKE v2 answer, written into the moov of a real MP4 (as a
// packager writes them into an init segment), read back by `cpixkit pssh decode` and by mp4box.js, and the file
// still decrypts in ffmpeg.

/** One box of `cpixkit pssh decode --json`, as far as these tests read it. */
interface DecodedBox {
  offset: number;
  byteLength: number;
  version: number;
  systemId: string;
  keyIds: string[];
  /** The box Data, base64. */
  data: string;
  widevine?: { keyIds?: string[] };
  playready?: { header?: { keys: { kid: string; algId?: string; checksum?: string }[] } };
}

const CONTENT_ID = 'e2e-pssh-in-mp4';

let workspace: E2eWorkspace | undefined;
const flow = prepareOnce(async () => {
  workspace = await openWorkspace('pssh');
  await makeTestClip(workspace.path('source.mp4'), 'mp4');
  const source = await frameHashes(workspace.path('source.mp4'));
  const issued = await requestKeys(workspace.endpoint(), { contentId: CONTENT_ID, drm: ['widevine', 'playready'] });
  const boxes = [WIDEVINE_SYSTEM_ID, PLAYREADY_SYSTEM_ID].map((systemId) => {
    const box = issued.pssh.get(systemId);
    if (box === undefined)
      throw new E2eError('ERR_E2E_PROCESS_FAILED', `the SPEKE v2 answer has no pssh box for ${systemId}`);
    return box;
  });
  return { workspace, source, issued, boxes };
});

afterAll(async () => {
  await workspace?.close();
});

/** Checks that cpixkit and mp4box.js both read exactly `boxes` out of `file`, at the bytes where they are. */
async function expectBoxesReadBack(file: string): Promise<void> {
  const { issued, boxes } = flow();
  const bytes = readFileSync(file);
  const expected = boxes.map((box) => parsePsshBox(box));

  const decoded = await cpixkitJson<{ boxes: DecodedBox[] }>(['pssh', 'decode', file]);
  expect(
    decoded.boxes.map(({ systemId, version, keyIds, data, byteLength }) => ({
      systemId,
      version,
      keyIds,
      data,
      byteLength,
    })),
  ).toEqual(
    expected.map((box) => ({
      systemId: box.systemId,
      version: box.version,
      keyIds: box.keyIds,
      data: Buffer.from(box.data).toString('base64'),
      byteLength: box.byteLength,
    })),
  );
  decoded.boxes.forEach((box, index) => {
    expect(bytes.subarray(box.offset, box.offset + box.byteLength)).toEqual(Buffer.from(boxes[index]!));
  });
  // The boxes signal the key the file is encrypted with: its KID, and for PlayReady the CHECKSUM of that key.
  const [widevine, playready] = decoded.boxes;
  expect(widevine?.widevine?.keyIds).toEqual([issued.kid]);
  expect(playready?.playready?.header?.keys).toEqual([
    { kid: issued.kid, checksum: computeKeyChecksum(issued.kid, issued.key), algId: 'AESCTR' },
  ]);

  const independent = readWithMp4box(bytes);
  expect(independent.pssh.map((box) => ({ ...box, data: Buffer.from(box.data).toString('base64') }))).toEqual(
    expected.map((box) => ({
      systemId: box.systemId,
      keyIds: box.keyIds,
      data: Buffer.from(box.data).toString('base64'),
    })),
  );
}

describe('pssh boxes from the key server in a real MP4 file', () => {
  it.for<Mp4Layout>(['faststart', 'moov-last'])(
    'encrypted MP4 (%s): cpixkit and mp4box.js read our boxes back, ffmpeg still decrypts every frame',
    async (layout, { annotate }) => {
      const { workspace, source, issued, boxes } = flow();
      const started = performance.now();
      const encrypted = workspace.path(`encrypted-${layout}.mp4`);
      await remuxMp4(workspace.path('source.mp4'), encrypted, {
        layout,
        cenc: { keyHex: issued.key.toString('hex'), kidHex: issued.kid.replaceAll('-', '') },
      });
      const protectedFile = workspace.path(`protected-${layout}.mp4`);
      writeFileSync(protectedFile, insertBoxesIntoMoov(readFileSync(encrypted), boxes));
      const reading = readWithMp4box(readFileSync(protectedFile));
      expect(reading.topLevel).toEqual(
        layout === 'faststart' ? ['ftyp', 'moov', 'free', 'mdat'] : ['ftyp', 'free', 'mdat', 'moov'],
      );
      expect(reading.defaultKids).toEqual([issued.kid, issued.kid]);
      await expectBoxesReadBack(protectedFile);

      const decrypted = await frameHashes(
        protectedFile,
        ['-decryption_key', issued.key.toString('hex')],
        'ffmpeg (CENC decrypt)',
      );
      expect(decrypted).toEqual(source);
      await annotate(
        `${layout}: Widevine ${boxes[0]!.length} B + PlayReady ${boxes[1]!.length} B pssh in moov, read back equal by cpixkit and ` +
          `mp4box.js; ${decrypted.video.length} video + ${decrypted.audio.length} audio frames equal; ` +
          `encrypt, insert, read back, decrypt ${secondsSince(started)}`,
      );
    },
  );

  it('fragmented MP4: explicit tfhd base offsets and the tfra index move with the moov, frames unchanged', async ({
    annotate,
  }) => {
    const { workspace, source, boxes } = flow();
    // Clear: ffmpeg 5.1 writes no senc into fragments, so it cannot decrypt a fragmented file it encrypted.
    const fragmented = workspace.path('fragmented.mp4');
    await remuxMp4(workspace.path('source.mp4'), fragmented, { layout: 'fragmented' });
    const before = await frameHashes(fragmented);
    const withPssh = workspace.path('fragmented-pssh.mp4');
    writeFileSync(withPssh, insertBoxesIntoMoov(readFileSync(fragmented), boxes));
    await expectBoxesReadBack(withPssh);

    const bytes = readFileSync(withPssh);
    const { moofOffsets, tfhdBaseOffsets, topLevel } = readWithMp4box(bytes);
    expect(topLevel.filter((type) => type === 'moof').length).toBeGreaterThanOrEqual(4);
    // ffmpeg gives each fragment's base offset explicitly (its own moof) and indexes the moofs in mfra/tfra.
    expect(tfhdBaseOffsets.length).toBeGreaterThanOrEqual(8);
    expect(moofOffsets.length).toBeGreaterThanOrEqual(8);
    for (const offset of [...tfhdBaseOffsets, ...moofOffsets])
      expect(bytes.subarray(offset + 4, offset + 8).toString('latin1')).toBe('moof');
    const after = await frameHashes(withPssh);
    expect(after.video).toHaveLength(100);
    expect(after).toEqual(before);
    // The fragmented remux drops the AAC priming edit: its audio differs from the source's by that first frame only.
    expect(after.video).toEqual(source.video);
    expect(after.audio.slice(1)).toEqual(source.audio);
    await annotate(
      `fragmented: ${tfhdBaseOffsets.length} tfhd base offsets and ${moofOffsets.length} tfra entries moved onto their moof; ` +
        `${after.video.length} video + ${after.audio.length} audio ` +
        'frames unchanged by the insertion',
    );
  });
});
