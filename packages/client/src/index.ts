export { CpixClient, type CpixClientOptions, type RequestKeysOptions, type TlsOptions } from './client.js';
export { type DrmTarget, resolveDrmSystem } from './drm-systems.js';
export { type ClientAuth, type HttpRequest, httpRequestOf, type SigV4Auth } from './endpoint.js';
export { CpixClientError, type CpixClientErrorCode, type CpixClientErrorDetails } from './errors.js';
export { type PallyConContentKeyJson, type PallyConJson, toPallyConJson } from './pallycon-json.js';
export {
  buildKeyRequest,
  CPIX_DIALECTS,
  type CpixDialect,
  type EncryptionScheme,
  type KeyPeriodInput,
  type KeyRequest,
  type KeySlot,
  type PreparedKeyRequest,
} from './request.js';
export { type ReadKeyResponseOptions, readKeyResponse } from './response.js';
export type { ByteForms, ContentKeyResult, ContentKeysResult, DrmSignaling, KeyIdForms } from './results.js';
export { type Environment, resolveSigV4, type SigV4Credentials, signSigV4 } from './sigv4.js';
export {
  SPEKE_V2_AUDIO_PRESETS,
  SPEKE_V2_VIDEO_PRESETS,
  type SpekeV2AudioPreset,
  type SpekeV2VideoPreset,
  spekeV2EncryptionContract,
  TRACK_TYPES,
  type TrackTypeRule,
  trackTypeRule,
} from './track-types.js';
export { type HttpResponse, type RetryOptions, sendWithRetries, type TransportOptions } from './transport.js';
