import type { DrmSystem } from '@cpixkit/cpix-model';
import { HlsSignalingError, parseHlsKeyLine } from '@cpixkit/hls-signaling';
import { computeKeyChecksum, decodePlayReadyObject, parseWrmHeader, PlayReadyError } from '@cpixkit/playready-header';
import {
  CLEARKEY_SYSTEM_ID,
  COMMON_SYSTEM_ID,
  decodeWidevinePsshData,
  PLAYREADY_SYSTEM_ID,
  parsePsshBox,
  type PsshBox,
  PsshError,
  WIDEVINE_SYSTEM_ID,
} from '@cpixkit/pssh';
import { resolveDrmSystem } from './drm-systems.js';
import { CpixClientError } from './errors.js';
import type { DrmSignalling } from './results.js';

const base64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
const utf8 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');

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

function readBox(bytes: Uint8Array, where: string): PsshBox {
  try {
    return parsePsshBox(bytes);
  } catch (error) {
    if (error instanceof PsshError) throw malformed(`the PSSH of ${where} is not a pssh box: ${error.message}`, error);
    throw error;
  }
}

function hlsLine(bytes: Uint8Array, where: string): { line: string; uri?: string; keyFormat?: string; keyFormatVersions?: string } {
  const line = utf8(bytes).trim();
  try {
    const parsed = parseHlsKeyLine(line);
    return {
      line,
      ...(parsed.uri !== undefined ? { uri: parsed.uri } : {}),
      ...(parsed.keyFormat !== undefined ? { keyFormat: parsed.keyFormat } : {}),
      ...(parsed.keyFormatVersions !== undefined ? { keyFormatVersions: parsed.keyFormatVersions } : {}),
    };
  } catch (error) {
    if (error instanceof HlsSignalingError) throw malformed(`the HLSSignalingData of ${where} is not an HLS key line: ${error.message}`, error);
    throw error;
  }
}

/**
 * Decodes the signalling of one `DRMSystem` of an answer for the key `kid` (whose value is `key`),
 * and checks it: a PSSH must be a `pssh` box of this system, listing `kid` when it lists KIDs;
 * Widevine data naming KIDs or a protection scheme must name this `kid` and the `scheme`
 * requested; a PlayReady header naming KIDs must name `kid`, with a `CHECKSUM` that matches `key`.
 */
