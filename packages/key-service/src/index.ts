export { KeyServiceError } from './errors.js';
