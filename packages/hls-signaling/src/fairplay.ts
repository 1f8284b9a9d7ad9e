import { bytesToUuid, normalizeUuid, uuidToBytes } from '@cpixkit/pssh';
import { excerpt, isQuotable } from './attribute-list.js';
import { HlsSignalingError } from './errors.js';
import { KEY_FORMATS } from './key-formats.js';
import { buildHlsKeyLine, buildHlsKeyLines, type HlsKeyLineFields, type HlsKeyLines } from './key-line.js';
import { checkOptions, type HlsKeyLinePlaylist, tagFor } from './line-options.js';
import { readKid, upperHex } from './uuid.js';

/**
 * The `skd://` URI forms seen at key servers:
 * - `kid-iv`: `skd://<kid, lower-case UUID>:<IV, 32 upper-case hex>` (Axinom; the IV is the CPIX `explicitIV`);
 * - `kid-base64`: `skd://<base64 of the KID, RFC 4122 byte order>` (PallyCon VOD, client `key_uri`);
 * - `content-period`: `skd://<content id><period index as 16 lower-case hex digits>` (PallyCon live);
 * - `opaque`: `skd://` followed by anything else.
 */
export type FairPlayUri =
  | { form: 'kid-iv'; kid: string; iv: Uint8Array }
  | { form: 'kid-base64'; kid: string }
  | { form: 'content-period'; contentId: string; periodIndex: number }
  | { form: 'opaque'; payload: string };

/** The form names of {@link FairPlayUri}. */
export type FairPlayUriForm = FairPlayUri['form'];

/**
 * A caller's own URI pattern. Placeholders: `{kid}` (lower-case UUID), `{kidHex}` (32 lower-case hex),
 * `{kidBase64}` (base64, RFC 4122 order), `{ivHex}` (32 upper-case hex), `{contentId}`,
 * `{periodIndexHex}` (16 lower-case hex digits). A placeholder whose value is not given is an error.
 */
export interface FairPlayUriTemplate {
  template: string;
  kid?: string;
  iv?: Uint8Array;
  contentId?: string;
  periodIndex?: number;
}

const SKD = 'skd://';
const KID_IV = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}):([0-9a-f]{32})$/i;
const KID_BASE64 = /^[A-Za-z0-9+/]{22}==$/;
const CONTENT_PERIOD = /^(.+)([0-9a-f]{16})$/s;

/**
 * Writes a FairPlay key URI in one of the {@link FairPlayUri} forms, or from a {@link FairPlayUriTemplate}.
 *
 * @throws {@link HlsSignalingError} `ERR_HLS_INVALID_FAIRPLAY_URI` for a bad KID, IV, content id,
 *   period index or template.
 */
export function buildFairPlayUri(spec: FairPlayUri | FairPlayUriTemplate): string {
  if (typeof spec !== 'object' || spec === null) {
    throw new HlsSignalingError('ERR_HLS_INVALID_FAIRPLAY_URI', 'buildFairPlayUri takes a FairPlayUri or a template');
  }
  if ('template' in spec) return fillTemplate(spec);
  switch (spec.form) {
    case 'kid-iv':
      return `${SKD}${fairPlayKid(spec.kid)}:${upperHex(checkIv(spec.iv))}`;
    case 'kid-base64':
      return `${SKD}${Buffer.from(fairPlayKidBytes(spec.kid)).toString('base64')}`;
    case 'content-period':
      return `${SKD}${checkContentId(spec.contentId)}${periodHex(spec.periodIndex)}`;
    case 'opaque':
      return `${SKD}${checkText(spec.payload, 'payload')}`;
    default:
      throw new HlsSignalingError(
        'ERR_HLS_INVALID_FAIRPLAY_URI',
        "form must be 'kid-iv', 'kid-base64', 'content-period' or 'opaque'",
      );
  }
}

/**
 * Reads a FairPlay `skd://` URI. With `expectedForm`, the URI must be of that form. Without it the
 * form is recognised in this order: `kid-iv` (UUID `:` 32 hex), `kid-base64` (24 base64 characters
 * of 16 bytes), `content-period` (ends in 16 lower-case hex digits after at least one character),
 * else `opaque`. Forms can overlap (a content id made of hex digits), so pass `expectedForm` when the
 * issuing key server is known.
 *
 * @throws {@link HlsSignalingError} `ERR_HLS_INVALID_FAIRPLAY_URI` when it is not an `skd://` URI
 *   or not of the expected form.
 */
export function parseFairPlayUri(uri: string, expectedForm?: FairPlayUriForm): FairPlayUri {
  if (typeof uri !== 'string' || !uri.startsWith(SKD) || uri.length === SKD.length) {
    throw new HlsSignalingError(
      'ERR_HLS_INVALID_FAIRPLAY_URI',
      'a FairPlay key URI starts with skd:// and has a payload',
    );
  }
  const payload = uri.slice(SKD.length);
  const forms: FairPlayUriForm[] = expectedForm ? [expectedForm] : ['kid-iv', 'kid-base64', 'content-period', 'opaque'];
  for (const form of forms) {
    const parsed = readForm(form, payload);
    if (parsed) return parsed;
  }
  throw new HlsSignalingError(
    'ERR_HLS_INVALID_FAIRPLAY_URI',
    `${JSON.stringify(excerpt(uri))} is not a FairPlay URI of the ${expectedForm} form`,
  );
}

