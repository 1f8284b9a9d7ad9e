export { KeySeedError } from './errors.js';
