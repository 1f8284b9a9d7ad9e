import { describe, expect, it } from 'vitest';
import { ByteArena } from './byte-arena.js';

const binary = (length: number, seed: number) =>
  String.fromCharCode(...Array.from({ length }, (_, i) => (i * 31 + seed) & 0xff));

describe('ByteArena', () => {
  it('gives small values an array of their own', () => {
    const arena = new ByteArena();
    const a = arena.fromBinaryString(binary(16, 1));
    const b = arena.fromBinaryString(binary(16, 2));
    expect(a.buffer).not.toBe(b.buffer);
    expect([...a]).toEqual([...Buffer.from(binary(16, 1), 'latin1')]);
  });

  it('puts larger values side by side in a chunk, without overlap, and nothing else in it', () => {
    const arena = new ByteArena();
    const values = [300, 900, 1200, 65, 5000].map((length, seed) => ({
      text: binary(length, seed),
      bytes: arena.fromBinaryString(binary(length, seed)),
    }));
    for (const { text, bytes } of values) expect(Buffer.from(bytes).toString('latin1')).toBe(text);
    expect(values[1]!.bytes.buffer).toBe(values[0]!.bytes.buffer);
    values[0]!.bytes.fill(0xaa);
    expect(Buffer.from(values[1]!.bytes).toString('latin1')).toBe(values[1]!.text);
    const chunk = new Uint8Array(values[0]!.bytes.buffer);
    const used = values
      .filter((v) => v.bytes.buffer === chunk.buffer)
      .reduce((end, v) => Math.max(end, v.bytes.byteOffset + v.bytes.length), 0);
    expect(chunk.subarray(used).every((byte) => byte === 0)).toBe(true);
  });

  it('gives a value larger than a chunk a chunk of its own, and never shares between arenas', () => {
    const big = new ByteArena().fromBinaryString(binary(40_000, 3));
    expect(big.byteLength).toBe(40_000);
    expect(Buffer.from(big).toString('latin1')).toBe(binary(40_000, 3));
    expect(new ByteArena().fromBinaryString(binary(100, 1)).buffer).not.toBe(
      new ByteArena().fromBinaryString(binary(100, 1)).buffer,
    );
  });
});
