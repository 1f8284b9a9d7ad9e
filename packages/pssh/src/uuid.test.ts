import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bytesToUuid, normalizeUuid, uuidToBytes } from './uuid.js';
import { expectPsshError } from '../test/expect-pssh-error.js';

describe('uuid', () => {
  it('round-trips a KID with arbitrary version and variant nibbles', () => {
    const kid = '12ea753c-23e7-bc02-4474-b2b976c43beb';
    const bytes = uuidToBytes(kid);
    expect(Buffer.from(bytes).toString('hex')).toBe('12ea753c23e7bc024474b2b976c43beb');
    expect(bytesToUuid(bytes)).toBe(kid);
  });

  it('accepts upper case, braces, urn prefix and no dashes', () => {
    expect(normalizeUuid('{EDEF8BA9-79D6-4ACE-A3C8-27DCD51D21ED}')).toBe('edef8ba9-79d6-4ace-a3c8-27dcd51d21ed');
    expect(normalizeUuid('urn:uuid:9a04f07998404286ab92e65be0885f95')).toBe('9a04f079-9840-4286-ab92-e65be0885f95');
  });

  it('rejects what is not a UUID with its own error', () => {
    expectPsshError(() => uuidToBytes('not-a-uuid'), 'ERR_PSSH_INVALID_UUID', null, 'not a UUID: "not-a-uuid"');
    expectPsshError(() => bytesToUuid(new Uint8Array(15)), 'ERR_PSSH_INVALID_UUID', null, 'a UUID is 16 bytes, got 15');
  });
});

describe('uuid input types', () => {
  it('refuses what is not a string or 16 bytes with ERR_PSSH_INVALID_UUID', () => {
    // A number for the text: see 'says what it got instead of a string or 16 bytes'.
    expectPsshError(
      () => bytesToUuid('0123456789abcdef' as unknown as Uint8Array),
      'ERR_PSSH_INVALID_UUID',
      null,
      'a UUID is 16 bytes, got string',
    );
  });
});

