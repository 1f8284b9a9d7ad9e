import { BinaryWriter } from '@bufbuild/protobuf/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WireWriter } from './wire-writer.js';

type Call =
  | { kind: 'tag'; fieldNumber: number; wireType: number }
  | { kind: 'uint32'; value: number }
  | { kind: 'int32'; value: number }
  | { kind: 'bytes'; value: Uint8Array }
  | { kind: 'string'; value: string }
  | { kind: 'raw'; value: Uint8Array };

const call: fc.Arbitrary<Call> = fc.oneof(
  fc.record({
    kind: fc.constant('tag' as const),
    fieldNumber: fc.integer({ min: 1, max: 2 ** 29 - 1 }),
    wireType: fc.integer({ min: 0, max: 5 }),
  }),
  fc.record({ kind: fc.constant('uint32' as const), value: fc.integer({ min: 0, max: 0xffff_ffff }) }),
  fc.record({ kind: fc.constant('int32' as const), value: fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff }) }),
  fc.record({ kind: fc.constant('bytes' as const), value: fc.uint8Array({ maxLength: 300 }) }),
  fc.record({ kind: fc.constant('string' as const), value: fc.string({ unit: 'binary', maxLength: 200 }) }),
  fc.record({ kind: fc.constant('raw' as const), value: fc.uint8Array({ maxLength: 40 }) }),
);

function play(writer: WireWriter | BinaryWriter, calls: Call[]): Uint8Array {
  for (const c of calls) {
    if (c.kind === 'tag') writer.tag(c.fieldNumber, c.wireType);
    else if (c.kind === 'uint32') writer.uint32(c.value);
    else if (c.kind === 'int32') writer.int32(c.value);
    else if (c.kind === 'bytes') writer.bytes(c.value);
    else if (c.kind === 'string') writer.string(c.value);
    else writer.raw(c.value);
  }
  return writer.finish();
}

describe('WireWriter', () => {
  it('writes what BinaryWriter writes, byte for byte', () => {
    fc.assert(
      fc.property(fc.array(call, { maxLength: 12 }), (calls) => {
        expect(play(new WireWriter(), calls)).toEqual(play(new BinaryWriter(), calls));
      }),
    );
  });

  it('writes each varint in the fewest bytes: 127 in one, 128 in two, 2^32 - 1 in five', () => {
    const varint = (value: number) => [...new WireWriter().uint32(value).finish()];
    expect(varint(0)).toEqual([0]);
    expect(varint(127)).toEqual([0x7f]);
    expect(varint(128)).toEqual([0x80, 0x01]);
    expect(varint(16_383)).toEqual([0xff, 0x7f]);
    expect(varint(16_384)).toEqual([0x80, 0x80, 0x01]);
    expect(varint(0xffff_ffff)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect([...new WireWriter().int32(127).finish()]).toEqual([0x7f]);
    expect([...new WireWriter().int32(-0x8000_0000).finish()]).toEqual([
      0x80, 0x80, 0x80, 0x80, 0xf8, 0xff, 0xff, 0xff, 0xff, 0x01,
    ]);
    expect([...new WireWriter().tag(15, 2).finish()]).toEqual([0x7a]);
    expect([...new WireWriter().tag(16, 0).finish()]).toEqual([0x80, 0x01]);
  });

  it('writes lone surrogates as U+FFFD and negative int32 as ten bytes', () => {
    expect([...new WireWriter().string('\uD800').finish()]).toEqual([3, 0xef, 0xbf, 0xbd]);
    expect([...new WireWriter().int32(-1).finish()]).toEqual([
      0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01,
    ]);
  });
});
