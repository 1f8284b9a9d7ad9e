import type { Document, Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { describeCertificate, type CertificateInfo } from './certificate.js';
import { CpixError, type CpixSignatureFailureCode } from './errors.js';
import { CPIX_NAMESPACES } from './model.js';
import { readCpixTree } from './parse.js';
import { CPIX_LIST_ITEMS, DSIG, childElements, elementsWithId, parseCpixDom } from './signature-dom.js';

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
  /**
   * The parts of the parsed document the signature covers, as the model's paths: `/CPIX` (the
   * whole document), a list (`/CPIX/ContentKeyList`) or one item of a list
   * (`/CPIX/ContentKeyList/ContentKey[2]`, counted as `parseCpix` counts them). Every referenced
   * element is the one `parseCpix` reads at that path. Empty unless `valid`.
   */
  covers: string[];
}

/**
 * Verifies every XML-DSig `ds:Signature` in a CPIX document (on the root, and any placed inside
 * lists or elements), each against the certificate in its own `ds:KeyInfo`, with references
 * resolved by `URI` (`""` the document, `#id` an element's `id`). Each reference is bound to the
 * element the model reads: the root, one of its lists, or an item of such a list, with an id no
 * other element carries; a signed element moved anywhere else (an unknown wrapper, `ds:Object`, a
 * second list, another list) fails, so that `covers` names exactly what `parseCpix` returns
 * under the signature. Returns one result per signature, valid or not with a code; it never
 * decides trust (see {@link isSignedBy}). The document may be text or bytes, read as `parseCpix`
 * reads them; what `parseCpix` refuses as XML (malformed, a wrong encoding, a DTD, past its limits)
 * or a non-CPIX root throws the same {@link CpixError}.
 */
export function verifyCpixSignatures(input: string | Uint8Array): CpixSignatureVerification[] {
  const { doc, root, xml } = parseCpixDom(input);
  // xmldom accepts some XML that parseCpix refuses (a bare "&", unquoted values, NUL references...):
  // a signature is verified only on a document parseCpix reads.
  const { source } = readCpixTree(xml);
  const unsafe = XML11_LINE_ENDS.test(source);
  return signatureElements(root).map(({ element, location }) => verifyOne(xml, doc, root, element, location, unsafe));
}

/** XML 1.1's line ends, which xmldom normalizes to line feeds and XML 1.0 readers keep. */
const XML11_LINE_ENDS = /[\u0085\u2028\u2029]/;

/**
 * True when a valid signature by the certificate with SHA-256 fingerprint `fingerprint256` (as
 * {@link CertificateInfo} gives it; case and colons are ignored) covers the part at `path`, itself
 * or through a signature over a part that holds it: `isSignedBy(results, '/CPIX/ContentKeyList',
 * fingerprint)` requires that the content keys are signed by that certificate.
 */
export function isSignedBy(
  results: readonly CpixSignatureVerification[],
  path: string,
  fingerprint256: string,
): boolean {
  const wanted = normalizeFingerprint(fingerprint256);
  return results.some(
    (result) =>
      result.valid &&
      result.certificate !== undefined &&
      normalizeFingerprint(result.certificate.fingerprint256) === wanted &&
      result.covers.some((covered) => path === covered || path.startsWith(`${covered}/`)),
  );
}

function normalizeFingerprint(fingerprint: string): string {
  // Stryker disable next-line MethodExpression: both sides are normalised alike, upper case compares the same
  return fingerprint.replace(/:/g, '').toLowerCase();
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
      if (child.namespaceURI === DSIG.namespace && child.localName === 'Signature')
        found.push({ element: child, location: childPath });
      else walk(child, childPath);
    }
  };
  walk(root, '/CPIX');
  return found;
}

function verifyOne(
  xml: string,
  doc: Document,
  root: Element,
  signature: Element,
  location: string,
  unsafe: boolean,
): CpixSignatureVerification {
  const signedInfo = childElements(signature, DSIG.namespace, 'SignedInfo')[0];
  const references = signedInfo === undefined ? [] : childElements(signedInfo, DSIG.namespace, 'Reference');
  const uri = references[0]?.getAttribute('URI') ?? '';
  const result: CpixSignatureVerification = { target: uri, uri, valid: false, location, covers: [] };
  if (uri === '') {
    result.target = 'document';
  } else if (uri.startsWith('#')) {
    result.id = uri.slice(1);
    const referenced = elementsWithId(doc, result.id);
    if (referenced.length === 1)
      result.target = referenced[0] === root ? 'document' : (referenced[0]!.localName ?? result.target);
  }
  if (references.length === 0)
    return fail(result, 'ERR_CPIX_SIGNATURE_MALFORMED', 'The signature has no SignedInfo/Reference');
  const covers: string[] = [];
  for (const reference of references) {
    const bound = bindReference(doc, root, reference.getAttribute('URI') ?? '');
    if ('code' in bound) return fail(result, bound.code, bound.reason);
    covers.push(bound.path);
  }
  if (unsafe) {
    return fail(
      result,
      'ERR_CPIX_SIGNATURE_UNSAFE_CHARACTER',
      'The document holds U+0085, U+2028 or U+2029, which the signature library reads as line feeds and parseCpix as characters',
    );
  }

  const certificateText = firstCertificate(signature);
  if (certificateText === undefined)
    return fail(result, 'ERR_CPIX_SIGNATURE_NO_CERTIFICATE', 'The signature carries no ds:X509Certificate');
  const pem = `-----BEGIN CERTIFICATE-----\n${certificateText.replace(/\s+/g, '').replace(/(.{64})/g, '$1\n')}\n-----END CERTIFICATE-----\n`;
  try {
    result.certificate = describeCertificate(pem);
  } catch (cause) {
    if (cause instanceof CpixError)
      return fail(
        result,
        'ERR_CPIX_SIGNATURE_NO_CERTIFICATE',
        'The embedded ds:X509Certificate is not a readable certificate',
      );
    throw cause;
  }

  const verifier = new SignedXml({ publicCert: pem });
  try {
    verifier.loadSignature(signature);
    if (verifier.checkSignature(xml)) return { ...result, valid: true, covers };
    const failed = verifier.getReferences().find((ref) => ref.validationError !== undefined);
    const message = failed?.validationError?.message ?? '';
    const failedReference = describeReference(failed?.uri ?? uri);
    if (message.includes('could not find such element'))
      return fail(
        result,
        'ERR_CPIX_SIGNATURE_REFERENCE_NOT_FOUND',
        `The target of ${failedReference} is missing: it points at no element`,
      );
    return fail(
      result,
      'ERR_CPIX_SIGNATURE_DIGEST_MISMATCH',
      `The content signed by ${failedReference} changed after it was signed`,
    );
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    if (message.includes('signature value'))
      return fail(
        result,
        'ERR_CPIX_SIGNATURE_VALUE_MISMATCH',
        'The signature value does not verify with the embedded certificate (SignedInfo altered or another key)',
      );
    if (message.includes('multiple elements with the same value') || message.includes('multiple Signature elements')) {
      return fail(
        result,
        'ERR_CPIX_SIGNATURE_AMBIGUOUS_REFERENCE',
        `The target of ${describeReference(uri)} is ambiguous: several elements carry the same id`,
      );
    }
    if (message.includes('not supported') || message.includes('not implemented'))
      return fail(result, 'ERR_CPIX_SIGNATURE_UNSUPPORTED_ALGORITHM', message);
    return fail(result, 'ERR_CPIX_SIGNATURE_MALFORMED', message);
  }
}

