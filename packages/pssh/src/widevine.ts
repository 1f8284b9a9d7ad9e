import { BinaryReader, WireType } from '@bufbuild/protobuf/wire';
import { PsshError } from './errors.js';
import { fourCcToUint32, uint32ToFourCc } from './fourcc.js';
import { bytesToUuid, uuidToBytes } from './uuid.js';
import { WireWriter } from './wire-writer.js';

/** Strict so that a string field re-encodes to its exact bytes; a leading BOM is kept, not dropped. */
const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const UTF8_ENCODER = new TextEncoder();

/** Values of `WidevinePsshData.algorithm` (deprecated field 1). */
export const WidevineAlgorithm = Object.freeze({ UNENCRYPTED: 0, AESCTR: 1 } as const);

/** Values of `WidevinePsshData.type` (field 11). */
export const WidevinePsshType = Object.freeze({ SINGLE: 0, ENTITLEMENT: 1, ENTITLED_KEY: 2 } as const);

/**
 * A field the decoder did not map to a property (unknown number, or a known number with an unexpected wire
 * type). `bytes` is the whole encoded field, tag included; the encoder writes it back unchanged.
 */
export interface ProtobufUnknownField {
  fieldNumber: number;
  wireType: number;
  bytes: Uint8Array;
}

/** `WidevinePsshData.EntitledKey` (field 14). Holds key material: never log it. */
export interface WidevineEntitledKey {
  entitlementKeyId?: Uint8Array;
  keyId?: Uint8Array;
  key?: Uint8Array;
  iv?: Uint8Array;
  entitlementKeySizeBytes?: number;
  unknownFields?: ProtobufUnknownField[];
}

/**
 * The Widevine `pssh` payload (`WidevinePsshData` protobuf), field numbers from shaka-packager and
 * pywidevine. Absent properties are absent on the wire; a property set to its default value is written.
 */
export interface WidevinePsshData {
  /** 1: {@link WidevineAlgorithm} (deprecated; PallyCon still sends 1). */
  algorithm?: number;
  /** 2: KIDs, RFC 4122 order, as lower-case UUID strings. Always present after decoding. */
  keyIds?: string[];
  /** 3: provider (deprecated). */
  provider?: string;
  /** 4: content id, raw bytes. */
  contentId?: Uint8Array;
  /** 5: track type such as `SD`, `HD`, `AUDIO` (deprecated). */
  trackType?: string;
  /** 6: policy name (deprecated). */
  policy?: string;
  /** 7: crypto period index (key rotation). */
  cryptoPeriodIndex?: number;
  /** 8: grouped license (deprecated). */
  groupedLicense?: Uint8Array;
  /** 9: protection scheme FourCC: `'cenc'`, `'cbcs'`, `'cens'` or `'cbc1'` (uint32 of the big-endian FourCC on the wire). */
  protectionScheme?: string;
  /** 10: crypto period length in seconds. */
  cryptoPeriodSeconds?: number;
  /** 11: {@link WidevinePsshType}. */
  type?: number;
  /** 12: key sequence. */
  keySequence?: number;
  /** 13: group ids. */
  groupIds?: Uint8Array[];
  /** 14: entitled keys. */
  entitledKeys?: WidevineEntitledKey[];
  /** 15: video feature, e.g. `HDR`. */
  videoFeature?: string;
  /** Fields not mapped above, kept so that decoding and encoding again gives the same bytes. */
  unknownFields?: ProtobufUnknownField[];
}

/** What {@link encodeWidevinePsshData} accepts: the decoded form, with `contentId` also as a UTF-8 string. */
export type WidevinePsshDataInit = Omit<WidevinePsshData, 'contentId'> & { contentId?: Uint8Array | string };

type FieldWriter = (writer: WireWriter) => void;

/**
 * Encodes Widevine PSSH data with the fields in ascending field-number order (as every packager writes
 * them), unknown fields merged in by their number. Pass the result as `data` to `encodePsshBox`.
 */
