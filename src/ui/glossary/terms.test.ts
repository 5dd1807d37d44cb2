// The glossary: every term the page relies on has a definition, the matcher finds each term as the
// page writes it (first mention only, whole words, capitalised at a sentence start) and loses no
// text, and the numbers in the definitions are the computed ones.
import { describe, expect, it } from 'vitest';
import { PAPER } from '../../experiment/analysis/claims-text';
import { VERDICT_RULE } from '../../experiment/analysis/noise';
import { TOUR_STEPS } from '../../experiment/tour/steps';
import { GLOSSARY, splitTerms, TERM_IDS, type Piece, type TermId } from './terms';

const ids = (pieces: Piece[]) => pieces.filter((p) => typeof p !== 'string').map((p) => (p as { id: TermId }).id);
const joined = (pieces: Piece[]) => pieces.map((p) => (typeof p === 'string' ? p : p.text)).join('');

describe('glossary', () => {
  it('defines every term the page uses', () => {
    for (const id of ['nats-per-byte', 'bits-per-byte', 'held-out', 'cpt', 'ift', 'humaneval', 'gsm8k', 'hellaswag', 'arc', 'winogrande',
      'pareto-front', 'equal-learning', 'rank90', 'intruders', 'rslora', 'alpha-r', 'noise', 'interpolated'] as const) {
      expect(GLOSSARY[id].definition.length, id).toBeGreaterThan(60);
    }
    for (const id of TERM_IDS) expect(GLOSSARY[id].patterns.length, id).toBeGreaterThan(0);
  });

  it('computes the numbers it quotes', () => {
    expect(GLOSSARY['nats-per-byte'].definition).toContain(`ln 256 = ${Math.log(256).toFixed(2)}`);
    expect(GLOSSARY['nats-per-byte'].definition).toContain('5.55 nats/byte is 8 bits/byte');
    expect(GLOSSARY['bits-per-byte'].definition).toContain('÷ ln 2 (0.693)');
    expect(GLOSSARY.noise.more).toBe(VERDICT_RULE);
  });

  it('finds every pattern as written, and a lowercase phrase capitalised', () => {
    for (const id of TERM_IDS) {
      for (const p of GLOSSARY[id].patterns) {
        expect(ids(splitTerms(`Before ${p}, after.`)), `${id}: ${p}`).toEqual([id]);
        const cap = p[0].toUpperCase() + p.slice(1);
        expect(ids(splitTerms(`${cap} here.`)), `${id}: ${cap}`).toEqual([id]);
      }
    }
  });

  it('links the first mention of a term only, and the longest pattern', () => {
    const pieces = splitTerms('Loss in nats/byte on held-out code; held-out English in nats. ARC-Challenge, then ARC.');
    expect(ids(pieces)).toEqual(['nats-per-byte', 'held-out', 'arc']);
    expect(pieces.filter((p) => typeof p !== 'string').map((p) => (p as { text: string }).text)).toEqual(['nats/byte', 'held-out', 'ARC-Challenge']);
  });

  it('matches whole words only', () => {
    expect(ids(splitTerms('a search, a shift, SEARCH, CPTs, natsy, bits/bytes'))).toEqual([]);
  });

  it('keeps every character of the tour’s and the findings’ sentences', () => {
    const texts = [...TOUR_STEPS.flatMap((s) => [...s.text, s.look.what]), ...Object.values(PAPER), VERDICT_RULE];
    for (const t of texts) expect(joined(splitTerms(t))).toBe(t);
    // The paper's setup is written with the glossary's words.
    expect(ids(splitTerms(PAPER[1]))).toEqual(expect.arrayContaining(['cpt', 'ift', 'humaneval', 'gsm8k']));
  });
});