describe('uuid spellings', () => {
  const hex = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bytes) => Buffer.from(bytes).toString('hex'));
  const dashed = (h: string) =>
    `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;

  it('reads the dashed form in any case to the same bytes as the other spellings', () => {
    fc.assert(
      fc.property(hex, fc.boolean(), (h, upper) => {
        const text = upper ? dashed(h).toUpperCase() : dashed(h);
        const bytes = uuidToBytes(text);
        expect(Buffer.from(bytes).toString('hex')).toBe(h);
        expect(bytes).toEqual(uuidToBytes(`{${h}}`));
        expect(normalizeUuid(text)).toBe(dashed(h));
        expect(bytesToUuid(bytes)).toBe(dashed(h));
      }),
    );
  });

  it('refuses a dashed form with a character that is not a hex digit', () => {
    fc.assert(
      fc.property(hex, fc.integer({ min: 0, max: 35 }), fc.constantFrom('g', 'G', ' ', 'é', '-', 'x'), (h, at, bad) => {
        const text = dashed(h);
        if (text[at] === '-' || bad === '-') return;
        const broken = text.slice(0, at) + bad + text.slice(at + 1);
        expectPsshError(() => uuidToBytes(broken), 'ERR_PSSH_INVALID_UUID', null, `not a UUID: "${broken}"`);
        expectPsshError(() => normalizeUuid(broken), 'ERR_PSSH_INVALID_UUID', null, `not a UUID: "${broken}"`);
      }),
    );
  });

  it('keeps accepting dashes left out of some groups only, and surrounding whitespace', () => {
    expect(normalizeUuid(' 9a04f079-98404286-ab92-e65be0885f95\n')).toBe('9a04f079-9840-4286-ab92-e65be0885f95');
    expectPsshError(() => uuidToBytes('9a04f079-9840-4286-ab92-e65be0885f9-5'), 'ERR_PSSH_INVALID_UUID');
  });
});

describe('uuid boundaries', () => {
  const id = '9a04f07998404286ab92e65be0885f95';

  it.each([
    ['a character before the hex digits', `x${id}`],
    ['a character after the hex digits', `${id}x`],
    ['31 hex digits', id.slice(1)],
    ['33 hex digits', `${id}0`],
    ['an opening brace only', `{${id}`],
    ['a closing brace only', `${id}}`],
    ['a urn prefix in the middle', `x-urn:uuid:${id}`],
    ['a dash inside a group', '9a04f0799-840-4286-ab92-e65be0885f95'],
    ['a character after a dashed UUID', '9a04f079-9840-4286-ab92-e65be0885f95x'],
    ['a character before a dashed UUID', 'x9a04f079-9840-4286-ab92-e65be0885f95'],
    ['36 hex digits and no dash', '9a04f079098400428600ab9200e65be0885f'],
    ['a character where a dash goes', '9a04f079x9840-4286-ab92-e65be0885f95'],
    ['a urn prefix inside the hex digits', '9a04f079urn:uuid:98404286ab92e65be0885f95'],
    ['braces inside the hex digits', '9a04f079{98404286ab92e65be0885f95}'],
    ['a closing brace inside the hex digits', '{9a04f079}98404286ab92e65be0885f95'],
    ['U+0080 in place of a hex digit', '9a04f079-9840-4286-ab92-e65be0885f9\u0080'],
    ['a full-width ｆ (U+FF46)', '9a04f079-9840-4286-ab92-e65be0885f9\uff46'],
  ])('refuses %s, quoting the text', (_, text) => {
    expectPsshError(() => uuidToBytes(text), 'ERR_PSSH_INVALID_UUID', null, `not a UUID: ${JSON.stringify(text)}`);
  });

  it('quotes no more than 64 characters of what it refuses', () => {
    const long = 'z'.repeat(100);
    expectPsshError(
      () => uuidToBytes(long),
      'ERR_PSSH_INVALID_UUID',
      null,
      `not a UUID: ${JSON.stringify('z'.repeat(64))}`,
    );
  });

  it('reads the urn prefix in any case, and braces around a dashed UUID', () => {
    expect(normalizeUuid(`URN:UUID:${id}`)).toBe('9a04f079-9840-4286-ab92-e65be0885f95');
    expect(normalizeUuid('{9a04f079-9840-4286-ab92-e65be0885f95}')).toBe('9a04f079-9840-4286-ab92-e65be0885f95');
  });

  it('refuses a 36-character text whose dashes are misplaced, or with a hex digit where a dash goes', () => {
    expectPsshError(() => uuidToBytes('9a04f07-99840-4286-ab92-e65be0885f95'), 'ERR_PSSH_INVALID_UUID');
    expectPsshError(() => uuidToBytes('9a04f0790984004286-ab92-e65be0885f95'), 'ERR_PSSH_INVALID_UUID');
  });

  it('says what it got instead of a string or 16 bytes', () => {
    expectPsshError(
      () => uuidToBytes(42 as unknown as string),
      'ERR_PSSH_INVALID_UUID',
      null,
      'a UUID must be a string, got number',
    );
    expectPsshError(() => bytesToUuid(new Uint8Array(17)), 'ERR_PSSH_INVALID_UUID', null, 'a UUID is 16 bytes, got 17');
    expectPsshError(
      () => bytesToUuid('x' as unknown as Uint8Array),
      'ERR_PSSH_INVALID_UUID',
      null,
      'a UUID is 16 bytes, got string',
    );
  });

  it('gives back a normal-form UUID as it is, and normalises every other accepted spelling', () => {
    expect(normalizeUuid('9a04f079-9840-4286-ab92-e65be0885f95')).toBe('9a04f079-9840-4286-ab92-e65be0885f95');
    expect(normalizeUuid('9A04F079-9840-4286-AB92-E65BE0885F95')).toBe('9a04f079-9840-4286-ab92-e65be0885f95');
    expect(normalizeUuid('9a04f079-9840-4286-ab92-e65be0885f9g'.replace('g', 'F'))).toBe(
      '9a04f079-9840-4286-ab92-e65be0885f9f',
    );
    expectPsshError(() => normalizeUuid('9a04f079-9840-4286-ab92-e65be0885f9g'), 'ERR_PSSH_INVALID_UUID');
    expectPsshError(() => normalizeUuid('9a04f079_9840-4286-ab92-e65be0885f95'), 'ERR_PSSH_INVALID_UUID');
    expectPsshError(() => normalizeUuid(7 as unknown as string), 'ERR_PSSH_INVALID_UUID');
  });
});
