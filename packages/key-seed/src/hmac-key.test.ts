import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hmacKeyOf } from './hmac-key.js';

describe('hmacKeyOf', () => {
  it('gives the same key object for the same secret, holding its bytes', () => {
    const secret = new Uint8Array(32).fill(7);
    const key = hmacKeyOf(secret);
    expect(hmacKeyOf(secret)).toBe(key);
    expect(key.type).toBe('secret');
    expect(new Uint8Array(key.export())).toStrictEqual(secret);
  });

  it('makes the key again when the secret was changed in place', () => {
    const secret = new Uint8Array(32).fill(7);
    const first = hmacKeyOf(secret);
    secret[31] = 8;
    const second = hmacKeyOf(secret);
    expect(second).not.toBe(first);
    expect(new Uint8Array(second.export())).toStrictEqual(secret);
    const message = new Uint8Array([1, 2, 3]);
    expect(createHmac('sha256', second).update(message).digest()).toStrictEqual(
      createHmac('sha256', secret).update(message).digest(),
    );
  });

  it('makes the key again when a view on a resizable buffer grew', () => {
    // ES2024's resizable ArrayBuffer (Node 22 and later), beyond this package's ES2023 lib.
    const Resizable = ArrayBuffer as unknown as new (
      length: number,
      options: { maxByteLength: number },
    ) => ArrayBuffer & { resize(length: number): void };
    const buffer = new Resizable(16, { maxByteLength: 64 });
    const secret = new Uint8Array(buffer).fill(5);
    const first = hmacKeyOf(secret);
    buffer.resize(32);
    expect(secret).toHaveLength(32);
    const second = hmacKeyOf(secret);
    expect(second).not.toBe(first);
    expect(second.symmetricKeySize).toBe(32);
  });

  it('keeps each secret its own key', () => {
    const a = new Uint8Array(16).fill(1);
    const b = new Uint8Array(16).fill(2);
    expect(new Uint8Array(hmacKeyOf(a).export())).toStrictEqual(a);
    expect(new Uint8Array(hmacKeyOf(b).export())).toStrictEqual(b);
  });
});
