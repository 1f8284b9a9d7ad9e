import { CpixError, type CpixDocument, parseCpix } from '@cpixkit/cpix-model';
import { KeyServiceError, type KeyServiceErrorCode, type KeyServiceErrorStatus, oneLine } from './errors.js';
import type { KeyServiceWarning } from './types.js';

/** Largest request body read, in bytes: CPIX requests are a few kilobytes. */
export const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

/**
 * Elements a request may hold per key it may ask for, and for its root, lists and delivery data.
 * A key of a real request takes under 70 (its ContentKey, up to 6 DRMSystem elements with their
 * empty signalling children, usage rules with filters, a period): a request far larger than its
 * keys need is refused before it costs time, whatever unknown elements it is padded with.
 */
const ELEMENTS_PER_KEY = 128;
const ELEMENTS_BESIDES_KEYS = 1024;

/** How the parser's refusals map to the engine's. */
const CPIX_ERRORS: Record<string, [KeyServiceErrorCode, KeyServiceErrorStatus]> = {
  ERR_CPIX_XML_MALFORMED: ['ERR_KEY_SERVICE_NOT_XML', 400],
  ERR_CPIX_ENCODING: ['ERR_KEY_SERVICE_BAD_ENCODING', 400],
  ERR_CPIX_DTD_FORBIDDEN: ['ERR_KEY_SERVICE_DTD_FORBIDDEN', 400],
  ERR_CPIX_NOT_CPIX: ['ERR_KEY_SERVICE_NOT_CPIX', 400],
  ERR_CPIX_TOO_LARGE: ['ERR_KEY_SERVICE_TOO_LARGE', 413],
  ERR_CPIX_TOO_MANY_ELEMENTS: ['ERR_KEY_SERVICE_TOO_LARGE', 413],
  ERR_CPIX_TOO_DEEP: ['ERR_KEY_SERVICE_NOT_XML', 400],
  ERR_CPIX_MISSING_ATTRIBUTE: ['ERR_KEY_SERVICE_MISSING_ATTRIBUTE', 422],
  ERR_CPIX_INVALID_KID: ['ERR_KEY_SERVICE_INVALID_UUID', 422],
};

/** A parsed request and what was read leniently. */
export interface ReadRequest {
  document: CpixDocument;
  warnings: KeyServiceWarning[];
}

function isEmpty(body: string | Uint8Array | undefined): boolean {
  if (body === undefined) return true;
  if (typeof body === 'string') return body.trim() === '';
  return body.every((byte) => byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d);
}

/**
 * Parses a CPIX request body leniently (child order, non-canonical base64, enumeration case and
 * the like become warnings) and refuses what cannot be answered: an empty body, text that is not
 * XML, DTDs and entities, a root other than `cpix:CPIX`, structural errors, elements in the CPIX
 * namespace (or none) that CPIX does not define (elements of other namespaces are kept and echoed),
 * and base64 that does not decode at all (the parser drops it; a request whose values were dropped cannot be answered).
 *
 * @param maxKeys - the tenant's `maxKeysPerRequest`, which bounds the elements read
 * @throws {@link KeyServiceError} 400, 413 or 422 with a one-line reason.
 */
export function readRequest(body: string | Uint8Array | undefined, maxKeys: number): ReadRequest {
  if (isEmpty(body)) throw new KeyServiceError('ERR_KEY_SERVICE_EMPTY_BODY', 400, 'the request body is empty');
  let parsed: ReturnType<typeof parseCpix>;
  try {
    parsed = parseCpix(body!, {
      maxBytes: MAX_REQUEST_BYTES,
      maxElements: ELEMENTS_BESIDES_KEYS + ELEMENTS_PER_KEY * maxKeys,
    });
  } catch (error) {
    if (!(error instanceof CpixError)) throw error;
    const [code, status] = CPIX_ERRORS[error.code] ?? ['ERR_KEY_SERVICE_INVALID_CPIX', 422];
    throw new KeyServiceError(code, status, oneLine(error.message), { cause: error });
  }
  // An element CPIX does not define, in its namespace (or in none), is a misspelling such as the
  // SPEKE specification's `DRMSysList`: read on, the request would lose what it asked for.
  const unknown = parsed.warnings.find((warning) => warning.code === 'UNKNOWN_ELEMENT');
  if (unknown !== undefined) {
    const name = unknown.path.slice(unknown.path.lastIndexOf('/') + 1, unknown.path.lastIndexOf('/') + 81);
    throw new KeyServiceError(
      'ERR_KEY_SERVICE_UNKNOWN_ELEMENT',
      422,
      `the request has an element CPIX does not define: ${name} (at ${oneLine(unknown.path)})`,
    );
  }
  const invalidBase64 = parsed.warnings.find((warning) => warning.code === 'INVALID_BASE64');
  if (invalidBase64 !== undefined) {
    throw new KeyServiceError(
      'ERR_KEY_SERVICE_INVALID_BASE64',
      422,
      `a value is not base64 (at ${invalidBase64.path})`,
    );
  }
  return {
    document: parsed.document,
    // A DeliveryData holding only the recipient's certificate is what a request carries, not a fault.
    warnings: parsed.warnings
      .filter((warning) => warning.code !== 'DELIVERY_DATA_WITHOUT_DOCUMENT_KEY')
      .map(({ code, path, message }) => ({ code, path, message })),
  };
}
