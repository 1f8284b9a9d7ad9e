/** Chunk size: the signalling of a typical answer (two keys, three DRM systems) fits in one. */
const CHUNK_BYTES = 8 * 1024;

/**
 * The byte values of one answer's signalling (HLS lines, `ContentProtectionData`, `URIExtXKey`, small
 * PSSH boxes, …), written one after the other into shared zero-filled chunks. The writer reads every
 * value through its `.buffer` for base64; an array with an ArrayBuffer of its own costs an off-heap
 * allocation (about a microsecond, and garbage-collector work), and so does reading `.buffer` of an
 * array of up to 64 bytes, which V8 keeps on its heap until then. Use one per answer, and only for
 * signalling: the chunks never hold keys.
 */
export class AnswerBytes {
  private chunk: Buffer | undefined;
  private used = 0;

  /** A view of the UTF-8 bytes of `text`. */
  utf8(text: string): Uint8Array {
    const chunk = this.chunkWithRoomFor(text);
    const offset = this.used;
    // Stryker disable next-line StringLiteral: Buffer#write reads an empty encoding name as UTF-8
    const length = chunk.write(text, offset, 'utf8');
    this.used += length;
    return new Uint8Array(chunk.buffer, chunk.byteOffset + offset, length);
  }

  /** A view of a copy of `bytes`. */
  copy(bytes: Uint8Array): Uint8Array {
    const chunk = this.chunkWithRoom(bytes.length);
    const offset = this.used;
    chunk.set(bytes, offset);
    this.used += bytes.length;
    return new Uint8Array(chunk.buffer, chunk.byteOffset + offset, bytes.length);
  }

  /**
   * The chunk, or a new one, with room for the UTF-8 of `text`. A UTF-16 code unit takes at most three
   * UTF-8 bytes: with that much room `text` is not measured first (measuring costs about as much as
   * writing); with less it is.
   */
  private chunkWithRoomFor(text: string): Buffer {
    const room = this.chunk === undefined ? -1 : this.chunk.length - this.used;
    // Stryker disable next-line StringLiteral: Buffer.byteLength reads an empty encoding name as UTF-8
    return room >= 3 * text.length ? this.chunk! : this.chunkWithRoom(Buffer.byteLength(text, 'utf8'));
  }

  /** The chunk, or a new one when fewer than `length` bytes are left. */
  private chunkWithRoom(length: number): Buffer {
    if (this.chunk !== undefined && this.chunk.length - this.used >= length) return this.chunk;
    this.chunk = Buffer.alloc(Math.max(length, CHUNK_BYTES));
    this.used = 0;
    return this.chunk;
  }
}
