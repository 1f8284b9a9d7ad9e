import { bytesToUuid, uuidToBytes } from '@cpixkit/pssh';
import { excerpt, formatAttributeList, type HlsAttribute, parseAttributeList } from './attribute-list.js';
import { HlsSignalingError } from './errors.js';
import { readKid, upperHex } from './uuid.js';

/** The two tags that carry keys: `EXT-X-KEY` (media playlists), `EXT-X-SESSION-KEY` (master/multivariant playlists). */
export type HlsKeyTag = 'EXT-X-KEY' | 'EXT-X-SESSION-KEY';

/**
 * Encryption methods: NONE, AES-128 and SAMPLE-AES from RFC 8216; SAMPLE-AES-CTR (`cenc`, used for
 * Widevine and PlayReady) from its successor draft; SAMPLE-AES-CENC, an older spelling of the same.
 */
export type HlsKeyMethod = 'NONE' | 'AES-128' | 'SAMPLE-AES' | 'SAMPLE-AES-CTR' | 'SAMPLE-AES-CENC';

/** Every {@link HlsKeyMethod}. */
export const HLS_KEY_METHODS: readonly HlsKeyMethod[] = [
  'NONE',
  'AES-128',
  'SAMPLE-AES',
  'SAMPLE-AES-CTR',
  'SAMPLE-AES-CENC',
];

/** A parsed or to-be-written `#EXT-X-KEY` / `#EXT-X-SESSION-KEY` line. */
export interface HlsKeyLine {
  tag: HlsKeyTag;
  method: HlsKeyMethod;
  /** `URI`: where (or, for a `data:` URI, what) the key or licence-request data is. Required unless NONE. */
  uri?: string;
  /** `IV`: the 16-byte initialisation vector. */
  iv?: Uint8Array;
  /** `KEYID`: the KID as a lower-case UUID string (written as `0x` + 32 upper-case hex digits). */
  keyId?: string;
  /** `KEYFORMAT`; absent means `identity`. */
  keyFormat?: string;
  /** `KEYFORMATVERSIONS`: one or more positive integers separated by `/`, e.g. `1` or `1/2/5`. */
  keyFormatVersions?: string;
  /** Attributes this model has no field for, kept in order (e.g. vendor extensions). */
  otherAttributes?: HlsAttribute[];
}

const KNOWN = ['METHOD', 'URI', 'IV', 'KEYID', 'KEYFORMAT', 'KEYFORMATVERSIONS'] as const;
const HEX_SEQUENCE = /^0[xX]([0-9a-fA-F]+)$/;
const KEY_FORMAT_VERSIONS = /^[1-9][0-9]*(?:\/[1-9][0-9]*)*$/;

/** The fields of an {@link HlsKeyLine} apart from its tag: what a media line and its master twin share. */
export type HlsKeyLineFields = Omit<HlsKeyLine, 'tag'>;

/** The same key written for both playlists: `#EXT-X-KEY` for media, `#EXT-X-SESSION-KEY` for master. */
export interface HlsKeyLines {
  /** `#EXT-X-KEY:…`, for media playlists. */
  media: string;
  /** `#EXT-X-SESSION-KEY:…`, for master (multivariant) playlists. */
  master: string;
}

/**
 * Writes a key line. Attributes come in a fixed order: METHOD, URI, IV, KEYID, KEYFORMAT,
 * KEYFORMATVERSIONS, then `otherAttributes` as given. URI, KEYFORMAT and KEYFORMATVERSIONS are
 * quoted strings; METHOD is unquoted; IV and KEYID are `0x` + upper-case hex.
 *
 * @throws {@link HlsSignalingError} when the model breaks RFC 8216: URI missing, attributes with
 *   METHOD=NONE, METHOD=NONE on EXT-X-SESSION-KEY, a bad value (the attribute is named).
 */
export function buildHlsKeyLine(line: HlsKeyLine): string {
  if (typeof line !== 'object' || line === null) {
    throw new HlsSignalingError('ERR_HLS_INVALID_INPUT', 'buildHlsKeyLine takes an HlsKeyLine object');
  }
  const { tag } = line;
  if (tag !== 'EXT-X-KEY' && tag !== 'EXT-X-SESSION-KEY') {
    throw new HlsSignalingError('ERR_HLS_INVALID_INPUT', 'tag must be EXT-X-KEY or EXT-X-SESSION-KEY');
  }
  const attributes = attributesOf(line);
  checkRules(tag, line.method, attributes);
  return `#${tag}:${formatAttributeList(attributes)}`;
}