export function encodeWidevinePsshData(data: WidevinePsshDataInit): Uint8Array {
  if (typeof data !== 'object' || data === null) {
    throw new PsshError('ERR_PSSH_INVALID_INPUT', 'Widevine PSSH data must be an object');
  }
  const fields: Array<[number, FieldWriter]> = [];
  const add = (fieldNumber: number, write: FieldWriter): void => {
    fields.push([fieldNumber, write]);
  };
  if (data.algorithm !== undefined) {
    const value = int32(data.algorithm, 'algorithm');
    add(1, (w) => w.tag(1, WireType.Varint).int32(value));
  }
  for (const kid of data.keyIds ?? []) {
    const bytes = uuidToBytes(kid);
    add(2, (w) => w.tag(2, WireType.LengthDelimited).bytes(bytes));
  }
  addString(add, 3, data.provider, 'provider');
  if (data.contentId !== undefined) {
    const bytes = typeof data.contentId === 'string' ? UTF8_ENCODER.encode(data.contentId) : data.contentId;
    addBytes(add, 4, bytes, 'contentId');
  }
  addString(add, 5, data.trackType, 'trackType');
  addString(add, 6, data.policy, 'policy');
  addUint32(add, 7, data.cryptoPeriodIndex, 'cryptoPeriodIndex');
  addBytes(add, 8, data.groupedLicense, 'groupedLicense');
  if (data.protectionScheme !== undefined) {
    const value = fourCcToUint32(data.protectionScheme);
    add(9, (w) => w.tag(9, WireType.Varint).uint32(value));
  }
  addUint32(add, 10, data.cryptoPeriodSeconds, 'cryptoPeriodSeconds');
  if (data.type !== undefined) {
    const value = int32(data.type, 'type');
    add(11, (w) => w.tag(11, WireType.Varint).int32(value));
  }
  addUint32(add, 12, data.keySequence, 'keySequence');
  for (const groupId of data.groupIds ?? []) addBytes(add, 13, groupId, 'groupIds');
  for (const entitled of data.entitledKeys ?? []) {
    const bytes = encodeEntitledKey(entitled);
    add(14, (w) => w.tag(14, WireType.LengthDelimited).bytes(bytes));
  }
  addString(add, 15, data.videoFeature, 'videoFeature');
  return finish(fields, data.unknownFields);
}

/**
 * Decodes Widevine PSSH data (the `Data` of a Widevine `pssh` box, or a PallyCon-style payload). Throws
 * {@link PsshError} `ERR_PSSH_BAD_WIDEVINE_DATA` with the byte offset of the field at fault. Encoding the
 * result gives the input bytes back for any message written in ascending field order (all producers do).
 */
