import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readBase64, type Base64Reading } from './base64.js';
import { ByteArena } from './byte-arena.js';

/** The plain reading the fast path must agree with: strip XML space, check the alphabet, decode, check padding and trailing bits. */
function reference(text: string): Base64Reading {
  const compact = text.replace(/[ \t\r\n]+/g, '');
  if (compact === '') return { status: 'canonical', bytes: new Uint8Array(0) };
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return { status: 'invalid' };
  const bytes = new Uint8Array(Buffer.from(compact, 'base64'));
  const canonical = compact.length % 4 === 0 && Buffer.from(bytes).toString('base64') === compact;
  return { status: canonical ? 'canonical' : 'non-canonical', bytes };
}

const plain = (reading: Base64Reading) =>
  reading.status === 'invalid' ? reading : { status: reading.status, bytes: [...reading.bytes] };

describe('readBase64', () => {
  it.each([
    ['canonical', 'OFj2IjCsPJFfMAxmQxLGPw=='],
    ['off trailing bits', 'L6jzdXrXAFbCJGBuMrrKrG=='],
    ['off trailing bits, one pad', 'QUJDRB='],
    ['missing padding', 'QUJDRA'],
    ['line-wrapped', 'QUJD\nREVG\r\n R0g='],
    ['only space', ' \n\t '],
    ['a form feed (ASCII space to atob, not to XML)', 'QUJD\fREVG'],
    ['padding inside', 'QQ==QUJD'],
    ['three pads', 'Q==='],
    ['base64url letters', 'QU-_REVG'],
    ['a non-Latin-1 letter', 'QUJD\u20acEVG'],
    ['a long value', Buffer.alloc(3000, 7).toString('base64')],
  ])('reads %s as the plain reading does', (_, text) => {
    expect(plain(readBase64(text, new ByteArena()))).toEqual(plain(reference(text)));
  });

  it('agrees with the plain reading on any mix of base64 letters, padding, space and strays', () => {
    const letter = fc.constantFrom(
      ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=  \n\t\f-_*'.split(''),
    );
    fc.assert(
      fc.property(fc.array(letter, { maxLength: 40 }), (letters) => {
        const text = letters.join('');
        expect(plain(readBase64(text, new ByteArena()))).toEqual(plain(reference(text)));
      }),
      { numRuns: 2000 },
    );
  });

  it('decodes any bytes back from their canonical base64', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const reading = readBase64(Buffer.from(bytes).toString('base64'), new ByteArena());
        expect(plain(reading)).toEqual({ status: 'canonical', bytes: [...bytes] });
      }),
    );
  });
});
