import { describe, expect, it } from 'vitest';
import { expectHlsError } from '../test/expect-hls-error.js';
import { formatAttributeList, parseAttributeList } from './index.js';

describe('parseAttributeList', () => {
  it('splits names, quoted strings (commas included) and unquoted values, in order', () => {
    expect(parseAttributeList('A=1,B-2="x,y",C3=0xAB,D="x"')).toStrictEqual([
      { name: 'A', value: '1', quoted: false },
      { name: 'B-2', value: 'x,y', quoted: true },
      { name: 'C3', value: '0xAB', quoted: false },
      { name: 'D', value: 'x', quoted: true },
    ]);
    expect(parseAttributeList('')).toStrictEqual([]);
    expect(parseAttributeList('A=""')).toStrictEqual([{ name: 'A', value: '', quoted: true }]);
  });

  it('refuses what is not NAME=value, quoting at most 40 characters of it', () => {
    expectHlsError(
      () => parseAttributeList('A'),
      'ERR_HLS_INVALID_LINE',
      undefined,
      'expected ATTRIBUTE=value at character 0, found "A"',
    );
    expectHlsError(
      () => parseAttributeList('A=1,b=2'),
      'ERR_HLS_INVALID_LINE',
      undefined,
      'expected ATTRIBUTE=value at character 4, found "b"',
    );
    expectHlsError(
      () => parseAttributeList('A=1,B C=2'),
      'ERR_HLS_INVALID_LINE',
      undefined,
      'expected ATTRIBUTE=value at character 4, found "B C"',
    );
    expectHlsError(
      () => parseAttributeList('A=1,B'),
      'ERR_HLS_INVALID_LINE',
      undefined,
      'expected ATTRIBUTE=value at character 4, found "B"',
    );
    expectHlsError(
      () => parseAttributeList('=1'),
      'ERR_HLS_INVALID_LINE',
      undefined,
      'expected ATTRIBUTE=value at character 0, found ""',
    );
    expectHlsError(
      () => parseAttributeList('x'.repeat(50)),
      'ERR_HLS_INVALID_LINE',
      undefined,
      `expected ATTRIBUTE=value at character 0, found "${'x'.repeat(40)}…"`,
    );
    expectHlsError(
      () => parseAttributeList('x'.repeat(40)),
      'ERR_HLS_INVALID_LINE',
      undefined,
      `expected ATTRIBUTE=value at character 0, found "${'x'.repeat(40)}"`,
    );
  });

  it('refuses a list that ends with a comma, after a quoted or an unquoted value', () => {
    expectHlsError(
      () => parseAttributeList('A=1,'),
      'ERR_HLS_INVALID_LINE',
      undefined,
      'the attribute list ends with a comma',
    );
    expectHlsError(
      () => parseAttributeList('A="1",'),
      'ERR_HLS_INVALID_LINE',
      undefined,
      'the attribute list ends with a comma',
    );
  });

  it('refuses a duplicate, an unterminated quote and text after a closing quote, naming the attribute', () => {
    expectHlsError(
      () => parseAttributeList('A=1,A=2'),
      'ERR_HLS_DUPLICATE_ATTRIBUTE',
      'A',
      'attribute A occurs more than once',
    );
    expectHlsError(
      () => parseAttributeList('A="1'),
      'ERR_HLS_INVALID_ATTRIBUTE',
      'A',
      'A has an unterminated quoted string',
    );
    expectHlsError(
      () => parseAttributeList('A="1"2'),
      'ERR_HLS_INVALID_ATTRIBUTE',
      'A',
      'A has text after its closing quote',
    );
  });

  it('refuses unquoted values that are empty or hold a quote or whitespace, and quoted ones with CR or LF', () => {
    for (const list of ['A=', 'A=,B=1', 'A=x"y', 'A=x y', 'A=x\ty']) {
      expectHlsError(
        () => parseAttributeList(list),
        'ERR_HLS_INVALID_ATTRIBUTE',
        'A',
        'A has an empty value or one with a quote, comma or whitespace',
      );
    }
    for (const list of ['A="x\ny"', 'A="x\ry"']) {
      expectHlsError(
        () => parseAttributeList(list),
        'ERR_HLS_INVALID_ATTRIBUTE',
        'A',
        `A is a quoted string and cannot contain '"', CR or LF`,
      );
    }
  });
});

describe('formatAttributeList', () => {
  it('writes attributes in the given order, quoting only quoted strings', () => {
    expect(
      formatAttributeList([
        { name: 'B', value: 'x,y', quoted: true },
        { name: 'A', value: '1', quoted: false },
        { name: 'C', value: '', quoted: true },
      ]),
    ).toBe('B="x,y",A=1,C=""');
    expect(formatAttributeList([])).toBe('');
  });

  it('refuses an attribute that is not an object with its own error', () => {
    for (const attribute of [null, 'A=1']) {
      expectHlsError(
        () => formatAttributeList([attribute as never]),
        'ERR_HLS_INVALID_ATTRIBUTE',
        undefined,
        'each attribute must be a { name, value, quoted } object',
      );
    }
  });

  it('refuses a bad name, a value that is not a string, and a value its form cannot carry', () => {
    expectHlsError(
      () => formatAttributeList([{ name: 'a', value: '1', quoted: false }]),
      'ERR_HLS_INVALID_ATTRIBUTE',
      'a',
      `attribute names are upper-case letters, digits and '-', got "a"`,
    );
    expectHlsError(
      () => formatAttributeList([{ name: 7 as unknown as string, value: '1', quoted: false }]),
      'ERR_HLS_INVALID_ATTRIBUTE',
      '7',
      `attribute names are upper-case letters, digits and '-', got "7"`,
    );
    expectHlsError(
      () => formatAttributeList([{ name: 'A', value: 1 as unknown as string, quoted: false }]),
      'ERR_HLS_INVALID_ATTRIBUTE',
      'A',
      'A must have a string value',
    );
    expectHlsError(
      () => formatAttributeList([{ name: 'A', value: 'x,y', quoted: false }]),
      'ERR_HLS_INVALID_ATTRIBUTE',
      'A',
    );
    expectHlsError(
      () => formatAttributeList([{ name: 'A', value: 'x"y', quoted: true }]),
      'ERR_HLS_INVALID_ATTRIBUTE',
      'A',
    );
    expectHlsError(
      () => formatAttributeList([{ name: 'A', value: 'x"y', quoted: 'yes' as unknown as boolean }]),
      'ERR_HLS_INVALID_ATTRIBUTE',
      'A',
    );
  });
});