export function decodeWidevinePsshData(bytes: Uint8Array): WidevinePsshData {
  const out: WidevinePsshData = { keyIds: [] };
  readMessage(
    bytes,
    0,
    (reader, fieldNumber, wireType, at, base) => {
      switch (fieldNumber) {
        case 1:
          if (wireType !== WireType.Varint) return false;
          out.algorithm = reader.int32();
          return true;
        case 2: {
          if (wireType !== WireType.LengthDelimited) return false;
          const kid = reader.bytes();
          if (kid.length !== 16) {
            throw new PsshError('ERR_PSSH_BAD_WIDEVINE_DATA', `key_id is ${kid.length} bytes, expected 16`, {
              offset: at,
            });
          }
          out.keyIds!.push(bytesToUuid(kid));
          return true;
        }
        case 3:
          return readString(reader, wireType, at, 'provider', (v) => (out.provider = v));
        case 4:
          if (wireType !== WireType.LengthDelimited) return false;
          out.contentId = reader.bytes().slice();
          return true;
        case 5:
          return readString(reader, wireType, at, 'track_type', (v) => (out.trackType = v));
        case 6:
          return readString(reader, wireType, at, 'policy', (v) => (out.policy = v));
        case 7:
          if (wireType !== WireType.Varint) return false;
          out.cryptoPeriodIndex = reader.uint32() >>> 0;
          return true;
        case 8:
          if (wireType !== WireType.LengthDelimited) return false;
          out.groupedLicense = reader.bytes().slice();
          return true;
        case 9:
          if (wireType !== WireType.Varint) return false;
          out.protectionScheme = uint32ToFourCc(reader.uint32() >>> 0);
          return true;
        case 10:
          if (wireType !== WireType.Varint) return false;
          out.cryptoPeriodSeconds = reader.uint32() >>> 0;
          return true;
        case 11:
          if (wireType !== WireType.Varint) return false;
          out.type = reader.int32();
          return true;
        case 12:
          if (wireType !== WireType.Varint) return false;
          out.keySequence = reader.uint32() >>> 0;
          return true;
        case 13:
          if (wireType !== WireType.LengthDelimited) return false;
          (out.groupIds ??= []).push(reader.bytes().slice());
          return true;
        case 14: {
          if (wireType !== WireType.LengthDelimited) return false;
          const message = reader.bytes();
          (out.entitledKeys ??= []).push(decodeEntitledKey(message, base + reader.pos - message.length));
          return true;
        }
        case 15:
          return readString(reader, wireType, at, 'video_feature', (v) => (out.videoFeature = v));
        // Stryker disable next-line ConditionalExpression: without the default case the callback returns undefined, as falsy as false
        default:
          return false;
      }
    },
    (unknown) => (out.unknownFields ??= []).push(unknown),
  );
  return out;
}

function encodeEntitledKey(entitled: WidevineEntitledKey): Uint8Array {
  if (typeof entitled !== 'object' || entitled === null) {
    throw new PsshError('ERR_PSSH_INVALID_INPUT', 'each entitled key must be an object');
  }
  const fields: Array<[number, FieldWriter]> = [];
  const add = (fieldNumber: number, write: FieldWriter): void => {
    fields.push([fieldNumber, write]);
  };
  addBytes(add, 1, entitled.entitlementKeyId, 'entitledKeys.entitlementKeyId');
  addBytes(add, 2, entitled.keyId, 'entitledKeys.keyId');
  addBytes(add, 3, entitled.key, 'entitledKeys.key');
  addBytes(add, 4, entitled.iv, 'entitledKeys.iv');
  addUint32(add, 5, entitled.entitlementKeySizeBytes, 'entitledKeys.entitlementKeySizeBytes');
  return finish(fields, entitled.unknownFields);
}

function decodeEntitledKey(bytes: Uint8Array, baseOffset: number): WidevineEntitledKey {
  const out: WidevineEntitledKey = {};
  const names = ['entitlementKeyId', 'keyId', 'key', 'iv'] as const;
  readMessage(
    bytes,
    baseOffset,
    (reader, fieldNumber, wireType) => {
      if (fieldNumber >= 1 && fieldNumber <= 4 && wireType === WireType.LengthDelimited) {
        out[names[fieldNumber - 1]!] = reader.bytes().slice();
        return true;
      }
      if (fieldNumber === 5 && wireType === WireType.Varint) {
        out.entitlementKeySizeBytes = reader.uint32() >>> 0;
        return true;
      }
      return false;
    },
    (unknown) => (out.unknownFields ??= []).push(unknown),
  );
  return out;
}

/**
 * Reads fields until the end of `bytes`. `readKnown` returns false to leave a field to the unknown-field
 * path. Every failure of the wire reader becomes a PsshError at the offending field's offset.
 */
