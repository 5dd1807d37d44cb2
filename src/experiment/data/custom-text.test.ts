// Tests of the bring-your-own-text checks and split against hand-computed answers.

import { describe, expect, it } from 'vitest';
import {
  CUSTOM_TEXT_MAX_BYTES,
  customSource,
  firstInvalidUtf8,
  minCustomTextBytes,
  splitCustomText,
  validateCustomText,
} from './custom-text';

const limits = { batchSize: 4, seqLen: 31 };
const enc = (s: string) => new TextEncoder().encode(s);
const long = (n: number) => 'abcdefghij\n'.repeat(Math.ceil(n / 11)).slice(0, n);

describe('minCustomTextBytes', () => {
  it('covers one training batch and one held-out window', () => {
    // train: 4·32 = 128 bytes in 90% -> ceil(142.2) = 143; held-out: 32 in 10% -> 320.
    expect(minCustomTextBytes(limits)).toBe(320);
    // B=16, T=64: train ceil(16·65/0.9) = 1156, held-out 650.
    expect(minCustomTextBytes({ batchSize: 16, seqLen: 64 })).toBe(1156);
  });
});

describe('validateCustomText', () => {
  it('rejects empty text', () => {
    const r = validateCustomText('', 'pasted text', limits);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('empty');
  });
  it('rejects a small text and names the minimum', () => {
    const r = validateCustomText(long(319), 'pasted text', limits);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('too-small');
      expect(r.error.message).toContain('at least 320 bytes');
    }
    expect(validateCustomText(long(320), 'pasted text', limits).ok).toBe(true);
  });
  it('rejects a text over the limit', () => {
    const r = validateCustomText(new Uint8Array(CUSTOM_TEXT_MAX_BYTES + 1).fill(0x61), 'big.txt', limits);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('too-large');
    expect(validateCustomText(new Uint8Array(CUSTOM_TEXT_MAX_BYTES).fill(0x61), 'big.txt', limits).ok).toBe(true);
  });
  it('names the first NUL byte of a binary file', () => {
    const b = enc(long(1000));
    b[537] = 0;
    const r = validateCustomText(b, 'x.txt', limits);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('binary');
      expect(r.error.offset).toBe(537);
      expect(r.error.message).toContain('offset 537');
    }
  });
  it('flags a high share of control characters but allows a few', () => {
    const b = enc(long(1000));
    for (let i = 100; i < 120; i++) b[i] = 0x01; // 2%
    const r = validateCustomText(b, 'x.txt', limits);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.offset).toBe(100);
    const c = enc(long(1000));
    for (let i = 100; i < 105; i++) c[i] = 0x1b; // 0.5%: an ANSI escape or two in a log
    expect(validateCustomText(c, 'x.txt', limits).ok).toBe(true);
  });
  it('rejects invalid UTF-8 with its offset', () => {
    const b = enc(long(1000));
    b[700] = 0xc3; // a lead byte followed by ASCII
    const r = validateCustomText(b, 'latin1.txt', limits);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('not-utf8');
      expect(r.error.offset).toBe(700);
    }
  });
  it('rejects non-text types by extension and by content', () => {
    const r = validateCustomText(long(1000), 'paper.pdf', limits);
    expect(!r.ok && r.error.code).toBe('not-text-type');
    const png = enc(long(1000));
    png.set([0x89, 0x50, 0x4e, 0x47], 0);
    const p = validateCustomText(png, 'image.txt', limits);
    expect(!p.ok && p.error.code).toBe('not-text-type');
  });
  it('normalises line endings and a BOM, and hashes the normalised bytes', () => {
    const body = long(500);
    const crlf = '\ufeff' + body.replace(/\n/g, '\r\n');
    const a = validateCustomText(crlf, 'win.txt', limits);
    const b = validateCustomText(body, 'unix.txt', limits);
    expect(a.ok && b.ok).toBe(true);
    if (a.ok && b.ok) {
      expect(a.text.bytes).toEqual(b.text.bytes);
      expect(a.text.sha256).toBe(b.text.sha256);
      expect(a.text.lineEndingsNormalised).toBe(body.split('\n').length - 1);
      expect(a.text.bomRemoved).toBe(true);
      expect(b.text.lineEndingsNormalised).toBe(0);
    }
    const lone = validateCustomText(long(500).replace(/\n/g, '\r'), 'mac.txt', limits);
    expect(lone.ok && lone.text.bytes).toEqual(b.ok && b.text.bytes);
  });
  it('accepts multi-byte UTF-8', () => {
    const r = validateCustomText('Grüße, 世界! 😀\n'.repeat(40), 'u.md', limits);
    expect(r.ok).toBe(true);
  });
});

describe('firstInvalidUtf8', () => {
  it('knows overlongs, surrogates and truncation', () => {
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0xc0, 0x80]))).toBe(1); // overlong NUL
    expect(firstInvalidUtf8(new Uint8Array([0xed, 0xa0, 0x80]))).toBe(0); // surrogate
    expect(firstInvalidUtf8(new Uint8Array([0x61, 0x62, 0xe2, 0x82]))).toBe(2); // truncated €
    expect(firstInvalidUtf8(new Uint8Array([0xe2, 0x82, 0xac]))).toBe(-1); // €
    expect(firstInvalidUtf8(new Uint8Array([0xf4, 0x90, 0x80, 0x80]))).toBe(0); // > U+10FFFF
  });
});

describe('splitCustomText', () => {
  it('holds out 10% in spread chunks, disjoint and covering everything', () => {
    const n = 10_000;
    const bytes = new Uint8Array(n).map((_, i) => i % 251);
    const s = splitCustomText(bytes);
    expect(s.heldout.length).toBe(1000);
    expect(s.train.length).toBe(9000);
    // 1000 held-out bytes / 256 -> 3 chunks, centred at 1/6, 3/6, 5/6 of the text.
    expect(s.chunks).toEqual([
      { start: 1500, end: 1833 },
      { start: 4834, end: 5167 },
      { start: 8166, end: 8500 },
    ]);
    const owner = new Uint8Array(n);
    for (const c of s.chunks) for (let i = c.start; i < c.end; i++) owner[i]++;
    expect(owner.every((x) => x <= 1)).toBe(true);
    // Rebuilding the text from the two parts gives it back.
    const rebuilt = new Uint8Array(n);
    let t = 0;
    let h = 0;
    for (let i = 0; i < n; i++) rebuilt[i] = owner[i] ? s.heldout[h++] : s.train[t++];
    expect(rebuilt).toEqual(bytes);
  });
  it('uses at most 8 chunks and stays disjoint on awkward lengths', () => {
    for (const n of [320, 333, 2561, 99_999, 1_000_003]) {
      const s = splitCustomText(new Uint8Array(n));
      expect(s.chunks.length).toBeLessThanOrEqual(8);
      expect(s.heldout.length + s.train.length).toBe(n);
      for (let i = 1; i < s.chunks.length; i++) expect(s.chunks[i].start).toBeGreaterThanOrEqual(s.chunks[i - 1].end);
      expect(s.chunks[s.chunks.length - 1].end).toBeLessThanOrEqual(n);
    }
    expect(splitCustomText(new Uint8Array(1_000_000)).chunks.length).toBe(8);
  });
  it('gives named token sources', () => {
    const src = customSource({ name: 'notes.md', bytes: enc(long(5000)) }, 'heldout');
    expect(src.name).toBe('custom/heldout (notes.md)');
    expect(src.bytes.length).toBe(500);
  });
});
