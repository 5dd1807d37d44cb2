// The noise rule on hand-made spreads: a difference inside the seed range is "within noise", one
// beyond it counts; one-seed sides borrow the shipped estimate, and without one nothing counts.
import { describe, expect, it } from 'vitest';
import { compare, noiseEstimate, spreadOf, VERDICT_RULE } from './noise';

const s = (...v: number[]) => spreadOf(v)!;

describe('spreadOf', () => {
  it('gives mean, range and count of the finite values', () => {
    expect(s(1, 2, 6)).toEqual({ values: [1, 2, 6], mean: 3, min: 1, max: 6, n: 3 });
    expect(spreadOf([2, NaN, Infinity])).toEqual({ values: [2], mean: 2, min: 2, max: 2, n: 1 });
    expect(spreadOf([NaN])).toBeNull();
    expect(spreadOf([])).toBeNull();
  });
});

describe('compare: several seeds', () => {
  it('calls a difference inside the larger range within noise', () => {
    // means 2.00 and 2.05; ranges 0.10 and 0.04: |0.05| < 0.10
    const c = compare(s(1.95, 2.0, 2.05), s(2.03, 2.05, 2.07));
    expect(c.rel).toBe('within-noise');
    expect(c.basis).toBe('seeds');
    expect(c.noise).toBeCloseTo(0.1, 12);
  });

  it('counts a difference beyond the larger range, in its direction', () => {
    // means 2.00 and 2.40, ranges 0.10 and 0.04
    expect(compare(s(1.95, 2.0, 2.05), s(2.38, 2.4, 2.42)).rel).toBe('less');
    expect(compare(s(2.38, 2.4, 2.42), s(1.95, 2.0, 2.05)).rel).toBe('more');
  });

  it('is strict at the boundary and never counts a difference below the floor', () => {
    expect(compare(s(1, 1.5), s(2, 2))).toMatchObject({ rel: 'less', diff: -0.75, noise: 0.5 }); // 0.75 beyond 0.5
    expect(compare(s(1, 2), s(2.5, 2.5)).rel).toBe('within-noise'); // diff 1.0 = range 1.0: not beyond
    expect(compare(s(1, 1), s(1.005, 1.005), { floor: 0.01 }).rel).toBe('within-noise'); // identical seeds, tiny gap
    expect(compare(s(1, 1), s(1.02, 1.02), { floor: 0.01 }).rel).toBe('less');
  });
});

describe('compare: one seed', () => {
  it('borrows the shipped estimate and says so', () => {
    const c = compare(s(2.0), s(2.3), { shipped: 0.1 });
    expect(c).toMatchObject({ rel: 'less', basis: 'shipped', noise: 0.1 });
    expect(compare(s(2.0), s(2.05), { shipped: 0.1 }).rel).toBe('within-noise');
  });

  it('uses the larger of the shipped estimate and the other side’s own range', () => {
    expect(compare(s(2.0), s(2.1, 2.3, 2.5), { shipped: 0.1 })).toMatchObject({ rel: 'within-noise', noise: expect.closeTo(0.4, 12) });
  });

  it('counts nothing without an estimate', () => {
    const c = compare(s(1), s(5));
    expect(c.rel).toBe('within-noise');
    expect(c.basis).toBe('none');
  });
});

describe('noiseEstimate and the rule in words', () => {
  it('is the largest range among spreads of several seeds', () => {
    expect(noiseEstimate([s(1, 1.2), s(3), s(2, 2.5, 2.1), null])).toBeCloseTo(0.5, 12);
    expect(noiseEstimate([s(1)])).toBeNull();
  });

  it('states the rule the code applies', () => {
    expect(VERDICT_RULE).toContain('larger than the larger of their two ranges');
    expect(VERDICT_RULE).toContain('within noise at this scale');
  });
});