function readMessage(
  bytes: Uint8Array,
  baseOffset: number,
  readKnown: (reader: BinaryReader, fieldNumber: number, wireType: WireType, at: number, base: number) => boolean,
  keepUnknown: (field: ProtobufUnknownField) => void,
): void {
  if (!(bytes instanceof Uint8Array)) {
    throw new PsshError('ERR_PSSH_INVALID_INPUT', 'Widevine PSSH data must be a Uint8Array');
  }
  const reader = new BinaryReader(bytes);
  while (reader.pos < reader.len) {
    const fieldStart = reader.pos;
    try {
      const [fieldNumber, wireType] = reader.tag();
      if (!readKnown(reader, fieldNumber, wireType, baseOffset + fieldStart, baseOffset)) {
        reader.skip(wireType, fieldNumber);
        keepUnknown({ fieldNumber, wireType, bytes: bytes.slice(fieldStart, reader.pos) });
      }
      // Stryker disable next-line StringLiteral,CallExpression: the wire reader's own checks answer first today; this guards a skip that runs past the end
      if (reader.pos > reader.len) throw new RangeError('premature EOF');
    } catch (error) {
      if (error instanceof PsshError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new PsshError('ERR_PSSH_BAD_WIDEVINE_DATA', `malformed Widevine PSSH data: ${reason}`, {
        offset: baseOffset + fieldStart,
        cause: error,
      });
    }
  }
}

function readString(
  reader: BinaryReader,
  wireType: WireType,
  at: number,
  name: string,
  assign: (value: string) => void,
): boolean {
  if (wireType !== WireType.LengthDelimited) return false;
  const raw = reader.bytes();
  try {
    assign(UTF8.decode(raw));
  } catch (error) {
    throw new PsshError('ERR_PSSH_BAD_WIDEVINE_DATA', `${name} is not valid UTF-8`, { offset: at, cause: error });
  }
  return true;
}

function finish(
  fields: Array<[number, FieldWriter]>,
  unknownFields: readonly ProtobufUnknownField[] | undefined,
): Uint8Array {
  for (const unknown of unknownFields ?? []) {
    if (!(unknown.bytes instanceof Uint8Array)) {
      throw new PsshError('ERR_PSSH_INVALID_INPUT', `unknown field ${unknown.fieldNumber} has no bytes`);
    }
    fields.push([unknown.fieldNumber, (w) => w.raw(unknown.bytes)]);
  }
  // Array.prototype.sort is stable: repeated fields and unknown fields keep their relative order.
  fields.sort((a, b) => a[0] - b[0]);
  const writer = new WireWriter();
  for (const [, write] of fields) write(writer);
  return writer.finish();
}

function addString(add: (n: number, w: FieldWriter) => void, n: number, value: string | undefined, name: string): void {
  if (value === undefined) return;
  if (typeof value !== 'string') throw new PsshError('ERR_PSSH_INVALID_INPUT', `${name} must be a string`);
  add(n, (w) => w.tag(n, WireType.LengthDelimited).string(value));
}

function addBytes(
  add: (n: number, w: FieldWriter) => void,
  n: number,
  value: Uint8Array | undefined,
  name: string,
): void {
  if (value === undefined) return;
  if (!(value instanceof Uint8Array)) throw new PsshError('ERR_PSSH_INVALID_INPUT', `${name} must be a Uint8Array`);
  add(n, (w) => w.tag(n, WireType.LengthDelimited).bytes(value));
}

function addUint32(add: (n: number, w: FieldWriter) => void, n: number, value: number | undefined, name: string): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
    throw new PsshError('ERR_PSSH_INVALID_INPUT', `${name} must be a uint32, got ${String(value)}`);
  }
  add(n, (w) => w.tag(n, WireType.Varint).uint32(value));
}

function int32(value: number, name: string): number {
  if (!Number.isInteger(value) || value < -0x8000_0000 || value > 0x7fff_ffff) {
    throw new PsshError('ERR_PSSH_INVALID_INPUT', `${name} must be an int32, got ${String(value)}`);
  }
  return value;
}
