import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { decodeCpixText } from './decode.js';
import { CpixError } from './errors.js';
import { CPIX_NAMESPACES } from './model.js';

const FORBIDDEN_DECLARATION = /<!(DOCTYPE|ENTITY)/i;

/** XML-DSig algorithm identifiers used when signing. */
export const DSIG = {
  namespace: CPIX_NAMESPACES.ds,
  c14n: 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315',
  excC14n: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  enveloped: 'http://www.w3.org/2000/09/xmldsig#enveloped-signature',
  rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  rsaSha512: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  sha512: 'http://www.w3.org/2001/04/xmlenc#sha512',
} as const;

export { CPIX_LIST_ITEMS } from './list-items.js';

/** The id attribute names a `Reference URI="#…"` may point at (CPIX uses `id`). */
export const ID_ATTRIBUTES = ['id', 'Id', 'ID'] as const;

/**
 * Parses a CPIX document for signing or verification: text or bytes decoded as `parseCpix` decodes
 * them, DTDs refused, malformed XML a typed error, root checked. Returns the decoded text too.
 */
export function parseCpixDom(input: string | Uint8Array): { doc: Document; root: Element; xml: string } {
  if (typeof input !== 'string' && !(input instanceof Uint8Array))
    throw new CpixError('ERR_CPIX_INVALID_INPUT', 'Expected the CPIX document as a string or bytes');
  const xml = decodeCpixText(input);
  if (FORBIDDEN_DECLARATION.test(xml))
    throw new CpixError('ERR_CPIX_DTD_FORBIDDEN', 'DOCTYPE and entity declarations are not accepted');
  let doc: Document;
  try {
    doc = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new Error(message);
      },
    }).parseFromString(xml, 'text/xml');
  } catch (cause) {
    throw new CpixError(
      'ERR_CPIX_XML_MALFORMED',
      `Malformed XML: ${cause instanceof Error ? cause.message.split('\n')[0] : String(cause)}`,
      { cause },
    );
  }
  const root = doc.documentElement;
  if (root === null || root.namespaceURI !== CPIX_NAMESPACES.cpix || root.localName !== 'CPIX') {
    throw new CpixError('ERR_CPIX_NOT_CPIX', `The root element is not {${CPIX_NAMESPACES.cpix}}CPIX`);
  }
  return { doc, root, xml };
}

/**
 * Every element of the document carrying an attribute whose local name is `id` (or `Id`, `ID`), in
 * any namespace, equal to `id`: the elements xml-crypto may take for `URI="#id"`.
 */
export function elementsWithId(doc: Document, id: string): Element[] {
  const found: Element[] = [];
  const all = doc.getElementsByTagName('*');
  for (let i = 0; i < all.length; i += 1) {
    const element = all.item(i);
    if (element !== null && hasId(element, id)) found.push(element);
  }
  return found;
}

function hasId(element: Element, id: string): boolean {
  const { attributes } = element;
  for (let i = 0; i < attributes.length; i += 1) {
    const attribute = attributes.item(i);
    if (
      attribute !== null &&
      attribute.value === id &&
      (ID_ATTRIBUTES as readonly string[]).includes(attribute.localName ?? attribute.name)
    )
      return true;
  }
  return false;
}

/** The child elements of `parent` in namespace `namespace` with local name `localName`. */
export function childElements(parent: Element, namespace: string, localName: string): Element[] {
  const found: Element[] = [];
  for (let node = parent.firstChild; node !== null; node = node.nextSibling) {
    if (node.nodeType === node.ELEMENT_NODE) {
      const element = node as Element;
      if (element.namespaceURI === namespace && element.localName === localName) found.push(element);
    }
  }
  return found;
}
