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
    // Stryker disable next-line ConditionalExpression,EqualityOperator: scope.found is the cache already asked; a lookup left out walks on to the same binding
    const known = s === scope ? undefined : s.found;
    // Stryker disable next-line BlockStatement: without the cached answer the walk goes on to the same binding
    if (known?.has(prefix)) {
      binding = known.get(prefix);
      break;
    }
  }
  // Stryker disable next-line CallExpression: the cache only saves later walks; they find the same binding
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
  /** The last prefix looked up and its URI, until the bindings change: most names of a document share a prefix. */
  private lastPrefix: string | undefined;
  private lastUri: string | undefined;

  constructor(base: NamespaceScope) {
    this.byPrefix.set(base.prefix, base);
  }

  declare(binding: NamespaceScope): void {
    this.hidden.push([binding.prefix, this.byPrefix.get(binding.prefix)]);
    this.byPrefix.set(binding.prefix, binding);
    this.lastPrefix = undefined;
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
      this.lastPrefix = undefined;
    }
  }

  uri(prefix: string): string | undefined {
    if (prefix !== this.lastPrefix) {
      this.lastUri = this.byPrefix.get(prefix)?.uri;
      this.lastPrefix = prefix;
    }
    return this.lastUri;
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
  return new DocumentReader(source, limits, knownNamespaces).read();
}

/**
 * One document being read. {@link read} finds each `<` and hands what starts there to one step
 * (comment or CDATA, processing instruction, end tag, start tag); each step returns the offset
 * just after what it read.
 */
class DocumentReader {
  /** The open elements, innermost last, and their qualified names for matching end tags. */
  private readonly stack: XmlElement[] = [];
  private readonly openNames: string[] = [];
  /** Per open element, where its declarations begin in `inScope`. */
  private readonly declarationMarks: number[] = [];
  /** A fresh base per document: lookups cached on it must not outlive the document. */
  private readonly baseScope = bind('xml', XML_NAMESPACE, undefined, -1);
  private readonly inScope = new BindingsInScope(this.baseScope);
  private declarationCount = 0;
  private elementCount = 0;
  private root: XmlElement | undefined;

  // The start tag being read.
  private readonly attributeNames = new AttributeNames();
  private attributes: XmlAttribute[] = [];
  /** True when an attribute has a prefix, to be resolved once the whole tag is read. */
  private prefixedAttributes = false;
  /** The bindings in scope at the element, its own declarations so far included. */
  private scope: NamespaceScope = this.baseScope;
  /** How many namespaces the tag declares. */
  private declarations = 0;

  constructor(
    private readonly source: string,
    private readonly limits: XmlLimits,
    private readonly knownNamespaces: readonly string[],
  ) {}

  read(): XmlElement {
    const { source } = this;
    const length = source.length;
    let i = 0;
    while (i < length) {
      const lt = source.indexOf('<', i);
      if (lt === -1) {
        this.documentEnd(i);
        break;
      }
      if (lt > i) this.text(i, lt);
      const next = source.charCodeAt(lt + 1);
      if (next === 33 /* ! */) i = this.markupDeclaration(lt);
      else if (next === 63 /* ? */) i = this.processingInstruction(lt);
      else if (next === 47 /* / */) i = this.endTag(lt);
      else i = this.startTag(lt);
    }
    if (this.root === undefined) throw malformed('No root element', source, 0);
    const open = this.stack[this.stack.length - 1];
    if (open !== undefined) throw malformed(`Element <${open.localName}> is not closed`, source, length);
    return this.root;
  }

  /** What follows the last markup, from `start`: white space only, and no element left open. */
  private documentEnd(start: number): void {
    const { source } = this;
    if (this.stack.length !== 0) throw malformed('Unexpected end of document inside an element', source, source.length);
    if (!XML_SPACE_ONLY.test(source.slice(start))) throw malformed('Text after the root element', source, start);
  }

  /** Character data from `start` to `end`: the open element's text, or white space outside the root. */
  private text(start: number, end: number): void {
    const { source, stack } = this;
    const open = stack[stack.length - 1];
    if (open !== undefined) appendText(open, decodeEntities(source.slice(start, end), source, start));
    else if (!XML_SPACE_ONLY.test(source.slice(start, end)))
      throw malformed('Text outside the root element', source, start);
  }

