/** A box: `size:u32 | type | payload`. */
export function box(type: string, ...payload: Uint8Array[]): Uint8Array {
  const size = 8 + payload.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, size);
  out.set(Buffer.from(type, 'latin1'), 4);
  let pos = 8;
  for (const part of payload) {
    out.set(part, pos);
    pos += part.length;
  }
  return out;
}

/** A full box: a box whose payload starts with `version:u8 | flags:u24`. */
export function fullBox(type: string, version: number, ...payload: Uint8Array[]): Uint8Array {
  return box(type, Uint8Array.of(version, 0, 0, 0), ...payload);
}

const zeros = (length: number): Uint8Array => new Uint8Array(length);

/**
 * A small fMP4 init segment: `ftyp`, then `moov` holding `mvhd`, one `trak` and `mvex`, with the given
 * `pssh` boxes after `mvhd` (where packagers put them), then an empty `mdat`-free end. Sizes are real.
 */
export function initSegment(psshBoxes: readonly Uint8Array[]): Uint8Array {
  const ftyp = box('ftyp', Buffer.from('iso6', 'latin1'), zeros(4), Buffer.from('iso6dash', 'latin1'));
  const mvhd = fullBox('mvhd', 0, zeros(96));
  const trak = box('trak', fullBox('tkhd', 0, zeros(80)), box('mdia', fullBox('mdhd', 0, zeros(20))));
  const mvex = box('mvex', fullBox('trex', 0, zeros(20)));
  return concat(ftyp, box('moov', mvhd, ...psshBoxes, trak, mvex));
}

/** A media segment: `styp`, `moof` (with the `pssh` boxes, as for key rotation) and `mdat`. */
export function mediaSegment(psshBoxes: readonly Uint8Array[]): Uint8Array {
  const styp = box('styp', Buffer.from('msdh', 'latin1'), zeros(4));
  const moof = box('moof', fullBox('mfhd', 0, zeros(4)), ...psshBoxes, box('traf', fullBox('tfhd', 0, zeros(4))));
  return concat(styp, moof, box('mdat', zeros(64)));
}

/** The parts one after the other. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(Buffer.concat(parts));
}
