import { encodePsshBox, parsePsshBoxes, WIDEVINE_SYSTEM_ID } from '@cpixkit/pssh';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { insertBoxesIntoMoov } from './mp4-boxes.js';

// Synthetic files, byte by byte, so that every offset the writer moves is checked against a known answer.

function box(type: string, ...parts: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(parts);
  const out = Buffer.alloc(8 + body.length);
  out.writeUInt32BE(out.length);
  out.write(type, 4, 'latin1');
  body.copy(out, 8);
  return out;
}

function largeBox(type: string, ...parts: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(parts);
  const out = Buffer.alloc(16 + body.length);
  out.writeUInt32BE(1);
  out.write(type, 4, 'latin1');
  out.writeBigUInt64BE(BigInt(out.length), 8);
  body.copy(out, 16);
  return out;
}

function u32(...values: number[]): Uint8Array {
  const out = Buffer.alloc(4 * values.length);
  values.forEach((value, index) => {
    out.writeUInt32BE(value, 4 * index);
  });
  return out;
}

function u64(...values: number[]): Uint8Array {
  const out = Buffer.alloc(8 * values.length);
  values.forEach((value, index) => {
    out.writeBigUInt64BE(BigInt(value), 8 * index);
  });
  return out;
}

/** version (8 bits) and flags (24 bits) of a full box. */
const full = (version: number, flags = 0) => u32((version << 24) | flags);

const pssh = encodePsshBox({
  systemId: WIDEVINE_SYSTEM_ID,
  data: new Uint8Array([0x12, 0x10, ...new Uint8Array(16).fill(7)]),
});
const ftyp = box('ftyp', Buffer.from('isom'), u32(0x200), Buffer.from('isomiso2'));
const mdatBody = Buffer.from('chunk-one|chunk-two|chunk-three');

/** `moov/trak/mdia/minf/stbl/<table>`, where `table` receives the chunk offsets. */
function moovWith(
  table: (offsets: number[]) => Uint8Array,
  offsets: number[],
  sizeKind: 'u32' | 'u64' = 'u32',
): Uint8Array {
  const stbl = box('stbl', table(offsets));
  const trak = box('trak', box('tkhd', full(0), u32(0, 0, 1)), box('mdia', box('minf', stbl)));
  return sizeKind === 'u32'
    ? box('moov', box('mvhd', full(0), u32(0)), trak)
    : largeBox('moov', box('mvhd', full(0), u32(0)), trak);
}

const stco = (offsets: number[]) => box('stco', full(0), u32(offsets.length, ...offsets));
const co64 = (offsets: number[]) => box('co64', full(0), u32(offsets.length), u64(...offsets));

/** A file `ftyp moov mdat` whose chunk table points at the three chunks of the mdat. */
function faststartFile(table: typeof stco, sizeKind: 'u32' | 'u64' = 'u32'): { file: Uint8Array; chunks: number[] } {
  const moovLength = moovWith(table, [0, 0, 0], sizeKind).length;
  const mdatStart = ftyp.length + moovLength + 8;
  const chunks = [mdatStart, mdatStart + 10, mdatStart + 20];
  return { file: Buffer.concat([ftyp, moovWith(table, chunks, sizeKind), box('mdat', mdatBody)]), chunks };
}

function chunkOffsets(file: Uint8Array, type: 'stco' | 'co64'): number[] {
  const at = Buffer.from(file).indexOf(type) - 4;
  const view = Buffer.from(file);
  const count = view.readUInt32BE(at + 12);
  return Array.from({ length: count }, (_, index) =>
    type === 'stco' ? view.readUInt32BE(at + 16 + 4 * index) : Number(view.readBigUInt64BE(at + 16 + 8 * index)),
  );
}

const text = (file: Uint8Array, at: number, length: number) =>
  Buffer.from(file.subarray(at, at + length)).toString('latin1');

