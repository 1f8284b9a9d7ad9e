export {
  allocatePsshBox,
  encodePsshBox,
  type LocatedPsshBox,
  parsePsshBox,
  parsePsshBoxes,
  type PsshBox,
  type PsshBoxInit,
} from './box.js';
export { PsshError, type PsshErrorCode } from './errors.js';
export { fourCcToUint32, uint32ToFourCc } from './fourcc.js';
export { type DecodedPsshInput, decodePsshInput } from './input.js';
export {
  AES128_SYSTEM_ID,
  CLEARKEY_SYSTEM_ID,
  COMMON_SYSTEM_ID,
  DRM_SYSTEMS,
  type DrmSystemKey,
  FAIRPLAY_SYSTEM_ID,
  findDrmSystem,
  type KnownDrmSystem,
  MARLIN_SYSTEM_ID,
  NAGRA_SYSTEM_ID,
  PLAYREADY_SYSTEM_ID,
  PRIMETIME_SYSTEM_ID,
  WIDEVINE_SYSTEM_ID,
  WISEPLAY_SYSTEM_ID,
} from './systems.js';
export { bytesToUuid, normalizeUuid, uuidToBytes } from './uuid.js';
export {
  decodeWidevinePsshData,
  encodeWidevinePsshData,
  type ProtobufUnknownField,
  WidevineAlgorithm,
  type WidevineEntitledKey,
  type WidevinePsshData,
  type WidevinePsshDataInit,
  WidevinePsshType,
} from './widevine.js';
