import { escapeAttribute } from './xml-escape.js';
import { CpixError } from './errors.js';

/** Limits applied while reading XML; every one is checked before the data it guards is used. */
export interface XmlLimits {
  /** Largest accepted document, in characters of the decoded text. */
  maxLength: number;
  /** Deepest element nesting. */
  maxDepth: number;
  /** Most elements in one document. */
  maxElements: number;
}

/** A namespace-resolved attribute. `xmlns` declarations are not attributes. */
export interface XmlAttribute {
  namespace: string | undefined;
  prefix: string | undefined;
  localName: string;
  value: string;
}

/** A namespace-resolved element with its source span, so that it can be copied verbatim. */
export interface XmlElement {
  namespace: string | undefined;
  localName: string;
  attributes: XmlAttribute[];
  children: XmlElement[];
  /** The element's own text, decoded (text of child elements excluded). */
  text: string;
  /** Offset of `<` of the start tag. */
  start: number;
  /** Offset just after the end of the element. */
  end: number;
  /** Offset just after the element's qualified name in the start tag. */
  nameEnd: number;
  /** The namespace bindings in scope at this element, its own declarations first. */
  scope: NamespaceScope;
  /** How many bindings at the head of `scope` the element declares itself. */
  declarations: number;
}

/** A chain of namespace bindings; `prefix` '' is the default namespace, `uri` '' undeclares it. */
export interface NamespaceScope {
  readonly prefix: string;
  readonly uri: string;
  readonly parent: NamespaceScope | undefined;
}

const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';
const BASE_SCOPE: NamespaceScope = { prefix: 'xml', uri: XML_NAMESPACE, parent: undefined };
const ENTITY = /&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);/g;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** `[A-Za-z_:\u00C0-\uFFFF]`: what an XML name may start with (UTF-16 code units, as the reader works on). */
function isNameStart(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95 || code === 58 || code >= 0xc0;
}

/** `[\w.\-:\u00B7\u00C0-\uFFFF]`: what the rest of an XML name may hold. */
function isNameCharacter(code: number): boolean {
  return isNameStart(code) || (code >= 48 && code <= 57) || code === 46 || code === 45 || code === 0xb7;
}

/**
 * Where the XML name starting at `start` ends (`start` when none starts there). Scanned by
 * character code rather than with a sticky regular expression: no match object per name.
 */
function scanName(source: string, start: number): number {
  if (!isNameStart(source.charCodeAt(start))) return start;
  let end = start + 1;
  while (isNameCharacter(source.charCodeAt(end))) end += 1;
  return end;
}

/** The first offset at or after `at` that is not XML whitespace. */
function skipWhitespace(source: string, at: number): number {
  let p = at;
  for (let c = source.charCodeAt(p); c === 32 || c === 9 || c === 10 || c === 13; c = source.charCodeAt(p)) p += 1;
  return p;
}

