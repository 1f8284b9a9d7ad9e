import { HlsSignalingError } from './errors.js';

/** One attribute of an RFC 8216 attribute list, its value as written (quotes removed for quoted strings). */
export interface HlsAttribute {
  /** `[A-Z0-9-]+`. */
  name: string;
  /** The value; for a quoted string, the text between the quotes. */
  value: string;
  /** Whether the value is a quoted-string (`"..."`) rather than an unquoted token. */
  quoted: boolean;
}

const ATTRIBUTE_NAME = /^[A-Z0-9-]+$/;
// Unquoted values (enumerated-string, hexadecimal-sequence, numbers, resolutions) never hold
// quotes, commas or whitespace (RFC 8216 section 4.2).
const UNQUOTED_VALUE = /^[^",\s]+$/;

/**
 * Splits an RFC 8216 attribute list into attributes, in order. Names must be `[A-Z0-9-]+`; quoted
 * strings may hold commas but no `"`, CR or LF; duplicates are refused.
 *
 * @throws {@link HlsSignalingError} `ERR_HLS_INVALID_LINE` or `ERR_HLS_DUPLICATE_ATTRIBUTE`.
 */
export function parseAttributeList(text: string): HlsAttribute[] {
  const attributes: HlsAttribute[] = [];
  const seen = new Set<string>();
  let position = 0;
  while (position < text.length) {
    const equals = text.indexOf('=', position);
    const name = equals === -1 ? text.slice(position) : text.slice(position, equals);
    if (equals === -1 || !ATTRIBUTE_NAME.test(name)) {
      throw new HlsSignalingError(
        'ERR_HLS_INVALID_LINE',
        `expected ATTRIBUTE=value at character ${position}, found ${JSON.stringify(excerpt(name))}`,
      );
    }
    if (seen.has(name)) {
      throw new HlsSignalingError('ERR_HLS_DUPLICATE_ATTRIBUTE', `attribute ${name} occurs more than once`, {
        attribute: name,
      });
    }
    seen.add(name);
    let value: string;
    let quoted = false;
    let end: number;
    if (text[equals + 1] === '"') {
      const close = text.indexOf('"', equals + 2);
      if (close === -1) {
        throw new HlsSignalingError('ERR_HLS_INVALID_ATTRIBUTE', `${name} has an unterminated quoted string`, {
          attribute: name,
        });
      }
      value = text.slice(equals + 2, close);
      quoted = true;
      end = close + 1;
      if (end < text.length && text[end] !== ',') {
        throw new HlsSignalingError('ERR_HLS_INVALID_ATTRIBUTE', `${name} has text after its closing quote`, {
          attribute: name,
        });
      }
    } else {
      // Stryker disable next-line ArithmeticOperator: from equals - 1 the search meets the name's last character and '=' first, never a comma
      const comma = text.indexOf(',', equals + 1);
      end = comma === -1 ? text.length : comma;
      value = text.slice(equals + 1, end);
    }
    checkValue(name, value, quoted);
    attributes.push({ name, value, quoted });
    position = end + 1;
    if (end + 1 === text.length) {
      throw new HlsSignalingError('ERR_HLS_INVALID_LINE', 'the attribute list ends with a comma');
    }
  }
  return attributes;
}

/**
 * Writes attributes as an RFC 8216 attribute list, in the given order.
 *
 * @throws {@link HlsSignalingError} `ERR_HLS_INVALID_ATTRIBUTE` for an entry that is not an attribute object,
 *   a bad name or a value its form cannot carry.
 */
export function formatAttributeList(attributes: readonly HlsAttribute[]): string {
  let list = '';
  for (const attribute of attributes) {
    if (typeof attribute !== 'object' || attribute === null) {
      throw new HlsSignalingError(
        'ERR_HLS_INVALID_ATTRIBUTE',
        'each attribute must be a { name, value, quoted } object',
      );
    }
    const { name, value, quoted } = attribute;
    if (typeof name !== 'string' || !ATTRIBUTE_NAME.test(name)) {
      throw new HlsSignalingError(
        'ERR_HLS_INVALID_ATTRIBUTE',
        `attribute names are upper-case letters, digits and '-', got ${JSON.stringify(excerpt(String(name)))}`,
        { attribute: String(name) },
      );
    }
    if (typeof value !== 'string') {
      throw new HlsSignalingError('ERR_HLS_INVALID_ATTRIBUTE', `${name} must have a string value`, {
        attribute: name,
      });
    }
    checkValue(name, value, quoted === true);
    if (list !== '') list += ',';
    list += quoted ? `${name}="${value}"` : `${name}=${value}`;
  }
  return list;
}

function checkValue(name: string, value: string, quoted: boolean): void {
  if (quoted ? !isQuotable(value) : !UNQUOTED_VALUE.test(value)) {
    throw new HlsSignalingError(
      'ERR_HLS_INVALID_ATTRIBUTE',
      quoted
        ? `${name} is a quoted string and cannot contain '"', CR or LF`
        : `${name} has an empty value or one with a quote, comma or whitespace`,
      { attribute: name },
    );
  }
}

/**
 * Whether a quoted string can carry `value`: it holds no `"`, CR or LF. Three substring searches
 * rather than a regular expression, which walks a kilobyte-long `data:` URI far more slowly.
 */
export function isQuotable(value: string): boolean {
  return !value.includes('"') && !value.includes('\r') && !value.includes('\n');
}

/** A short, safe excerpt of offending text for messages. */
export function excerpt(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
