import {
  decodeWidevinePsshData,
  findDrmSystem,
  type LocatedPsshBox,
  PLAYREADY_SYSTEM_ID,
  PsshError,
  type PsshErrorCode,
  type WidevinePsshData,
  WIDEVINE_SYSTEM_ID,
} from '@cpixkit/pssh';
import {
  decodePlayReadyObject,
  PlayReadyError,
  type PlayReadyErrorCode,
  PlayReadyRecordType,
  parseWrmHeader,
  type WrmHeader,
} from '@cpixkit/playready-header';
import { HIDDEN } from './io.js';
import type { Style } from './style.js';
import { toBase64, toHex } from './values.js';

/** A decoding fault inside a box's data, kept in the description (the command still exits 2). */
export interface DescribedError {
  code: PsshErrorCode | PlayReadyErrorCode;
  message: string;
  offset?: number;
}

/** Widevine PSSH data, JSON-ready. Bytes are hex; `contentIdText` is the content id when it is printable text. */
export interface DescribedWidevine {
  algorithm?: string;
  keyIds: string[];
  provider?: string;
  contentId?: string;
  contentIdText?: string;
  trackType?: string;
  policy?: string;
  cryptoPeriodIndex?: number;
  groupedLicense?: string;
  protectionScheme?: string;
  cryptoPeriodSeconds?: number;
  type?: string;
  keySequence?: number;
  groupIds?: string[];
  entitledKeys?: Array<{ entitlementKeyId?: string; keyId?: string; key?: string; iv?: string }>;
  videoFeature?: string;
  unknownFields?: Array<{ fieldNumber: number; wireType: number; bytes: string }>;
}

/** One PlayReady Object record, JSON-ready. */
export interface DescribedRecord {
  type: number;
  typeName: string;
  size: number;
  /** The WRMHEADER XML of a type 1 record. */
  xml?: string;
  /** The value of other records, base64. */
  data?: string;
}

/** A PlayReady Object, JSON-ready. */
export interface DescribedPlayReady {
  size: number;
  records: DescribedRecord[];
  /** The fields of the first WRMHEADER. */
  header?: WrmHeader;
}

/** The data of a box (or a bare payload), decoded by its system. */
export interface DescribedData {
  size: number;
  /** The whole data, base64. */
  data: string;
  widevine?: DescribedWidevine;
  playready?: DescribedPlayReady;
  error?: DescribedError;
}

/** A `pssh` box, JSON-ready: the `--json` shape of `cpixkit pssh decode`. */
export interface DescribedBox extends DescribedData {
  offset: number;
  byteLength: number;
  version: 0 | 1;
  flags: number;
  systemId: string;
  /** Display name of the system, or null when it is unknown. */
  systemName: string | null;
  keyIds: string[];
}

/** A bare payload (a box's Data without the box), with the system it was recognised as. */
export interface DescribedPayload extends DescribedData {
  offset: number;
  systemId: string | null;
  systemName: string | null;
}

const ALGORITHMS = ['UNENCRYPTED', 'AESCTR'];
const PSSH_TYPES = ['SINGLE', 'ENTITLEMENT', 'ENTITLED_KEY'];
const RECORD_TYPES = new Map<number, string>([
  [PlayReadyRecordType.HEADER, 'Rights Management Header'],
  [PlayReadyRecordType.EMBEDDED_LICENSE_STORE, 'Embedded License Store'],
]);

/** Describes a box found at `box.offset`; a fault in its data is kept in `error` with its offset in the input. */
export function describeBox(box: LocatedPsshBox, base: number, showKeys: boolean): DescribedBox {
  const system = findDrmSystem(box.systemId);
  const dataOffset = base + box.offset + box.byteLength - box.data.length;
  return {
    offset: base + box.offset,
    byteLength: box.byteLength,
    version: box.version,
    flags: box.flags,
    systemId: box.systemId,
    systemName: system?.name ?? null,
    keyIds: box.keyIds,
    ...describeData(box.systemId, box.data, dataOffset, showKeys),
  };
}

