import type { DrmSystem } from '@cpixkit/cpix-model';
import {
  HlsSignalingError,
  type HlsKeyLine,
  KEY_FORMATS,
  parseDataUri,
  parseFairPlayUri,
  parseHlsKeyLine,
} from '@cpixkit/hls-signaling';
import { computeKeyChecksum, decodePlayReadyObject, parseWrmHeader, PlayReadyError } from '@cpixkit/playready-header';
import {
  CLEARKEY_SYSTEM_ID,
  COMMON_SYSTEM_ID,
  decodeWidevinePsshData,
  normalizeUuid,
  PLAYREADY_SYSTEM_ID,
  parsePsshBox,
  type PsshBox,
  PsshError,
  WIDEVINE_SYSTEM_ID,
} from '@cpixkit/pssh';
import { resolveDrmSystem } from './drm-systems.js';
import { CpixClientError } from './errors.js';
import type { DrmSignaling } from './results.js';

const base64 = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
const utf8 = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');

/**
 * The `<pssh>` and `<pro>` of a SPEKE v2 / CPIX `ContentProtectionData` fragment, as base64 text,
 * and DASH-IF's licence URL (`<dashif:Laurl>`, as ClearKey answers carry it).
 */
function protectionDataFragment(bytes: Uint8Array): { pssh?: string; pro?: string; laurl?: string } | undefined {
  const text = utf8(bytes).trim();
  if (!/^<([\w.-]+:)?(pssh|pro|Laurl)\b/.test(text)) return undefined;
  const element = (name: string) =>
    new RegExp(`<(?:[\\w.-]+:)?${name}\\b[^>]*>([^<]*)</(?:[\\w.-]+:)?${name}>`).exec(text)?.[1]?.replace(/\s+/g, '');
  const pssh = element('pssh');
  const pro = element('pro');
  const laurl = element('Laurl')?.replace(/&amp;/g, '&');
  return { ...(pssh ? { pssh } : {}), ...(pro ? { pro } : {}), ...(laurl ? { laurl } : {}) };
}

function malformed(message: string, cause?: unknown): CpixClientError {
  return new CpixClientError('ERR_CLIENT_MALFORMED_RESPONSE', message, cause === undefined ? {} : { cause });
}

function mismatch(message: string): CpixClientError {
  return new CpixClientError('ERR_CLIENT_RESPONSE_MISMATCH', message);
}

/** A signalling value of a DRMSystem references another key than the DRMSystem's. */
function otherKey(message: string): CpixClientError {
  return new CpixClientError('ERR_CLIENT_SIGNALING_MISMATCH', message);
}

/** What every signalling value of one `DRMSystem` is held to: its key, and the scheme requested. */
interface Expected {
  systemId: string;
  kid: string;
  key: Uint8Array;
  scheme: string | undefined;
}

function readBox(bytes: Uint8Array, label: string): PsshBox {
  try {
    return parsePsshBox(bytes);
  } catch (error) {
    if (error instanceof PsshError) throw malformed(`${label} is not a pssh box: ${error.message}`, error);
    throw error;
  }
}

/** Whether the bytes start like an ISO BMFF `pssh` box (size, then the type `pssh`). */
function looksLikeBox(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && bytes[4] === 0x70 && bytes[5] === 0x73 && bytes[6] === 0x73 && bytes[7] === 0x68;
}

/**
 * Checks a whole `pssh` box: of the DRMSystem's system, listing its KID when it lists KIDs (v1),
 * and its data (Widevine, PlayReady) naming that KID.
 */
function checkBox(bytes: Uint8Array, expected: Expected, label: string): PsshBox {
  const box = readBox(bytes, label);
  // ClearKey is signalled with the W3C common box, which EME's ClearKey reads its KIDs from.
  const boxSystem = expected.systemId === CLEARKEY_SYSTEM_ID ? COMMON_SYSTEM_ID : expected.systemId;
  if (box.systemId !== boxSystem) throw malformed(`${label} is a box of system ${box.systemId}`);
  if (box.keyIds.length > 0 && !box.keyIds.includes(expected.kid)) throw otherKey(`${label} lists other KIDs`);
  checkPayload(box.data, expected, label);
  return box;
}

/** Checks a box's data without its header (PallyCon's bare `ContentProtectionData`, a `data:` URI payload). */
function checkPayload(data: Uint8Array, expected: Expected, label: string): void {
  if (expected.systemId === WIDEVINE_SYSTEM_ID) checkWidevineData(data, expected, label);
  if (expected.systemId === PLAYREADY_SYSTEM_ID) checkPlayReadyObject(data, expected, label);
}

/** A `pssh` box or its bare data, whichever the bytes are. */
function checkBoxOrPayload(bytes: Uint8Array, expected: Expected, label: string): void {
  if (looksLikeBox(bytes)) checkBox(bytes, expected, label);
  else checkPayload(bytes, expected, label);
}

