export { CpixClientError } from './errors.js';
