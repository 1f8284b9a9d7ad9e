/** Up to this size a value gets an array of its own: V8 keeps such small arrays on its heap, which is cheap. */
const SMALL_ARRAY_BYTES = 64;
/** Chunk size: a typical answer's PSSH boxes, protection headers and playlists fit in one or two. */
const CHUNK_BYTES = 16 * 1024;

/**
 * Hands out the byte arrays of one document's decoded values. A larger array with an ArrayBuffer
 * of its own costs microseconds (an off-heap allocation), and an answer holds dozens of them; here
 * they are views into shared, zero-filled chunks instead. Use one arena per document: the values
 * of a document then share a buffer only with each other, never with another document's keys.
 */
export class ByteArena {
  private chunk: Buffer | undefined;
  private used = 0;

  /** A new array holding `binary`, a string of character codes 0–255 (what `atob` returns). */
  fromBinaryString(binary: string): Uint8Array {
    const length = binary.length;
    if (length <= SMALL_ARRAY_BYTES) {
      const bytes = new Uint8Array(length);
      for (let i = 0; i < length; i += 1) bytes[i] = binary.charCodeAt(i);
      return bytes;
    }
    if (this.chunk === undefined || this.used + length > this.chunk.length) {
      this.chunk = Buffer.alloc(Math.max(length, CHUNK_BYTES));
      this.used = 0;
    }
    const offset = this.used;
    this.chunk.write(binary, offset, length, 'latin1');
    this.used += length;
    return new Uint8Array(this.chunk.buffer, this.chunk.byteOffset + offset, length);
  }
}