describe('insertBoxesIntoMoov', () => {
  it('appends the boxes to moov, grows its size and moves stco offsets of an mdat after moov', () => {
    const { file, chunks } = faststartFile(stco);
    const out = insertBoxesIntoMoov(file, [pssh, pssh]);
    expect(out.length).toBe(file.length + 2 * pssh.length);
    const moovSize = Buffer.from(out).readUInt32BE(ftyp.length);
    expect(moovSize).toBe(Buffer.from(file).readUInt32BE(ftyp.length) + 2 * pssh.length);
    const found = parsePsshBoxes(out);
    expect(found.map((b) => b.offset)).toEqual([
      ftyp.length + moovSize - 2 * pssh.length,
      ftyp.length + moovSize - pssh.length,
    ]);
    const moved = chunkOffsets(out, 'stco');
    expect(moved).toEqual(chunks.map((offset) => offset + 2 * pssh.length));
    expect(moved.map((offset) => text(out, offset, 9))).toEqual(['chunk-one', 'chunk-two', 'chunk-thr']);
  });

  it('moves co64 offsets and writes a 64-bit moov size back as 64 bits', () => {
    const { file, chunks } = faststartFile(co64, 'u64');
    const out = insertBoxesIntoMoov(file, [pssh]);
    const view = Buffer.from(out);
    expect(view.readUInt32BE(ftyp.length)).toBe(1);
    expect(Number(view.readBigUInt64BE(ftyp.length + 8))).toBe(
      Number(Buffer.from(file).readBigUInt64BE(ftyp.length + 8)) + pssh.length,
    );
    expect(chunkOffsets(out, 'co64')).toEqual(chunks.map((offset) => offset + pssh.length));
    expect(parsePsshBoxes(out)).toHaveLength(1);
  });

  it('leaves offsets that point before moov alone (mdat first, moov last)', () => {
    const mdat = box('mdat', mdatBody);
    const chunks = [ftyp.length + 8, ftyp.length + 18];
    const file = Buffer.concat([ftyp, mdat, moovWith(stco, chunks)]);
    const out = insertBoxesIntoMoov(file, [pssh]);
    expect(chunkOffsets(out, 'stco')).toEqual(chunks);
    expect(out.subarray(out.length - pssh.length)).toEqual(Buffer.from(pssh));
  });

  it('moves stbl saio offsets, explicit tfhd base offsets and tfra moof offsets, not relative ones', () => {
    // saio with aux_info_type present: flags 1, 'cenc', parameter 0, one entry; its offset is at byte 24.
    const saio = (offset: number) => box('saio', full(0, 1), Buffer.from('cenc'), u32(0), u32(1, offset));
    const moov = (saioOffset: number) =>
      box('moov', box('trak', box('mdia', box('minf', box('stbl', stco([]), saio(saioOffset))))));
    const moovLength = moov(0).length;
    const moofStart = ftyp.length + moovLength;
    const fragment = (base: number) =>
      box(
        'moof',
        box('mfhd', full(0), u32(1)),
        box('traf', box('tfhd', full(0, 1), u32(1), u64(base)), box('tfhd', full(0, 0x20000), u32(2))),
      );
    const moofLength = fragment(0).length;
    const mdatStart = moofStart + moofLength;
    // tfra v1 with 1-byte traf/trun/sample numbers, then v0 with 2-byte sample numbers.
    const tfra1 = box('tfra', full(1), u32(1, 0, 1), u64(0, moofStart), Buffer.from([1, 1, 1]));
    const tfra0 = box(
      'tfra',
      full(0),
      u32(2, 1, 2),
      u32(0, moofStart),
      Buffer.from([1, 1, 0, 1]),
      u32(3, moofStart),
      Buffer.from([1, 1, 0, 2]),
    );
    const file = Buffer.concat([
      ftyp,
      moov(mdatStart + 8),
      fragment(moofStart),
      box('mdat', mdatBody),
      box('mfra', tfra1, tfra0),
    ]);
    const out = Buffer.from(insertBoxesIntoMoov(file, [pssh]));
    const shift = pssh.length;
    const saioAt = out.indexOf('saio') - 4;
    expect(out.readUInt32BE(saioAt + 24)).toBe(mdatStart + 8 + shift);
    const tfhdAt = out.indexOf('tfhd') - 4;
    expect(Number(out.readBigUInt64BE(tfhdAt + 16))).toBe(moofStart + shift);
    expect(text(out, moofStart + shift + 4, 4)).toBe('moof');
    const second = out.indexOf('tfhd', tfhdAt + 8) - 4;
    expect(out.subarray(second, second + 16)).toEqual(file.subarray(second - shift, second - shift + 16));
    const v1 = out.indexOf('tfra') - 4;
    expect(Number(out.readBigUInt64BE(v1 + 32))).toBe(moofStart + shift);
    const v0 = out.indexOf('tfra', v1 + 8) - 4;
    expect([out.readUInt32BE(v0 + 28), out.readUInt32BE(v0 + 40)]).toEqual([moofStart + shift, moofStart + shift]);
    expect(out.readUInt32BE(v0 + 24)).toBe(0);
  });

  it('keeps every chunk offset on the same bytes, whatever the sizes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 3 }),
        (sizes, extra) => {
          const chunks = sizes.map((size, index) => Buffer.alloc(size, index + 1));
          const boxes = Array.from({ length: extra + 1 }, () => pssh);
          const moovLength = moovWith(
            stco,
            sizes.map(() => 0),
          ).length;
          let at = ftyp.length + moovLength + 8;
          const offsets = sizes.map((size) => (at += size) - size);
          const file = Buffer.concat([ftyp, moovWith(stco, offsets), box('mdat', ...chunks)]);
          const out = insertBoxesIntoMoov(file, boxes);
          const moved = chunkOffsets(out, 'stco');
          moved.forEach((offset, index) => {
            expect(out.subarray(offset, offset + sizes[index]!)).toEqual(chunks[index]);
          });
          expect(parsePsshBoxes(out)).toHaveLength(boxes.length);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('refuses files it cannot rewrite correctly', () => {
    const bad =
      (file: Uint8Array, boxes: Uint8Array[] = [pssh]) =>
      () =>
        insertBoxesIntoMoov(file, boxes);
    const err = { name: 'E2eError', code: 'ERR_E2E_BAD_MP4' };
    expect(bad(Buffer.concat([ftyp, box('mdat', mdatBody)]))).toThrow(
      expect.objectContaining({ ...err, message: "expected one top-level 'moov', found 0" }),
    );
    const moov = moovWith(stco, []);
    expect(bad(Buffer.concat([ftyp, moov, moov]))).toThrow(/found 2/);
    expect(bad(Buffer.concat([ftyp, moov]).subarray(0, ftyp.length + moov.length - 1))).toThrow(
      expect.objectContaining(err),
    );
    expect(bad(Buffer.concat([ftyp, moov]), [pssh.subarray(0, 20)])).toThrow(
      /'pssh' at byte 0 claims 50 bytes, 20 are left/,
    );
    expect(bad(Buffer.concat([ftyp, moov]), [Buffer.concat([pssh, Buffer.alloc(3)])])).toThrow(
      'box 0 to insert says 50 bytes but has 53',
    );
    // A 32-bit chunk offset that would pass 4 GiB: the file needs co64, which this writer does not convert to.
    const near4GiB = Buffer.concat([ftyp, moovWith(stco, [0xffff_fff0]), box('mdat', mdatBody)]);
    expect(bad(near4GiB)).toThrow(/would pass 4 GiB/);
    const shortStco = box('moov', box('trak', box('mdia', box('minf', box('stbl', box('stco', full(0), u32(5, 1)))))));
    expect(bad(Buffer.concat([ftyp, shortStco]))).toThrow(/too short/);
  });
});
