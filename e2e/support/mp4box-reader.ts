import { normalizeUuid } from '@cpixkit/pssh';
import { type Box, createFile, MP4BoxBuffer } from 'mp4box';
import { E2eError } from './errors.js';

/** A `pssh` box as GPAC's mp4box.js reads it. */
export interface Mp4boxPssh {
  systemId: string;
  keyIds: string[];
  data: Uint8Array;
}

/** What mp4box.js finds in an MP4 file: its `moov/pssh` boxes, each track's `tenc` default KID, the fragments' offsets. */
export interface Mp4boxReading {
  pssh: Mp4boxPssh[];
  /** Per track, the `tenc` default KID of its protected sample entry (absent for a clear track). */
  defaultKids: (string | undefined)[];
  /** Every `moof_offset` of the file's `mfra/tfra` boxes. */
  moofOffsets: number[];
  /** Every base_data_offset a `moof/traf/tfhd` gives explicitly (flag 0x000001). */
  tfhdBaseOffsets: number[];
  /** The top-level box types in file order. */
  topLevel: string[];
}

/**
 * Reads an MP4 file with mp4box.js (an independent ISO-BMFF parser, not ours), for comparison with what
 * `@cpixkit/pssh` and `cpixkit pssh decode` read from the same bytes.
 */
export function readWithMp4box(bytes: Uint8Array): Mp4boxReading {
  const file = createFile();
  // A copy in a buffer of its own: a Node Buffer's slice() is a view into a shared pool.
  const copy = new Uint8Array(bytes);
  file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(copy.buffer, 0));
  file.flush();
  const moov = file.moov;
  if (moov === undefined) throw new E2eError('ERR_E2E_BAD_MP4', 'mp4box.js found no moov');
  const pssh = moov.psshs.map((box) => ({
    systemId: normalizeUuid(box.system_id),
    keyIds: (box.kid ?? []).map((kid) => normalizeUuid(kid)),
    data: box.protection_data ?? new Uint8Array(0),
  }));
  const defaultKids = moov.traks.map((trak) => {
    const sampleEntry = trak.mdia?.minf?.stbl?.stsd?.entries[0];
    const tenc =
      sampleEntry && (descend(sampleEntry, ['sinf', 'schi', 'tenc']) as (Box & { default_KID: string }) | undefined);
    return tenc === undefined ? undefined : normalizeUuid(tenc.default_KID);
  });
  const mfra = file.boxes.find((box) => box.type === 'mfra');
  const tfras = mfra
    ? (children(mfra).filter((box) => box.type === 'tfra') as (Box & { entries: { moof_offset: number | bigint }[] })[])
    : [];
  const moofOffsets = tfras.flatMap((tfra) => tfra.entries.map((entry) => Number(entry.moof_offset)));
  const tfhdBaseOffsets = file.boxes
    .filter((box) => box.type === 'moof')
    .flatMap((moof) => children(moof).filter((box) => box.type === 'traf'))
    .flatMap(
      (traf) =>
        children(traf).filter((box) => box.type === 'tfhd') as (Box & {
          flags: number;
          base_data_offset: number | bigint;
        })[],
    )
    .filter((tfhd) => tfhd.flags & 1)
    .map((tfhd) => Number(tfhd.base_data_offset));
  return { pssh, defaultKids, moofOffsets, tfhdBaseOffsets, topLevel: file.boxes.map((box) => box.type) };
}

function children(box: Box): Box[] {
  return (box as Box & { boxes?: Box[] }).boxes ?? [];
}

/** The box at `path` below `box`, following the first child of each type. */
function descend(box: Box, path: readonly string[]): Box | undefined {
  let current: Box | undefined = box;
  for (const type of path) current = current && children(current).find((child) => child.type === type);
  return current;
}
