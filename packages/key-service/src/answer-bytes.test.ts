import { describe, expect, it } from 'vitest';
import { AnswerBytes } from './answer-bytes.js';

const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('AnswerBytes', () => {
  it('writes the UTF-8 of any text, multi-byte characters and lone surrogates included', () => {
    const bytes = new AnswerBytes();
    for (const text of ['#EXT-X-KEY:METHOD=SAMPLE-AES', 'contenu-é', 'ключ', '🔑 key', 'lone \uD800 surrogate', '']) {
      expect(Buffer.from(bytes.utf8(text)).equals(utf8(text))).toBe(true);
    }
  });

  it('keeps every value intact across chunks, texts longer than a chunk included', () => {
    const bytes = new AnswerBytes();
    const texts = Array.from({ length: 200 }, (_, i) => `${i}:${'é'.repeat(i * 7)}${'x'.repeat((i * 131) % 5000)}`);
    texts.push('y'.repeat(40_000), 'é'.repeat(20_000));
    const values = texts.map((text) => bytes.utf8(text));
    texts.forEach((text, i) => {
      expect(Buffer.from(values[i]!).equals(utf8(text))).toBe(true);
    });
  });

  it('copies bytes: later changes to the source do not reach the copy', () => {
    const bytes = new AnswerBytes();
    const source = Uint8Array.from({ length: 56 }, (_, i) => i);
    const copy = bytes.copy(source);
    source.fill(0);
    expect([...copy]).toEqual(Array.from({ length: 56 }, (_, i) => i));
    expect(bytes.copy(new Uint8Array(0)).length).toBe(0);
  });

  it('gives views that do not overlap', () => {
    const bytes = new AnswerBytes();
    const first = bytes.utf8('aaaa');
    const second = bytes.copy(Uint8Array.of(1, 2, 3));
    const third = bytes.utf8('bb');
    expect(Buffer.from(first).toString()).toBe('aaaa');
    expect([...second]).toEqual([1, 2, 3]);
    expect(Buffer.from(third).toString()).toBe('bb');
  });

  it('writes an empty text first', () => {
    expect(new AnswerBytes().utf8('').length).toBe(0);
  });

  it('shares 8 KiB chunks: values follow one another until one no longer fits, a chunk filled to its last byte', () => {
    const bytes = new AnswerBytes();
    const first = bytes.copy(new Uint8Array(8 * 1024 - 10));
    const second = bytes.utf8('0123456789');
    const third = bytes.utf8('x');
    expect(first.buffer.byteLength).toBe(8 * 1024);
    expect(second.buffer).toBe(first.buffer);
    expect(second.byteOffset).toBe(8 * 1024 - 10);
    expect(third.buffer).not.toBe(first.buffer);
    expect(bytes.copy(Uint8Array.of(1)).buffer).toBe(third.buffer);
  });
});
