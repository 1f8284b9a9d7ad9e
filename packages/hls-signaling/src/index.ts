export { type Aes128KeyLineOptions, buildAes128KeyLine } from './aes128.js';
export { formatAttributeList, type HlsAttribute, parseAttributeList } from './attribute-list.js';
export { buildDataUri, type DataUri, parseDataUri } from './data-uri.js';
export { HlsSignalingError, type HlsSignalingErrorCode } from './errors.js';
export {
  buildFairPlayKeyLine,
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
  HLS_KEY_METHODS,
  type HlsKeyLine,
  type HlsKeyMethod,
  type HlsKeyTag,
  parseHlsKeyLine,
} from './key-line.js';
export { type HlsEncryptionScheme, type HlsPlaylist } from './line-options.js';
export { buildPlayReadyKeyLine, type PlayReadyKeyLineOptions } from './playready.js';
export { buildWidevineKeyLine, type WidevineKeyLineOptions } from './widevine.js';
