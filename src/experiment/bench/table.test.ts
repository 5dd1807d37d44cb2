import { describe, expect, it } from 'vitest';
import { fmt, markdownTable, pct, textTable, withSpread } from './table';

describe('number formatting', () => {
  it('keeps 3 significant figures, whole numbers from 1000', () => {
    expect(fmt(1.23456)).toBe('1.23');
    expect(fmt(0.0012345)).toBe('0.00123');
    expect(fmt(123.456)).toBe('123');
    expect(fmt(12345.6)).toBe('12346');
    expect(fmt(Number.NaN)).toBe('–');
  });
  it('writes fractions as percentages', () => {
    expect(pct(0.1234)).toBe('12%');
    expect(pct(0.0051)).toBe('0.51%');
  });
  it('states half the interquartile range relative to the median', () => {
    // IQR 1.5 around a median of 2.5: ±30%.
    expect(withSpread({ n: 4, median: 2.5, min: 1, max: 4, q1: 1.75, q3: 3.25 })).toBe('2.5 ±30%');
    expect(withSpread({ n: 3, median: 2, min: 2, max: 2, q1: 2, q3: 2 + 1e-9 })).toBe('2 ±<0.1%');
  });
});

describe('tables', () => {
  const t = { title: 'T', headers: ['name', 'ms'], rows: [['a', '1.5'], ['long|name', '12']] };
  it('aligns text columns', () => {
    expect(textTable(t)).toBe(['T', 'name' + ' '.repeat(8) + 'ms', '---------  ---', 'a' + ' '.repeat(10) + '1.5', 'long|name   12'].join('\n'));
  });
  it('writes markdown with escaped pipes and right-aligned numbers', () => {
    expect(markdownTable(t)).toBe(['| name | ms |', '| --- | ---: |', '| a | 1.5 |', '| long\\|name | 12 |'].join('\n'));
  });
});
