import { describe, expect, it } from 'vitest';
import { chartStyle, yAxisWidth } from './chart-style';

describe('chart sizes', () => {
  it('give every plot at least 240 px and axis type of 14 px, 18 px in presentation mode', () => {
    for (const present of [false, true]) {
      for (const size of ['normal', 'tall'] as const) {
        const s = chartStyle(present, size);
        expect(s.plot).toBeGreaterThanOrEqual(240);
        expect(s.tick.fontSize).toBe(present ? 18 : 14);
        expect(s.height).toBe(s.plot + s.margin.top + s.margin.bottom + s.xAxisHeight);
        // The x axis label fits under the ticks.
        expect(s.margin.bottom).toBeGreaterThan(s.font);
      }
    }
    expect(chartStyle(true).plot).toBeGreaterThan(chartStyle(false).plot);
  });

  it('widen the y axis for longer labels and larger type', () => {
    const s = chartStyle(false);
    expect(yAxisWidth(s, ['1.5', '2.0'])).toBeLessThan(yAxisWidth(s, ['0.0025', '0.0050']));
    expect(yAxisWidth(chartStyle(true), ['2.0'])).toBeGreaterThan(yAxisWidth(s, ['2.0']));
  });
});
