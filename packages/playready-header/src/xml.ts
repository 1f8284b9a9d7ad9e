import { PlayReadyError } from './errors.js';

/** An element of the small XML subset a WRMHEADER uses. */
export interface XmlElement {
  name: string;
  attributes: Map<string, string>;
  children: XmlElement[];
  /** Concatenated character data directly inside the element, entities resolved. */
  text: string;
  /** Written `<a/>` rather than `<a></a>`. */
  selfClosing: boolean;
  /** Source offsets of the element's content (between start and end tag), for verbatim fragments. */
  innerStart: number;
  innerEnd: number;
}

/** Characters XML 1.0 does not allow in a document, lone surrogates included. */
export const NOT_XML_CHAR =
  /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const NAME = /[A-Za-z_][\w.:-]*/y;
const MAX_DEPTH = 64;

/**
 * Parses one XML element with its descendants: attributes, character data, the five predefined entities
 * and character references, comments, CDATA. An XML declaration before the root is skipped; DOCTYPE and
 * other processing instructions are refused (no entity expansion ever). `<a/>` is accepted when reading.
 * Characters XML 1.0 does not allow are refused, written as they are or as character references, so that
 * whatever is read can be written again.
 */
export function parseXmlElement(source: string): XmlElement {
  const parser = new XmlParser(source.startsWith('\uFEFF') ? source.slice(1) : source);
  return parser.document();
}

/** Escapes character data for canonical XML text content. */
export function escapeText(value: string): string {
  return value.replace(/[&<>\r]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#xD;' })[c]!);
}

/** Escapes a double-quoted attribute value as canonical XML does. */
export function escapeAttribute(value: string): string {
  return value.replace(
    /[&<"\t\n\r]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '"': '&quot;', '\t': '&#x9;', '\n': '&#xA;', '\r': '&#xD;' })[c]!,
  );
}

class XmlParser {
  private pos = 0;

  constructor(private readonly source: string) {}

  document(): XmlElement {
    const notXml = NOT_XML_CHAR.exec(this.source);
    if (notXml) this.fail('a character XML does not allow', notXml.index);
    this.skipWhitespace();
    if (this.source.startsWith('<?xml', this.pos)) {
      const end = this.source.indexOf('?>', this.pos);
      if (end < 0) this.fail('unterminated XML declaration');
      this.pos = end + 2;
    }
    this.skipMisc();
    if (this.source.startsWith('<!', this.pos) || this.source.startsWith('<?', this.pos)) {
      this.fail('DOCTYPE and processing instructions are not allowed');
    }
    const root = this.element(0);
    this.skipMisc();
    if (this.pos !== this.source.length) this.fail('content after the root element');
    return root;
  }

  private element(depth: number): XmlElement {
    if (depth > MAX_DEPTH) this.fail('elements nested too deeply');
    if (this.source[this.pos] !== '<') this.fail('expected an element');
    this.pos++;
    const name = this.name();
    const attributes = new Map<string, string>();
    for (;;) {
      const hadSpace = this.skipWhitespace();
      const c = this.source[this.pos];
      if (c === '>' || c === '/') break;
      if (!hadSpace) this.fail(`expected whitespace before an attribute of <${name}>`);
      const attribute = this.name();
      this.skipWhitespace();
      this.expect('=');
      this.skipWhitespace();
      const quote = this.source[this.pos];
      if (quote !== '"' && quote !== "'") this.fail(`attribute ${attribute} needs a quoted value`);
      const end = this.source.indexOf(quote, this.pos + 1);
      if (end < 0) this.fail(`unterminated value of attribute ${attribute}`);
      const raw = this.source.slice(this.pos + 1, end);
      if (raw.includes('<')) this.fail(`'<' in the value of attribute ${attribute}`);
      if (attributes.has(attribute)) this.fail(`duplicate attribute ${attribute} on <${name}>`);
      attributes.set(attribute, this.decodeEntities(raw, this.pos + 1));
      this.pos = end + 1;
    }
    const element: XmlElement = {
      name,
      attributes,
      children: [],
      text: '',
      selfClosing: false,
      innerStart: 0,
      innerEnd: 0,
    };
    if (this.source.startsWith('/>', this.pos)) {
      element.selfClosing = true;
      element.innerStart = element.innerEnd = this.pos;
      this.pos += 2;
      return element;
    }
    this.expect('>');
    element.innerStart = this.pos;
    for (;;) {
      const lt = this.source.indexOf('<', this.pos);
      if (lt < 0) this.fail(`<${name}> is not closed`);
      element.text += this.decodeEntities(this.source.slice(this.pos, lt), this.pos);
      this.pos = lt;
      if (this.source.startsWith('</', this.pos)) {
        element.innerEnd = this.pos;
        this.pos += 2;
        const closing = this.name();
        if (closing !== name) this.fail(`</${closing}> closes <${name}>`);
        this.skipWhitespace();
        this.expect('>');
        return element;
      }
      if (this.source.startsWith('<!--', this.pos)) {
        this.skipComment();
      } else if (this.source.startsWith('<![CDATA[', this.pos)) {
        const end = this.source.indexOf(']]>', this.pos);
        if (end < 0) this.fail('unterminated CDATA section');
        element.text += this.source.slice(this.pos + 9, end);
        this.pos = end + 3;
      } else if (this.source.startsWith('<!', this.pos) || this.source.startsWith('<?', this.pos)) {
        this.fail('DOCTYPE and processing instructions are not allowed');
      } else {
        element.children.push(this.element(depth + 1));
      }
    }
  }

  private name(): string {
    NAME.lastIndex = this.pos;
    const match = NAME.exec(this.source);
    if (!match) this.fail('expected a name');
    this.pos += match[0].length;
    return match[0];
  }

  private decodeEntities(raw: string, at: number): string {
    return raw.replace(/&([^;&]*);?/g, (whole, entity: string) => {
      if (!whole.endsWith(';')) this.fail("'&' that does not start an entity", at);
      const predefined: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
      const known = predefined[entity];
      if (known !== undefined) return known;
      const numeric = /^#(?:x([0-9a-fA-F]{1,6})|([0-9]{1,7}))$/.exec(entity);
      const code = numeric ? Number.parseInt(numeric[1] ?? numeric[2]!, numeric[1] ? 16 : 10) : -1;
      if (code < 0 || code > 0x10ffff) this.fail(`unknown entity &${entity.slice(0, 16)};`, at);
      const character = String.fromCodePoint(code);
      if (NOT_XML_CHAR.test(character)) this.fail('a character XML does not allow', at);
      return character;
    });
  }

  private skipMisc(): void {
    for (;;) {
      this.skipWhitespace();
      if (!this.source.startsWith('<!--', this.pos)) return;
      this.skipComment();
    }
  }

  private skipComment(): void {
    const end = this.source.indexOf('-->', this.pos + 4);
    if (end < 0) this.fail('unterminated comment');
    this.pos = end + 3;
  }

  private skipWhitespace(): boolean {
    const start = this.pos;
    while (this.pos < this.source.length && ' \t\r\n'.includes(this.source[this.pos]!)) this.pos++;
    return this.pos > start;
  }

  private expect(text: string): void {
    if (!this.source.startsWith(text, this.pos)) this.fail(`expected '${text}'`);
    this.pos += text.length;
  }

  private fail(message: string, at = this.pos): never {
    throw new PlayReadyError(
      'ERR_PLAYREADY_INVALID_HEADER',
      `malformed WRMHEADER XML: ${message} (at character ${at})`,
    );
  }
}
