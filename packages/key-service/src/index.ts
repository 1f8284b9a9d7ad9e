export { KeyServiceError, type KeyServiceErrorCode, type KeyServiceErrorStatus } from './errors.js';
export {
  bodyTooLarge,
  type HttpAnswer,
  type KeyDeliveryAnswer,
  keyDeliveryAnswer,
  keyExchangeAnswer,
  noSuchRoute,
  type Refusal,
  RETRY_AFTER_SECONDS,
  refusalAnswer,
  refusalOf,
} from './http-answer.js';
export { createKeyService } from './key-service.js';
export { invalidKeyUrl } from './key-url.js';
export { defaultTenantSettings } from './settings.js';
export {
  SPEKE_HEARTBEAT_PATH,
  SPEKE_ROUTES,
  type SpekeRoute,
  spekeDialectOf,
  spekeHeartbeatAnswer,
} from './speke-routes.js';
export { resolveTenantsConfig } from './tenants-config.js';
export type {
  Dialect,
  KeyService,
  KeyServiceAnswer,
  KeyServiceOptions,
  KeyServiceRequest,
  KeyServiceWarning,
  KeyStore,
  PlayReadyHeaderVersion,
  Tenant,
  TenantSettings,
} from './types.js';
