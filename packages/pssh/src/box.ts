import { PsshError } from './errors.js';
import { systemIdBytes } from './systems.js';
import { bytesToUuid, uuidToBytes } from './uuid.js';

/** A parsed ISO-BMFF `pssh` box (ISO/IEC 23001-7 §8.1). */
export interface PsshBox {
  /** The DRM system id, lower-case dashed UUID. */
  systemId: string;
  /** Box version: 0 (no KID list) or 1 (KIDs listed in the box). */
  version: 0 | 1;
  /** The 24-bit box flags; 0 in every box the standard defines. */
  flags: number;
  /** KIDs of a version 1 box, RFC 4122 order, lower-case dashed; empty for version 0. */
  keyIds: string[];
  /** The system-specific payload (`Data`), e.g. Widevine protobuf or a PlayReady Object. */
  data: Uint8Array;
  /** Bytes the whole box occupies, header included. */
  byteLength: number;
}

/** What {@link encodePsshBox} needs to write a `pssh` box. */
export interface PsshBoxInit {
  /** The DRM system id as a UUID string (any spelling `uuidToBytes` accepts). */
  systemId: string;
  /** Box version. Defaults to 1 when `keyIds` has entries, else 0. Version 0 cannot carry `keyIds`. */
  version?: 0 | 1;
  /** 24-bit flags, 0 by default. */
  flags?: number;
  /** KIDs to list in a version 1 box, as UUID strings. */
  keyIds?: readonly string[];
  /** The system-specific payload. */
  data: Uint8Array;
}

/** A `pssh` box found by {@link parsePsshBoxes}, with the byte offset where it starts in the input. */
export interface LocatedPsshBox extends PsshBox {
  offset: number;
}

const PSSH = 0x70737368; // 'pssh'
const MAX_UINT32 = 0xffff_ffff;
/** Boxes that may hold `pssh` boxes: the movie box of an init segment and the movie fragment box. */
const CONTAINERS = new Set(['moov', 'moof']);

/** Writes a `pssh` box: `size | 'pssh' | version | flags | SystemID | [KID_count | KIDs] | DataSize | Data`. */
export function encodePsshBox(init: PsshBoxInit): Uint8Array {
  const layout = checkBoxInit(init, 'encodePsshBox takes { systemId, data, version?, flags?, keyIds? }');
  if (!(init.data instanceof Uint8Array)) {
    throw new PsshError('ERR_PSSH_INVALID_INPUT', 'pssh data must be a Uint8Array');
  }
  const { box, dataOffset } = writeBox(layout, init.data.length);
  box.set(init.data, dataOffset);
  return box;
}

/**
 * A `pssh` box as {@link encodePsshBox} writes it, with room for `dataLength` bytes of Data that the
 * caller writes at `dataOffset`: for a payload built in place (a PlayReady Object, say) rather than
 * built apart and copied in, one allocation instead of two. Until then the Data is zeros.
 */
export function allocatePsshBox(
  init: Omit<PsshBoxInit, 'data'>,
  dataLength: number,
): { box: Uint8Array; dataOffset: number } {
  const layout = checkBoxInit(init, 'allocatePsshBox takes { systemId, version?, flags?, keyIds? }');
  if (!Number.isSafeInteger(dataLength) || dataLength < 0) {
    throw new PsshError(
      'ERR_PSSH_INVALID_INPUT',
      `pssh data length must be a non-negative integer, got ${String(dataLength)}`,
    );
  }
  return writeBox(layout, dataLength);
}

/** A checked {@link PsshBoxInit}, apart from its data. */
interface BoxLayout {
  systemId: string;
  version: 0 | 1;
  flags: number;
  keyIds: readonly string[];
}

function checkBoxInit(init: Omit<PsshBoxInit, 'data'>, usage: string): BoxLayout {
  if (typeof init !== 'object' || init === null) throw new PsshError('ERR_PSSH_INVALID_INPUT', usage);
  const keyIds = init.keyIds ?? [];
  if (!Array.isArray(keyIds)) throw new PsshError('ERR_PSSH_INVALID_INPUT', 'keyIds must be an array of UUID strings');
  const version = init.version ?? (keyIds.length > 0 ? 1 : 0);
  if (version !== 0 && version !== 1) {
    throw new PsshError('ERR_PSSH_UNSUPPORTED_VERSION', `pssh version must be 0 or 1, got ${String(version)}`);
  }
  if (version === 0 && keyIds.length > 0) {
    throw new PsshError('ERR_PSSH_INVALID_INPUT', 'a version 0 pssh box cannot list KIDs; use version 1');
  }
  const flags = init.flags ?? 0;
  if (!Number.isInteger(flags) || flags < 0 || flags > 0xff_ffff) {
    throw new PsshError('ERR_PSSH_INVALID_INPUT', `pssh flags must be a 24-bit unsigned integer, got ${String(flags)}`);
  }
  return { systemId: init.systemId, version, flags, keyIds };
}