function readForm(form: FairPlayUriForm, payload: string): FairPlayUri | undefined {
  switch (form) {
    case 'kid-iv': {
      const match = KID_IV.exec(payload);
      return match
        ? { form, kid: match[1]!.toLowerCase(), iv: Uint8Array.from(Buffer.from(match[2]!, 'hex')) }
        : undefined;
    }
    case 'kid-base64': {
      if (!KID_BASE64.test(payload)) return undefined;
      const bytes = Buffer.from(payload, 'base64');
      return bytes.toString('base64') === payload ? { form, kid: bytesToUuid(bytes) } : undefined;
    }
    case 'content-period': {
      const match = CONTENT_PERIOD.exec(payload);
      const periodIndex = match ? Number.parseInt(match[2]!, 16) : Number.NaN;
      return match && Number.isSafeInteger(periodIndex) ? { form, contentId: match[1]!, periodIndex } : undefined;
    }
    case 'opaque':
      return { form, payload };
    default:
      throw new HlsSignalingError(
        'ERR_HLS_INVALID_FAIRPLAY_URI',
        "expectedForm must be 'kid-iv', 'kid-base64', 'content-period' or 'opaque'",
      );
  }
}

function fillTemplate(spec: FairPlayUriTemplate): string {
  const template = checkText(spec.template, 'template');
  const values: Record<string, () => string> = {
    kid: () => fairPlayKid(required(spec.kid, 'kid')),
    kidHex: () => Buffer.from(fairPlayKidBytes(required(spec.kid, 'kid'))).toString('hex'),
    kidBase64: () => Buffer.from(fairPlayKidBytes(required(spec.kid, 'kid'))).toString('base64'),
    ivHex: () => upperHex(checkIv(required(spec.iv, 'iv'))),
    contentId: () => checkContentId(required(spec.contentId, 'contentId')),
    periodIndexHex: () => periodHex(required(spec.periodIndex, 'periodIndex')),
  };
  return template.replace(/\{([^{}]*)\}/g, (_placeholder, name: string) => {
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    if (!value) {
      throw new HlsSignalingError(
        'ERR_HLS_INVALID_FAIRPLAY_URI',
        `unknown placeholder {${excerpt(name)}} in the FairPlay URI template`,
      );
    }
    return value();
  });
}

function required<T>(value: T | undefined, name: string): T {
  if (value === undefined) {
    throw new HlsSignalingError(
      'ERR_HLS_INVALID_FAIRPLAY_URI',
      `the template uses {${name}…} but no ${name} was given`,
    );
  }
  return value;
}

function fairPlayKidBytes(kid: unknown): Uint8Array {
  return readKid(kid, uuidToBytes, 'ERR_HLS_INVALID_FAIRPLAY_URI');
}

function fairPlayKid(kid: unknown): string {
  return readKid(kid, normalizeUuid, 'ERR_HLS_INVALID_FAIRPLAY_URI');
}

function checkIv(iv: unknown): Uint8Array {
  if (!(iv instanceof Uint8Array) || iv.length !== 16) {
    throw new HlsSignalingError('ERR_HLS_INVALID_FAIRPLAY_URI', 'the IV must be 16 bytes');
  }
  return iv;
}

function checkText(text: unknown, name: string): string {
  if (typeof text !== 'string' || text === '' || !isQuotable(text)) {
    throw new HlsSignalingError(
      'ERR_HLS_INVALID_FAIRPLAY_URI',
      `${name} must be a non-empty string without '"', CR or LF (it ends up in a quoted URI)`,
    );
  }
  return text;
}

function checkContentId(contentId: unknown): string {
  return checkText(contentId, 'contentId');
}

function periodHex(periodIndex: unknown): string {
  if (typeof periodIndex !== 'number' || !Number.isSafeInteger(periodIndex) || periodIndex < 0) {
    throw new HlsSignalingError('ERR_HLS_INVALID_FAIRPLAY_URI', 'periodIndex must be a non-negative safe integer');
  }
  return periodIndex.toString(16).padStart(16, '0');
}

/** Options of {@link buildFairPlayKeyLine}. */
export interface FairPlayKeyLineOptions {
  /** The `skd://` URI, or what to build it from. */
  uri: string | FairPlayUri | FairPlayUriTemplate;
  /** `media` (EXT-X-KEY, default) or `master` (EXT-X-SESSION-KEY). */
  playlist?: HlsKeyLinePlaylist;
  /** Also write an `IV` attribute. Axinom and PallyCon leave it out (the IV travels in the URI or the segments). */
  iv?: Uint8Array;
  /** Default `1`. */
  keyFormatVersions?: string;
}

/**
 * A FairPlay Streaming line: `METHOD=SAMPLE-AES` (FairPlay decrypts `cbcs` only),
 * `URI="skd://…"`, `KEYFORMAT="com.apple.streamingkeydelivery"`, `KEYFORMATVERSIONS="1"`.
 */
export function buildFairPlayKeyLine(options: FairPlayKeyLineOptions): string {
  const fields = fairPlayFields(checkOptions(options, 'buildFairPlayKeyLine'));
  return buildHlsKeyLine({ tag: tagFor(options.playlist), ...fields });
}

/** The media and master FairPlay lines of {@link buildFairPlayKeyLine}, from one attribute list. */
export function buildFairPlayKeyLines(options: Omit<FairPlayKeyLineOptions, 'playlist'>): HlsKeyLines {
  return buildHlsKeyLines(fairPlayFields(checkOptions(options, 'buildFairPlayKeyLines')));
}

function fairPlayFields(options: Omit<FairPlayKeyLineOptions, 'playlist'>): HlsKeyLineFields {
  const fields: HlsKeyLineFields = {
    method: 'SAMPLE-AES',
    uri: typeof options.uri === 'string' ? options.uri : buildFairPlayUri(options.uri),
    keyFormat: KEY_FORMATS.fairPlay,
    keyFormatVersions: options.keyFormatVersions ?? '1',
  };
  if (options.iv !== undefined) fields.iv = options.iv;
  return fields;
}