function malformed(message: string, source: string, offset: number): CpixError {
  let line = 1;
  let lineStart = 0;
  for (let i = source.indexOf('\n'); i !== -1 && i < offset; i = source.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return new CpixError('ERR_CPIX_XML_MALFORMED', `${message} at line ${line}, column ${offset - lineStart + 1}`);
}

function decodeEntities(raw: string, source: string, offset: number): string {
  if (!raw.includes('&')) return raw;
  if (raw.replace(ENTITY, '').includes('&')) throw malformed('Bare "&" (not an entity reference)', source, offset);
  return raw.replace(ENTITY, (match, body: string) => {
    if (body.charCodeAt(0) === 35 /* # */) {
      const code = body.charCodeAt(1) === 120 /* x */ ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
      if (!Number.isSafeInteger(code) || code > 0x10ffff || code === 0 || (code >= 0xd800 && code <= 0xdfff)) {
        throw malformed(`Invalid character reference ${match}`, source, offset);
      }
      return String.fromCodePoint(code);
    }
    const predefined = PREDEFINED[body];
    if (predefined === undefined) throw malformed(`Undeclared entity ${match}`, source, offset);
    return predefined;
  });
}

/**
 * Bindings already found from a scope, by prefix. An element with thousands of namespace
 * declarations makes a long chain; without this every element and attribute under it would walk
 * the whole chain again (quadratic time on a hostile request).
 */
const BINDINGS = new WeakMap<NamespaceScope, Map<string, NamespaceScope | undefined>>();
/** When each binding was declared, in document order: sorting by it puts outer declarations first. */
const DECLARED_AT = new WeakMap<NamespaceScope, number>();
let declarationCount = 0;

function bind(prefix: string, uri: string, parent: NamespaceScope): NamespaceScope {
  const scope = { prefix, uri, parent };
  DECLARED_AT.set(scope, declarationCount++);
  return scope;
}

/** The innermost binding of `prefix` in scope. */
function bindingOf(scope: NamespaceScope | undefined, prefix: string): NamespaceScope | undefined {
  if (scope === undefined) return undefined;
  let cache = BINDINGS.get(scope);
  if (cache?.has(prefix)) return cache.get(prefix);
  let binding: NamespaceScope | undefined;
  for (let s: NamespaceScope | undefined = scope; s !== undefined; s = s.parent) {
    if (s.prefix === prefix) {
      binding = s;
      break;
    }
    const known = s === scope ? undefined : BINDINGS.get(s);
    if (known?.has(prefix)) {
      binding = known.get(prefix);
      break;
    }
  }
  if (cache === undefined) {
    cache = new Map();
    BINDINGS.set(scope, cache);
  }
  cache.set(prefix, binding);
  return binding;
}

/**
 * The constraints of Namespaces in XML 1.0 on declarations: `xml` is bound to its namespace only,
 * `xmlns` is never declared, and neither namespace is bound to any other prefix or made the default.
 */
function checkDeclaration(prefix: string, uri: string, source: string, offset: number): void {
  if (prefix === 'xmlns') throw malformed('The prefix xmlns cannot be declared', source, offset);
  if ((prefix === 'xml') !== (uri === XML_NAMESPACE)) {
    throw malformed(`Only the prefix xml is bound to ${XML_NAMESPACE}, and only to it`, source, offset);
  }
  if (uri === XMLNS_NAMESPACE) throw malformed(`No prefix is bound to ${XMLNS_NAMESPACE}`, source, offset);
}

function lookup(scope: NamespaceScope | undefined, prefix: string): string | undefined {
  return bindingOf(scope, prefix)?.uri;
}

function splitName(qname: string): [prefix: string, local: string] {
  const colon = qname.indexOf(':');
  return colon === -1 ? ['', qname] : [qname.slice(0, colon), qname.slice(colon + 1)];
}

/**
 * Reads a complete XML document into a namespace-resolved element tree. Refuses what a CPIX
 * reader must never process: DTDs and entity declarations (checked by the caller before this
 * runs, and again here), undeclared entities, mismatched tags, unbound prefixes, duplicate
 * attributes, content outside the root, and anything past the limits.
 */
/** XML's white space only (not `String#trim`'s, which also takes a byte order mark or a no-break space). */
const XML_SPACE_ONLY = /^[ \t\r\n]*$/;

export function readXml(source: string, limits: XmlLimits): XmlElement {
  if (source.length > limits.maxLength) {
    throw new CpixError('ERR_CPIX_TOO_LARGE', `Document of ${source.length} characters exceeds the limit of ${limits.maxLength}`);
  }
  const stack: XmlElement[] = [];
  const texts: string[][] = [];
  let root: XmlElement | undefined;
  let elementCount = 0;
  let i = 0;
  const length = source.length;

  while (i < length) {
    const lt = source.indexOf('<', i);
    if (lt === -1) {
      if (stack.length !== 0) throw malformed('Unexpected end of document inside an element', source, length);
      if (!XML_SPACE_ONLY.test(source.slice(i))) throw malformed('Text after the root element', source, i);
      break;
    }
    if (lt > i) {
      const raw = source.slice(i, lt);
      if (stack.length === 0) {
        if (!XML_SPACE_ONLY.test(raw)) throw malformed('Text outside the root element', source, i);
      } else {
        texts[texts.length - 1]!.push(decodeEntities(raw, source, i));
      }
    }
    const next = source.charCodeAt(lt + 1);
    if (next === 33 /* ! */) {
      if (source.startsWith('<!--', lt)) {
        const close = source.indexOf('-->', lt + 4);
        if (close === -1) throw malformed('Unterminated comment', source, lt);
        i = close + 3;
      } else if (source.startsWith('<![CDATA[', lt)) {
        if (stack.length === 0) throw malformed('CDATA outside the root element', source, lt);
        const close = source.indexOf(']]>', lt + 9);
        if (close === -1) throw malformed('Unterminated CDATA section', source, lt);
        texts[texts.length - 1]!.push(source.slice(lt + 9, close));
        i = close + 3;
      } else {
        throw new CpixError('ERR_CPIX_DTD_FORBIDDEN', 'DOCTYPE and entity declarations are not accepted');
      }
      continue;
    }
    if (next === 63 /* ? */) {
      const close = source.indexOf('?>', lt + 2);
      if (close === -1) throw malformed('Unterminated processing instruction', source, lt);
      i = close + 2;
      continue;
    }
    if (next === 47 /* / */) {
      const endNameEnd = scanName(source, lt + 2);
      const open = stack.pop();
      if (endNameEnd === lt + 2 || open === undefined) throw malformed('Unexpected end tag', source, lt);
      const qname = source.slice(lt + 2, endNameEnd);
      const openName = source.slice(open.start + 1, open.nameEnd);
      if (qname !== openName) throw malformed(`End tag </${qname}> does not match <${openName}>`, source, lt);
      const endClose = skipWhitespace(source, endNameEnd);
      if (source.charCodeAt(endClose) !== 62 /* > */) throw malformed('Malformed end tag', source, lt);
      i = endClose + 1;
      open.end = i;
      const parts = texts.pop()!;
      open.text = parts.length === 1 ? parts[0]! : parts.join('');
      continue;
    }

    // Start tag.
    if (stack.length === 0 && root !== undefined) throw malformed('A second root element', source, lt);
    const nameEnd = scanName(source, lt + 1);
    if (nameEnd === lt + 1) throw malformed('Invalid element name', source, lt);
    const qname = source.slice(lt + 1, nameEnd);
    let p = nameEnd;
    const rawAttributes: [qname: string, value: string][] = [];
    const attributeNames = new Set<string>();
    let scope = stack.length === 0 ? BASE_SCOPE : stack[stack.length - 1]!.scope;
    let declarations = 0;
    let selfClosing = false;
    for (;;) {
      const afterSpace = skipWhitespace(source, p);
      const hadSpace = afterSpace > p;
      p = afterSpace;
      const c = source.charCodeAt(p);
      if (c === 62 /* > */) {
        p += 1;
        break;
      }
      if (c === 47 /* / */ && source.charCodeAt(p + 1) === 62) {
        p += 2;
        selfClosing = true;
        break;
      }
      if (!hadSpace) throw malformed(`Malformed start tag <${qname}>`, source, p);
      const attributeNameEnd = scanName(source, p);
      if (attributeNameEnd === p) throw malformed(`Malformed attribute in <${qname}>`, source, p);
      const attributeName = source.slice(p, attributeNameEnd);
      p = skipWhitespace(source, attributeNameEnd);
      if (source.charCodeAt(p) !== 61 /* = */) throw malformed(`Attribute ${attributeName} has no value`, source, p);
      p = skipWhitespace(source, p + 1);
      const quote = source.charCodeAt(p);
      if (quote !== 34 && quote !== 39) throw malformed(`Attribute ${attributeName} value is not quoted`, source, p);
      const close = source.indexOf(quote === 34 ? '"' : "'", p + 1);
      if (close === -1) throw malformed(`Unterminated value of attribute ${attributeName}`, source, p);
      const rawValue = source.slice(p + 1, close);
      if (rawValue.includes('<')) throw malformed(`"<" in the value of attribute ${attributeName}`, source, p);
      const value = decodeEntities(rawValue.replace(/[\t\n\r]/g, ' '), source, p);
      if (attributeNames.has(attributeName)) throw malformed(`Duplicate attribute ${attributeName}`, source, p);
      attributeNames.add(attributeName);
      rawAttributes.push([attributeName, value]);
      if (attributeName === 'xmlns') {
        checkDeclaration('', value, source, p);
        scope = bind('', value, scope);
        declarations += 1;
      } else if (attributeName.startsWith('xmlns:')) {
        const declaredPrefix = attributeName.slice(6);
        if (value === '') throw malformed(`Empty namespace for prefix ${declaredPrefix}`, source, p);
        checkDeclaration(declaredPrefix, value, source, p);
        scope = bind(declaredPrefix, value, scope);
        declarations += 1;
      }
      p = close + 1;
    }

    elementCount += 1;
    if (elementCount > limits.maxElements) {
      throw new CpixError('ERR_CPIX_TOO_MANY_ELEMENTS', `Document has more than ${limits.maxElements} elements`);
    }
    if (stack.length + 1 > limits.maxDepth) {
      throw new CpixError('ERR_CPIX_TOO_DEEP', `Elements nest deeper than ${limits.maxDepth} levels`);
    }
    const [prefix, localName] = splitName(qname);
    const namespace = lookup(scope, prefix);
    if (prefix !== '' && namespace === undefined) throw malformed(`Unbound prefix ${prefix}:`, source, lt);
    const attributes: XmlAttribute[] = [];
    let expandedNames: Set<string> | undefined; // only elements with prefixed attributes need one
    for (const [attributeName, value] of rawAttributes) {
      if (attributeName === 'xmlns' || attributeName.startsWith('xmlns:')) continue;
      const [attributePrefix, attributeLocal] = splitName(attributeName);
      if (attributePrefix === '') {
        attributes.push({ namespace: undefined, prefix: undefined, localName: attributeLocal, value });
        continue;
      }
      const attributeNamespace = lookup(scope, attributePrefix);
      if (attributeNamespace === undefined) throw malformed(`Unbound prefix ${attributePrefix}:`, source, lt);
      const expandedName = `{${attributeNamespace}}${attributeLocal}`;
      expandedNames ??= new Set<string>();
      if (expandedNames.has(expandedName)) throw malformed(`Duplicate attribute ${expandedName}`, source, lt);
      expandedNames.add(expandedName);
      attributes.push({ namespace: attributeNamespace, prefix: attributePrefix, localName: attributeLocal, value });
    }
    const element: XmlElement = {
      namespace: namespace === '' ? undefined : namespace,
      localName,
      attributes,
      children: [],
      text: '',
      start: lt,
      end: p,
      nameEnd,
      scope,
      declarations,
    };
    if (stack.length === 0) root = element;
    else stack[stack.length - 1]!.children.push(element);
    if (!selfClosing) {
      stack.push(element);
      texts.push([]);
    }
    i = p;
  }
  if (root === undefined) throw malformed('No root element', source, 0);
  if (stack.length !== 0) throw malformed(`Element <${stack[stack.length - 1]!.localName}> is not closed`, source, length);
  return root;
}

/**
 * The element's source text, made self-contained: the namespace bindings it inherits are declared
 * again on it, so the copy means the same wherever it is placed. `scope: 'used'` re-declares only
 * the prefixes its element and attribute names use (the tidy form for extensions); `'all'`
 * re-declares every inherited binding, which keeps the namespace context an inclusive
 * canonicalization sees (the form for signatures).
 */
export function rawElementXml(source: string, element: XmlElement, scope: 'used' | 'all'): string {
  const declared = new Set<string>(['xml']);
  let s: NamespaceScope | undefined = element.scope;
  for (let n = 0; n < element.declarations && s !== undefined; n += 1, s = s.parent) declared.add(s.prefix);
  const wanted = scope === 'all' ? undefined : usedPrefixes(source, element, new Set<string>());
  const inherited: NamespaceScope[] = [];
  if (wanted === undefined) {
    for (; s !== undefined; s = s.parent) {
      if (declared.has(s.prefix)) continue;
      declared.add(s.prefix);
      inherited.push(s);
    }
  } else {
    // Only the used prefixes, found through the lookup cache rather than by walking a chain that
    // may hold thousands of unrelated declarations.
    for (const prefix of wanted) {
      if (declared.has(prefix)) continue;
      const binding = bindingOf(s, prefix);
      if (binding === undefined) continue;
      declared.add(prefix);
      inherited.push(binding);
    }
  }
  // Outermost first, as the ancestors declared them.
  inherited.sort((a, b) => (DECLARED_AT.get(a) ?? -1) - (DECLARED_AT.get(b) ?? -1));
  let declarations = inherited
    .map((binding) => (binding.prefix === '' ? ` xmlns="${escapeAttribute(binding.uri)}"` : ` xmlns:${binding.prefix}="${escapeAttribute(binding.uri)}"`))
    .join('');
  if (!declared.has('') && (wanted === undefined || wanted.has(''))) declarations += ' xmlns=""';
  return source.slice(element.start, element.nameEnd) + declarations + source.slice(element.nameEnd, element.end);
}

function usedPrefixes(source: string, element: XmlElement, into: Set<string>): Set<string> {
  const qname = source.slice(element.start + 1, element.nameEnd);
  const colon = qname.indexOf(':');
  into.add(colon === -1 ? '' : qname.slice(0, colon));
  for (const attribute of element.attributes) if (attribute.prefix !== undefined) into.add(attribute.prefix);
  for (const child of element.children) usedPrefixes(source, child, into);
  return into;
}
