import { encodePsshBox, PLAYREADY_SYSTEM_ID, PsshError } from '@cpixkit/pssh';
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

/**
 * Writes a PlayReady Object, little-endian: `Length:u32` (whole object) | `RecordCount:u16` | records of
 * `Type:u16 | Length:u16 | Value`. A `wrmHeader` string is written as UTF-16LE without BOM.
 */
export function encodePlayReadyObject(init: PlayReadyObjectInit): Uint8Array {
  // Array.isArray does not narrow a readonly array type, hence the casts.
  const records = Array.isArray(init)
    ? (init as readonly PlayReadyObjectRecord[])
    : [{ type: PlayReadyRecordType.HEADER, value: encodeUtf16le(headerText(init as { wrmHeader: string })) }];
  if (records.length > 0xffff) invalidObject(`a PlayReady Object holds at most 65535 records, got ${records.length}`);
  let length = 6;
  for (const record of records) {
    if (!Number.isInteger(record.type) || record.type < 0 || record.type > 0xffff) {
      invalidObject(`record type must be a 16-bit unsigned integer, got ${String(record.type)}`);
    }
    if (!(record.value instanceof Uint8Array)) invalidObject('record value must be a Uint8Array');
    if (record.type === PlayReadyRecordType.HEADER && record.value.length % 2 !== 0) {
      invalidObject('a WRMHEADER record is UTF-16LE, so its length is even');
    }
    if (record.value.length > MAX_RECORD_LENGTH) {
      invalidObject(`a record holds at most ${MAX_RECORD_LENGTH} bytes, got ${record.value.length}`);
    }
    length += 4 + record.value.length;
  }
  const out = new Uint8Array(length);
  const view = new DataView(out.buffer);
  view.setUint32(0, length, true);
  view.setUint16(4, records.length, true);
  let pos = 6;
  for (const record of records) {
    view.setUint16(pos, record.type, true);
    view.setUint16(pos + 2, record.value.length, true);
    out.set(record.value, pos + 4);
    pos += 4 + record.value.length;
  }
  return out;
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
  const data = encodePlayReadyObject({ wrmHeader: wrmHeaderXml });
  try {
    return encodePsshBox({
      systemId: PLAYREADY_SYSTEM_ID,
      data,
      ...(options.version !== undefined && { version: options.version }),
      ...(options.keyIds !== undefined && { keyIds: options.keyIds }),
    });
  } catch (error) {
    if (error instanceof PsshError) {
      throw new PlayReadyError('ERR_PLAYREADY_INVALID_OBJECT', error.message, { cause: error });
    }
    throw error;
  }
}

function headerText(init: { wrmHeader: string }): string {
  if (typeof init?.wrmHeader !== 'string' || init.wrmHeader.length === 0) {
    invalidObject('wrmHeader must be a non-empty string');
  }
  return init.wrmHeader;
}

function encodeUtf16le(text: string): Uint8Array {
  return Uint8Array.from(Buffer.from(text, 'utf16le'));
}

function decodeUtf16le(value: Uint8Array, offset: number): string {
  if (value.length % 2 !== 0) invalidObject('the WRMHEADER record has an odd length, so it is not UTF-16', offset);
  const text = Buffer.from(value.buffer, value.byteOffset, value.length).toString('utf16le');
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

function invalidObject(message: string, offset?: number): never {
  throw new PlayReadyError('ERR_PLAYREADY_INVALID_OBJECT', message, offset === undefined ? {} : { offset });
}
