import type { CpixWarningCode } from './parse.js';

/** Why a signature did not verify. */
export type CpixSignatureFailureCode =
  /** The signed content changed after signing (a reference digest differs). */
  | 'ERR_CPIX_SIGNATURE_DIGEST_MISMATCH'
  /** `SignedInfo` was altered, or it was signed with another key than the certificate's. */
  | 'ERR_CPIX_SIGNATURE_VALUE_MISMATCH'
  /** A `Reference URI` points at no element of the document. */
  | 'ERR_CPIX_SIGNATURE_REFERENCE_NOT_FOUND'
  /** A `Reference URI` points at several elements (a signature-wrapping attempt). */
  | 'ERR_CPIX_SIGNATURE_AMBIGUOUS_REFERENCE'
  /**
   * A `Reference URI` points at an element the model does not read there: inside an unknown
   * element or `ds:Object`, a second list of the same name, an item in the wrong list (a
   * signature-wrapping attempt).
   */
  | 'ERR_CPIX_SIGNATURE_UNBOUND_REFERENCE'
  /**
   * The document holds U+0085, U+2028 or U+2029, which the XML-DSig library reads as line feeds
   * (XML 1.1) while XML 1.0 and `parseCpix` keep them: what is signed would not be what is read.
   */
  | 'ERR_CPIX_SIGNATURE_UNSAFE_CHARACTER'
  /** The signature carries no `ds:X509Certificate` to verify with. */
  | 'ERR_CPIX_SIGNATURE_NO_CERTIFICATE'
  /** A canonicalization, transform, digest or signature algorithm that is not supported. */
  | 'ERR_CPIX_SIGNATURE_UNSUPPORTED_ALGORITHM'
  /** The `ds:Signature` is not well formed (no `SignedInfo`, `Reference`, `SignatureValue`...). */
  | 'ERR_CPIX_SIGNATURE_MALFORMED';

/** Stable machine-readable codes of {@link CpixError}; the package README says what each means. */
export type CpixErrorCode =
  // --- reading a document
  | 'ERR_CPIX_INVALID_INPUT'
  | 'ERR_CPIX_ENCODING'
  | 'ERR_CPIX_XML_MALFORMED'
  | 'ERR_CPIX_DTD_FORBIDDEN'
  | 'ERR_CPIX_TOO_LARGE'
  | 'ERR_CPIX_TOO_DEEP'
  | 'ERR_CPIX_TOO_MANY_ELEMENTS'
  | 'ERR_CPIX_NOT_CPIX'
  | 'ERR_CPIX_MISSING_ATTRIBUTE'
  | 'ERR_CPIX_MISSING_ELEMENT'
  | 'ERR_CPIX_DUPLICATE_ELEMENT'
  | 'ERR_CPIX_INVALID_KID'
  | 'ERR_CPIX_INVALID_NUMBER'
  | 'ERR_CPIX_INVALID_BOOLEAN'
  | 'ERR_CPIX_INVALID_ENUM'
  | 'ERR_CPIX_INVALID_SECRET'
  | 'ERR_CPIX_INVALID_EXTENSION'
  /** A lenient reading's warning, refused under `strict: true`. */
  | `ERR_CPIX_${CpixWarningCode}`
  // --- writing and validating
  | 'ERR_CPIX_INVALID_DOCUMENT'
  | 'ERR_CPIX_INVALID_CHARACTER'
  | 'ERR_CPIX_NOT_REPRESENTABLE'
  | 'ERR_CPIX_INVALID_OPTION'
  // --- resolving usage rules
  | 'ERR_CPIX_DANGLING_REFERENCE'
  | 'ERR_CPIX_AMBIGUOUS_KEY'
  | 'ERR_CPIX_INCOMPLETE_CONTEXT'
  | 'ERR_CPIX_NO_MATCHING_KEY'
  | 'ERR_CPIX_UNKNOWN_KEY'
  | 'ERR_CPIX_UNSUPPORTED_FILTER'
  // --- encrypted delivery
  | 'ERR_CPIX_ALREADY_ENCRYPTED'
  | 'ERR_CPIX_NO_RECIPIENT'
  | 'ERR_CPIX_WRONG_PRIVATE_KEY'
  | 'ERR_CPIX_DOCUMENT_KEY_DECRYPTION_FAILED'
  | 'ERR_CPIX_MAC_KEY_DECRYPTION_FAILED'
  | 'ERR_CPIX_MAC_MISSING'
  | 'ERR_CPIX_MAC_MISMATCH'
  | 'ERR_CPIX_DECRYPTION_FAILED'
  | 'ERR_CPIX_UNSUPPORTED_ALGORITHM'
  | 'ERR_CPIX_PRIVATE_KEY_INVALID'
  | 'ERR_CPIX_CERTIFICATE_INVALID'
  | 'ERR_CPIX_CERTIFICATE_NOT_RSA'
  | 'ERR_CPIX_CERTIFICATE_KEY_TOO_SMALL'
  | 'ERR_CPIX_CERTIFICATE_WEAK_SIGNATURE'
  | 'ERR_CPIX_CERTIFICATE_EXPIRED'
  | 'ERR_CPIX_CERTIFICATE_NOT_YET_VALID'
  // --- signatures
  | 'ERR_CPIX_SIGNATURE_TARGET_NOT_FOUND'
  | 'ERR_CPIX_SIGNING_KEY_MISMATCH'
  | 'ERR_CPIX_SIGNING_FAILED'
  | CpixSignatureFailureCode;

/** The one error type thrown by `@cpixkit/cpix-model`, with a stable machine-readable {@link CpixErrorCode}. */
export class CpixError extends Error {
  override readonly name = 'CpixError';
  readonly code: CpixErrorCode;
  /** Where in the document the fault is, e.g. `/CPIX/ContentKeyList/ContentKey[2]/@kid`, when it has a place. */
  readonly path: string | undefined;

  constructor(code: CpixErrorCode, message: string, options: { path?: string; cause?: unknown } = {}) {
    super(options.path === undefined ? message : `${message} (at ${options.path})`, { cause: options.cause });
    this.code = code;
    this.path = options.path;
  }
}

/**
 * Runs `work`, turning anything but a CpixError it throws (a TypeError from an object that is not
 * a CPIX model, say) into `ERR_CPIX_INVALID_DOCUMENT`, so callers only ever see CpixError.
 */
export function withCpixErrors<T>(what: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof CpixError) throw error;
    throw new CpixError('ERR_CPIX_INVALID_DOCUMENT', `${what}: the document is not a well-formed CPIX model object`, {
      cause: error,
    });
  }
}
