export { type Aes128KeyLineOptions, buildAes128KeyLine, buildAes128KeyLines } from './aes128.js';
export { formatAttributeList, type HlsAttribute, parseAttributeList } from './attribute-list.js';
export { buildDataUri, type DataUri, parseDataUri } from './data-uri.js';
export { HlsSignalingError, type HlsSignalingErrorCode } from './errors.js';
export {
  buildFairPlayKeyLine,
  buildFairPlayKeyLines,
  buildFairPlayUri,
  type FairPlayKeyLineOptions,
  type FairPlayUri,
  type FairPlayUriForm,
  type FairPlayUriTemplate,
  parseFairPlayUri,
} from './fairplay.js';
export { KEY_FORMATS } from './key-formats.js';
export {
  buildHlsKeyLine,
  buildHlsKeyLines,
  HLS_KEY_METHODS,
  type HlsKeyLine,
  type HlsKeyLineFields,
  type HlsKeyLines,
  type HlsKeyMethod,
  type HlsKeyTag,
  parseHlsKeyLine,
} from './key-line.js';
export type { HlsEncryptionScheme, HlsKeyLinePlaylist } from './line-options.js';
export { buildPlayReadyKeyLine, buildPlayReadyKeyLines, type PlayReadyKeyLineOptions } from './playready.js';
export { buildWidevineKeyLine, buildWidevineKeyLines, type WidevineKeyLineOptions } from './widevine.js';
