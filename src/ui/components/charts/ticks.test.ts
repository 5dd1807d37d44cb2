import { describe, expect, it } from 'vitest';
import { lossTickFormatter, niceScale, niceStep, shareScale, stepDecimals, tickDecimals } from './ticks';

describe('loss axis ticks', () => {
  it('use two decimals on a wide axis and more on a narrow one', () => {
    expect(tickDecimals(3)).toBe(2);
    expect(tickDecimals(0.03)).toBe(3);
    expect(tickDecimals(0.003)).toBe(4);
    expect(tickDecimals(0)).toBe(2);
    expect(tickDecimals(Number.NaN)).toBe(2);
  });

  it('label the five ticks of a 1.73–1.76 axis without repeats', () => {
    const fmt = lossTickFormatter([1.7301, 1.7592, Number.NaN]);
    const labels = [1.73, 1.7375, 1.745, 1.7525, 1.76].map(fmt);
    expect(new Set(labels).size).toBe(5);
    expect(labels[0]).toBe('1.730');
  });
});

describe('nice scales', () => {
  it('round a loss axis out to a nice step, with every tick a multiple of it', () => {
    const s = niceScale([1.73, 2.41, 3.09, 5.11])!;
    expect(s.domain).toEqual([1, 6]);
    expect(s.ticks).toEqual([1, 2, 3, 4, 5, 6]);
    expect(s.format(2)).toBe('2');
    const t = niceScale([1.73, 2.41])!;
    expect(t.ticks).toEqual([1.6, 1.8, 2, 2.2, 2.4, 2.6]);
    expect(t.ticks.map(t.format)).toEqual(['1.6', '1.8', '2.0', '2.2', '2.4', '2.6']);
  });

  it('keep to at most `intervals` intervals and 1, 2, 2.5 or 5 times a power of ten', () => {
    for (const [lo, hi] of [[0, 200], [1.7, 1.76], [0.001, 0.93], [2.25, 4.05], [-3, 7], [1e-3, 2e-3]]) {
      const s = niceScale([lo, hi])!;
      const step = s.ticks[1] - s.ticks[0];
      expect(s.ticks.length - 1, `${lo}–${hi}`).toBeLessThanOrEqual(5);
      expect(s.ticks.length - 1, `${lo}–${hi}`).toBeGreaterThanOrEqual(2);
      const m = step / 10 ** Math.floor(Math.log10(step) + 1e-9);
      expect([1, 2, 2.5, 5].some((x) => Math.abs(x - m) < 1e-6), `${lo}–${hi}: step ${step}`).toBe(true);
      expect(s.domain[0]).toBeLessThanOrEqual(lo);
      expect(s.domain[1]).toBeGreaterThanOrEqual(hi);
      expect(new Set(s.ticks.map(s.format)).size, `${lo}–${hi}: repeated labels`).toBe(s.ticks.length);
    }
  });

  it('steps by 50 on a 0–200 step axis and by 0.01 on a narrow source-loss axis', () => {
    expect(niceScale([0, 200])!.ticks).toEqual([0, 50, 100, 150, 200]);
    const narrow = niceScale([1.7301, 1.7592])!;
    expect(narrow.ticks).toEqual([1.73, 1.74, 1.75, 1.76]);
    expect(narrow.ticks.map(narrow.format)).toEqual(['1.73', '1.74', '1.75', '1.76']);
  });

  it('hold included values, respect bounds, and centre a single value', () => {
    expect(niceScale([3, 9], { include: [0] })!.domain[0]).toBe(0);
    expect(niceScale([0.02, 0.98], { min: 0, max: 1 })!.domain).toEqual([0, 1]);
    const one = niceScale([2])!;
    expect(one.domain[0]).toBeLessThan(2);
    expect(one.domain[1]).toBeGreaterThan(2);
    expect(niceScale([Number.NaN, Number.POSITIVE_INFINITY])).toBeNull();
  });

  it('print shares as percents', () => {
    const s = shareScale([0.5, 1])!;
    expect(s.ticks.map(s.format)).toEqual(['50%', '60%', '70%', '80%', '90%', '100%']);
  });

  it('niceStep and stepDecimals', () => {
    expect(niceStep(0.3, 3)).toBeCloseTo(0.1, 12);
    expect(niceStep(10, 4)).toBe(2.5);
    expect(stepDecimals(2.5)).toBe(1);
    expect(stepDecimals(0.25)).toBe(2);
    expect(stepDecimals(50)).toBe(0);
  });
});
