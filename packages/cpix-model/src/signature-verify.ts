import type { Document, Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { describeCertificate, type CertificateInfo } from './certificate.js';
import { CpixError } from './errors.js';
import { DSIG, childElements, elementsWithId, parseCpixDom } from './signature-dom.js';

/** Why a signature did not verify. */
export type CpixSignatureFailureCode =
  /** The signed content changed after signing (a reference digest differs). */
  | 'ERR_CPIX_SIGNATURE_DIGEST_MISMATCH'
  /** `SignedInfo` was altered, or it was signed with another key than the certificate's. */
  | 'ERR_CPIX_SIGNATURE_VALUE_MISMATCH'
  /** A `Reference URI` points at no element. */
  | 'ERR_CPIX_SIGNATURE_REFERENCE_NOT_FOUND'
  /** A `Reference URI` points at several elements (a signature-wrapping attempt). */
  | 'ERR_CPIX_SIGNATURE_AMBIGUOUS_REFERENCE'
  /** The signature carries no `ds:X509Certificate` to verify with. */
  | 'ERR_CPIX_SIGNATURE_NO_CERTIFICATE'
  /** A canonicalization, transform, digest or signature algorithm that is not supported. */
  | 'ERR_CPIX_SIGNATURE_UNSUPPORTED_ALGORITHM'
  /** The `ds:Signature` is not well formed (no `SignedInfo`, `Reference`, `SignatureValue`...). */
  | 'ERR_CPIX_SIGNATURE_MALFORMED';

/** The outcome of verifying one `ds:Signature`. */
export interface CpixSignatureVerification {
  /** `'document'` for a signature over the root, else the local name of the referenced element (`ContentKeyList`...), or the URI when it resolves to nothing. */
  target: string;
  /** The first `Reference/@URI` (`""` or `#id`). */
  uri: string;
  /** The referenced element's id, when the reference is by id. */
  id?: string;
  /** True when every reference digest and the signature value verify with the embedded certificate. */
  valid: boolean;
  /** Why it is not valid. */
  code?: CpixSignatureFailureCode;
  /** A one-line explanation when not valid. */
  reason?: string;
  /** The embedded signer certificate. Whether to trust it is the caller's decision. */
  certificate?: CertificateInfo;
  /** Where the `ds:Signature` is, e.g. `/CPIX/Signature[2]`. */
  location: string;
}

/**
 * Verifies every XML-DSig `ds:Signature` in a CPIX document (on the root, and any placed inside
 * lists or elements), each against the certificate in its own `ds:KeyInfo`, with references
 * resolved by `URI` (`""` the document, `#id` an element's `id`). Returns one result per
 * signature, valid or not with a code; it never decides trust. Malformed XML or a non-CPIX root
 * throws a {@link CpixError}.
 */
export function verifyCpixSignatures(xml: string): CpixSignatureVerification[] {
  const { doc, root } = parseCpixDom(xml);
  return signatureElements(root).map(({ element, location }) => verifyOne(xml, doc, root, element, location));
}

function signatureElements(root: Element): { element: Element; location: string }[] {
  const found: { element: Element; location: string }[] = [];
  const walk = (element: Element, path: string): void => {
    const counts = new Map<string, number>();
    for (let node = element.firstChild; node !== null; node = node.nextSibling) {
      if (node.nodeType !== node.ELEMENT_NODE) continue;
      const child = node as Element;
      const name = child.localName ?? child.tagName;
      const count = (counts.get(name) ?? 0) + 1;
      counts.set(name, count);
      const childPath = `${path}/${name}[${count}]`;
      if (child.namespaceURI === DSIG.namespace && child.localName === 'Signature') found.push({ element: child, location: childPath });
      else walk(child, childPath);
    }
  };
  walk(root, '/CPIX');
  return found;
}

function verifyOne(xml: string, doc: Document, root: Element, signature: Element, location: string): CpixSignatureVerification {
  const signedInfo = childElements(signature, DSIG.namespace, 'SignedInfo')[0];
  const reference = signedInfo === undefined ? undefined : childElements(signedInfo, DSIG.namespace, 'Reference')[0];
  const uri = reference?.getAttribute('URI') ?? '';
  const result: CpixSignatureVerification = { target: uri, uri, valid: false, location };
  if (uri === '') {
    result.target = 'document';
  } else if (uri.startsWith('#')) {
    result.id = uri.slice(1);
    const referenced = elementsWithId(doc, result.id);
    if (referenced.length === 1) result.target = referenced[0] === root ? 'document' : (referenced[0]!.localName ?? result.target);
  }
  if (reference === undefined) return fail(result, 'ERR_CPIX_SIGNATURE_MALFORMED', 'The signature has no SignedInfo/Reference');

  const certificateText = firstCertificate(signature);
  if (certificateText === undefined) return fail(result, 'ERR_CPIX_SIGNATURE_NO_CERTIFICATE', 'The signature carries no ds:X509Certificate');
  const pem = `-----BEGIN CERTIFICATE-----\n${certificateText.replace(/\s+/g, '').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;
  try {
    result.certificate = describeCertificate(pem);
  } catch (cause) {
    if (cause instanceof CpixError) return fail(result, 'ERR_CPIX_SIGNATURE_NO_CERTIFICATE', 'The embedded ds:X509Certificate is not a readable certificate');
    throw cause;
  }

  const verifier = new SignedXml({ publicCert: pem });
  try {
    verifier.loadSignature(signature);
    if (verifier.checkSignature(xml)) {
      result.valid = true;
      return result;
    }
    const failed = verifier.getReferences().find((ref) => ref.validationError !== undefined);
    const message = failed?.validationError?.message ?? '';
    const failedReference = describeReference(failed?.uri ?? uri);
    if (message.includes('could not find such element')) return fail(result, 'ERR_CPIX_SIGNATURE_REFERENCE_NOT_FOUND', `The target of ${failedReference} is missing: it points at no element`);
    return fail(result, 'ERR_CPIX_SIGNATURE_DIGEST_MISMATCH', `The content signed by ${failedReference} changed after it was signed`);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    if (message.includes('signature value')) return fail(result, 'ERR_CPIX_SIGNATURE_VALUE_MISMATCH', 'The signature value does not verify with the embedded certificate (SignedInfo altered or another key)');
    if (message.includes('multiple elements with the same value') || message.includes('multiple Signature elements')) {
      return fail(result, 'ERR_CPIX_SIGNATURE_AMBIGUOUS_REFERENCE', `The target of ${describeReference(uri)} is ambiguous: several elements carry the same id`);
    }
    if (message.includes('not supported') || message.includes('not implemented')) return fail(result, 'ERR_CPIX_SIGNATURE_UNSUPPORTED_ALGORITHM', message);
    return fail(result, 'ERR_CPIX_SIGNATURE_MALFORMED', message);
  }
}

/** A reference as messages name it: `URI=""` covers the whole document, so it has no URI worth quoting. */
function describeReference(uri: string): string {
  return uri === '' ? 'the document signature' : `reference ${uri}`;
}

function firstCertificate(signature: Element): string | undefined {
  const keyInfo = childElements(signature, DSIG.namespace, 'KeyInfo')[0];
  if (keyInfo === undefined) return undefined;
  for (const data of childElements(keyInfo, DSIG.namespace, 'X509Data')) {
    const certificate = childElements(data, DSIG.namespace, 'X509Certificate')[0];
    const text = certificate?.textContent?.trim();
    if (text) return text;
  }
  return undefined;
}

function fail(result: CpixSignatureVerification, code: CpixSignatureFailureCode, reason: string): CpixSignatureVerification {
  return { ...result, valid: false, code, reason };
}
