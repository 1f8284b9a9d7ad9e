import { describe, expect, it } from 'vitest';
import { thrownBy } from '../../../tooling/src/thrown.js';
import { CpixError, decodeCpixText } from './index.js';

// decodeCpixText branch by branch: each way of finding the encoding, each encoding name it knows,
// and each refusal with its code and whole message.

const DOC = '<a>caf\u00e9</a>';
const declared = (encoding: string, quote = '"') => `<?xml version="1.0" encoding=${quote}${encoding}${quote}?>${DOC}`;
const utf8 = (text: string) => new Uint8Array(Buffer.from(text, 'utf8'));
const latin1 = (text: string) => new Uint8Array(Buffer.from(text, 'latin1'));
const utf16le = (text: string, bom = true) =>
  new Uint8Array(Buffer.concat([bom ? Buffer.from([0xff, 0xfe]) : Buffer.alloc(0), Buffer.from(text, 'utf16le')]));
const utf16be = (text: string, bom = true) =>
  new Uint8Array(
    Buffer.concat([bom ? Buffer.from([0xfe, 0xff]) : Buffer.alloc(0), Buffer.from(text, 'utf16le').swap16()]),
  );
const withUtf8Bom = (bytes: Uint8Array) => new Uint8Array(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]));

function refusal(bytes: Uint8Array): string {
  const error = thrownBy(() => decodeCpixText(bytes), CpixError);
  expect(error.code).toBe('ERR_CPIX_ENCODING');
  return error.message;
}

