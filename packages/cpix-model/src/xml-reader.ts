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
  /** When the binding was declared, in document order: sorting by it puts outer declarations first. */
  readonly declaredAt: number;
  /**
   * Bindings already found from this scope, by prefix. An element with thousands of namespace
   * declarations makes a long chain; without this every element and attribute under it would walk
   * the whole chain again (quadratic time on a hostile request).
   */
  found: Map<string, NamespaceScope | undefined> | undefined;
}

const XML_NAMESPACE = 'http://www.w3.org/XML/1998/namespace';
const XMLNS_NAMESPACE = 'http://www.w3.org/2000/xmlns/';
const ENTITY = /&(#x[0-9A-Fa-f]+|#[0-9]+|[A-Za-z]+);/g;
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
/** XML's white space only (not `String#trim`'s, which also takes a byte order mark or a no-break space). */
const XML_SPACE_ONLY = /^[ \t\r\n]*$/;
/** How many bindings up a chain are compared directly before the lookup cache is used: real documents have a handful. */
const SHORT_CHAIN = 8;

/** For each ASCII code: 2 when a name may start with it, 1 when only the rest of a name may hold it, 0 otherwise. */
const ASCII_NAME = new Uint8Array(128);
for (let code = 0; code < 128; code += 1) {
  const start = (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95 || code === 58;
  ASCII_NAME[code] = start ? 2 : (code >= 48 && code <= 57) || code === 46 || code === 45 ? 1 : 0;
}

/** `[A-Za-z_:\u00C0-\uFFFF]`: what an XML name may start with (UTF-16 code units, as the reader works on). */
function isNameStart(code: number): boolean {
  return code < 128 ? ASCII_NAME[code] === 2 : code >= 0xc0;
}

/** `[\w.\-:\u00B7\u00C0-\uFFFF]`: what the rest of an XML name may hold. */
function isNameCharacter(code: number): boolean {
  return code < 128 ? ASCII_NAME[code] !== 0 : code >= 0xc0 || code === 0xb7;
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
      const code =
        body.charCodeAt(1) === 120 /* x */ ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
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
 * The value of the attribute whose quoted text spans `start`–`end`: refused when it holds `<`,
 * else normalized (tab, line feed, carriage return read as spaces) and its references decoded.
 * One scan by character code finds the usual value that needs neither.
 */
function attributeValue(source: string, start: number, end: number, name: string, offset: number): string {
  let plain = true;
  for (let k = start; k < end; k += 1) {
    const c = source.charCodeAt(k);
    if (c === 60 /* < */) throw malformed(`"<" in the value of attribute ${name}`, source, offset);
    if (c === 38 /* & */ || c === 9 || c === 10 || c === 13) plain = false;
  }
  const raw = source.slice(start, end);
  return plain ? raw : decodeEntities(raw.replace(/[\t\n\r]/g, ' '), source, offset);
}

/** The attribute names of one start tag, for the duplicate check: scanned directly while few, in a Set once many. */
class AttributeNames {
  private static readonly LIST_SIZE = 8;
  private readonly list: string[] = [];
  private count = 0;
  private set: Set<string> | undefined;

  clear(): void {
    this.count = 0;
    this.set = undefined;
  }

  /** Adds `name`; false when the tag already had it. */
  add(name: string): boolean {
    if (this.set !== undefined) {
      if (this.set.has(name)) return false;
      this.set.add(name);
      return true;
    }
    for (let k = 0; k < this.count; k += 1) if (this.list[k] === name) return false;
    if (this.count === AttributeNames.LIST_SIZE) {
      this.set = new Set(this.list);
      this.set.add(name);
    } else {
      this.list[this.count] = name;
      this.count += 1;
    }
    return true;
  }
}

function bind(prefix: string, uri: string, parent: NamespaceScope | undefined, declaredAt: number): NamespaceScope {
  return { prefix, uri, parent, declaredAt, found: undefined };
}

/** The innermost binding of `prefix` in scope. */
function bindingOf(scope: NamespaceScope | undefined, prefix: string): NamespaceScope | undefined {
  let s = scope;
  for (let n = 0; n < SHORT_CHAIN; n += 1) {
    if (s === undefined) return undefined;
    if (s.prefix === prefix) return s;
    s = s.parent;
  }
  return s === undefined ? undefined : cachedBindingOf(scope!, prefix);
}

function cachedBindingOf(scope: NamespaceScope, prefix: string): NamespaceScope | undefined {
  const cache = (scope.found ??= new Map());
  if (cache.has(prefix)) return cache.get(prefix);
  let binding: NamespaceScope | undefined;
  for (let s: NamespaceScope | undefined = scope; s !== undefined; s = s.parent) {
    if (s.prefix === prefix) {
      binding = s;
      break;
    }
    const known = s === scope ? undefined : s.found;
    if (known?.has(prefix)) {
      binding = known.get(prefix);
      break;
    }
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

/** Most namespace declarations one start tag may carry; real documents declare a handful. */
export const MAX_DECLARATIONS_PER_ELEMENT = 256;
/** Most namespace declarations one document may carry (a signed document re-declares a few per copied extension). */
export const MAX_DECLARATIONS_PER_DOCUMENT = 4096;

/**
 * The innermost binding of each prefix while a document is read, so that a lookup takes constant
 * time however many declarations are in scope. Each declaration records the binding it hides;
 * closing its element puts that binding back. Reading a document thus costs time linear in its
 * declarations and prefixed names, where walking the chain for each lookup would be quadratic.
 */
class BindingsInScope {
  private readonly byPrefix = new Map<string, NamespaceScope>();
  /** Prefixes declared by the open elements, with the binding each hid, in declaration order. */
  private readonly hidden: Array<[string, NamespaceScope | undefined]> = [];

  constructor(base: NamespaceScope) {
    this.byPrefix.set(base.prefix, base);
  }

  declare(binding: NamespaceScope): void {
    this.hidden.push([binding.prefix, this.byPrefix.get(binding.prefix)]);
    this.byPrefix.set(binding.prefix, binding);
  }

  /** Where the declarations of the start tag about to be read begin, for {@link restore}. */
  mark(): number {
    return this.hidden.length;
  }

  /** Ends the declarations made since `mark`, innermost first. */
  restore(mark: number): void {
    while (this.hidden.length > mark) {
      const [prefix, previous] = this.hidden.pop()!;
      if (previous === undefined) this.byPrefix.delete(prefix);
      else this.byPrefix.set(prefix, previous);
    }
  }

  uri(prefix: string): string | undefined {
    return this.byPrefix.get(prefix)?.uri;
  }
}

/** The prefix of a qualified name: '' when it has none (or starts with its colon). */
function prefixOf(qname: string, colon: number): string {
  return colon === -1 ? '' : qname.slice(0, colon);
}

/**
 * XML 1.0 §2.11: a carriage return, alone or before a line feed, is read as a line feed. Applied
 * to the whole text before it is read, as xmldom (which signatures are checked with) applies it, so
 * that both readers see the same characters at the same places.
 */
export function normalizeLineEnds(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/**
 * Reads a complete XML document into a namespace-resolved element tree. Refuses what a CPIX
 * reader must never process: DTDs and entity declarations (checked by the caller before this
 * runs, and again here), undeclared entities, mismatched tags, unbound prefixes, duplicate
 * attributes, content outside the root, and anything past the limits. A declared namespace equal
 * to one of `knownNamespaces` is given as that very string: a caller's comparisons with its
 * constants then succeed or fail on identity, without comparing characters.
 */
export function readXml(source: string, limits: XmlLimits, knownNamespaces: readonly string[] = []): XmlElement {
  if (source.length > limits.maxLength) {
    throw new CpixError(
      'ERR_CPIX_TOO_LARGE',
      `Document of ${source.length} characters exceeds the limit of ${limits.maxLength}`,
    );
  }
  // The open elements, and their qualified names for matching end tags.
  const stack: XmlElement[] = [];
  const openNames: string[] = [];
  const attributeNames = new AttributeNames();
  // A fresh base per document: lookups cached on it must not outlive the document.
  const baseScope = bind('xml', XML_NAMESPACE, undefined, -1);
  const inScope = new BindingsInScope(baseScope);
  // Per open element, where its declarations begin in `inScope`.
  const declarationMarks: number[] = [];
  let declarationCount = 0;
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
      if (stack.length === 0) {
        if (!XML_SPACE_ONLY.test(source.slice(i, lt))) throw malformed('Text outside the root element', source, i);
      } else {
        appendText(stack[stack.length - 1]!, decodeEntities(source.slice(i, lt), source, i));
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
        appendText(stack[stack.length - 1]!, source.slice(lt + 9, close));
        i = close + 3;
      } else {
        throw new CpixError('ERR_CPIX_DTD_FORBIDDEN', 'DOCTYPE and entity declarations are not accepted');
      }
      continue;
    }
    if (next === 63 /* ? */) {
      const close = source.indexOf('?>', lt + 2);
      if (close === -1) throw malformed('Unterminated processing instruction', source, lt);
      // The target `xml` (any case) is the XML declaration's, which may stand only at the very start.
      if (lt > 0 && /^xml(?=[\s?])/i.test(source.slice(lt + 2, lt + 6))) {
        throw malformed('An XML declaration is allowed only at the start of the document', source, lt);
      }
      i = close + 2;
      continue;
    }
    if (next === 47 /* / */) {
      const open = stack.pop();
      const openName = openNames.pop();
      const endNameEnd = lt + 2 + (openName?.length ?? 0);
      // The name of the open element, and no longer name: the end tag matches (no scan needed).
      if (
        open === undefined ||
        openName === undefined ||
        !source.startsWith(openName, lt + 2) ||
        isNameCharacter(source.charCodeAt(endNameEnd))
      ) {
        throw endTagMismatch(source, lt, openName);
      }
      const endClose = skipWhitespace(source, endNameEnd);
      if (source.charCodeAt(endClose) !== 62 /* > */) throw malformed('Malformed end tag', source, lt);
      inScope.restore(declarationMarks.pop()!);
      i = endClose + 1;
      open.end = i;
      continue;
    }

    // Start tag.
    if (stack.length === 0 && root !== undefined) throw malformed('A second root element', source, lt);
    const nameEnd = scanName(source, lt + 1);
    if (nameEnd === lt + 1) throw malformed('Invalid element name', source, lt);
    const qname = source.slice(lt + 1, nameEnd);
    let p = nameEnd;
    const attributes: XmlAttribute[] = [];
    let prefixedAttributes = false;
    attributeNames.clear();
    let scope = stack.length === 0 ? baseScope : stack[stack.length - 1]!.scope;
    let declarations = 0;
    const declarationMark = inScope.mark();
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
      const value = attributeValue(source, p + 1, close, attributeName, p);
      if (!attributeNames.add(attributeName)) throw malformed(`Duplicate attribute ${attributeName}`, source, p);
      const declaring = attributeName === 'xmlns' || attributeName.startsWith('xmlns:');
      if (declaring && declarations === MAX_DECLARATIONS_PER_ELEMENT) {
        throw new CpixError(
          'ERR_CPIX_TOO_LARGE',
          `<${qname}> declares more than ${MAX_DECLARATIONS_PER_ELEMENT} namespaces`,
        );
      }
      if (declaring && declarationCount === MAX_DECLARATIONS_PER_DOCUMENT) {
        throw new CpixError(
          'ERR_CPIX_TOO_LARGE',
          `The document declares more than ${MAX_DECLARATIONS_PER_DOCUMENT} namespaces`,
        );
      }
      if (attributeName === 'xmlns') {
        checkDeclaration('', value, source, p);
        scope = bind('', knownString(value, knownNamespaces), scope, declarationCount++);
        inScope.declare(scope);
        declarations += 1;
      } else if (declaring) {
        const declaredPrefix = attributeName.slice(6);
        if (value === '') throw malformed(`Empty namespace for prefix ${declaredPrefix}`, source, p);
        checkDeclaration(declaredPrefix, value, source, p);
        scope = bind(declaredPrefix, knownString(value, knownNamespaces), scope, declarationCount++);
        inScope.declare(scope);
        declarations += 1;
      } else {
        const colon = attributeName.indexOf(':');
        const prefix = prefixOf(attributeName, colon);
        const localName = colon === -1 ? attributeName : attributeName.slice(colon + 1);
        // Prefixed attributes are resolved once the whole tag is read: declarations may follow them.
        if (prefix !== '') prefixedAttributes = true;
        attributes.push({ namespace: undefined, prefix: prefix === '' ? undefined : prefix, localName, value });
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
    const colon = qname.indexOf(':');
    const prefix = prefixOf(qname, colon);
    const namespace = inScope.uri(prefix);
    if (prefix !== '' && namespace === undefined) throw malformed(`Unbound prefix ${prefix}:`, source, lt);
    if (prefixedAttributes) resolveAttributes(attributes, inScope, source, lt);
    const element: XmlElement = {
      namespace: namespace === '' ? undefined : namespace,
      localName: colon === -1 ? qname : qname.slice(colon + 1),
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
    if (selfClosing) {
      inScope.restore(declarationMark);
    } else {
      stack.push(element);
      openNames.push(qname);
      declarationMarks.push(declarationMark);
    }
    i = p;
  }
  if (root === undefined) throw malformed('No root element', source, 0);
  if (stack.length !== 0)
    throw malformed(`Element <${stack[stack.length - 1]!.localName}> is not closed`, source, length);
  return root;
}

/** `value`, or the string of `known` equal to it. */
function knownString(value: string, known: readonly string[]): string {
  for (const candidate of known) if (candidate === value) return candidate;
  return value;
}

/** The error for the end tag at `lt`, which does not close the open element (named `openName`, if one is open). */
function endTagMismatch(source: string, lt: number, openName: string | undefined): CpixError {
  const endNameEnd = scanName(source, lt + 2);
  if (endNameEnd === lt + 2 || openName === undefined) return malformed('Unexpected end tag', source, lt);
  return malformed(`End tag </${source.slice(lt + 2, endNameEnd)}> does not match <${openName}>`, source, lt);
}

/** Adds a piece of character data to an element's text; only the few elements with text ever read it whole. */
function appendText(element: XmlElement, piece: string): void {
  element.text = element.text === '' ? piece : element.text + piece;
}

/** Resolves the namespaces of a start tag's prefixed attributes; refuses unbound prefixes and duplicate expanded names. */
function resolveAttributes(attributes: XmlAttribute[], inScope: BindingsInScope, source: string, offset: number): void {
  const expandedNames = new Set<string>();
  for (const attribute of attributes) {
    if (attribute.prefix === undefined) continue;
    const namespace = inScope.uri(attribute.prefix);
    if (namespace === undefined) throw malformed(`Unbound prefix ${attribute.prefix}:`, source, offset);
    const expandedName = `{${namespace}}${attribute.localName}`;
    if (expandedNames.has(expandedName)) throw malformed(`Duplicate attribute ${expandedName}`, source, offset);
    expandedNames.add(expandedName);
    attribute.namespace = namespace;
  }
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
  inherited.sort((a, b) => a.declaredAt - b.declaredAt);
  let declarations = inherited
    .map((binding) =>
      binding.prefix === ''
        ? ` xmlns="${escapeAttribute(binding.uri)}"`
        : ` xmlns:${binding.prefix}="${escapeAttribute(binding.uri)}"`,
    )
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