/**
 * Writes both lines of a key, media (`#EXT-X-KEY`) and master (`#EXT-X-SESSION-KEY`), from one
 * attribute list: the same text as two {@link buildHlsKeyLine} calls, with the values checked and
 * formatted once.
 *
 * @throws {@link HlsSignalingError} as {@link buildHlsKeyLine} does for either tag (so METHOD=NONE,
 *   which EXT-X-SESSION-KEY does not allow, is refused).
 */
export function buildHlsKeyLines(fields: HlsKeyLineFields): HlsKeyLines {
  if (typeof fields !== 'object' || fields === null) {
    throw new HlsSignalingError('ERR_HLS_INVALID_INPUT', 'buildHlsKeyLines takes an HlsKeyLineFields object');
  }
  const attributes = attributesOf(fields);
  // Stryker disable next-line StringLiteral: any tag but EXT-X-SESSION-KEY gets the same checks, and that one follows
  checkRules('EXT-X-KEY', fields.method, attributes);
  checkRules('EXT-X-SESSION-KEY', fields.method, attributes);
  const list = formatAttributeList(attributes);
  return { media: `#EXT-X-KEY:${list}`, master: `#EXT-X-SESSION-KEY:${list}` };
}

/** The attributes of a key line in their fixed order, each value checked. */
function attributesOf(line: HlsKeyLineFields): HlsAttribute[] {
  const attributes: HlsAttribute[] = [{ name: 'METHOD', value: checkMethod(line.method), quoted: false }];
  if (line.uri !== undefined) attributes.push({ name: 'URI', value: checkString(line.uri, 'URI'), quoted: true });
  if (line.iv !== undefined) {
    if (!(line.iv instanceof Uint8Array) || line.iv.length !== 16) {
      throw new HlsSignalingError('ERR_HLS_INVALID_ATTRIBUTE', 'IV must be 16 bytes', { attribute: 'IV' });
    }
    attributes.push({ name: 'IV', value: `0x${upperHex(line.iv)}`, quoted: false });
  }
  if (line.keyId !== undefined) {
    attributes.push({
      name: 'KEYID',
      value: `0x${upperHex(readKid(line.keyId, uuidToBytes, 'ERR_HLS_INVALID_ATTRIBUTE', 'KEYID'))}`,
      quoted: false,
    });
  }
  if (line.keyFormat !== undefined) {
    attributes.push({ name: 'KEYFORMAT', value: checkString(line.keyFormat, 'KEYFORMAT'), quoted: true });
  }
  if (line.keyFormatVersions !== undefined) {
    attributes.push({
      name: 'KEYFORMATVERSIONS',
      value: checkKeyFormatVersions(line.keyFormatVersions),
      quoted: true,
    });
  }
  for (const other of line.otherAttributes ?? []) {
    if (typeof other !== 'object' || other === null) {
      throw new HlsSignalingError(
        'ERR_HLS_INVALID_INPUT',
        'each other attribute must be a { name, value, quoted } object',
      );
    }
    if ((KNOWN as readonly string[]).includes(other.name)) {
      throw new HlsSignalingError(
        'ERR_HLS_INVALID_INPUT',
        `${other.name} has its own field in HlsKeyLine; it cannot be an other attribute`,
        { attribute: other.name },
      );
    }
    attributes.push(other);
  }
  return attributes;
}

/**
 * Reads a `#EXT-X-KEY:` or `#EXT-X-SESSION-KEY:` line (trailing whitespace and CR/LF are ignored). Attributes may
 * come in any order; unknown ones are kept in `otherAttributes`.
 *
 * @throws {@link HlsSignalingError} naming the offending attribute: wrong quoting, an IV that is
 *   not a 128-bit hex sequence, a KEYID that is not 16 bytes, an unknown METHOD, a missing URI,
 *   duplicates, attributes next to METHOD=NONE, METHOD=NONE on EXT-X-SESSION-KEY.
 */
export function parseHlsKeyLine(text: string): HlsKeyLine {
  if (typeof text !== 'string') {
    throw new HlsSignalingError('ERR_HLS_INVALID_INPUT', 'parseHlsKeyLine takes a string');
  }
  const trimmed = text.replace(/[ \t\r\n]+$/, '');
  const match = /^#(EXT-X-KEY|EXT-X-SESSION-KEY):(.*)$/s.exec(trimmed);
  if (!match) {
    throw new HlsSignalingError(
      'ERR_HLS_INVALID_LINE',
      `not an #EXT-X-KEY or #EXT-X-SESSION-KEY line: ${JSON.stringify(excerpt(trimmed))}`,
    );
  }
  const tag = match[1] as HlsKeyTag;
  const attributes = parseAttributeList(match[2]!);
  const byName = new Map(attributes.map((attribute) => [attribute.name, attribute]));
  const methodAttribute = byName.get('METHOD');
  if (!methodAttribute) {
    throw new HlsSignalingError('ERR_HLS_MISSING_ATTRIBUTE', 'METHOD is required', { attribute: 'METHOD' });
  }
  const method = checkMethod(unquoted(methodAttribute));
  checkRules(tag, method, attributes);

  const line: HlsKeyLine = { tag, method };
  const uri = byName.get('URI');
  if (uri) line.uri = quoted(uri);
  const iv = byName.get('IV');
  if (iv) line.iv = parseIv(unquoted(iv));
  const keyId = byName.get('KEYID');
  if (keyId) line.keyId = parseKeyId(unquoted(keyId));
  const keyFormat = byName.get('KEYFORMAT');
  if (keyFormat) line.keyFormat = quoted(keyFormat);
  const versions = byName.get('KEYFORMATVERSIONS');
  if (versions) line.keyFormatVersions = checkKeyFormatVersions(quoted(versions));
  const others = attributes.filter((attribute) => !(KNOWN as readonly string[]).includes(attribute.name));
  if (others.length > 0) line.otherAttributes = others;
  return line;
}