/**
 * Describes a bare payload: a PlayReady Object when it starts with its own little-endian length, else
 * Widevine PSSH data when it decodes as such.
 */
export function describePayload(bytes: Uint8Array, offset: number, showKeys: boolean): DescribedPayload {
  const systemId = looksLikePlayReadyObject(bytes) ? PLAYREADY_SYSTEM_ID : WIDEVINE_SYSTEM_ID;
  const data = describeData(systemId, bytes, offset, showKeys);
  const recognised = data.error === undefined;
  return {
    offset,
    systemId: recognised ? systemId : null,
    systemName: recognised ? (findDrmSystem(systemId)?.name ?? null) : null,
    ...data,
  };
}

/** Describes a WRMHEADER given as XML text. */
export function describeWrmHeaderXml(xml: string, offset: number): DescribedPayload {
  const out: DescribedPayload = {
    offset,
    systemId: PLAYREADY_SYSTEM_ID,
    systemName: 'PlayReady',
    size: Buffer.byteLength(xml, 'utf16le'),
    data: Buffer.from(xml, 'utf16le').toString('base64'),
  };
  try {
    out.playready = { size: out.size, records: [], header: parseWrmHeader(xml) };
  } catch (error) {
    out.error = describeError(error, 0);
  }
  return out;
}

function looksLikePlayReadyObject(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 6 && Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).readUInt32LE(0) === bytes.length
  );
}

function describeData(systemId: string, bytes: Uint8Array, offset: number, showKeys: boolean): DescribedData {
  const out: DescribedData = { size: bytes.length, data: toBase64(bytes) };
  if (bytes.length === 0) return out;
  try {
    if (systemId === WIDEVINE_SYSTEM_ID) out.widevine = describeWidevine(decodeWidevinePsshData(bytes), showKeys);
    if (systemId === PLAYREADY_SYSTEM_ID) out.playready = describePlayReady(bytes);
  } catch (error) {
    out.error = describeError(error, offset);
  }
  return out;
}

function describeWidevine(data: WidevinePsshData, showKeys: boolean): DescribedWidevine {
  const out: DescribedWidevine = { keyIds: data.keyIds ?? [] };
  if (data.algorithm !== undefined) out.algorithm = ALGORITHMS[data.algorithm] ?? String(data.algorithm);
  if (data.provider !== undefined) out.provider = data.provider;
  if (data.contentId !== undefined) {
    out.contentId = toHex(data.contentId);
    const text = Buffer.from(data.contentId).toString('utf8');
    if (/^[\x20-\x7e]+$/.test(text)) out.contentIdText = text;
  }
  if (data.trackType !== undefined) out.trackType = data.trackType;
  if (data.policy !== undefined) out.policy = data.policy;
  if (data.cryptoPeriodIndex !== undefined) out.cryptoPeriodIndex = data.cryptoPeriodIndex;
  if (data.groupedLicense !== undefined) out.groupedLicense = toHex(data.groupedLicense);
  if (data.protectionScheme !== undefined) out.protectionScheme = data.protectionScheme;
  if (data.cryptoPeriodSeconds !== undefined) out.cryptoPeriodSeconds = data.cryptoPeriodSeconds;
  if (data.type !== undefined) out.type = PSSH_TYPES[data.type] ?? String(data.type);
  if (data.keySequence !== undefined) out.keySequence = data.keySequence;
  if (data.groupIds !== undefined) out.groupIds = data.groupIds.map(toHex);
  if (data.entitledKeys !== undefined) {
    out.entitledKeys = data.entitledKeys.map((entitled) => ({
      ...(entitled.entitlementKeyId && { entitlementKeyId: toHex(entitled.entitlementKeyId) }),
      ...(entitled.keyId && { keyId: toHex(entitled.keyId) }),
      ...(entitled.key && { key: showKeys ? toHex(entitled.key) : HIDDEN }),
      ...(entitled.iv && { iv: toHex(entitled.iv) }),
    }));
  }
  if (data.videoFeature !== undefined) out.videoFeature = data.videoFeature;
  if (data.unknownFields !== undefined) {
    out.unknownFields = data.unknownFields.map((field) => ({
      fieldNumber: field.fieldNumber,
      wireType: field.wireType,
      bytes: toHex(field.bytes),
    }));
  }
  return out;
}

