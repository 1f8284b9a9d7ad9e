export { computeKeyChecksum } from './checksum.js';
export { PlayReadyError, type PlayReadyErrorCode } from './errors.js';
export { guidBase64ToKid, guidBytesToKid, kidToGuidBase64, kidToGuidBytes, swapGuidByteOrder } from './kid.js';
export {
  decodePlayReadyObject,
  encodePlayReadyObject,
  encodePlayReadyPsshBox,
  type PlayReadyObject,
  type PlayReadyObjectInit,
  type PlayReadyObjectRecord,
  PlayReadyRecordType,
} from './pro.js';
export {
  buildSmoothStreamingProtectionHeader,
  parseSmoothStreamingProtectionHeader,
  type SmoothStreamingProtectionHeader,
  smoothStreamingProtectionHeaderData,
} from './smooth-streaming.js';
export {
  buildWrmHeader,
  parseWrmHeader,
  type PlayReadyAlgorithm,
  WRMHEADER_NAMESPACE,
  WRMHEADER_VERSIONS,
  type WrmHeader,
  type WrmHeaderKey,
  type WrmHeaderVersion,
} from './wrmheader.js';
