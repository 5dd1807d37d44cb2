import { describe, expect, it } from 'vitest';
import { invertSummary, quantile, relativeSpread, summarize } from './stats';

describe('summarize', () => {
  it('gives median, quartiles and extremes of an odd count', () => {
    expect(summarize([3, 1, 2])).toEqual({ n: 3, median: 2, min: 1, max: 3, q1: 1.5, q3: 2.5 });
  });
  it('interpolates quartiles of an even count', () => {
    // Sorted 1,2,3,4: positions 0.75, 1.5, 2.25.
    expect(summarize([4, 1, 3, 2])).toEqual({ n: 4, median: 2.5, min: 1, max: 4, q1: 1.75, q3: 3.25 });
  });
  it('is NaN for no samples', () => {
    expect(Number.isNaN(summarize([]).median)).toBe(true);
    expect(Number.isNaN(quantile([], 0.5))).toBe(true);
  });
  it('states the spread relative to the median', () => {
    expect(relativeSpread(summarize([4, 1, 3, 2]))).toBeCloseTo(1.5 / 2.5, 12);
  });
  it('inverts times into throughputs, swapping the ends', () => {
    const t = invertSummary(summarize([1, 2, 4]), 8);
    expect(t).toEqual({ n: 3, median: 4, min: 2, max: 8, q1: 8 / 3, q3: 8 / 1.5 });
  });
});
