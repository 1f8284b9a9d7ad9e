import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bytesToUuid, normalizeUuid, uuidToBytes } from './uuid.js';
import { PsshError } from './errors.js';

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
    expect(() => uuidToBytes('not-a-uuid')).toThrow(PsshError);
    expect(() => bytesToUuid(new Uint8Array(15))).toThrow(/16 bytes/);
  });
});

describe('uuid input types', () => {
  it('refuses what is not a string or 16 bytes with PsshError', () => {
    expect(() => uuidToBytes(42 as unknown as string)).toThrow(PsshError);
    expect(() => bytesToUuid('0123456789abcdef' as unknown as Uint8Array)).toThrow(PsshError);
  });
});

describe('uuid spellings', () => {
  const hex = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bytes) => Buffer.from(bytes).toString('hex'));
  const dashed = (h: string) => `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;

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
        expect(() => uuidToBytes(broken)).toThrow(PsshError);
        expect(() => normalizeUuid(broken)).toThrow(PsshError);
      }),
    );
  });

  it('keeps accepting dashes left out of some groups only, and surrounding whitespace', () => {
    expect(normalizeUuid(' 9a04f079-98404286-ab92-e65be0885f95\n')).toBe('9a04f079-9840-4286-ab92-e65be0885f95');
    expect(() => uuidToBytes('9a04f079-9840-4286-ab92-e65be0885f9-5')).toThrow(PsshError);
  });
});
