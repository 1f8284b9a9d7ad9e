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
  WARNINGS_HEADER,
  warningCodes,
} from './http-answer.js';
export { createKeyService } from './key-service.js';
export { invalidKeyUrl } from './key-url.js';
export { defaultTenantSettings } from './settings.js';
export { MAX_CONTENT_ID_LENGTH } from './content-id.js';
export { PLACEHOLDER_REMOVED, PLACEHOLDER_REMOVED_FOR_SCHEME } from './signaling-slots.js';
export {
  SPEKE_HEARTBEAT_PATH,
  SPEKE_ROUTES,
  type SpekeRequestOptions,
  type SpekeRoute,
  spekeDialectOf,
  spekeHeartbeatAnswer,
  spekeRequestOptions,
} from './speke-routes.js';
export { resolveTenantsConfig } from './tenants-config.js';
export { CLEARKEY_LICENSE_REQUEST_MAX_BYTES } from './clearkey-license.js';
export type {
  ClearKeyLicense,
  Dialect,
  KeyService,
  KeyServiceAnswer,
  KeyServiceOptions,
  KeyServiceRequest,
  KeyServiceWarning,
  KeyStore,
  PlayReadyHeaderVersion,
  SpekeRules,
  Tenant,
  TenantSettings,
} from './types.js';