  /** `<!`: a comment or a CDATA section; any other (a DOCTYPE or an entity declaration) is refused. */
  private markupDeclaration(lt: number): number {
    const { source } = this;
    if (source.startsWith('<!--', lt)) {
      const close = source.indexOf('-->', lt + 4);
      if (close === -1) throw malformed('Unterminated comment', source, lt);
      return close + 3;
    }
    if (source.startsWith('<![CDATA[', lt)) {
      const open = this.stack[this.stack.length - 1];
      if (open === undefined) throw malformed('CDATA outside the root element', source, lt);
      const close = source.indexOf(']]>', lt + 9);
      if (close === -1) throw malformed('Unterminated CDATA section', source, lt);
      appendText(open, source.slice(lt + 9, close));
      return close + 3;
    }
    throw new CpixError('ERR_CPIX_DTD_FORBIDDEN', 'DOCTYPE and entity declarations are not accepted');
  }

  /** `<?`: skipped, but the XML declaration (target `xml`, any case) may stand only at the very start. */
  private processingInstruction(lt: number): number {
    const { source } = this;
    const close = source.indexOf('?>', lt + 2);
    if (close === -1) throw malformed('Unterminated processing instruction', source, lt);
    // Stryker disable next-line Regex: the slice is 4 characters, so xml and the character after it fit only at its start
    if (lt > 0 && /^xml(?=[\s?])/i.test(source.slice(lt + 2, lt + 6))) {
      throw malformed('An XML declaration is allowed only at the start of the document', source, lt);
    }
    return close + 2;
  }

  /** `</`: closes the open element, whose name it must repeat (no scan needed), and ends its declarations. */
  private endTag(lt: number): number {
    const { source } = this;
    const open = this.stack.pop();
    const openName = this.openNames.pop();
    const nameEnd = lt + 2 + (openName?.length ?? 0);
    if (
      open === undefined ||
      openName === undefined ||
      !source.startsWith(openName, lt + 2) ||
      isNameCharacter(source.charCodeAt(nameEnd))
    ) {
      throw endTagMismatch(source, lt, openName);
    }
    const gt = skipWhitespace(source, nameEnd);
    if (source.charCodeAt(gt) !== 62 /* > */) throw malformed('Malformed end tag', source, lt);
    this.inScope.restore(this.declarationMarks.pop()!);
    open.end = gt + 1;
    return open.end;
  }

  /**
   * A start tag or empty-element tag: its name, then its attributes and namespace declarations up
   * to the end of the tag; then its element, namespace-resolved and within the limits, is added to
   * its parent and stays open unless the tag was an empty-element tag.
   */
  private startTag(lt: number): number {
    const { source, stack } = this;
    const parent = stack[stack.length - 1];
    if (parent === undefined && this.root !== undefined) throw malformed('A second root element', source, lt);
    const nameEnd = scanName(source, lt + 1);
    if (nameEnd === lt + 1) throw malformed('Invalid element name', source, lt);
    const qname = source.slice(lt + 1, nameEnd);
    const declarationMark = this.inScope.mark();
    this.attributes = [];
    this.prefixedAttributes = false;
    this.attributeNames.clear();
    this.scope = parent === undefined ? this.baseScope : parent.scope;
    this.declarations = 0;
    let p = nameEnd;
    let endLength = 0;
    while (endLength === 0) {
      const afterSpace = skipWhitespace(source, p);
      endLength = tagEndLength(source, afterSpace);
      // Attributes are separated from the name and from each other by white space.
      if (endLength === 0 && afterSpace === p) throw malformed(`Malformed start tag <${qname}>`, source, p);
      p = endLength === 0 ? this.attribute(qname, afterSpace) : afterSpace + endLength;
    }

    // The element, opened here rather than in a step of its own: a second call per element made
    // the reader measurably slower on a live answer.
    this.elementCount += 1;
    if (this.elementCount > this.limits.maxElements) {
      throw new CpixError('ERR_CPIX_TOO_MANY_ELEMENTS', `Document has more than ${this.limits.maxElements} elements`);
    }
    if (stack.length + 1 > this.limits.maxDepth) {
      throw new CpixError('ERR_CPIX_TOO_DEEP', `Elements nest deeper than ${this.limits.maxDepth} levels`);
    }
    const colon = qname.indexOf(':');
    const prefix = prefixOf(qname, colon);
    const namespace = this.inScope.uri(prefix);
    if (prefix !== '' && namespace === undefined) throw malformed(`Unbound prefix ${prefix}:`, source, lt);
    if (this.prefixedAttributes) resolveAttributes(this.attributes, this.inScope, source, lt);
    const element: XmlElement = {
      namespace: namespace === '' ? undefined : namespace,
      localName: colon === -1 ? qname : qname.slice(colon + 1),
      attributes: this.attributes,
      children: [],
      text: '',
      start: lt,
      end: p,
      nameEnd,
      scope: this.scope,
      declarations: this.declarations,
    };
    if (parent === undefined) this.root = element;
    else parent.children.push(element);
    if (endLength === 2) {
      // An empty-element tag: its declarations end with it.
      this.inScope.restore(declarationMark);
    } else {
      stack.push(element);
      this.openNames.push(qname);
      this.declarationMarks.push(declarationMark);
    }
    return p;
  }