export function readDrmSignalling(system: DrmSystem, kid: string, key: Uint8Array, scheme: string | undefined): DrmSignalling {
  const target = resolveDrmSystem(system.systemId);
  const where = `DRMSystem ${target.name} for kid ${kid}`;
  const result: DrmSignalling = { systemId: target.systemId, ...(target.drm ? { drm: target.drm } : {}), name: target.name };

  const cpd = system.contentProtectionData?.value;
  const fragment = cpd && cpd.length > 0 ? protectionDataFragment(cpd) : undefined;
  if (cpd && cpd.length > 0) result.contentProtectionData = base64(cpd);
  if (fragment?.laurl) result.licenseUrl = fragment.laurl;

  let boxBytes: Uint8Array | undefined = system.pssh && system.pssh.length > 0 ? system.pssh : undefined;
  if (!boxBytes && fragment?.pssh) boxBytes = Buffer.from(fragment.pssh, 'base64');
  if (boxBytes) {
    const box = readBox(boxBytes, where);
    // ClearKey is signalled with the W3C common box, which EME's ClearKey reads its KIDs from.
    const boxSystem = target.systemId === CLEARKEY_SYSTEM_ID ? COMMON_SYSTEM_ID : target.systemId;
    if (box.systemId !== boxSystem) throw malformed(`the PSSH of ${where} is a box of system ${box.systemId}`);
    if (box.keyIds.length > 0 && !box.keyIds.includes(kid)) throw mismatch(`the PSSH of ${where} lists other KIDs`);
    if (box.systemId === WIDEVINE_SYSTEM_ID) checkWidevineData(box.data, kid, scheme, where);
    if (box.systemId === PLAYREADY_SYSTEM_ID) checkPlayReadyObject(box.data, kid, key, where);
    result.pssh = base64(boxBytes);
    result.psshPayload = base64(box.data);
  } else if (cpd && cpd.length > 0 && !fragment) {
    // PallyCon writes the bare PSSH payload (no box header) in ContentProtectionData.
    result.psshPayload = base64(cpd);
  }

  const header = system.smoothStreamingProtectionHeaderData?.trim() || (fragment?.pro ?? '');
  const spekeHeader = system.speke?.protectionHeader;
  if (header) result.smoothStreamingProtectionHeader = header;
  else if (spekeHeader && spekeHeader.length > 0) result.smoothStreamingProtectionHeader = base64(spekeHeader);
  if (result.smoothStreamingProtectionHeader !== undefined && result.smoothStreamingProtectionHeader !== result.psshPayload) {
    checkPlayReadyObject(Buffer.from(result.smoothStreamingProtectionHeader, 'base64'), kid, key, `the Smooth Streaming header of ${where}`);
  }

  for (const signalling of system.hlsSignalingData ?? []) {
    if (signalling.value.length === 0) continue;
    const parsed = hlsLine(signalling.value, where);
    if (signalling.playlist === 'master' || signalling.playlist === 'multiVariant') {
      result.hlsMasterLine = parsed.line;
    } else {
      result.hlsMediaLine = parsed.line;
      if (parsed.uri !== undefined) result.keyUri = parsed.uri;
      if (parsed.keyFormat !== undefined) result.keyFormat = parsed.keyFormat;
      if (parsed.keyFormatVersions !== undefined) result.keyFormatVersions = parsed.keyFormatVersions;
    }
  }
  // SPEKE v1 / PallyCon: the key URI, KEYFORMAT and KEYFORMATVERSIONS as base64 text.
  if (system.uriExtXKey && system.uriExtXKey.length > 0) result.keyUri = utf8(system.uriExtXKey).trim();
  if (system.speke?.keyFormat && system.speke.keyFormat.length > 0) result.keyFormat = utf8(system.speke.keyFormat).trim();
  if (system.speke?.keyFormatVersions && system.speke.keyFormatVersions.length > 0) {
    result.keyFormatVersions = utf8(system.speke.keyFormatVersions).trim();
  }
  return result;
}

function checkWidevineData(data: Uint8Array, kid: string, scheme: string | undefined, where: string): void {
  let decoded: ReturnType<typeof decodeWidevinePsshData>;
  try {
    decoded = decodeWidevinePsshData(data);
  } catch (error) {
    if (error instanceof PsshError) throw malformed(`the Widevine PSSH data of ${where} cannot be read: ${error.message}`, error);
    throw error;
  }
  if (decoded.keyIds && decoded.keyIds.length > 0 && !decoded.keyIds.includes(kid)) {
    throw mismatch(`the Widevine PSSH data of ${where} names other KIDs`);
  }
  if (scheme !== undefined && decoded.protectionScheme !== undefined && decoded.protectionScheme !== scheme) {
    throw mismatch(`the Widevine PSSH data of ${where} says ${decoded.protectionScheme}, the request asked for ${scheme}`);
  }
}

/**
 * A PlayReady Object must name `kid` when its header names KIDs (in GUID byte order on the wire,
 * which `parseWrmHeader` turns back into the UUID), and an AESCTR `CHECKSUM` must be the one of
 * `key`: a wrong byte order or a wrong key shows here before any player fails.
 */
function checkPlayReadyObject(pro: Uint8Array, kid: string, key: Uint8Array, where: string): void {
  let keys: ReturnType<typeof parseWrmHeader>['keys'];
  try {
    const { wrmHeader } = decodePlayReadyObject(pro);
    if (wrmHeader === undefined) return;
    keys = parseWrmHeader(wrmHeader).keys;
  } catch (error) {
    if (error instanceof PlayReadyError) throw malformed(`the PlayReady header of ${where} cannot be read: ${error.message}`, error);
    throw error;
  }
  if (keys.length === 0) return;
  const entry = keys.find((candidate) => candidate.kid === kid);
  if (!entry) throw mismatch(`the PlayReady header of ${where} names other KIDs`);
  if (entry.checksum !== undefined && (entry.algId ?? 'AESCTR') === 'AESCTR' && entry.checksum !== computeKeyChecksum(kid, key)) {
    throw mismatch(`the PlayReady header CHECKSUM of ${where} does not match the content key`);
  }
}
