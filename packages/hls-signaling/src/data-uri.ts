import { excerpt } from './attribute-list.js';
import { HlsSignalingError } from './errors.js';

/** The parts of a `data:` URI (RFC 2397). */
export interface DataUri {
  /** e.g. `text/plain`; `text/plain` when the URI leaves it out. */
  mediaType: string;
  /** Parameters such as `charset`, names lower-cased, in order. */
  parameters: Record<string, string>;
  /** The decoded payload. */
  data: Uint8Array;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Writes `data:<mediaType>[;charset=<charset>];base64,<base64 of data>`, the form HLS DRM lines use
 * (Widevine: `data:text/plain;base64,<pssh box>`; PlayReady: `data:text/plain;charset=UTF-16;base64,<PRO>`).
 */
export function buildDataUri(data: Uint8Array, options: { mediaType?: string; charset?: string } = {}): string {
  if (!(data instanceof Uint8Array)) {
    throw new HlsSignalingError('ERR_HLS_INVALID_INPUT', 'data URI payload must be a Uint8Array');
  }
  const mediaType = options.mediaType ?? 'text/plain';
  const charset = options.charset === undefined ? '' : `;charset=${options.charset}`;
  if (!/^[\w.+-]+\/[\w.+-]+$/.test(mediaType) || !/^[\w.+-]*$/.test(options.charset ?? '')) {
    throw new HlsSignalingError(
      'ERR_HLS_INVALID_INPUT',
      'media type or charset holds characters a data URI cannot carry',
    );
  }
  return `data:${mediaType}${charset};base64,${Buffer.from(data.buffer, data.byteOffset, data.length).toString('base64')}`;
}

/**
 * Reads a `data:` URI: base64 payloads strictly (canonical base64 only), others percent-decoded.
 *
 * @throws {@link HlsSignalingError} `ERR_HLS_INVALID_DATA_URI`.
 */
export function parseDataUri(uri: string): DataUri {
  if (typeof uri !== 'string' || !/^data:/i.test(uri)) {
    throw new HlsSignalingError('ERR_HLS_INVALID_DATA_URI', 'not a data: URI');
  }
  const comma = uri.indexOf(',');
  if (comma === -1)
    throw new HlsSignalingError('ERR_HLS_INVALID_DATA_URI', 'a data: URI needs a comma before its data');
  // Stryker disable next-line StringLiteral: split always gives at least one element, so the default never applies
  const [type = '', ...rest] = uri.slice(5, comma).split(';');
  const isBase64 = rest.at(-1)?.toLowerCase() === 'base64';
  if (isBase64) rest.pop();
  const parameters: Record<string, string> = {};
  for (const parameter of rest) {
    const equals = parameter.indexOf('=');
    if (equals <= 0) {
      throw new HlsSignalingError(
        'ERR_HLS_INVALID_DATA_URI',
        `bad data: URI parameter ${JSON.stringify(excerpt(parameter))}`,
      );
    }
    parameters[parameter.slice(0, equals).toLowerCase()] = parameter.slice(equals + 1);
  }
  const payload = uri.slice(comma + 1);
  return {
    mediaType: type === '' ? 'text/plain' : type.toLowerCase(),
    parameters,
    data: decodePayload(payload, isBase64),
  };
}

function decodePayload(payload: string, isBase64: boolean): Uint8Array {
  if (!isBase64) {
    try {
      return new TextEncoder().encode(decodeURIComponent(payload));
    } catch (error) {
      throw new HlsSignalingError('ERR_HLS_INVALID_DATA_URI', 'the data: URI has a bad percent-escape', {
        cause: error,
      });
    }
  }
  const bytes = Buffer.from(payload, 'base64');
  if (!BASE64.test(payload) || payload.length % 4 !== 0 || bytes.toString('base64') !== payload) {
    throw new HlsSignalingError('ERR_HLS_INVALID_DATA_URI', 'the data: URI payload is not canonical base64');
  }
  return Uint8Array.from(bytes);
}
