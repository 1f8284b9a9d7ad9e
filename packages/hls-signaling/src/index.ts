export { HlsSignalingError } from './errors.js';