function checkRules(tag: HlsKeyTag, method: HlsKeyMethod, attributes: readonly HlsAttribute[]): void {
  if (method === 'NONE') {
    if (tag === 'EXT-X-SESSION-KEY') {
      throw new HlsSignalingError('ERR_HLS_INVALID_ATTRIBUTE', 'METHOD=NONE is not allowed on EXT-X-SESSION-KEY', {
        attribute: 'METHOD',
      });
    }
    const other = attributes.find((attribute) => attribute.name !== 'METHOD');
    if (other) {
      throw new HlsSignalingError('ERR_HLS_FORBIDDEN_ATTRIBUTE', `${other.name} is not allowed with METHOD=NONE`, {
        attribute: other.name,
      });
    }
  } else if (!attributes.some((attribute) => attribute.name === 'URI')) {
    throw new HlsSignalingError('ERR_HLS_MISSING_ATTRIBUTE', `URI is required with METHOD=${method}`, {
      attribute: 'URI',
    });
  }
}

function checkMethod(method: unknown): HlsKeyMethod {
  if (!HLS_KEY_METHODS.includes(method as HlsKeyMethod)) {
    throw new HlsSignalingError(
      'ERR_HLS_INVALID_ATTRIBUTE',
      `METHOD must be one of ${HLS_KEY_METHODS.join(', ')}, got ${JSON.stringify(excerpt(String(method)))}`,
      { attribute: 'METHOD' },
    );
  }
  return method as HlsKeyMethod;
}

function checkString(value: unknown, attribute: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new HlsSignalingError('ERR_HLS_INVALID_ATTRIBUTE', `${attribute} must be a non-empty string`, { attribute });
  }
  return value;
}

function checkKeyFormatVersions(value: unknown): string {
  if (typeof value !== 'string' || !KEY_FORMAT_VERSIONS.test(value)) {
    throw new HlsSignalingError(
      'ERR_HLS_INVALID_ATTRIBUTE',
      `KEYFORMATVERSIONS must be positive integers separated by '/', got ${JSON.stringify(excerpt(String(value)))}`,
      { attribute: 'KEYFORMATVERSIONS' },
    );
  }
  return value;
}

function quoted(attribute: HlsAttribute): string {
  if (!attribute.quoted) {
    throw new HlsSignalingError('ERR_HLS_INVALID_ATTRIBUTE', `${attribute.name} must be a quoted string`, {
      attribute: attribute.name,
    });
  }
  return checkString(attribute.value, attribute.name);
}

function unquoted(attribute: HlsAttribute): string {
  if (attribute.quoted) {
    throw new HlsSignalingError('ERR_HLS_INVALID_ATTRIBUTE', `${attribute.name} must not be quoted`, {
      attribute: attribute.name,
    });
  }
  return attribute.value;
}

function parseIv(value: string): Uint8Array {
  const hex = HEX_SEQUENCE.exec(value)?.[1];
  if (hex === undefined || hex.length > 32) {
    throw new HlsSignalingError('ERR_HLS_INVALID_ATTRIBUTE', 'IV must be a hexadecimal sequence of at most 128 bits', {
      attribute: 'IV',
    });
  }
  // A hexadecimal-sequence is an integer: leading zeros may be left out.
  return Uint8Array.from(Buffer.from(hex.padStart(32, '0'), 'hex'));
}

function parseKeyId(value: string): string {
  const hex = HEX_SEQUENCE.exec(value)?.[1];
  if (hex === undefined || hex.length !== 32) {
    throw new HlsSignalingError('ERR_HLS_INVALID_ATTRIBUTE', 'KEYID must be 0x followed by 32 hex digits', {
      attribute: 'KEYID',
    });
  }
  return bytesToUuid(Buffer.from(hex, 'hex'));
}
