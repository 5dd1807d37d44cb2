import { describe, expect, it } from 'vitest';
import { lossTickFormatter, tickDecimals } from './ticks';

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
