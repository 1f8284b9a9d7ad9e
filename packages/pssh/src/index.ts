export { PsshError, type PsshErrorCode } from './errors.js';
export { bytesToUuid, normalizeUuid, uuidToBytes } from './uuid.js';