function describePlayReady(bytes: Uint8Array): DescribedPlayReady {
  const pro = decodePlayReadyObject(bytes);
  const out: DescribedPlayReady = {
    size: bytes.length,
    records: pro.records.map((record) => {
      const described: DescribedRecord = {
        type: record.type,
        typeName: RECORD_TYPES.get(record.type) ?? 'Unknown',
        size: record.value.length,
      };
      if (record.type === PlayReadyRecordType.HEADER) {
        described.xml = Buffer.from(record.value)
          .toString('utf16le')
          .replace(/^\uFEFF/, '');
      } else {
        described.data = toBase64(record.value);
      }
      return described;
    }),
  };
  // A WRMHEADER that does not parse is reported at the start of its record.
  if (pro.wrmHeader !== undefined) out.header = parseWrmHeader(pro.wrmHeader);
  return out;
}

/**
 * A decoding fault of a box's data, its byte offset (relative to the data) moved by `base` into the whole
 * input. Anything but the decoders' own errors is a defect and propagates.
 */
function describeError(error: unknown, base: number): DescribedError {
  if (!(error instanceof PsshError || error instanceof PlayReadyError)) throw error;
  return {
    code: error.code,
    message: error.message.replace(/ \(at byte \d+\)$/, ''),
    ...(error.offset !== undefined && { offset: base + error.offset }),
  };
}

/** Renders boxes and payloads the way shaka-packager's `pssh-box.py` prints them, with more fields decoded. */
export function renderDescription(
  boxes: readonly DescribedBox[],
  payloads: readonly DescribedPayload[],
  style: Style,
  options: { offsets: boolean },
): string {
  const lines: string[] = [];
  for (const box of boxes) {
    if (lines.length > 0) lines.push('');
    lines.push(style.bold(`PSSH Box v${box.version}`));
    if (options.offsets) lines.push(`  Offset: ${box.offset}`);
    lines.push(`  System ID: ${box.systemName ?? 'Unknown'} ${box.systemId}`);
    if (box.flags !== 0) lines.push(`  Flags: 0x${box.flags.toString(16).padStart(6, '0')}`);
    if (box.version === 1) {
      lines.push(`  Key IDs (${box.keyIds.length}):`);
      for (const kid of box.keyIds) lines.push(`    ${kid}`);
    }
    lines.push(`  PSSH Data (size: ${box.size}):`);
    if (box.size > 0) lines.push(...renderData(box, box.systemName, style).map((line) => `    ${line}`));
  }
  for (const payload of payloads) {
    if (lines.length > 0) lines.push('');
    lines.push(style.bold(`PSSH Data (size: ${payload.size})`));
    if (options.offsets) lines.push(`  Offset: ${payload.offset}`);
    lines.push(...renderData(payload, payload.systemName, style).map((line) => `  ${line}`));
  }
  return lines.join('\n');
}

function renderData(data: DescribedData, systemName: string | null, style: Style): string[] {
  const lines: string[] = [];
  if (data.widevine) lines.push('Widevine Data:', ...renderWidevine(data.widevine).map(indent));
  if (data.playready) lines.push('PlayReady Data:', ...renderPlayReady(data.playready).map(indent));
  if (data.error) {
    if (!data.widevine && !data.playready && systemName) lines.push(`${systemName} Data:`);
    const at = data.error.offset === undefined ? '' : ` (at byte ${data.error.offset})`;
    lines.push(indent(style.red(`ERROR: ${data.error.code}: ${data.error.message}${at}`)));
  }
  if (!data.widevine && !data.playready && !data.error) lines.push('Raw Data (base64):', indent(data.data));
  return lines;
}

