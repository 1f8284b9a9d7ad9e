export { SpekeLambdaError, type SpekeLambdaErrorCode } from './errors.js';
export {
  createSpekeHandler,
  handler,
  type RequestLogEntry,
  type SpekeHandler,
  type SpekeHandlerOptions,
  USER_AGENT,
} from './handler.js';
export type { ProxyEvent, ProxyResult } from './proxy-event.js';
export type { SecretsClient, TenantSecrets } from './secrets.js';
