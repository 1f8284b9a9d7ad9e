import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PsshError } from '@cpixkit/pssh';
import { expectAnswerOrKeySeedError, expectKeySeedError } from '../test/expect-key-seed-error.js';
import { type KeyIdContext, deriveIv, deriveKeyId } from './index.js';

// 32-byte secret 00 01 02 … 1f.
const secret = Uint8Array.from({ length: 32 }, (_, i) => i);
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** The construction written out independently: HMAC-SHA-256 over u32be-length-prefixed fields. */
function reference(key: Uint8Array, label: string, fields: Buffer[]): Buffer {
  const field = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    return Buffer.concat([length, bytes]);
  };
  const message = Buffer.concat([field(Buffer.from(label, 'utf8')), ...fields.map(field)]);
  return createHmac('sha256', key).update(message).digest().subarray(0, 16);
}

function contextFields({ contentId, trackType, periodIndex, scheme }: KeyIdContext): Buffer[] {
  const period = Buffer.alloc(periodIndex === undefined ? 0 : 8);
  if (periodIndex !== undefined) period.writeBigUInt64BE(BigInt(periodIndex));
  const fields = [Buffer.from(contentId, 'utf8'), Buffer.from(trackType ?? '', 'utf8'), period];
  return scheme === undefined ? fields : [...fields, Buffer.from(scheme, 'utf8')];
}

const asUuid = (bytes: Buffer) => {
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

describe('deriveKeyId', () => {
  // Pinned values, computed once with Python's hmac/hashlib/struct from the construction in the README.
  it.each([
    [{ contentId: 'cpix-test-cid' }, '8f429a94-eda0-b985-9c6b-307db86bab7e'],
    [{ contentId: 'cpix-test-cid', trackType: 'HD', periodIndex: 128 }, 'ee8e5df5-4711-bd3d-60e6-4a72c0c8568a'],
    [{ contentId: 'cpix-test-cid', trackType: 'HD', periodIndex: 0 }, '0a2b8bae-c60e-ef7e-d82b-7d3d3f5abbb2'],
    [{ contentId: 'a', trackType: 'bc' }, '5c3f135d-a6c7-7ba1-e82c-ab2537d415ef'],
    [{ contentId: 'ab', trackType: 'c' }, '79efcd52-8eba-ec57-e93e-d87cc4b2b905'],
    [{ contentId: 'film-é', trackType: 'AUDIO', periodIndex: 7 }, '22c417e9-da52-0f4e-b271-c40de82c0c42'],
  ])('regression vector %j', (context, kid) => {
    expect(deriveKeyId(secret, context)).toBe(kid);
  });

  it('equals the independent construction for any context', () => {
    const context = fc.record(
      {
        contentId: fc.string({ minLength: 1, unit: 'grapheme' }),
        trackType: fc.constantFrom('SD', 'HD', 'UHD1', 'UHD2', 'AUDIO'),
        periodIndex: fc.nat(),
      },
      { requiredKeys: ['contentId'] },
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 64 }), context, (key, ctx) => {
        expect(deriveKeyId(key, ctx)).toBe(asUuid(reference(key, 'cpixkit/kid/v1', contextFields(ctx))));
      }),
    );
  });

  it('keeps fields apart: no shifting of bytes between content id and track type', () => {
    expect(deriveKeyId(secret, { contentId: 'ab', trackType: 'c' })).not.toBe(
      deriveKeyId(secret, { contentId: 'a', trackType: 'bc' }),
    );
  });

  it('gives another scheme another KID, and leaves derivations without a scheme as they were', () => {
    const cenc = deriveKeyId(secret, { contentId: 'x', trackType: 'HD' });
    const cbcs = deriveKeyId(secret, { contentId: 'x', trackType: 'HD', scheme: 'cbcs' });
    expect(cbcs).not.toBe(cenc);
    expect(cbcs).toBe(
      asUuid(reference(secret, 'cpixkit/kid/v1', contextFields({ contentId: 'x', trackType: 'HD', scheme: 'cbcs' }))),
    );
    expect(deriveKeyId(secret, { contentId: 'cpix-test-cid' })).toBe('8f429a94-eda0-b985-9c6b-307db86bab7e');
    expect(() => deriveKeyId(secret, { contentId: 'x', scheme: '' })).toThrow(
      expect.objectContaining({ code: 'ERR_KEY_SEED_INVALID_INPUT' }),
    );
  });

  it('tells an absent period from period 0, and depends on the secret', () => {
    const vod = deriveKeyId(secret, { contentId: 'x', trackType: 'HD' });
    expect(deriveKeyId(secret, { contentId: 'x', trackType: 'HD', periodIndex: 0 })).not.toBe(vod);
    expect(deriveKeyId(Uint8Array.from(secret).fill(7, 0, 1), { contentId: 'x', trackType: 'HD' })).not.toBe(vod);
  });

  it('does not force RFC 4122 version or variant bits', () => {
    // The pinned KID 8f429a94-eda0-b985-… has version nibble b and variant nibble 9 as they came.
    const kid = deriveKeyId(secret, { contentId: 'cpix-test-cid' });
    expect(kid[14]).toBe('b');
  });

  it('takes a secret of 16 bytes and refuses one of 15, naming no secret', () => {
    expect(deriveKeyId(secret.subarray(0, 16), { contentId: 'x' })).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
    const error = expectKeySeedError(
      () => deriveKeyId(secret.subarray(0, 15), { contentId: 'x' }),
      'ERR_KEY_SEED_SECRET_TOO_SHORT',
      'the derivation secret must be at least 16 bytes, got 15',
    );
    expect(error.message).not.toContain(hex(secret.subarray(0, 4)));
  });

  it('refuses a secret that is not bytes', () => {
    expectKeySeedError(
      () => deriveKeyId('0123456789abcdef0123' as unknown as Uint8Array, { contentId: 'x' }),
      'ERR_KEY_SEED_INVALID_INPUT',
      'the secret must be a Uint8Array',
    );
  });

  it('takes period indexes from 0 to the largest safe integer', () => {
    for (const periodIndex of [0, Number.MAX_SAFE_INTEGER]) {
      const kid = deriveKeyId(secret, { contentId: 'x', periodIndex });
      expect(kid).toBe(asUuid(reference(secret, 'cpixkit/kid/v1', contextFields({ contentId: 'x', periodIndex }))));
    }
  });

  it.each([
    ['a context that is not an object', null, 'the derivation context must be an object'],
    ['a context that is a string', 'cpix-test-cid', 'the derivation context must be an object'],
    ['an empty content id', { contentId: '' }, 'contentId must be a non-empty string'],
    ['a content id that is not a string', { contentId: 42 }, 'contentId must be a non-empty string'],
    ['an empty track type', { contentId: 'x', trackType: '' }, 'trackType must be a non-empty string when given'],
    [
      'a track type that is not a string',
      { contentId: 'x', trackType: 7 },
      'trackType must be a non-empty string when given',
    ],
    [
      'a negative period index',
      { contentId: 'x', periodIndex: -1 },
      'periodIndex must be a non-negative safe integer when given',
    ],
    [
      'a fractional period index',
      { contentId: 'x', periodIndex: 1.5 },
      'periodIndex must be a non-negative safe integer when given',
    ],
    [
      'a period index past 2^53 - 1',
      { contentId: 'x', periodIndex: 2 ** 53 },
      'periodIndex must be a non-negative safe integer when given',
    ],
  ])('refuses %s with ERR_KEY_SEED_INVALID_INPUT', (_, context, message) => {
    expectKeySeedError(() => deriveKeyId(secret, context as KeyIdContext), 'ERR_KEY_SEED_INVALID_INPUT', message);
    expectKeySeedError(() => deriveIv(secret, context as KeyIdContext), 'ERR_KEY_SEED_INVALID_INPUT', message);
  });

  it('gives a lower-case UUID, the same each time, or a documented KeySeedError for arbitrary input', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (key, context) => {
        expectAnswerOrKeySeedError(
          () => deriveKeyId(key as Uint8Array, context as KeyIdContext),
          (kid) => {
            expect(kid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
            expect(deriveKeyId(key as Uint8Array, context as KeyIdContext)).toBe(kid);
          },
        );
      }),
    );
  });
});

