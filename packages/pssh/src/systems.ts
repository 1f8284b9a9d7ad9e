import { PsshError } from './errors.js';
import { normalizeUuid, uuidToBytes } from './uuid.js';

/** Widevine (Google). */
export const WIDEVINE_SYSTEM_ID = 'edef8ba9-79d6-4ace-a3c8-27dcd51d21ed';
/** PlayReady (Microsoft). */
export const PLAYREADY_SYSTEM_ID = '9a04f079-9840-4286-ab92-e65be0885f95';
/** FairPlay Streaming (Apple). */
export const FAIRPLAY_SYSTEM_ID = '94ce86fb-07ff-4f43-adb8-93d2fa968ca2';
/** W3C Common PSSH box format (ISO/IEC 23001-7 "common" system, used by EME ClearKey with `cenc` init data). */
export const COMMON_SYSTEM_ID = '1077efec-c0b2-4d02-ace3-3c1e52e2fb4b';
/** DASH-IF ClearKey (the `urn:uuid` used in MPD ContentProtection for ClearKey). */
export const CLEARKEY_SYSTEM_ID = 'e2719d58-a985-b3c9-781a-b030af78d30e';
/** Marlin Adaptive Streaming. */
export const MARLIN_SYSTEM_ID = '5e629af5-38da-4063-8977-97ffbd9902d4';
/** Nagra MediaAccess PRM 3.0 and later. */
export const NAGRA_SYSTEM_ID = 'adb41c24-2dbf-4a6d-958b-4457c0d27b95';
/** Huawei WisePlay (registered at DASH-IF as ChinaDRM). */
export const WISEPLAY_SYSTEM_ID = '3d5e6d35-9b9a-41e8-b843-dd3c6e72c42c';
/** Adobe Primetime DRM (Adobe Access). */
export const PRIMETIME_SYSTEM_ID = 'f239e769-efa3-4850-9c16-a903c6932efb';
/**
 * Pseudo system id for HLS AES-128 (clear-key `METHOD=AES-128`) used by AWS SPEKE and PallyCon;
 * not a DASH-IF registration, and never the SystemID of a real `pssh` box.
 */
export const AES128_SYSTEM_ID = '81376844-f976-481e-a84e-cc25d39b0b33';

/** Short stable keys of the DRM systems cpixkit knows by name. */
export type DrmSystemKey =
  | 'widevine'
  | 'playready'
  | 'fairplay'
  | 'common'
  | 'clearkey'
  | 'marlin'
  | 'nagra'
  | 'wiseplay'
  | 'primetime'
  | 'aes128';

/** A DRM system cpixkit knows by name: its system id (lower-case UUID), display name and short key. */
export interface KnownDrmSystem {
  readonly id: string;
  readonly name: string;
  readonly key: DrmSystemKey;
}

/** Every DRM system cpixkit knows by name, in the order of the exported constants. */
export const DRM_SYSTEMS: readonly KnownDrmSystem[] = Object.freeze(
  (
    [
      { id: WIDEVINE_SYSTEM_ID, name: 'Widevine', key: 'widevine' },
      { id: PLAYREADY_SYSTEM_ID, name: 'PlayReady', key: 'playready' },
      { id: FAIRPLAY_SYSTEM_ID, name: 'FairPlay', key: 'fairplay' },
      { id: COMMON_SYSTEM_ID, name: 'W3C Common', key: 'common' },
      { id: CLEARKEY_SYSTEM_ID, name: 'ClearKey', key: 'clearkey' },
      { id: MARLIN_SYSTEM_ID, name: 'Marlin', key: 'marlin' },
      { id: NAGRA_SYSTEM_ID, name: 'Nagra', key: 'nagra' },
      { id: WISEPLAY_SYSTEM_ID, name: 'WisePlay', key: 'wiseplay' },
      { id: PRIMETIME_SYSTEM_ID, name: 'Adobe Primetime', key: 'primetime' },
      { id: AES128_SYSTEM_ID, name: 'HLS AES-128', key: 'aes128' },
    ] satisfies KnownDrmSystem[]
  ).map((system) => Object.freeze(system)),
);

const BY_ID = new Map(DRM_SYSTEMS.map((system) => [system.id, system]));
/** The bytes of each known system id, parsed once; only ever read. */
// Stryker disable next-line ArrayDeclaration: fast path: without the cache systemIdBytes parses the id, to the same bytes
const ID_BYTES = new Map(DRM_SYSTEMS.map((system) => [system.id, uuidToBytes(system.id)]));

/**
 * The 16 bytes of a system id as {@link uuidToBytes} gives them; those of a known system in its
 * lower-case spelling are parsed once and shared, so the caller must only read them.
 */
export function systemIdBytes(id: string): Uint8Array {
  return ID_BYTES.get(id) ?? uuidToBytes(id);
}

/**
 * The known DRM system with this system id, in any spelling `normalizeUuid` accepts (any case, with or
 * without dashes, braces or `urn:uuid:`); `undefined` when the id is unknown or not a UUID at all.
 */
export function findDrmSystem(id: string): KnownDrmSystem | undefined {
  // Looked up as written first: ids almost always come in the lower-case form the map is keyed by.
  const system = BY_ID.get(id);
  if (system !== undefined) return system;
  try {
    return BY_ID.get(normalizeUuid(id));
  } catch (error) {
    if (error instanceof PsshError) return undefined;
    throw error;
  }
}
