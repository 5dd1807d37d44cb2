// Byte tokenizer: exact round trips, vocabulary bounds.
import { describe, expect, it } from 'vitest';
import { bytesToTokens, decode, encode, tokensToBytes, VOCAB_SIZE } from './tokenizer';

describe('byte tokenizer', () => {
  it('has one token per byte value', () => {
    expect(VOCAB_SIZE).toBe(256);
  });

  it.each([
    ['ASCII', 'The Fulton County Grand Jury said Friday.\n\tfoo(x) { return x + 1; }'],
    ['empty', ''],
    ['accents and CJK', 'naïve café — 東京 ünïcödé'],
    ['astral-plane emoji (surrogate pairs)', '🦙 LoRA 🧮 ∑ 𝔘'],
    ['control characters and NUL', '\u0000\u0001\u001e\u007f\r\n'],
  ])('round-trips %s text exactly', (_name, text) => {
    const ids = encode(text);
    expect(ids).toBeInstanceOf(Int32Array);
    expect(ids.every((id) => id >= 0 && id < VOCAB_SIZE)).toBe(true);
    expect(decode(ids)).toBe(text);
  });

  it('encodes as UTF-8 bytes', () => {
    expect(Array.from(encode('aé€🦙'))).toEqual([0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac, 0xf0, 0x9f, 0xa6, 0x99]);
  });

  it('round-trips all 256 byte values through tokens, and every Latin-1 character through text', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const ids = bytesToTokens(all);
    expect(Array.from(ids)).toEqual(Array.from(all));
    expect(tokensToBytes(ids)).toEqual(all);
    const latin1 = String.fromCharCode(...Array.from(all));
    expect(decode(encode(latin1))).toBe(latin1);
  });

  it('decodes invalid UTF-8 (a cut multi-byte character) to U+FFFD instead of throwing', () => {
    expect(decode([0x61, 0xe2, 0x82])).toBe('a\ufffd');
  });

  it('rejects ids outside the vocabulary', () => {
    expect(() => decode([65, 256])).toThrow(/token id 256 at position 1/);
    expect(() => decode([-1])).toThrow(RangeError);
    expect(() => decode([1.5])).toThrow(RangeError);
  });
});
