import { allocatePsshBox, PLAYREADY_SYSTEM_ID, PsshError } from '@cpixkit/pssh';
import { PlayReadyError } from './errors.js';

/** PlayReady Object record types. */
export const PlayReadyRecordType = Object.freeze({
  /** The PlayReady Header (WRMHEADER XML, UTF-16LE). */
  HEADER: 1,
  /** An Embedded License Store. */
  EMBEDDED_LICENSE_STORE: 3,
} as const);

/** One record of a PlayReady Object, its value as raw bytes. */
export interface PlayReadyObjectRecord {
  type: number;
  value: Uint8Array;
}

/** A decoded PlayReady Object (PRO). */
export interface PlayReadyObject {
  /** Records in order; encoding them again gives the same bytes. */
  records: PlayReadyObjectRecord[];
  /** The WRMHEADER XML of the first type 1 record, decoded from UTF-16LE; undefined when there is none. */
  wrmHeader: string | undefined;
}

/** What {@link encodePlayReadyObject} accepts: the records, or a WRMHEADER to put in a single type 1 record. */
export type PlayReadyObjectInit = readonly PlayReadyObjectRecord[] | { wrmHeader: string };

const MAX_RECORD_LENGTH = 0xffff;
/** `Length:u32 | RecordCount:u16`. */
const OBJECT_HEADER_LENGTH = 6;
/** `Type:u16 | Length:u16`. */
const RECORD_HEADER_LENGTH = 4;

/**
 * Writes a PlayReady Object, little-endian: `Length:u32` (whole object) | `RecordCount:u16` | records of
 * `Type:u16 | Length:u16 | Value`. A `wrmHeader` string is written as UTF-16LE without BOM.
 */
export function encodePlayReadyObject(init: PlayReadyObjectInit): Uint8Array {
  // Array.isArray does not narrow a readonly array type, hence the casts.
  if (!Array.isArray(init)) return encodeHeaderObject(headerText(init as { wrmHeader: string }));
  const records = init as readonly PlayReadyObjectRecord[];
  if (records.length > 0xffff) invalidObject(`a PlayReady Object holds at most 65535 records, got ${records.length}`);
  let length = OBJECT_HEADER_LENGTH;
  for (const record of records) {
    if (!Number.isInteger(record.type) || record.type < 0 || record.type > 0xffff) {
      invalidObject(`record type must be a 16-bit unsigned integer, got ${String(record.type)}`);
    }
    if (!(record.value instanceof Uint8Array)) invalidObject('record value must be a Uint8Array');
    if (record.type === PlayReadyRecordType.HEADER && record.value.length % 2 !== 0) {
      invalidObject('a WRMHEADER record is UTF-16LE, so its length is even');
    }
    checkRecordLength(record.value.length);
    length += RECORD_HEADER_LENGTH + record.value.length;
  }
  const out = new Uint8Array(length);
  writeObjectHeader(out, 0, records.length);
  let pos = OBJECT_HEADER_LENGTH;
  for (const record of records) {
    writeRecordHeader(out, pos, record.type, record.value.length);
    out.set(record.value, pos + RECORD_HEADER_LENGTH);
    pos += RECORD_HEADER_LENGTH + record.value.length;
  }
  return out;
}

/** The PlayReady Object of a single WRMHEADER record, in an array of its own. */
function encodeHeaderObject(wrmHeader: string): Uint8Array {
  const out = new Uint8Array(headerObjectLength(wrmHeader));
  writeHeaderObject(out, 0, wrmHeader);
  return out;
}

/** Bytes of the PlayReady Object of a single WRMHEADER record. */
function headerObjectLength(wrmHeader: string): number {
  // A JavaScript string is UTF-16 code units: two bytes each, lone surrogates included.
  const valueLength = 2 * wrmHeader.length;
  checkRecordLength(valueLength);
  return OBJECT_HEADER_LENGTH + RECORD_HEADER_LENGTH + valueLength;
}

/**
 * Writes the PlayReady Object of a single WRMHEADER record at `offset` of `out` (to its end), the
 * UTF-16LE straight in place: no encoded copy of the text, and no object apart from where it goes.
 */
function writeHeaderObject(out: Uint8Array, offset: number, wrmHeader: string): void {
  const valueStart = offset + OBJECT_HEADER_LENGTH + RECORD_HEADER_LENGTH;
  const valueLength = out.length - valueStart;
  writeObjectHeader(out, offset, 1);
  writeRecordHeader(out, offset + OBJECT_HEADER_LENGTH, PlayReadyRecordType.HEADER, valueLength);
  Buffer.from(out.buffer, out.byteOffset + valueStart, valueLength).write(wrmHeader, 'utf16le');
}

