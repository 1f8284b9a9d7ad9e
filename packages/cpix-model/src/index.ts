export { CpixError } from './errors.js';
