// Tests of a custom target end to end on the pure side: the config schema accepts it (and says
// clearly what is wrong), domainSource splits the text as the known split says, share links
// carry the text when small and only its name, hash and size otherwise.

import { describe, expect, it } from 'vitest';
import { parseExperiment, PRESETS, type ExperimentConfig } from '../config';
import { decodeShare, encodeShare } from '../links/experiment';
import { CUSTOM_LINK_MAX_CHARS } from '../links/custom-text';
import { customTextFor, validateCustomText } from './custom-text';
import { domainSource } from './domains';

// SHA-256("abc"), FIPS 180-2 appendix B.1.
const ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
const preset = PRESETS['english-code'].config; // batch 8, length 64: the minimum is max(⌈8·65/0.9⌉, ⌈65/0.1⌉) = 650 bytes

function withTarget(target: unknown, extra: Partial<ExperimentConfig> = {}): unknown {
  return { ...structuredClone(preset), ...extra, target };
}

function issues(input: unknown): string {
  try {
    parseExperiment(input);
    return '';
  } catch (e) {
    return (e as Error).message;
  }
}

function text(body: string, name = 'notes.txt') {
  const r = validateCustomText(body, name, { batchSize: 1, seqLen: 1 });
  if (!r.ok) throw new Error(r.error.message);
  return r.text;
}

describe('custom target in the config', () => {
  it('accepts a named text by hash and size, and keeps the source built-in', () => {
    const c = parseExperiment(withTarget({ domain: 'custom', name: 'notes.txt', sha256: ABC, bytes: 650 }));
    expect(c.target).toEqual({ domain: 'custom', name: 'notes.txt', sha256: ABC, bytes: 650 });
    expect(issues({ ...(withTarget({ domain: 'code' }) as object), source: { domain: 'custom', name: 'x', sha256: ABC, bytes: 650 } })).toContain('source.domain');
  });
  it('names the minimum size for the batch and length', () => {
    expect(issues(withTarget({ domain: 'custom', name: 'notes.txt', sha256: ABC, bytes: 649 })))
      .toContain('target.bytes: the text "notes.txt" has 649 bytes; at batch size 8 and sequence length 64 it needs at least 650');
    // Smaller batches need less: batch 2, length 16 → max(⌈2·17/0.9⌉, ⌈17/0.1⌉) = 170.
    expect(issues(withTarget({ domain: 'custom', name: 'n', sha256: ABC, bytes: 170 }, { batchSize: 2, seqLen: 16 }))).toBe('');
    expect(issues(withTarget({ domain: 'custom', name: 'n', sha256: ABC, bytes: 169 }, { batchSize: 2, seqLen: 16 }))).toContain('at least 170');
  });
  it('says what is wrong with a bad hash, size, name or domain', () => {
    expect(issues(withTarget({ domain: 'custom', name: 'n', sha256: 'ABC', bytes: 700 }))).toContain('target.sha256: sha256 must be the text’s SHA-256');
    expect(issues(withTarget({ domain: 'custom', name: 'n', sha256: ABC, bytes: 3e6 }))).toContain('at most 2097152 bytes');
    expect(issues(withTarget({ domain: 'custom', name: '', sha256: ABC, bytes: 700 }))).toContain('needs a name');
    expect(issues(withTarget({ domain: 'klingon' }))).toContain("target.domain: Invalid discriminator value. Expected 'english' | 'code' | 'math' | 'custom'");
  });
});

