import { E2eError } from './errors.js';

/*
 * A small ISO-BMFF writer that inserts boxes (our `pssh` boxes) at the end of a file's `moov`, as a packager
 * writes them into an init segment. Growing `moov` moves every byte after it, so every absolute file offset
 * that points past the insertion point is moved by the same amount:
 *   - `stco`/`co64` chunk offsets (a `moov` before `mdat`, e.g. `-movflags +faststart`),
 *   - `saio` offsets of a `stbl` (absolute there; inside a `traf` they are relative to the fragment's base),
 *   - `tfhd` base_data_offset when a fragment gives one explicitly (ffmpeg does unless `default_base_moof`),
 *   - `tfra` moof offsets in the random-access index `mfra`.
 * `sidx` offsets are relative to the `sidx` itself and need no change.
 */

/** Where a box is in a file. */
export interface BoxHeader {
  type: string;
  start: number;
  /** Where the box's content starts (after size, type and any 64-bit size). */
  bodyStart: number;
  end: number;
  /** How the size is written: 32-bit, 64-bit (`size == 1`) or "to the end of the file" (`size == 0`). */
  sizeField: 'u32' | 'u64' | 'to-end';
}

/** Boxes whose content is boxes, on the paths to the boxes that hold file offsets. */
const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'moof', 'traf', 'mfra']);
const MAX_U32 = 0xffff_ffff;

/** Reads the header of the box at `start`; the box must end by `limit`. */
export function readHeader(view: DataView, start: number, limit: number): BoxHeader {
  if (limit - start < 8) {
    throw new E2eError('ERR_E2E_BAD_MP4', `a box header at byte ${start} is cut off (${limit - start} bytes left)`);
  }
  const size32 = view.getUint32(start);
  const type = String.fromCharCode(
    view.getUint8(start + 4),
    view.getUint8(start + 5),
    view.getUint8(start + 6),
    view.getUint8(start + 7),
  );
  let size = size32;
  let bodyStart = start + 8;
  let sizeField: BoxHeader['sizeField'] = 'u32';
  if (size32 === 1) {
    if (limit - start < 16)
      throw new E2eError('ERR_E2E_BAD_MP4', `the 64-bit size of '${type}' at byte ${start} is cut off`);
    size = Number(view.getBigUint64(start + 8));
    bodyStart = start + 16;
    sizeField = 'u64';
  } else if (size32 === 0) {
    size = limit - start;
    sizeField = 'to-end';
  }
  if (size < bodyStart - start || start + size > limit) {
    throw new E2eError(
      'ERR_E2E_BAD_MP4',
      `box '${type}' at byte ${start} claims ${size} bytes, ${limit - start} are left`,
    );
  }
  return { type, start, bodyStart, end: start + size, sizeField };
}

/** The boxes between `start` and `end`, in order. */
export function children(view: DataView, start: number, end: number): BoxHeader[] {
  const found: BoxHeader[] = [];
  for (let pos = start; pos < end; ) {
    const header = readHeader(view, pos, end);
    found.push(header);
    pos = header.end;
  }
  return found;
}

/** Moves the absolute offsets inside one box by `shift` where they point at or past `from`. */
class OffsetShifter {
  constructor(
    private readonly view: DataView,
    private readonly from: number,
    private readonly shift: number,
  ) {}

  visit(box: BoxHeader, parent: string): void {
    if (CONTAINERS.has(box.type)) {
      for (const child of children(this.view, box.bodyStart, box.end)) this.visit(child, box.type);
    } else if (box.type === 'stco') {
      this.table(box, box.bodyStart + 4, 4, 0, 4);
    } else if (box.type === 'co64') {
      this.table(box, box.bodyStart + 4, 8, 0, 8);
    } else if (box.type === 'saio' && parent === 'stbl') {
      const { version, flags } = this.fullBox(box);
      const wide = version === 1 ? 8 : 4;
      this.table(box, box.bodyStart + 4 + (flags & 1 ? 8 : 0), wide, 0, wide);
    } else if (box.type === 'tfhd') {
      const { flags } = this.fullBox(box);
      if (flags & 1) this.offsetAt(box, box.bodyStart + 8, 8);
    } else if (box.type === 'tfra') {
      const { version } = this.fullBox(box);
      this.need(box, box.bodyStart + 16);
      const sizes = this.view.getUint32(box.bodyStart + 8);
      const wide = version === 1 ? 8 : 4;
      const entryBytes = 2 * wide + ((sizes >> 4) & 3) + ((sizes >> 2) & 3) + (sizes & 3) + 3;
      this.table(box, box.bodyStart + 12, entryBytes, wide, wide);
    }
  }

