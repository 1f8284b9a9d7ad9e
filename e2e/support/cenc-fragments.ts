import { type BoxHeader, children } from './mp4-boxes.js';
import { E2eError } from './errors.js';

/*
 * Cuts a one-track CENC MP4 that ffmpeg encrypted (`-encryption_scheme cenc-aes-ctr`, moov first) into the
 * fragmented form MSE players take: an init segment and one `moof` + `mdat` per GOP, each `traf` carrying the
 * samples' own `senc` entries (IV and subsample map) with `saiz`/`saio` pointing at them. No byte of a sample
 * is touched: ffmpeg did the encryption, this only moves its samples and their encryption entries into fragments
 * (ffmpeg 5.1 writes no `senc` into the fragments of a fragmented file it encrypts, so MSE cannot decrypt those).
 */

/** The fragmented stream: its init segment, its media segments, and what a DASH manifest says of them. */
export interface CencFragments {
  init: Uint8Array;
  segments: { bytes: Uint8Array; start: number; duration: number }[];
  timescale: number;
  /** RFC 6381 codec string, e.g. `avc1.42c00d`. */
  codecs: string;
  width: number;
  height: number;
}

interface Samples {
  sizes: number[];
  offsets: number[];
  durations: number[];
  sync: Set<number>;
  /** Per sample, its `senc` entry. */
  encryption: Uint8Array[];
  sencFlags: number;
}

const u32 = (value: number) => {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value);
  return bytes;
};
const u64 = (value: number) => {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(value));
  return bytes;
};

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function box(type: string, ...payload: Uint8Array[]): Uint8Array {
  const body = concat(payload);
  return concat([u32(8 + body.length), new TextEncoder().encode(type), body]);
}

function fullBox(type: string, version: number, flags: number, ...payload: Uint8Array[]): Uint8Array {
  return box(type, u32((version << 24) | flags), ...payload);
}

class Mp4 {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  top(): BoxHeader[] {
    return children(this.view, 0, this.bytes.length);
  }

  child(parent: BoxHeader, type: string, offset = 0): BoxHeader {
    const found = children(this.view, parent.bodyStart + offset, parent.end).find((item) => item.type === type);
    if (found === undefined) throw new E2eError('ERR_E2E_BAD_MP4', `no '${type}' in '${parent.type}'`);
    return found;
  }

  path(from: BoxHeader, types: readonly string[]): BoxHeader {
    return types.reduce((parent, type) => this.child(parent, type), from);
  }

  raw(header: BoxHeader): Uint8Array {
    return this.bytes.subarray(header.start, header.end);
  }

  /** A table of `count` rows of `width` 32-bit fields after a full box header and a 32-bit count (`skip` bytes between). */
  table(header: BoxHeader, width: number, skip = 0): number[][] {
    const count = this.view.getUint32(header.bodyStart + 4 + skip);
    const rows: number[][] = [];
    for (let row = 0; row < count; row++) {
      const at = header.bodyStart + 8 + skip + row * width * 4;
      rows.push(Array.from({ length: width }, (_, field) => this.view.getUint32(at + field * 4)));
    }
    return rows;
  }
}

function readSamples(mp4: Mp4, stbl: BoxHeader): Samples {
  const { view } = mp4;
  const stsz = mp4.child(stbl, 'stsz');
  const fixed = view.getUint32(stsz.bodyStart + 4);
  const count = view.getUint32(stsz.bodyStart + 8);
  const sizes = Array.from({ length: count }, (_, index) => fixed || view.getUint32(stsz.bodyStart + 12 + index * 4));
  const chunkOffsets = mp4.table(mp4.child(stbl, 'stco'), 1).map(([offset]) => offset!);
  const stsc = mp4.table(mp4.child(stbl, 'stsc'), 3);
  const offsets: number[] = [];
  chunkOffsets.forEach((chunkOffset, chunkIndex) => {
    const entry = [...stsc].reverse().find(([firstChunk]) => firstChunk! <= chunkIndex + 1)!;
    let at = chunkOffset;
    for (let sample = 0; sample < entry[1]!; sample++) {
      offsets.push(at);
      at += sizes[offsets.length - 1]!;
    }
  });
  const durations = mp4
    .table(mp4.child(stbl, 'stts'), 2)
    .flatMap(([times, delta]) => Array<number>(times!).fill(delta!));
  if (children(view, stbl.bodyStart, stbl.end).some((item) => item.type === 'ctts'))
    throw new E2eError('ERR_E2E_BAD_MP4', 'composition offsets (B-frames) are not supported here');
  const sync = new Set(mp4.table(mp4.child(stbl, 'stss'), 1).map(([number]) => number! - 1));
  // Each sample's encryption entry: the saiz sizes cut the senc entries in order.
  const saiz = mp4.child(stbl, 'saiz');
  const saizFlags = view.getUint32(saiz.bodyStart) & 0xffffff;
  const saizAt = saiz.bodyStart + 4 + (saizFlags & 1 ? 8 : 0);
  const defaultSize = view.getUint8(saizAt);
  const entrySizes = Array.from({ length: count }, (_, index) => defaultSize || view.getUint8(saizAt + 5 + index));
  const senc = mp4.child(stbl, 'senc');
  const sencFlags = view.getUint32(senc.bodyStart) & 0xffffff;
  let at = senc.bodyStart + 8;
  const encryption = entrySizes.map((size) => {
    const entry = mp4.bytes.subarray(at, at + size);
    at += size;
    return entry;
  });
  if (at !== senc.end || view.getUint32(senc.bodyStart + 4) !== count) {
    throw new E2eError('ERR_E2E_BAD_MP4', 'the senc entries do not match the sample count and saiz sizes');
  }
  return { sizes, offsets, durations, sync, encryption, sencFlags };
}