describe('decodeCpixText', () => {
  it('takes a string as it is, without one leading byte order mark', () => {
    expect(decodeCpixText(`\ufeff${DOC}`)).toBe(DOC);
    expect(decodeCpixText(`\ufeff\ufeff${DOC}`)).toBe(`\ufeff${DOC}`);
    expect(decodeCpixText(DOC)).toBe(DOC);
    expect(decodeCpixText('')).toBe('');
  });

  it.each([
    ['UTF-8 without declaration', utf8(DOC), DOC],
    ['UTF-8 declared utf8', utf8(declared('utf8')), declared('utf8')],
    ['UTF-8 declared in single quotes', utf8(declared('UTF-8', "'")), declared('UTF-8', "'")],
    ['UTF-8 with BOM', withUtf8Bom(utf8(DOC)), DOC],
    ['UTF-8 with BOM declared UTF-8', withUtf8Bom(utf8(declared('UTF-8'))), declared('UTF-8')],
    ['UTF-16LE with BOM', utf16le(declared('UTF-16')), declared('UTF-16')],
    ['UTF-16LE with BOM declared utf-16le', utf16le(declared('utf-16le')), declared('utf-16le')],
    ['UTF-16LE without BOM', utf16le(declared('ucs-2'), false), declared('ucs-2')],
    ['UTF-16BE with BOM declared UTF-16BE', utf16be(declared('UTF-16BE')), declared('UTF-16BE')],
    ['UTF-16BE without BOM', utf16be(declared('utf16'), false), declared('utf16')],
    ['UTF-16BE declared ISO-10646-UCS-2', utf16be(declared('ISO-10646-UCS-2')), declared('ISO-10646-UCS-2')],
    ['ISO-8859-1', latin1(declared('ISO-8859-1')), declared('ISO-8859-1')],
    ['iso_8859-1', latin1(declared('iso_8859-1')), declared('iso_8859-1')],
    ['latin1', latin1(declared('latin1')), declared('latin1')],
    ['l1', latin1(declared('L1')), declared('L1')],
    ['US-ASCII', latin1(declared('US-ASCII').replace('\u00e9', 'e')), declared('US-ASCII').replace('\u00e9', 'e')],
    ['ascii', latin1(declared('ascii').replace('\u00e9', 'e')), declared('ascii').replace('\u00e9', 'e')],
    ['iso646-us', latin1(declared('iso646-us').replace('\u00e9', 'e')), declared('iso646-us').replace('\u00e9', 'e')],
    [
      'a declaration with space around =',
      utf8('<?xml version="1.0"\tencoding = "latin1"?>x\u00e9'),
      '<?xml version="1.0"\tencoding = "latin1"?>x\u00c3\u00a9',
    ],
  ])('reads %s', (_what, bytes, text) => {
    expect(decodeCpixText(bytes)).toBe(text);
  });

  it('looks for the declared encoding in the first 256 bytes only', () => {
    const late = `<?xml version="1.0"${' '.repeat(240)} encoding="latin1"?>${DOC}`;
    expect(decodeCpixText(utf8(late))).toBe(late);
    const early = `<?xml version="1.0"${' '.repeat(200)} encoding="latin1"?>${DOC}`;
    expect(decodeCpixText(utf8(early))).toBe(early.replace('\u00e9', '\u00c3\u00a9'));
    expect(decodeCpixText(utf8(` ${declared('latin1')}`))).toBe(` ${declared('latin1')}`);
  });

  it.each([
    ['bytes that are not UTF-8', latin1(DOC), 'Document bytes are not valid UTF-8'],
    ['UTF-8 with BOM that is not UTF-8', withUtf8Bom(latin1(DOC)), 'Document bytes are not valid UTF-8'],
    [
      'a lone surrogate in UTF-16LE',
      new Uint8Array([0xff, 0xfe, 0x3c, 0x00, 0x00, 0xd8, 0x3e, 0x00]),
      'Document bytes are not valid UTF-16LE',
    ],
    [
      'a lone surrogate in UTF-16BE',
      new Uint8Array([0xfe, 0xff, 0x00, 0x3c, 0xd8, 0x00, 0x00, 0x3e]),
      'Document bytes are not valid UTF-16BE',
    ],
    [
      'UTF-8 with BOM declared latin1',
      withUtf8Bom(utf8(declared('latin1'))),
      'The XML declaration says encoding="latin1" but the document is UTF-8 (byte order mark)',
    ],
    [
      'UTF-16LE declared UTF-8',
      utf16le(declared('UTF-8')),
      'The XML declaration says encoding="UTF-8" but the document is UTF-16LE',
    ],
    [
      'UTF-16BE declared utf-16le',
      utf16be(declared('utf-16le')),
      'The XML declaration says encoding="utf-16le" but the document is UTF-16BE',
    ],
    [
      'one-byte text declared UTF-16',
      utf8(declared('UTF-16')),
      'The XML declaration says encoding="UTF-16" but the bytes are not UTF-16 (no byte order mark, "<" is one byte)',
    ],
    [
      'one-byte text declared ucs-2',
      utf8(declared('ucs-2')),
      'The XML declaration says encoding="ucs-2" but the bytes are not UTF-16 (no byte order mark, "<" is one byte)',
    ],
    [
      'one-byte text declared UTF-16BE',
      utf8(declared('UTF-16BE')),
      'The XML declaration says encoding="UTF-16BE" but the bytes are not UTF-16 (no byte order mark, "<" is one byte)',
    ],
    [
      'a byte over 0x7f declared US-ASCII',
      latin1(declared('US-ASCII')),
      `The XML declaration says encoding="US-ASCII" but byte ${declared('US-ASCII').indexOf('\u00e9')} is not ASCII`,
    ],
    [
      'an unsupported encoding',
      utf8(declared('windows-1252')),
      'Encoding "windows-1252" is not supported (UTF-8, UTF-16, US-ASCII or ISO-8859-1)',
    ],
  ])('refuses %s', (_what, bytes, message) => {
    expect(refusal(bytes)).toBe(message);
  });

  it('keeps the decoder’s error as the cause', () => {
    expect(thrownBy(() => decodeCpixText(latin1(DOC)), CpixError).cause).toBeInstanceOf(TypeError);
    expect(thrownBy(() => decodeCpixText(withUtf8Bom(latin1(DOC))), CpixError).cause).toBeInstanceOf(TypeError);
  });

  it('reads a byte of 0x7f as ASCII', () => {
    const text = declared('US-ASCII').replace('\u00e9', '\u007f');
    expect(decodeCpixText(latin1(text))).toBe(text);
  });

  it.each([
    ['a character whose bytes end in BF', [0x61, 0xc2, 0xbf], 'a\u00bf'],
    ['U+EEFF (EE BB BF)', [0xee, 0xbb, 0xbf], '\ueeff'],
    ['U+FFFF (EF BF BF)', [0xef, 0xbf, 0xbf], '\uffff'],
    ['a NUL after an ASCII byte', [0x41, 0x00], 'A\u0000'],
    ['a NUL before an ASCII byte', [0x00, 0x41], '\u0000A'],
  ])('reads as UTF-8 bytes that only partly look like a byte order mark: %s', (_, bytes, text) => {
    expect(decodeCpixText(Uint8Array.from(bytes))).toBe(text);
  });

  it.each([
    ['3C FE', [0x3c, 0xfe]],
    ['FF 3C', [0xff, 0x3c]],
    ['FE 41', [0xfe, 0x41]],
  ])('refuses as UTF-8 bytes that only partly look like UTF-16: %s', (_, bytes) => {
    expect(refusal(Uint8Array.from(bytes))).toBe('Document bytes are not valid UTF-8');
  });
});