/** A FairPlay `skd://` URI that carries a KID (`skd://<kid>:<iv>`, `skd://<kid base64>`) must carry this one. */
function checkSkdUri(uri: string, expected: Expected, label: string): void {
  let parsed: ReturnType<typeof parseFairPlayUri>;
  try {
    parsed = parseFairPlayUri(uri);
  } catch (error) {
    if (error instanceof HlsSignalingError)
      throw malformed(`the skd:// URI of ${label} cannot be read: ${error.message}`, error);
    throw error;
  }
  if ((parsed.form === 'kid-iv' || parsed.form === 'kid-base64') && parsed.kid !== expected.kid) {
    throw otherKey(`the skd:// URI of ${label} names ${parsed.kid}`);
  }
}

/** The KEYFORMAT whose `data:` URI holds the system's own data (a `pssh` box or a PlayReady Object). */
const OWN_KEY_FORMAT: Record<string, string> = {
  [WIDEVINE_SYSTEM_ID]: KEY_FORMATS.widevine,
  [PLAYREADY_SYSTEM_ID]: KEY_FORMATS.playReady,
};

/**
 * A key URI: a FairPlay `skd://` URI, or a `data:` URI holding the system's `pssh` box or PlayReady
 * Object (when the line's KEYFORMAT, if any, is the system's own: a legacy `com.widevine` line holds JSON).
 */
function checkKeyUri(uri: string, keyFormat: string | undefined, expected: Expected, label: string): void {
  if (uri.startsWith('skd://')) {
    checkSkdUri(uri, expected, label);
  } else if (/^data:/i.test(uri) && (keyFormat === undefined || keyFormat === OWN_KEY_FORMAT[expected.systemId])) {
    let data: Uint8Array;
    try {
      data = parseDataUri(uri).data;
    } catch (error) {
      if (error instanceof HlsSignalingError)
        throw malformed(`the data: URI of ${label} cannot be read: ${error.message}`, error);
      throw error;
    }
    checkBoxOrPayload(data, expected, label);
  }
}

/** Reads an HLS key line and checks its `KEYID` and its `URI` against the key. */
function readHlsLine(bytes: Uint8Array, expected: Expected, label: string): HlsKeyLine & { line: string } {
  const line = utf8(bytes).trim();
  let parsed: HlsKeyLine;
  try {
    parsed = parseHlsKeyLine(line);
  } catch (error) {
    if (error instanceof HlsSignalingError) throw malformed(`${label} is not an HLS key line: ${error.message}`, error);
    throw error;
  }
  if (parsed.keyId !== undefined && normalizeUuid(parsed.keyId) !== expected.kid)
    throw otherKey(`the KEYID of ${label} is ${normalizeUuid(parsed.keyId)}`);
  if (parsed.uri !== undefined) checkKeyUri(parsed.uri, parsed.keyFormat, expected, label);
  return { ...parsed, line };
}

/**
 * Decodes the signalling of one `DRMSystem` of an answer for the key `kid` (whose value is `key`),
 * and checks every value against that key: each `pssh` box (`PSSH`, the `<pssh>` of
 * `ContentProtectionData`, a `data:` URI of an HLS line) must be of this system and list `kid` when
 * it lists KIDs; Widevine data naming KIDs must name `kid` (and its protection scheme the `scheme`
 * requested); a PlayReady header naming KIDs (PSSH, `ContentProtectionData`, Smooth Streaming
 * header, SPEKE `ProtectionHeader`, HLS line) must name `kid`, with a `CHECKSUM` that matches `key`;
 * an HLS line's `KEYID` and a FairPlay `skd://` URI that carries a KID (HLS lines, `URIExtXKey`)
 * must be `kid`. A value of another key is `ERR_CLIENT_SIGNALING_MISMATCH`; a value that cannot
 * be read is `ERR_CLIENT_MALFORMED_RESPONSE`.
 */