  private fullBox(box: BoxHeader): { version: number; flags: number } {
    this.need(box, box.bodyStart + 4);
    const word = this.view.getUint32(box.bodyStart);
    return { version: word >>> 24, flags: word & 0xff_ffff };
  }

  /** A table of `u32 entry_count` at `countAt`, then entries of `entryBytes` with an offset at `offsetIn`. */
  private table(box: BoxHeader, countAt: number, entryBytes: number, offsetIn: number, offsetBytes: 4 | 8): void {
    this.need(box, countAt + 4);
    const count = this.view.getUint32(countAt);
    this.need(box, countAt + 4 + count * entryBytes);
    for (let index = 0; index < count; index++) {
      this.offsetAt(box, countAt + 4 + index * entryBytes + offsetIn, offsetBytes);
    }
  }

  private offsetAt(box: BoxHeader, at: number, bytes: 4 | 8): void {
    this.need(box, at + bytes);
    if (bytes === 8) {
      const value = this.view.getBigUint64(at);
      if (value >= BigInt(this.from)) this.view.setBigUint64(at, value + BigInt(this.shift));
      return;
    }
    const value = this.view.getUint32(at);
    if (value < this.from) return;
    if (value + this.shift > MAX_U32) {
      throw new E2eError(
        'ERR_E2E_BAD_MP4',
        `a 32-bit offset in '${box.type}' at byte ${box.start} would pass 4 GiB after inserting ${this.shift} bytes`,
      );
    }
    this.view.setUint32(at, value + this.shift);
  }

  private need(box: BoxHeader, end: number): void {
    if (end > box.end)
      throw new E2eError('ERR_E2E_BAD_MP4', `box '${box.type}' at byte ${box.start} is too short for its tables`);
  }
}

/**
 * Returns a copy of the MP4 `file` with `boxes` (each a whole box, e.g. from `encodePsshBox`) appended to its
 * one `moov`: the `moov` size grows by their length and every absolute offset to a byte after the `moov` moves
 * by the same amount (`stco`, `co64`, `stbl/saio`, explicit `tfhd` base offsets, `tfra`).
 *
 * @throws {@link E2eError} `ERR_E2E_BAD_MP4` when the file or a box is malformed, has no or several `moov`, or
 *   an offset or the `moov` size would overflow its field.
 */
export function insertBoxesIntoMoov(file: Uint8Array, boxes: readonly Uint8Array[]): Uint8Array {
  for (const [index, box] of boxes.entries()) {
    const header = readHeader(new DataView(box.buffer, box.byteOffset, box.byteLength), 0, box.length);
    if (header.end !== box.length) {
      throw new E2eError('ERR_E2E_BAD_MP4', `box ${index} to insert says ${header.end} bytes but has ${box.length}`);
    }
  }
  const inserted = Buffer.concat(boxes);
  const patched = new Uint8Array(file);
  const view = new DataView(patched.buffer);
  const topLevel = children(view, 0, patched.length);
  const moovs = topLevel.filter((box) => box.type === 'moov');
  if (moovs.length !== 1) throw new E2eError('ERR_E2E_BAD_MP4', `expected one top-level 'moov', found ${moovs.length}`);
  const moov = moovs[0]!;
  const shifter = new OffsetShifter(view, moov.end, inserted.length);
  for (const box of topLevel) shifter.visit(box, '');
  if (moov.sizeField === 'u32') {
    const size = moov.end - moov.start + inserted.length;
    if (size > MAX_U32) throw new E2eError('ERR_E2E_BAD_MP4', `'moov' would pass 4 GiB`);
    view.setUint32(moov.start, size);
  } else if (moov.sizeField === 'u64') {
    view.setBigUint64(moov.start + 8, BigInt(moov.end - moov.start + inserted.length));
  }
  return Buffer.concat([patched.subarray(0, moov.end), inserted, patched.subarray(moov.end)]);
}
