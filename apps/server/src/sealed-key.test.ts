import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openKey, sealKey } from './sealed-key.js';

const KID = '12ea753c-23e7-bc02-4474-b2b976c43beb';

describe('sealKey / openKey', () => {
  it('round-trips any key and never stores it in the clear', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.string(), (key, tenantId) => {
        const master = randomBytes(32);
        const sealed = sealKey(master, tenantId, KID, key);
        expect(Buffer.from(sealed).includes(Buffer.from(key))).toBe(false);
        expect(Buffer.from(openKey(master, tenantId, KID, sealed))).toEqual(Buffer.from(key));
      }),
    );
  });

  it('binds the key to its tenant and kid', () => {
    const master = randomBytes(32);
    const sealed = sealKey(master, 'acme', KID, randomBytes(16));
    expect(() => openKey(master, 'other', KID, sealed)).toThrow(
      expect.objectContaining({ code: 'ERR_SERVER_STORE_CORRUPT' }),
    );
    expect(() => openKey(master, 'acme', '6bac8ec3-0ee3-379f-3d21-290b3a2bc9c3', sealed)).toThrow(
      expect.objectContaining({ code: 'ERR_SERVER_STORE_CORRUPT' }),
    );
    // The tenant/kid boundary cannot be shifted: ("a", "b-c") and ("a-b", "c") seal differently.
    const shifted = sealKey(master, 'a', 'b-c', randomBytes(16));
    expect(() => openKey(master, 'a-b', 'c', shifted)).toThrow(
      expect.objectContaining({ code: 'ERR_SERVER_STORE_CORRUPT' }),
    );
  });

  it('rejects a tampered or truncated row', () => {
    const master = randomBytes(32);
    const sealed = Buffer.from(sealKey(master, 'acme', KID, randomBytes(16)));
    const flipped = Buffer.from(sealed);
    flipped[flipped.length - 1]! ^= 1;
    expect(() => openKey(master, 'acme', KID, flipped)).toThrow(
      expect.objectContaining({ code: 'ERR_SERVER_STORE_CORRUPT' }),
    );
    expect(() => openKey(master, 'acme', KID, sealed.subarray(0, 20))).toThrow(
      expect.objectContaining({ code: 'ERR_SERVER_STORE_CORRUPT' }),
    );
  });
});
