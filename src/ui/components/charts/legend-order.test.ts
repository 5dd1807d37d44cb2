import { describe, expect, it } from 'vitest';
import { cssKey, keysOf, legendRank, seriesClass } from './legend-order';

describe('legend order and series keys', () => {
  it('round-trips keys through a className', () => {
    const c = seriesClass(['run-3:r1', 'reference'], 'll-ref-line');
    expect(c).toBe('ll-series ll-k-run-3_r1 ll-k-reference ll-ref-line');
    expect(keysOf(c)).toEqual(['run-3_r1', 'reference']);
    expect(keysOf(undefined)).toEqual([]);
    expect(cssKey('a b.c')).toBe('a_b_c');
  });

  it('orders the methods as given (r=1, r=8, r=64, not alphabetically), then the reference, fronts and base', () => {
    const order = ['full', 'r1', 'r8', 'r64'];
    const entries = [['r64'], ['base'], ['reference'], ['r8'], ['front'], ['full'], ['r1'], ['ref-front'], ['mystery'], []];
    const sorted = [...entries].sort((a, b) => legendRank(order, a) - legendRank(order, b)).map((k) => k[0] ?? '(none)');
    expect(sorted).toEqual(['full', 'r1', 'r8', 'r64', 'reference', 'front', 'ref-front', 'base', 'mystery', '(none)']);
  });
});