function checkRecordLength(length: number): void {
  if (length > MAX_RECORD_LENGTH) invalidObject(`a record holds at most ${MAX_RECORD_LENGTH} bytes, got ${length}`);
}

/** `Length:u32` (from `offset` to the end of `out`) and `RecordCount:u16`. */
function writeObjectHeader(out: Uint8Array, offset: number, recordCount: number): void {
  const length = out.length - offset;
  writeUint16le(out, offset, length & 0xffff);
  writeUint16le(out, offset + 2, length >>> 16);
  writeUint16le(out, offset + 4, recordCount);
}

/** `Type:u16 | Length:u16` of the record at `pos`. */
function writeRecordHeader(out: Uint8Array, pos: number, type: number, length: number): void {
  writeUint16le(out, pos, type);
  writeUint16le(out, pos + 2, length);
}

function writeUint16le(out: Uint8Array, pos: number, value: number): void {
  out[pos] = value & 0xff;
  out[pos + 1] = value >>> 8;
}

/**
 * Reads a PlayReady Object. Throws {@link PlayReadyError} `ERR_PLAYREADY_INVALID_OBJECT` with the byte
 * offset when the length, record count or a record length disagrees with the bytes.
 */
export function decodePlayReadyObject(bytes: Uint8Array): PlayReadyObject {
  if (!(bytes instanceof Uint8Array)) invalidObject('a PlayReady Object must be a Uint8Array');
  if (bytes.length < 6) invalidObject(`a PlayReady Object has a 6-byte header, got ${bytes.length} bytes`, 0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getUint32(0, true);
  if (length !== bytes.length) invalidObject(`Length says ${length} bytes, the object has ${bytes.length}`, 0);
  const count = view.getUint16(4, true);
  const records: PlayReadyObjectRecord[] = [];
  let wrmHeader: string | undefined;
  let pos = 6;
  for (let i = 0; i < count; i++) {
    if (bytes.length - pos < 4) invalidObject(`record ${i + 1} of ${count} is cut off`, pos);
    const type = view.getUint16(pos, true);
    const size = view.getUint16(pos + 2, true);
    const left = bytes.length - pos - 4;
    if (left < size) invalidObject(`record ${i + 1} claims ${size} bytes, ${left} left`, pos + 2);
    const value = bytes.slice(pos + 4, pos + 4 + size);
    if (type === PlayReadyRecordType.HEADER && wrmHeader === undefined) wrmHeader = decodeUtf16le(value, pos + 4);
    records.push({ type, value });
    pos += 4 + size;
  }
  if (pos !== bytes.length) invalidObject(`${bytes.length - pos} bytes after the last of ${count} records`, pos);
  return { records, wrmHeader };
}

/**
 * A PlayReady `pssh` box whose Data is a PlayReady Object holding `wrmHeaderXml`. Version 0 by default
 * (what every seed vendor emits); pass `keyIds` (UUID strings, written big-endian) for a version 1 box.
 */
export function encodePlayReadyPsshBox(
  wrmHeaderXml: string,
  options: { version?: 0 | 1; keyIds?: readonly string[] } = {},
): Uint8Array {
  const wrmHeader = headerText({ wrmHeader: wrmHeaderXml });
  let allocated: ReturnType<typeof allocatePsshBox>;
  try {
    allocated = allocatePsshBox(
      {
        systemId: PLAYREADY_SYSTEM_ID,
        ...(options.version !== undefined && { version: options.version }),
        ...(options.keyIds !== undefined && { keyIds: options.keyIds }),
      },
      headerObjectLength(wrmHeader),
    );
  } catch (error) {
    if (error instanceof PsshError) {
      throw new PlayReadyError('ERR_PLAYREADY_INVALID_OBJECT', error.message, { cause: error });
    }
    throw error;
  }
  // The PRO is written straight into the box: one allocation, no copy.
  writeHeaderObject(allocated.box, allocated.dataOffset, wrmHeader);
  return allocated.box;
}

function headerText(init: { wrmHeader: string }): string {
  if (typeof init?.wrmHeader !== 'string' || init.wrmHeader.length === 0) {
    invalidObject('wrmHeader must be a non-empty string');
  }
  return init.wrmHeader;
}

function decodeUtf16le(value: Uint8Array, offset: number): string {
  if (value.length % 2 !== 0) invalidObject('the WRMHEADER record has an odd length, so it is not UTF-16', offset);
  const text = Buffer.from(value.buffer, value.byteOffset, value.length).toString('utf16le');
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

function invalidObject(message: string, offset?: number): never {
  throw new PlayReadyError('ERR_PLAYREADY_INVALID_OBJECT', message, offset === undefined ? {} : { offset });
}