describe('deriveIv', () => {
  it('regression vector from a KID (RFC 4122 bytes, label cpixkit/iv/kid/v1)', () => {
    expect(hex(deriveIv(secret, { kid: '12ea753c-23e7-bc02-4474-b2b976c43beb' }))).toBe(
      '2addf19254bc465a0f5f6b4fdff3ec0e',
    );
  });

  it('regression vector from a content context (label cpixkit/iv/content/v1)', () => {
    expect(hex(deriveIv(secret, { contentId: 'cpix-test-cid', trackType: 'HD' }))).toBe(
      '787536270596f6e4f89ce360a851af4c',
    );
  });

  it('equals the independent construction for any KID', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 64 }), fc.uuid(), (key, kid) => {
        const kidBytes = Buffer.from(kid.replace(/-/g, ''), 'hex');
        expect(hex(deriveIv(key, { kid }))).toBe(reference(key, 'cpixkit/iv/kid/v1', [kidBytes]).toString('hex'));
      }),
    );
  });

  it('differs from the KID derived from the same context (domain separation)', () => {
    const context = { contentId: 'cpix-test-cid', trackType: 'HD' };
    expect(hex(deriveIv(secret, context))).not.toBe(deriveKeyId(secret, context).replace(/-/g, ''));
  });

  it('refuses a KID that is not a UUID, with the UUID parser’s error as its cause', () => {
    const error = expectKeySeedError(() => deriveIv(secret, { kid: 'nope' }), 'ERR_KEY_SEED_INVALID_KID');
    expect(error.cause).toBeInstanceOf(PsshError);
    expect(error.message).toBe((error.cause as PsshError).message);
    expect(error.name).toBe('KeySeedError');
  });

  it('refuses a KID that is not a string', () => {
    expectKeySeedError(
      () => deriveIv(secret, { kid: 42 as unknown as string }),
      'ERR_KEY_SEED_INVALID_KID',
      'the KID must be a UUID string',
    );
  });

  it('refuses a short secret with a KID as with a content context', () => {
    expectKeySeedError(
      () => deriveIv(secret.subarray(0, 15), { kid: '12ea753c-23e7-bc02-4474-b2b976c43beb' }),
      'ERR_KEY_SEED_SECRET_TOO_SHORT',
    );
  });

  it('gives 16 bytes, the same each time, or a documented KeySeedError for arbitrary input', () => {
    fc.assert(
      fc.property(fc.anything(), (context) => {
        expectAnswerOrKeySeedError(
          () => deriveIv(secret, context as KeyIdContext),
          (iv) => {
            expect(iv).toBeInstanceOf(Uint8Array);
            expect(iv).toHaveLength(16);
            expect(deriveIv(secret, context as KeyIdContext)).toEqual(iv);
          },
        );
      }),
    );
  });
});