type Binding = { path: string } | { code: CpixSignatureFailureCode; reason: string };

/** The model path of the element a reference signs, or why it has none. */
function bindReference(doc: Document, root: Element, uri: string): Binding {
  if (uri === '') return { path: '/CPIX' };
  if (!uri.startsWith('#') || uri.length === 1) {
    return {
      code: 'ERR_CPIX_SIGNATURE_REFERENCE_NOT_FOUND',
      reason: `Reference URI "${uri}" is not "" or "#id": it points at nothing in the document`,
    };
  }
  const found = elementsWithId(doc, uri.slice(1));
  if (found.length === 0)
    return {
      code: 'ERR_CPIX_SIGNATURE_REFERENCE_NOT_FOUND',
      reason: `The target of reference ${uri} is missing: it points at no element`,
    };
  if (found.length > 1) {
    return {
      code: 'ERR_CPIX_SIGNATURE_AMBIGUOUS_REFERENCE',
      reason: `The target of reference ${uri} is ambiguous: ${found.length} elements carry the id`,
    };
  }
  const element = found[0]!;
  const path = modelPath(root, element);
  if (path !== undefined) return { path };
  return {
    code: 'ERR_CPIX_SIGNATURE_UNBOUND_REFERENCE',
    reason: `Reference ${uri} signs the element at ${domPath(root, element)}, which is not where the document, a list or a list item is read: a signature-wrapping attempt`,
  };
}

/** Where the model reads `element`: the root, one of its lists, or an item of such a list; undefined anywhere else. */
function modelPath(root: Element, element: Element): string | undefined {
  if (element === root) return '/CPIX';
  const parent = element.parentNode;
  if (parent === root) return listPath(root, element);
  if (parent === null || parent.parentNode !== root) return undefined;
  const list = parent as Element;
  const listAt = listPath(root, list);
  if (listAt === undefined) return undefined;
  const itemName = CPIX_LIST_ITEMS[list.localName as keyof typeof CPIX_LIST_ITEMS];
  if (element.namespaceURI !== CPIX_NAMESPACES.cpix || element.localName !== itemName) return undefined;
  return `${listAt}/${itemName}[${childElements(list, CPIX_NAMESPACES.cpix, itemName).indexOf(element) + 1}]`;
}

/** The path of a list of the root; undefined for another element, or for a list whose name occurs twice (the model refuses that document). */
function listPath(root: Element, element: Element): string | undefined {
  const name = element.localName;
  if (element.namespaceURI !== CPIX_NAMESPACES.cpix || name === null || !Object.hasOwn(CPIX_LIST_ITEMS, name))
    return undefined;
  return childElements(root, CPIX_NAMESPACES.cpix, name).length === 1 ? `/CPIX/${name}` : undefined;
}

/** Where an element is in the XML, by local names and positions, e.g. `/CPIX/Signature[1]/Object[1]/ContentKeyList[1]`. */
function domPath(root: Element, element: Element): string {
  const steps: string[] = [];
  for (let node: Element = element; node !== root; ) {
    const parent = node.parentNode as Element | null;
    if (parent === null) break;
    let position = 0;
    for (let sibling = parent.firstChild; sibling !== null; sibling = sibling.nextSibling) {
      if (sibling.nodeType === sibling.ELEMENT_NODE && (sibling as Element).localName === node.localName) position += 1;
      if (sibling === node) break;
    }
    steps.unshift(`${node.localName ?? node.tagName}[${position}]`);
    node = parent;
  }
  return `/CPIX/${steps.join('/')}`;
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

function fail(
  result: CpixSignatureVerification,
  code: CpixSignatureFailureCode,
  reason: string,
): CpixSignatureVerification {
  return { ...result, valid: false, code, reason };
}