/** The box of `layout` with `dataLength` bytes of Data left to write at `dataOffset`. */
function writeBox(layout: BoxLayout, dataLength: number): { box: Uint8Array; dataOffset: number } {
  const { version, flags } = layout;
  const systemId = systemIdBytes(layout.systemId);
  const kids = layout.keyIds.map((kid) => uuidToBytes(kid));
  const size = 32 + (version === 1 ? 4 + 16 * kids.length : 0) + dataLength;
  if (size > MAX_UINT32) {
    throw new PsshError('ERR_PSSH_INVALID_INPUT', `a pssh box of ${size} bytes does not fit a 32-bit size`);
  }
  const box = new Uint8Array(size);
  writeUint32(box, 0, size);
  writeUint32(box, 4, PSSH);
  writeUint32(box, 8, ((version << 24) | flags) >>> 0);
  box.set(systemId, 12);
  let pos = 28;
  if (version === 1) {
    writeUint32(box, pos, kids.length);
    pos += 4;
    for (const kid of kids) {
      box.set(kid, pos);
      pos += 16;
    }
  }
  writeUint32(box, pos, dataLength);
  return { box, dataOffset: pos + 4 };
}

/** Writes a big-endian uint32 (byte by byte, as {@link readUint32} reads). */
function writeUint32(out: Uint8Array, pos: number, value: number): void {
  out[pos] = value >>> 24;
  out[pos + 1] = (value >>> 16) & 0xff;
  out[pos + 2] = (value >>> 8) & 0xff;
  out[pos + 3] = value & 0xff;
}

/**
 * Parses exactly one `pssh` box (32-bit, 64-bit or to-the-end size). Throws {@link PsshError} with the byte
 * offset of the fault when the bytes are not one well-formed box: sizes that disagree, trailing bytes,
 * an unknown version.
 */
export function parsePsshBox(bytes: Uint8Array): PsshBox {
  checkBytes(bytes);
  const header = readBoxHeader(bytes, 0, bytes.length);
  if (header.type !== 'pssh') {
    throw new PsshError('ERR_PSSH_BAD_BOX', `expected a 'pssh' box, found '${header.type}'`, { offset: 4 });
  }
  if (header.end !== bytes.length) {
    throw new PsshError(
      'ERR_PSSH_BAD_BOX',
      `${bytes.length - header.end} bytes after the pssh box; use parsePsshBoxes for several boxes`,
      { offset: header.end },
    );
  }
  return readPsshBody(bytes, 0, header.bodyStart, header.end);
}

/**
 * Every `pssh` box in `bytes`: concatenated boxes (as CPIX and MPDs carry them) and boxes inside an
 * MP4/fMP4 init segment or fragment (`moov/pssh`, `moof/pssh`). Other boxes are skipped; 64-bit sizes
 * and size 0 (box runs to the end) are understood. Returns `[]` when well-formed boxes hold no `pssh`.
 */
export function parsePsshBoxes(bytes: Uint8Array): LocatedPsshBox[] {
  const found: LocatedPsshBox[] = [];
  checkBytes(bytes);
  walk(bytes, 0, bytes.length, found);
  return found;
}

function walk(bytes: Uint8Array, start: number, end: number, found: LocatedPsshBox[]): void {
  let pos = start;
  while (pos < end) {
    const header = readBoxHeader(bytes, pos, end);
    if (header.type === 'pssh') {
      const box: LocatedPsshBox = readPsshBody(bytes, pos, header.bodyStart, header.end) as LocatedPsshBox;
      box.offset = pos;
      found.push(box);
    } else if (CONTAINERS.has(header.type)) {
      walk(bytes, header.bodyStart, header.end, found);
    }
    pos = header.end;
  }
}

interface BoxHeader {
  type: string;
  bodyStart: number;
  end: number;
}

