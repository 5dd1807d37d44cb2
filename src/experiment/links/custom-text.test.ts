// Tests of the custom target text in links: with and without the text, and hostile parts.

import { describe, expect, it } from 'vitest';
import { CUSTOM_LINK_MAX_CHARS, customLinkChars, decodeCustomLink, encodeCustomLink, matchCustomText } from './custom-text';
import { validateCustomText } from '../data/custom-text';

const limits = { batchSize: 1, seqLen: 1 };
function text(s: string, name = 'notes.md') {
  const r = validateCustomText(s, name, limits);
  if (!r.ok) throw new Error(r.error.message);
  return r.text;
}

describe('custom text in links', () => {
  it('counts URL-encoded characters', () => {
    // "a b" -> "a+b" (3), "é" -> "%C3%A9" (6), "&" -> "%26" (3).
    expect(customLinkChars(new TextEncoder().encode('a bé&'))).toBe(3 + 6 + 3);
  });
  it('carries a small text and reproduces it exactly', () => {
    const t = text('The quick brown fox.\nJumps over the lazy dog & friends.\n');
    const p = new URLSearchParams({ v: '1' });
    expect(encodeCustomLink(t, p)).toBe(true);
    const d = decodeCustomLink(new URLSearchParams(p.toString()));
    expect(d.problems).toEqual([]);
    expect(d.ref).toEqual({ name: 'notes.md', sha256: t.sha256 });
    expect(d.text?.bytes).toEqual(t.bytes);
  });
  it('carries only name and hash for a text over the limit', () => {
    const t = text('x'.repeat(CUSTOM_LINK_MAX_CHARS + 1));
    const p = new URLSearchParams();
    expect(encodeCustomLink(t, p)).toBe(false);
    expect(p.has('tgtText')).toBe(false);
    const d = decodeCustomLink(p);
    expect(d.ref?.sha256).toBe(t.sha256);
    expect(d.text).toBeNull();
    expect(matchCustomText(t.sha256, t.bytes)).toBe(true);
    expect(matchCustomText(t.sha256, new TextEncoder().encode('other'))).toBe(false);
    // Exactly at the limit still fits.
    expect(encodeCustomLink(text('x'.repeat(CUSTOM_LINK_MAX_CHARS)), new URLSearchParams())).toBe(true);
  });
  it('reports a text that does not match its hash, and a bad hash', () => {
    const t = text('hello world, hello again\n');
    const p = new URLSearchParams();
    encodeCustomLink(t, p);
    p.set('tgtText', 'hello world, hello again!\n');
    const d = decodeCustomLink(p);
    expect(d.text).toBeNull();
    expect(d.ref?.sha256).toBe(t.sha256);
    expect(d.problems.join()).toContain('does not match');
    p.set('tgtSha', 'zz');
    const e = decodeCustomLink(p);
    expect(e.ref).toBeNull();
    expect(e.problems.join()).toContain('tgtSha');
  });
  it('replaces a hostile name and ignores links without custom keys', () => {
    const t = text('hello world, hello again\n');
    const p = new URLSearchParams();
    encodeCustomLink(t, p);
    p.set('tgtName', '<img src=x onerror=alert(1)>');
    const d = decodeCustomLink(p);
    expect(d.ref?.name).toBe('pasted text');
    expect(d.text).not.toBeNull();
    expect(d.problems).toHaveLength(1);
    expect(decodeCustomLink(new URLSearchParams('v=1&steps=5'))).toEqual({ ref: null, text: null, problems: [] });
  });
});
