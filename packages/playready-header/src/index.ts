export { PlayReadyError, type PlayReadyErrorCode } from './errors.js';
export { guidBase64ToKid, guidBytesToKid, kidToGuidBase64, kidToGuidBytes, swapGuidByteOrder } from './kid.js';