function checkBytes(bytes: Uint8Array): void {
  if (!(bytes instanceof Uint8Array)) throw new PsshError('ERR_PSSH_INVALID_INPUT', 'pssh input must be a Uint8Array');
}

/**
 * Reads a big-endian uint32. Byte by byte rather than through a DataView: a box of up to 64 bytes
 * lives on V8's heap, and taking its `.buffer` would move it off.
 */
function readUint32(bytes: Uint8Array, pos: number): number {
  return ((bytes[pos]! << 24) | (bytes[pos + 1]! << 16) | (bytes[pos + 2]! << 8) | bytes[pos + 3]!) >>> 0;
}

function readBoxHeader(bytes: Uint8Array, start: number, limit: number): BoxHeader {
  if (limit - start < 8) {
    throw new PsshError('ERR_PSSH_TRUNCATED', `a box header needs 8 bytes, ${limit - start} left`, { offset: start });
  }
  const size32 = readUint32(bytes, start);
  const type = String.fromCharCode(bytes[start + 4]!, bytes[start + 5]!, bytes[start + 6]!, bytes[start + 7]!);
  let bodyStart = start + 8;
  let size: number;
  if (size32 === 1) {
    if (limit - start < 16) {
      throw new PsshError('ERR_PSSH_TRUNCATED', 'a box with a 64-bit size needs 16 header bytes', { offset: start });
    }
    const large = (BigInt(readUint32(bytes, start + 8)) << 32n) | BigInt(readUint32(bytes, start + 12));
    if (large > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new PsshError('ERR_PSSH_BAD_BOX', `64-bit box size ${large} is too large`, { offset: start + 8 });
    }
    size = Number(large);
    bodyStart = start + 16;
  } else if (size32 === 0) {
    size = limit - start;
  } else {
    size = size32;
  }
  if (size < bodyStart - start) {
    throw new PsshError('ERR_PSSH_BAD_BOX', `box size ${size} is smaller than its header`, { offset: start });
  }
  if (size > limit - start) {
    throw new PsshError('ERR_PSSH_TRUNCATED', `box '${printable(type)}' claims ${size} bytes, ${limit - start} left`, {
      offset: start,
    });
  }
  return { type, bodyStart, end: start + size };
}

function readPsshBody(bytes: Uint8Array, boxStart: number, bodyStart: number, end: number): PsshBox {
  need(end, bodyStart, 20, 'version, flags and SystemID');
  const version = bytes[bodyStart]!;
  if (version > 1) {
    throw new PsshError('ERR_PSSH_UNSUPPORTED_VERSION', `pssh version ${version} is not defined (0 or 1)`, {
      offset: bodyStart,
    });
  }
  const flags = readUint32(bytes, bodyStart) & 0xff_ffff;
  const systemId = bytesToUuid(bytes.subarray(bodyStart + 4, bodyStart + 20));
  let pos = bodyStart + 20;
  const keyIds: string[] = [];
  if (version === 1) {
    need(end, pos, 4, 'KID_count');
    const count = readUint32(bytes, pos);
    pos += 4;
    if (count > (end - pos) / 16) {
      throw new PsshError('ERR_PSSH_TRUNCATED', `KID_count ${count} does not fit the box`, { offset: pos - 4 });
    }
    for (let i = 0; i < count; i++, pos += 16) keyIds.push(bytesToUuid(bytes.subarray(pos, pos + 16)));
  }
  need(end, pos, 4, 'DataSize');
  const dataSize = readUint32(bytes, pos);
  pos += 4;
  if (dataSize !== end - pos) {
    throw new PsshError(
      'ERR_PSSH_BAD_BOX',
      `DataSize ${dataSize} disagrees with the box size (${end - pos} bytes left)`,
      {
        offset: pos - 4,
      },
    );
  }
  return {
    systemId,
    version: version as 0 | 1,
    flags,
    keyIds,
    data: bytes.slice(pos, end),
    byteLength: end - boxStart,
  };
}

/** Throws unless `count` bytes are left at `at` before `end`; `what` names them. */
function need(end: number, at: number, count: number, what: string): void {
  if (end - at < count) {
    throw new PsshError('ERR_PSSH_TRUNCATED', `pssh box ends inside ${what}`, { offset: at });
  }
}

function printable(type: string): string {
  return /^[\x20-\x7e]{4}$/.test(type) ? type : JSON.stringify(type);
}
