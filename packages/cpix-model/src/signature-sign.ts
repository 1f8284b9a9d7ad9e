import { randomUUID } from 'node:crypto';
import type { Document, Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { readCertificate, subjectLine, type CertificateInput } from './certificate.js';
import { loadPrivateKey, type PrivateKeyInput } from './crypto/private-key.js';
import { CpixError } from './errors.js';
import { CPIX_NAMESPACES } from './model.js';
import { isNcName } from './ncname.js';
import { CPIX_LIST_ITEMS, DSIG, childElements, elementsWithId, parseCpixDom } from './signature-dom.js';

/** The CPIX lists a signature can cover by name. */
export type CpixSignableList = keyof typeof CPIX_LIST_ITEMS;

/** What a signature covers: the whole document, one of the lists, or any element by its `id`. */
export type CpixSignatureTarget = 'document' | CpixSignableList | { id: string };

/** Options of {@link signCpix}. */
export interface SignCpixOptions {
  /** The signer's RSA private key: PEM, `KeyObject`, or `{ pkcs12, password }`. */
  privateKey: PrivateKeyInput;
  /** The signer's certificate (PEM, DER or `X509Certificate`), written into `ds:KeyInfo`; must hold the private key's public half. */
  certificate: CertificateInput;
  /** Default `'document'`. */
  target?: CpixSignatureTarget;
  /** Canonicalization of `SignedInfo` and of the signed content. Default `'exc-c14n'`. */
  canonicalization?: 'c14n' | 'exc-c14n';
  /** Hash of the RSA signature and of the reference digest. Default `'sha256'`. */
  digest?: 'sha256' | 'sha512';
}

const LISTS = Object.keys(CPIX_LIST_ITEMS);
/** After the root end tag only whitespace, comments and processing instructions may follow. */
const TRAILING_MISC = /^\s*>(?:\s|<!--[\s\S]*?-->|<\?[\s\S]*?\?>)*$/;

/**
 * Adds an enveloped XML-DSig signature to a CPIX document, as CPIX places them: a `ds:Signature`
 * as the last child of `CPIX`, referencing the root (`URI=""` with the enveloped-signature
 * transform) or a list or element by `#id` (an `id` is added to a list that has none). RSA-SHA256
 * or RSA-SHA512, `c14n` or `exc-c14n`, the certificate in `ds:KeyInfo/ds:X509Data`. The rest of
 * the text is left byte for byte as it was; the signature is indented like the root's children,
 * so `serializeCpix(parseCpix(signed))` reproduces it. Sign lists before the document: a document
 * signature covers the signatures that precede it. The document may be text or bytes (decoded as
 * `parseCpix` decodes them); the signed document is returned as text.
 */
export async function signCpix(input: string | Uint8Array, options: SignCpixOptions): Promise<string> {
  const { doc, root, xml } = parseCpixDom(input);
  const certificate = readCertificate(options.certificate);
  const privateKey = await loadPrivateKey(options.privateKey);
  if (privateKey.asymmetricKeyType !== 'rsa') {
    throw new CpixError(
      'ERR_CPIX_PRIVATE_KEY_INVALID',
      `Signing needs an RSA key, got ${privateKey.asymmetricKeyType ?? 'an unknown key type'}`,
    );
  }
  if (!certificate.checkPrivateKey(privateKey)) {
    throw new CpixError(
      'ERR_CPIX_SIGNING_KEY_MISMATCH',
      `The private key does not belong to the certificate "${subjectLine(certificate)}"`,
    );
  }
  const canonicalization = options.canonicalization ?? 'exc-c14n';
  const digest = options.digest ?? 'sha256';
  if (canonicalization !== 'c14n' && canonicalization !== 'exc-c14n') {
    throw new CpixError(
      'ERR_CPIX_INVALID_OPTION',
      `canonicalization must be 'c14n' or 'exc-c14n', got ${String(canonicalization)}`,
    );
  }
  if (digest !== 'sha256' && digest !== 'sha512')
    throw new CpixError('ERR_CPIX_INVALID_OPTION', `digest must be 'sha256' or 'sha512', got ${String(digest)}`);

  let source = xml;
  const target = resolveTarget(root, options.target ?? 'document');
  let id = target.id;
  if (target.element !== root && id === undefined) {
    // Stryker disable next-line StringLiteral: a parsed element always has a localName
    id = unusedId(doc, target.element.localName ?? 'signed');
    source = insertAttribute(source, target.element, `id="${id}"`);
  }

  const closeTag = `</${root.tagName}`;
  const close = source.lastIndexOf(closeTag);
  if (close < 0 || !TRAILING_MISC.test(source.slice(close + closeTag.length))) {
    throw new CpixError('ERR_CPIX_XML_MALFORMED', 'Cannot locate the end tag of the CPIX root');
  }
  const insertAt = close - /\s*$/.exec(source.slice(0, close))![0].length;
  const indent = childIndent(root);
  const unsigned = source.slice(0, insertAt) + indent + source.slice(insertAt);

  const c14n = canonicalization === 'c14n' ? DSIG.c14n : DSIG.excC14n;
  const signer = new SignedXml({
    privateKey,
    publicCert: certificate.toString(),
    signatureAlgorithm: digest === 'sha256' ? DSIG.rsaSha256 : DSIG.rsaSha512,
    canonicalizationAlgorithm: c14n,
  });
  const envelops = target.element === root;
  signer.addReference({
    xpath: envelops ? '/*' : `//*[@id='${id}']`,
    transforms: envelops ? [DSIG.enveloped, c14n] : [c14n],
    digestAlgorithm: digest === 'sha256' ? DSIG.sha256 : DSIG.sha512,
    ...(envelops && id === undefined ? { isEmptyUri: true } : { uri: `#${id}` }),
  });
  try {
    signer.computeSignature(unsigned, { prefix: 'ds', location: { reference: '/*', action: 'append' } });
  } catch (cause) {
    throw new CpixError(
      'ERR_CPIX_SIGNING_FAILED',
      `XML-DSig signing failed: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
  return source.slice(0, insertAt) + indent + signer.getSignatureXml() + source.slice(insertAt);
}

function resolveTarget(root: Element, target: CpixSignatureTarget): { element: Element; id: string | undefined } {
  let element: Element | undefined;
  if (target === 'document') {
    return { element: root, id: undefined }; // URI="", as CPIX writes document signatures
  } else if (typeof target === 'string') {
    if (!LISTS.includes(target)) throw new CpixError('ERR_CPIX_INVALID_OPTION', `Unknown signature target ${target}`);
    element = childElements(root, CPIX_NAMESPACES.cpix, target)[0];
    if (element === undefined)
      throw new CpixError('ERR_CPIX_SIGNATURE_TARGET_NOT_FOUND', `The document has no ${target} to sign`);
  } else if (typeof target === 'object' && target !== null && typeof target.id === 'string') {
    if (!isNcName(target.id)) throw new CpixError('ERR_CPIX_INVALID_OPTION', `"${target.id}" is not an XML id`);
    // Stryker disable next-line ArrayDeclaration: a parsed root always has an ownerDocument
    const found = root.ownerDocument === null ? [] : elementsWithId(root.ownerDocument, target.id);
    if (found.length > 1)
      throw new CpixError('ERR_CPIX_SIGNATURE_TARGET_NOT_FOUND', `Several elements have the id "${target.id}"`);
    element = found[0];
    if (element === undefined)
      throw new CpixError('ERR_CPIX_SIGNATURE_TARGET_NOT_FOUND', `No element has the id "${target.id}"`);
    return { element, id: target.id };
  } else {
    throw new CpixError('ERR_CPIX_INVALID_OPTION', "target must be 'document', a list name or { id }");
  }
  const id = element.getAttribute('id');
  return { element, id: id === null || id === '' ? undefined : id };
}

function unusedId(doc: Document, base: string): string {
  if (elementsWithId(doc, base).length === 0) return base;
  return `${base}-${randomUUID()}`;
}

/** Adds an attribute to an element's start tag in the source text, leaving everything else as it was. */
function insertAttribute(source: string, element: Element, attribute: string): string {
  const { lineNumber, columnNumber } = element;
  // Stryker disable next-line LogicalOperator,BlockStatement: the parser gives every element a line and a column, so this never throws
  if (lineNumber === undefined || columnNumber === undefined) {
    throw new CpixError(
      // Stryker disable next-line StringLiteral: never thrown (see above)
      'ERR_CPIX_SIGNATURE_TARGET_NOT_FOUND',
      // Stryker disable next-line StringLiteral,LogicalOperator: never thrown (see above)
      `Cannot add an id to ${element.localName ?? 'the element'}; give it one before signing`,
    );
  }
  let offset = 0;
  for (let line = 1; line < lineNumber; line += 1) {
    offset = source.indexOf('\n', offset) + 1;
    if (offset === 0) break;
  }
  offset += columnNumber - 1;
  const startTag = `<${element.tagName}`;
  if (!source.startsWith(startTag, offset) || !/[\s/>]/.test(source.charAt(offset + startTag.length))) {
    throw new CpixError(
      'ERR_CPIX_SIGNATURE_TARGET_NOT_FOUND',
      `Cannot add an id to ${element.localName ?? 'the element'}; give it one before signing`,
    );
  }
  const at = offset + startTag.length;
  return `${source.slice(0, at)} ${attribute}${source.slice(at)}`;
}

/** The whitespace that precedes the root's last child element, so the signature lines up with its siblings. */
function childIndent(root: Element): string {
  for (let node = root.lastChild; node !== null; node = node.previousSibling) {
    if (node.nodeType !== node.ELEMENT_NODE) continue;
    const before = node.previousSibling;
    // Stryker disable next-line StringLiteral: a text node's nodeValue is never null
    return before !== null && before.nodeType === before.TEXT_NODE && /^\s+$/.test(before.nodeValue ?? '')
      ? // Stryker disable next-line StringLiteral: a text node's nodeValue is never null
        (before.nodeValue ?? '')
      : '';
  }
  return '';
}
