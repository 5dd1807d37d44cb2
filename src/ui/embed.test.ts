// Embed mode's parameters and the iframe snippet, against hand-written expectations.
import { describe, expect, it } from 'vitest';
import { embedCode, embedUrl, parseEmbed, withEmbedParams } from './embed';

describe('parseEmbed', () => {
  it('reads embed and the parts to hide, in a fixed order, dropping unknown ones', () => {
    expect(parseEmbed('?v=1&embed=1&hide=tour,controls,nope')).toEqual({ embed: true, hide: ['controls', 'tour'] });
    expect(parseEmbed('?embed=true')).toEqual({ embed: true, hide: [] });
  });
  it('is off without embed=1, even when hide is given', () => {
    expect(parseEmbed('?hide=controls')).toEqual({ embed: false, hide: [] });
    expect(parseEmbed('?embed=0&hide=text')).toEqual({ embed: false, hide: [] });
    expect(parseEmbed('')).toEqual({ embed: false, hide: [] });
  });
});

describe('embedUrl and embedCode', () => {
  const href = 'http://127.0.0.1:4173/?v=1&preset=english-code&steps=37&embed=0&hide=tour';
  it('keeps the experiment and replaces any embed parameters', () => {
    expect(embedUrl(href, ['controls', 'text'])).toBe('http://127.0.0.1:4173/?v=1&preset=english-code&steps=37&embed=1&hide=controls%2Ctext');
    expect(embedUrl(href, [])).toBe('http://127.0.0.1:4173/?v=1&preset=english-code&steps=37&embed=1');
  });
  it('is one iframe with an escaped src, a size and a title', () => {
    const code = embedCode('https://x.test/?a=1&b="2"', ['text'], { width: 800, height: 600 });
    expect(code).toBe('<iframe src="https://x.test/?a=1&amp;b=%222%22&amp;embed=1&amp;hide=text" width="800" height="600" title="LoRA Lab: LoRA vs full fine-tuning" style="border:0" loading="lazy" allow="clipboard-write"></iframe>');
  });
});

describe('withEmbedParams', () => {
  it('carries embed and hide over to a rewritten query', () => {
    const q = withEmbedParams(new URLSearchParams('v=1&preset=english-math'), '?v=1&preset=english-code&embed=1&hide=controls');
    expect(q.toString()).toBe('v=1&preset=english-math&embed=1&hide=controls');
    expect(withEmbedParams(new URLSearchParams('v=1'), '?v=1&steps=3').toString()).toBe('v=1');
  });
  it('keeps the tour step, so a copied address opens the same step', () => {
    expect(withEmbedParams(new URLSearchParams('v=1'), '?v=1&steps=3&tour=one-curve').toString()).toBe('v=1&tour=one-curve');
  });
  it('keeps a link\'s predict=1 until the student changes the switch (the tour may load after the view rewrites the address)', () => {
    expect(withEmbedParams(new URLSearchParams('v=1'), '?tour=one-curve&predict=1').toString()).toBe('v=1&tour=one-curve&predict=1');
  });
});
