// One grammar for claims, checked on every combination: each decision (less, more, within noise) for
// one to three methods, with noise from seeds, from the shipped estimate or from nothing; the verdict
// of every combination of decisions; and the sentence never repeats a verdict word, never says
// "Mixed:", never pairs a plural subject with "was", and names every method once.
import { describe, expect, it } from 'vitest';
import { be, bothViews, compareSentence, fmtLr, list, spreadText, verdictOf, type NoiseContext, type Verdict } from './claims-text';
import { spreadOf, type Decision } from './noise';

const REF = 2;
/** A spread whose comparison with REF (range 0.02 over 3 seeds) comes out as `d`. */
const valueFor = (d: Decision, n: number) => {
  const mean = d === 'less' ? REF - 0.5 : d === 'more' ? REF + 0.5 : REF + 0.005;
  return spreadOf(n >= 2 ? [mean - 0.01, mean, mean + 0.01] : [mean])!;
};
const DECISIONS: Decision[] = ['less', 'more', 'within-noise'];
const combos = (k: number): Decision[][] => (k === 0 ? [[]] : combos(k - 1).flatMap((c) => DECISIONS.map((d) => [...c, d])));
const BASES: Array<{ name: string; n: number; ctx: NoiseContext }> = [
  { name: 'seeds', n: 3, ctx: { shipped: null, from: 'x' } },
  { name: 'shipped', n: 1, ctx: { shipped: 0.1, from: "the tour's 3-seed run of this setup" } },
  { name: 'none', n: 1, ctx: { shipped: null, from: 'x' } },
];
const VERDICT_WORDS = /\b(agrees?|disagrees?|mixed|inconclusive)\b/i;

describe('compareSentence: every decision × count × noise basis', () => {
  for (const basis of BASES) {
    for (const k of [1, 2, 3]) {
      for (const want of combos(k)) {
        it(`${basis.name}, ${want.join(' / ')}`, () => {
          const ref = { label: 'Full fine-tuning', value: spreadOf(basis.n >= 2 ? [REF - 0.01, REF, REF + 0.01] : [REF])! };
          const items = want.map((d, i) => ({ label: `LoRA r=${[1, 8, 64][i]}`, value: valueFor(d, basis.n) }));
          const { text, decisions } = compareSentence(ref, items, { less: 'forgot less than', more: 'forgot more than' }, (x) => x.toFixed(2), 'what', basis.ctx);
          // With no noise estimate nothing counts; otherwise the decisions are the ones built.
          expect(decisions).toEqual(basis.name === 'none' ? want.map(() => 'within-noise') : want);
          expect(text).not.toMatch(VERDICT_WORDS);
          expect(text).not.toMatch(/\band [^;:]+ was\b/);
          expect(text).toMatch(/^LoRA r=/);
          expect(text.endsWith(').')).toBe(true);
          for (const it of items) expect(text.split(':')[0].split(it.label).length - 1, it.label).toBe(1);
          if (basis.name === 'seeds') expect(text).toContain('mean [min–max] over 3 seeds');
          if (basis.name === 'shipped') expect(text).toContain("range of the tour's 3-seed run of this setup (0.10)");
          if (basis.name === 'none') expect(text).toContain('could not be told apart');
          if (decisions.includes('within-noise') && basis.name !== 'none') expect(text).toContain('by less than the noise');
        });
      }
    }
  }
});

describe('verdictOf and bothViews: every combination', () => {
  const expected = (ds: Decision[]): Verdict => {
    if (ds.every((d) => d === 'less')) return 'agrees';
    if (ds.every((d) => d === 'more')) return 'disagrees';
    if (ds.every((d) => d === 'within-noise')) return 'within-noise';
    return 'mixed';
  };
  for (const k of [1, 2, 3]) {
    for (const ds of combos(k)) {
      it(`${ds.join(' / ')} → ${expected(ds)}`, () => expect(verdictOf(ds, 'less')).toBe(expected(ds)));
    }
  }
  it('is not measured without decisions', () => expect(verdictOf([], 'less')).toBe('not-measured'));

  it('agrees in two views only when both agree', () => {
    const vs: Verdict[] = ['agrees', 'disagrees', 'mixed', 'within-noise', 'inconclusive'];
    for (const a of vs) for (const b of vs) expect(bothViews(a, b)).toBe(a === b ? a : 'mixed');
    expect(bothViews('agrees', 'not-measured')).toBe('agrees');
    expect(bothViews('not-measured', 'within-noise')).toBe('within-noise');
  });
});

describe('words', () => {
  it('lists, agrees in number, formats spreads and learning rates', () => {
    expect([list([]), list(['a']), list(['a', 'b']), list(['a', 'b', 'c'])]).toEqual(['', 'a', 'a and b', 'a, b and c']);
    expect([be(1), be(2)]).toEqual(['was', 'were']);
    expect(spreadText(spreadOf([1, 2, 3])!)).toBe('2.00 [1.00–3.00]');
    expect(spreadText(spreadOf([1.234])!)).toBe('1.23');
    expect([fmtLr(3e-4), fmtLr(1e-2), fmtLr(2.5e-3)]).toEqual(['3e-4', '1e-2', '2.5e-3']);
  });
});