function mediaSegment(
  mp4: Mp4,
  samples: Samples,
  trackId: number,
  sequence: number,
  first: number,
  end: number,
  start: number,
): Uint8Array {
  const indexes = Array.from({ length: end - first }, (_, index) => first + index);
  const sampleRows = indexes.map((index) =>
    concat([
      u32(samples.durations[index]!),
      u32(samples.sizes[index]!),
      u32(samples.sync.has(index) ? 0x0200_0000 : 0x0101_0000),
    ]),
  );
  const trunFor = (dataOffset: number) =>
    fullBox('trun', 0, 0x000701, u32(indexes.length), u32(dataOffset), ...sampleRows);
  const tfhd = fullBox('tfhd', 0, 0x020000, u32(trackId));
  const tfdt = fullBox('tfdt', 1, 0, u64(start));
  const entries = indexes.map((index) => samples.encryption[index]!);
  const senc = fullBox('senc', 0, samples.sencFlags, u32(indexes.length), ...entries);
  const sizes = entries.map((entry) => entry.length);
  const saiz = fullBox('saiz', 0, 0, Uint8Array.of(0), u32(indexes.length), Uint8Array.from(sizes));
  const mfhd = fullBox('mfhd', 0, 0, u32(sequence));
  // Offsets from the start of moof (default-base-is-moof): the senc entries, then the samples after mdat's header.
  const trafHead = 8 + tfhd.length + tfdt.length + trunFor(0).length;
  const sencEntries = 8 + mfhd.length + trafHead + 16;
  const saio = fullBox('saio', 0, 0, u32(1), u32(sencEntries));
  const moofLength = sencEntries - 16 + senc.length + saiz.length + saio.length;
  const moof = box('moof', mfhd, box('traf', tfhd, tfdt, trunFor(moofLength + 8), senc, saiz, saio));
  const mdat = box(
    'mdat',
    ...indexes.map((index) =>
      mp4.bytes.subarray(samples.offsets[index]!, samples.offsets[index]! + samples.sizes[index]!),
    ),
  );
  return concat([moof, mdat]);
}

/** Fragments the one-track, moov-first CENC MP4 `file` into one segment per GOP. */
export function fragmentCencMp4(file: Uint8Array): CencFragments {
  const mp4 = new Mp4(file);
  const top = mp4.top();
  const moov = top.find((item) => item.type === 'moov');
  const ftyp = top.find((item) => item.type === 'ftyp');
  if (moov === undefined || ftyp === undefined) throw new E2eError('ERR_E2E_BAD_MP4', 'no ftyp or moov');
  const traks = children(mp4.view, moov.bodyStart, moov.end).filter((item) => item.type === 'trak');
  if (traks.length !== 1) throw new E2eError('ERR_E2E_BAD_MP4', `one track expected, the file has ${traks.length}`);
  const trak = traks[0]!;
  const tkhd = mp4.child(trak, 'tkhd');
  const tkhdVersion = mp4.view.getUint8(tkhd.bodyStart);
  const trackId = mp4.view.getUint32(tkhd.bodyStart + (tkhdVersion === 1 ? 20 : 12));
  const mdia = mp4.child(trak, 'mdia');
  const mdhd = mp4.child(mdia, 'mdhd');
  const timescale = mp4.view.getUint32(mdhd.bodyStart + (mp4.view.getUint8(mdhd.bodyStart) === 1 ? 20 : 12));
  const minf = mp4.child(mdia, 'minf');
  const stbl = mp4.child(minf, 'stbl');
  const stsd = mp4.child(stbl, 'stsd');
  const encv = mp4.child(stsd, 'encv', 8);
  const avcC = mp4.child(encv, 'avcC', 78);
  const profile = mp4.bytes.subarray(avcC.bodyStart + 1, avcC.bodyStart + 4);
  const width = mp4.view.getUint16(encv.bodyStart + 24);
  const height = mp4.view.getUint16(encv.bodyStart + 26);
  const samples = readSamples(mp4, stbl);

  const emptyTable = (type: string) => fullBox(type, 0, 0, u32(0));
  const stblOut = box(
    'stbl',
    mp4.raw(stsd),
    emptyTable('stts'),
    emptyTable('stsc'),
    fullBox('stsz', 0, 0, u32(0), u32(0)),
    emptyTable('stco'),
  );
  const minfOut = box(
    'minf',
    ...children(mp4.view, minf.bodyStart, minf.end).map((item) => (item.type === 'stbl' ? stblOut : mp4.raw(item))),
  );
  const mdiaOut = box(
    'mdia',
    ...children(mp4.view, mdia.bodyStart, mdia.end).map((item) => (item.type === 'minf' ? minfOut : mp4.raw(item))),
  );
  const trakOut = box('trak', mp4.raw(tkhd), mdiaOut);
  const trex = fullBox('trex', 0, 0, u32(trackId), u32(1), u32(0), u32(0), u32(0));
  const init = concat([mp4.raw(ftyp), box('moov', mp4.raw(mp4.child(moov, 'mvhd')), trakOut, box('mvex', trex))]);

  const starts = [...samples.sync].sort((a, b) => a - b);
  let time = 0;
  const segments = starts.map((first, index) => {
    const end = starts[index + 1] ?? samples.sizes.length;
    const duration = samples.durations.slice(first, end).reduce((sum, value) => sum + value, 0);
    const segment = { bytes: mediaSegment(mp4, samples, trackId, index + 1, first, end, time), start: time, duration };
    time += duration;
    return segment;
  });
  const codecs = `avc1.${Buffer.from(profile).toString('hex')}`;
  return { init, segments, timescale, codecs, width, height };
}