function renderWidevine(wv: DescribedWidevine): string[] {
  const lines: string[] = [];
  if (wv.algorithm !== undefined) lines.push(`Algorithm: ${wv.algorithm}`);
  if (wv.keyIds.length > 0) lines.push(`Key IDs (${wv.keyIds.length}):`, ...wv.keyIds.map(indent));
  if (wv.provider !== undefined) lines.push(`Provider: ${wv.provider}`);
  if (wv.contentId !== undefined) {
    const text = wv.contentIdText === undefined ? '' : ` (${JSON.stringify(wv.contentIdText)})`;
    lines.push(`Content ID: ${wv.contentId.toUpperCase()}${text}`);
  }
  if (wv.trackType !== undefined) lines.push(`Track Type: ${wv.trackType}`);
  if (wv.policy !== undefined) lines.push(`Policy: ${wv.policy}`);
  if (wv.cryptoPeriodIndex !== undefined) lines.push(`Crypto Period Index: ${wv.cryptoPeriodIndex}`);
  if (wv.groupedLicense !== undefined) lines.push(`Grouped License: ${wv.groupedLicense.toUpperCase()}`);
  if (wv.protectionScheme !== undefined) lines.push(`Protection Scheme: ${wv.protectionScheme}`);
  if (wv.cryptoPeriodSeconds !== undefined) lines.push(`Crypto Period Seconds: ${wv.cryptoPeriodSeconds}`);
  if (wv.type !== undefined) lines.push(`Type: ${wv.type}`);
  if (wv.keySequence !== undefined) lines.push(`Key Sequence: ${wv.keySequence}`);
  if (wv.groupIds !== undefined) lines.push(`Group IDs (${wv.groupIds.length}):`, ...wv.groupIds.map(indent));
  if (wv.entitledKeys !== undefined) {
    lines.push(`Entitled Keys (${wv.entitledKeys.length}):`);
    for (const entitled of wv.entitledKeys) {
      lines.push(
        indent(
          Object.entries(entitled)
            .map(([name, value]) => `${name}=${value}`)
            .join(' '),
        ),
      );
    }
  }
  if (wv.videoFeature !== undefined) lines.push(`Video Feature: ${wv.videoFeature}`);
  for (const field of wv.unknownFields ?? []) {
    lines.push(`Unknown Field ${field.fieldNumber} (wire type ${field.wireType}): ${field.bytes}`);
  }
  return lines;
}

function renderPlayReady(pr: DescribedPlayReady): string[] {
  const lines: string[] = [];
  for (const record of pr.records) {
    lines.push(`Record (size ${record.size}):`);
    lines.push(indent(`Record Type: ${record.typeName} (${record.type})`));
    if (record.xml !== undefined) lines.push(indent('Record XML:'), indent(indent(record.xml)));
    if (record.data !== undefined) lines.push(indent('Record Data (base64):'), indent(indent(record.data)));
  }
  if (pr.header) lines.push(...renderWrmHeader(pr.header));
  return lines;
}

/** The fields of a WRMHEADER, one per line. */
function renderWrmHeader(header: WrmHeader): string[] {
  const lines = [`Header Version: ${header.version}`, `Key IDs (${header.keys.length}):`];
  for (const key of header.keys) {
    const attributes = [key.algId && `ALGID=${key.algId}`, key.checksum && `CHECKSUM=${key.checksum}`].filter(Boolean);
    lines.push(indent([key.kid, ...attributes].join(' ')));
  }
  if (header.laUrl !== undefined) lines.push(`LA_URL: ${header.laUrl}`);
  if (header.luiUrl !== undefined) lines.push(`LUI_URL: ${header.luiUrl}`);
  if (header.dsId !== undefined) lines.push(`DS_ID: ${header.dsId}`);
  if (header.customAttributes !== undefined) lines.push(`Custom Attributes: ${header.customAttributes}`);
  if (header.decryptorSetup !== undefined) lines.push(`Decryptor Setup: ${header.decryptorSetup}`);
  if (header.licenseRequested !== undefined) lines.push(`License Requested: ${String(header.licenseRequested)}`);
  return lines;
}

function indent(line: string): string {
  return `  ${line}`;
}