describe('custom target as a token source', () => {
  // 3,000 bytes: 300 held out in one chunk (300 / 256 → 1) centred at 1,500, so bytes [1350, 1650).
  const bytes = new Uint8Array(3000).map((_, i) => 97 + (i % 26));
  it('trains on everything but the held-out chunk and evaluates on it', () => {
    const train = domainSource(null, { domain: 'custom', custom: { name: 'abc.txt', bytes } }, 'train');
    const held = domainSource(null, { domain: 'custom', custom: { name: 'abc.txt', bytes } }, 'heldout');
    expect(held.bytes).toEqual(bytes.slice(1350, 1650));
    expect(train.bytes).toEqual(new Uint8Array([...bytes.slice(0, 1350), ...bytes.slice(1650)]));
    expect(held.name).toBe('custom/heldout (abc.txt)');
  });
  it('refuses a custom spec without its text, and a stored text that changed', () => {
    expect(() => domainSource(null, { domain: 'custom' }, 'train')).toThrow('needs its text loaded');
    const ref = { name: 'abc.txt', sha256: ABC };
    expect(() => customTextFor({}, ref)).toThrow('"abc.txt"');
    expect(() => customTextFor({}, ref)).toThrow('Paste the same text again');
    const wrong = new Map([[ABC, { name: 'abc.txt', bytes: new TextEncoder().encode('abd') }]]);
    expect(() => customTextFor({ customTexts: wrong }, ref)).toThrow('does not match');
    const right = new Map([[ABC, { name: 'old.txt', bytes: new TextEncoder().encode('abc') }]]);
    expect(new TextDecoder().decode(customTextFor({ customTexts: right }, ref).bytes)).toBe('abc');
  });
});

describe('custom target in share links', () => {
  const small = text('A short poem about loss functions.\n'.repeat(20)); // 700 bytes
  const config = parseExperiment(withTarget({ domain: 'custom', name: 'poem.txt', sha256: small.sha256, bytes: small.bytes.length }));
  it('carries a small text and reproduces config and text', () => {
    const q = encodeShare(config, 'english-code', small);
    expect(q.get('tgt')).toBe('custom');
    expect(q.get('tgtText')).toBe('A short poem about loss functions.\n'.repeat(20));
    const d = decodeShare(q.toString());
    expect(d.problems).toEqual([]);
    expect(d.config).toEqual(config);
    expect(d.customText?.bytes).toEqual(small.bytes);
  });
  it('carries only name, hash and size for a large text (or none at hand)', () => {
    const big = text('All work and no play makes a dull model. '.repeat(60)); // 2,460 bytes > 2,048 characters
    expect(big.bytes.length).toBeGreaterThan(CUSTOM_LINK_MAX_CHARS);
    const c = parseExperiment(withTarget({ domain: 'custom', name: 'big.txt', sha256: big.sha256, bytes: big.bytes.length }));
    for (const q of [encodeShare(c, 'english-code', big), encodeShare(c, 'english-code')]) {
      expect(q.has('tgtText')).toBe(false);
      expect(Object.fromEntries([...q].filter(([k]) => k.startsWith('tgt')))).toEqual({ tgt: 'custom', tgtName: 'big.txt', tgtSha: big.sha256, tgtBytes: '2460' });
      const d = decodeShare(q.toString());
      expect(d.problems).toEqual([]);
      expect(d.config).toEqual(c);
      expect(d.customText).toBeUndefined();
    }
  });
  it('keeps the preset target for a custom link without a usable hash or size, and reports stray keys', () => {
    const noSha = decodeShare('v=1&preset=english-code&tgt=custom&tgtName=a.txt&tgtBytes=900');
    expect(noSha.config.target).toEqual({ domain: 'code' });
    expect(noSha.problems.join('\n')).toContain('tgtSha: missing or not 64 hex digits');
    const noSize = decodeShare(`v=1&preset=english-code&tgt=custom&tgtName=a.txt&tgtSha=${ABC}`);
    expect(noSize.config.target).toEqual({ domain: 'code' });
    expect(noSize.problems.join('\n')).toContain('tgtBytes="" is not a text size');
    const tooSmall = decodeShare(`v=1&preset=english-code&tgt=custom&tgtName=a.txt&tgtSha=${ABC}&tgtBytes=100`);
    expect(tooSmall.config.target).toEqual({ domain: 'code' });
    expect(tooSmall.problems.join('\n')).toContain('needs at least 650');
    const stray = decodeShare(`v=1&preset=english-code&tgtSha=${ABC}`);
    expect(stray.problems).toEqual(['tgtSha ignored: the target is not your own text (tgt=custom)']);
  });
  it('drops a carried text that does not match its hash but keeps the reference', () => {
    const q = encodeShare(config, 'english-code', small);
    q.set('tgtText', `${q.get('tgtText')}!`);
    const d = decodeShare(q.toString());
    expect(d.config.target).toEqual(config.target);
    expect(d.customText).toBeUndefined();
    expect(d.problems.join('\n')).toContain('does not match tgtSha');
  });
});