  /** The attribute or namespace declaration at `start` in `<qname>`; returns the offset after its closing quote. */
  private attribute(qname: string, start: number): number {
    const { source } = this;
    const nameEnd = scanName(source, start);
    if (nameEnd === start) throw malformed(`Malformed attribute in <${qname}>`, source, start);
    const name = source.slice(start, nameEnd);
    const quote = valueQuote(source, nameEnd, name);
    const close = source.indexOf(source.charCodeAt(quote) === 34 ? '"' : "'", quote + 1);
    if (close === -1) throw malformed(`Unterminated value of attribute ${name}`, source, quote);
    const value = attributeValue(source, quote + 1, close, name, quote);
    if (!this.attributeNames.add(name)) throw malformed(`Duplicate attribute ${name}`, source, quote);
    if (name === 'xmlns' || name.startsWith('xmlns:')) {
      this.declareNamespace(qname, name, value, quote);
    } else {
      // Its namespace is resolved once the whole tag is read: a declaration may follow it.
      const colon = name.indexOf(':');
      const prefix = prefixOf(name, colon);
      const localName = colon === -1 ? name : name.slice(colon + 1);
      if (prefix !== '') this.prefixedAttributes = true;
      this.attributes.push({ namespace: undefined, prefix: prefix === '' ? undefined : prefix, localName, value });
    }
    return close + 1;
  }

  /** `xmlns="…"` or `xmlns:prefix="…"` in `<qname>`, within the limits, bound from here to the element's end. */
  private declareNamespace(qname: string, name: string, value: string, offset: number): void {
    const { source } = this;
    if (this.declarations === MAX_DECLARATIONS_PER_ELEMENT) {
      throw new CpixError(
        'ERR_CPIX_TOO_LARGE',
        `<${qname}> declares more than ${MAX_DECLARATIONS_PER_ELEMENT} namespaces`,
      );
    }
    if (this.declarationCount === MAX_DECLARATIONS_PER_DOCUMENT) {
      throw new CpixError(
        'ERR_CPIX_TOO_LARGE',
        `The document declares more than ${MAX_DECLARATIONS_PER_DOCUMENT} namespaces`,
      );
    }
    const isDefault = name === 'xmlns';
    const prefix = isDefault ? '' : name.slice(6);
    // Only the default namespace can be undeclared (Namespaces in XML 1.0, not 1.1).
    if (!isDefault && value === '') throw malformed(`Empty namespace for prefix ${prefix}`, source, offset);
    checkDeclaration(prefix, value, source, offset);
    this.scope = bind(prefix, knownString(value, this.knownNamespaces), this.scope, this.declarationCount++);
    this.inScope.declare(this.scope);
    this.declarations += 1;
  }
}

/** How long the end of a start tag at `at` is: 1 for `>`, 2 for `/>` (an empty-element tag), 0 when none is there. */
function tagEndLength(source: string, at: number): number {
  const c = source.charCodeAt(at);
  if (c === 62 /* > */) return 1;
  return c === 47 /* / */ && source.charCodeAt(at + 1) === 62 ? 2 : 0;
}

/** Reads `S? = S?` after the name of attribute `name` (ending at `nameEnd`); returns the offset of the value's opening quote. */
function valueQuote(source: string, nameEnd: number, name: string): number {
  const eq = skipWhitespace(source, nameEnd);
  if (source.charCodeAt(eq) !== 61 /* = */) throw malformed(`Attribute ${name} has no value`, source, eq);
  const quote = skipWhitespace(source, eq + 1);
  const c = source.charCodeAt(quote);
  if (c !== 34 /* " */ && c !== 39 /* ' */) throw malformed(`Attribute ${name} value is not quoted`, source, quote);
  return quote;
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