export function readDrmSignaling(
  system: DrmSystem,
  kid: string,
  key: Uint8Array,
  scheme: string | undefined,
): DrmSignaling {
  const target = resolveDrmSystem(system.systemId);
  const where = `DRMSystem ${target.name} for kid ${kid}`;
  const expected: Expected = { systemId: target.systemId, kid, key, scheme };
  const result: DrmSignaling = {
    systemId: target.systemId,
    ...(target.drm ? { drm: target.drm } : {}),
    name: target.name,
  };

  const cpd = system.contentProtectionData?.value;
  const cpdLabel = `the ContentProtectionData of ${where}`;
  const fragment = cpd && cpd.length > 0 ? protectionDataFragment(cpd) : undefined;
  if (cpd && cpd.length > 0) result.contentProtectionData = base64(cpd);
  if (fragment?.laurl) result.licenseUrl = fragment.laurl;

  if (system.pssh && system.pssh.length > 0) {
    const box = checkBox(system.pssh, expected, `the PSSH of ${where}`);
    result.pssh = base64(system.pssh);
    result.psshPayload = base64(box.data);
  }
  if (fragment?.pssh) {
    const bytes = Buffer.from(fragment.pssh, 'base64');
    const box = checkBox(bytes, expected, `the <pssh> of ${cpdLabel}`);
    result.pssh ??= base64(bytes);
    result.psshPayload ??= base64(box.data);
  } else if (cpd && cpd.length > 0 && !fragment) {
    // PallyCon writes the bare PSSH payload (no box header) in ContentProtectionData.
    checkBoxOrPayload(cpd, expected, cpdLabel);
    result.psshPayload ??= base64(cpd);
  }

  // The PlayReady Objects outside the box; one equal to the box's data has been checked with it.
  const spekeHeader = system.speke?.protectionHeader;
  const headers: [string | undefined, string][] = [
    [system.smoothStreamingProtectionHeaderData?.trim(), `the Smooth Streaming header of ${where}`],
    [fragment?.pro, `the <pro> of ${cpdLabel}`],
    [spekeHeader && spekeHeader.length > 0 ? base64(spekeHeader) : undefined, `the SPEKE ProtectionHeader of ${where}`],
  ];
  for (const [header, label] of headers) {
    if (!header) continue;
    if (header !== result.psshPayload) checkPlayReadyObject(Buffer.from(header, 'base64'), expected, label);
    result.smoothStreamingProtectionHeader ??= header;
  }

  for (const signaling of system.hlsSignalingData ?? []) {
    if (signaling.value.length === 0) continue;
    const master = signaling.playlist === 'master' || signaling.playlist === 'multiVariant';
    const parsed = readHlsLine(signaling.value, expected, `the HLS ${master ? 'master' : 'media'} line of ${where}`);
    if (master) {
      result.hlsMasterLine = parsed.line;
    } else {
      result.hlsMediaLine = parsed.line;
      if (parsed.uri !== undefined) result.keyUri = parsed.uri;
      if (parsed.keyFormat !== undefined) result.keyFormat = parsed.keyFormat;
      if (parsed.keyFormatVersions !== undefined) result.keyFormatVersions = parsed.keyFormatVersions;
    }
  }
  // SPEKE v1 / PallyCon: the key URI, KEYFORMAT and KEYFORMATVERSIONS as base64 text.
  if (system.uriExtXKey && system.uriExtXKey.length > 0) {
    result.keyUri = utf8(system.uriExtXKey).trim();
    checkKeyUri(result.keyUri, undefined, expected, `the URIExtXKey of ${where}`);
  }
  if (system.speke?.keyFormat && system.speke.keyFormat.length > 0)
    result.keyFormat = utf8(system.speke.keyFormat).trim();
  if (system.speke?.keyFormatVersions && system.speke.keyFormatVersions.length > 0) {
    result.keyFormatVersions = utf8(system.speke.keyFormatVersions).trim();
  }
  return result;
}

function checkWidevineData(data: Uint8Array, expected: Expected, label: string): void {
  let decoded: ReturnType<typeof decodeWidevinePsshData>;
  try {
    decoded = decodeWidevinePsshData(data);
  } catch (error) {
    if (error instanceof PsshError)
      throw malformed(`the Widevine PSSH data of ${label} cannot be read: ${error.message}`, error);
    throw error;
  }
  if (decoded.keyIds && decoded.keyIds.length > 0 && !decoded.keyIds.includes(expected.kid)) {
    throw otherKey(`the Widevine PSSH data of ${label} names other KIDs`);
  }
  if (
    expected.scheme !== undefined &&
    decoded.protectionScheme !== undefined &&
    decoded.protectionScheme !== expected.scheme
  ) {
    throw mismatch(
      `the Widevine PSSH data of ${label} says ${decoded.protectionScheme}, the request asked for ${expected.scheme}`,
    );
  }
}

/**
 * A PlayReady Object must name `kid` when its header names KIDs (in GUID byte order on the wire,
 * which `parseWrmHeader` turns back into the UUID), and an AESCTR `CHECKSUM` must be the one of
 * `key`: a wrong byte order or a wrong key shows here before any player fails.
 */
function checkPlayReadyObject(pro: Uint8Array, expected: Expected, label: string): void {
  const { kid, key } = expected;
  let keys: ReturnType<typeof parseWrmHeader>['keys'];
  try {
    const { wrmHeader } = decodePlayReadyObject(pro);
    if (wrmHeader === undefined) return;
    keys = parseWrmHeader(wrmHeader).keys;
  } catch (error) {
    if (error instanceof PlayReadyError)
      throw malformed(`the PlayReady header of ${label} cannot be read: ${error.message}`, error);
    throw error;
  }
  if (keys.length === 0) return;
  const entry = keys.find((candidate) => candidate.kid === kid);
  if (!entry) throw otherKey(`the PlayReady header of ${label} names other KIDs`);
  if (
    entry.checksum !== undefined &&
    (entry.algId ?? 'AESCTR') === 'AESCTR' &&
    entry.checksum !== computeKeyChecksum(kid, key)
  ) {
    throw otherKey(`the PlayReady header CHECKSUM of ${label} does not match the content key`);
  }
}
