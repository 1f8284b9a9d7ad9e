/**
 * Writes protobuf wire format, byte for byte as `@bufbuild/protobuf`'s `BinaryWriter` does for the
 * calls below, into a plain array. PSSH data is a few dozen bytes: `BinaryWriter` starts from a
 * 128-byte buffer, an off-heap allocation each time (microseconds), where the result here is an
 * array small enough for V8's heap. Values are checked by the caller.
 */
export class WireWriter {
  private readonly out: number[] = [];

  /** The field number and wire type, as a uint32 varint. */
  tag(fieldNumber: number, wireType: number): this {
    return this.uint32(((fieldNumber << 3) | wireType) >>> 0);
  }

  /** A uint32 as a varint. */
  uint32(value: number): this {
    let rest = value;
    while (rest > 0x7f) {
      this.out.push((rest & 0x7f) | 0x80);
      rest >>>= 7;
    }
    this.out.push(rest);
    return this;
  }

  /** An int32 as a varint, a negative one sign-extended to 64 bits (ten bytes). */
  int32(value: number): this {
    if (value >= 0) return this.uint32(value);
    let rest = value;
    for (let i = 0; i < 9; i++) {
      this.out.push((rest & 0x7f) | 0x80);
      rest >>= 7;
    }
    this.out.push(1);
    return this;
  }

  /** Length-delimited bytes. */
  bytes(value: Uint8Array): this {
    return this.uint32(value.length).raw(value);
  }

  /** A length-delimited string as UTF-8 (lone surrogates as U+FFFD, as `TextEncoder` writes them). */
  string(value: string): this {
    // Stryker disable next-line StringLiteral: Buffer.from reads an empty encoding name as UTF-8
    return this.bytes(Buffer.from(value, 'utf8'));
  }

  /** Bytes as they are. */
  raw(value: Uint8Array): this {
    for (const byte of value) this.out.push(byte);
    return this;
  }

  /** Everything written. */
  finish(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}
