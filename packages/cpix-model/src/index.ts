export { CpixError, type CpixErrorCode } from './errors.js';
export {
  CPIX_NAMESPACES,
  type AudioFilter,
  type BitrateFilter,
  type ContentKey,
  type ContentKeyList,
  type ContentKeyPeriod,
  type ContentKeyPeriodList,
  type ContentKeyUsageRule,
  type ContentKeyUsageRuleList,
  type ContentProtectionData,
  type CpixDocument,
  type CpixList,
  type CpixWriteVersion,
  type DeliveryData,
  type DeliveryDataList,
  type DeliveryKey,
  type DocumentKey,
  type DrmSystem,
  type DrmSystemList,
  type EncryptedData,
  type Extensible,
  type HdcpData,
  type HlsPlaylist,
  type HlsSignalingData,
  type KeyData,
  type KeyPeriodFilter,
  type LabelFilter,
  type MacMethod,
  type PskcKeyFields,
  type PskcSecret,
  type RawXml,
  type SpekeDrmExtensions,
  type UnknownAttribute,
  type UpdateHistoryItem,
  type UpdateHistoryItemList,
  type VideoFilter,
} from './model.js';
export { decodeCpixText } from './decode.js';
export {
  COMMON_ENCRYPTION_SCHEMES,
  isCommonEncryptionScheme,
  type CommonEncryptionScheme,
} from './encryption-schemes.js';
export { isNcName } from './ncname.js';
export { isUuid } from './uuid.js';
export {
  parseCpix,
  type CpixWarning,
  type CpixWarningCode,
  type ParseCpixOptions,
  type ParseCpixResult,
} from './parse.js';
export { serializeCpix, type CpixPrefixRole, type SerializeCpixOptions } from './serialize.js';
export { validateCpix, type CpixProblem, type CpixProblemCode } from './validate.js';
export { resolveContentKey, type ContentKeyContext, type ResolvedContentKey } from './resolve.js';
export {
  encryptContentKeys,
  decryptContentKeys,
  type EncryptContentKeysOptions,
  type DecryptContentKeysOptions,
} from './encryption.js';
export {
  checkRecipientCertificate,
  describeCertificate,
  subjectLine,
  type CertificateInfo,
  type CertificateInput,
  type CertificatePolicy,
} from './certificate.js';
export { CPIX_ALGORITHMS } from './crypto/algorithms.js';
export type { Pkcs12Input, PrivateKeyInput } from './crypto/private-key.js';
