import { describe, expect, it } from 'vitest';
import type { PeerResults } from './peers/types';
import { fmt, markdownTable, pct, peerTables, ratio, textTable, withSpread } from './table';

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

describe('peer tables', () => {
  const s = (median: number) => ({ n: 3, median, min: median, max: median, q1: median, q3: median });
  const peers: PeerResults = {
    info: [{ peer: 'tfjs', label: 'TensorFlow.js 4.22.0 (webgpu backend)', sharedDevice: true, notes: ['a', 'b'] }],
    checks: [{ peer: 'ort', what: 'forward 4×2×3', maxAbsDiff: 0, maxAbs: 0.5, tolerance: 1e-7, ok: true }],
    matmul: [{
      peer: 'tfjs', group: 'tiny q/o', form: 'forward', rows: 4, inDim: 2, outDim: 3, ms: s(8), gflops: s(0.25), fractionOfPeak: 0.5,
      engineVariant: 'register', engineOverPeer: 0.25,
    }],
    steps: [
      {
        peer: 'tfjs', size: 'tiny', B: 4, T: 32, ms: s(2000), tokensPerSecond: 64, engineOverPeer: 0.125,
        lossCheck: { engine: [5.5, 5.25], peer: [5.5, 5.2501], maxAbsDelta: 1e-4, maxRelDelta: 1.9e-5, tolerance: 1e-3, ok: true, optimizer: 'adam' },
      },
      {
        peer: 'tfjs', size: 'base', B: 8, T: 64, ms: null, tokensPerSecond: null, engineOverPeer: null,
        lossCheck: { engine: [5], peer: [6], maxAbsDelta: 1, maxRelDelta: 0.2, tolerance: 1e-3, ok: false, optimizer: 'adam' },
      },
    ],
    errors: ['ORT could not start: no'],
  };
  const [who, checks, matmul, steps] = peerTables(peers);
  it('writes ratios as engine/peer time', () => {
    expect(ratio(0.25)).toBe('0.25×');
    expect(ratio(12.345)).toBe('12×');
    expect(ratio(null)).toBe('–');
    expect(matmul.rows).toEqual([['tiny q/o', 'forward', '4×2×3', 'TF.js', '8 ±<0.1%', '0.25', '50%', 'register', '0.25×']]);
  });
  it('lists who ran how, and what could not run', () => {
    expect(who.rows).toEqual([
      ['TF.js', 'TensorFlow.js 4.22.0 (webgpu backend)', "engine's device", 'a; b'],
      ['not run', '', '', 'ORT could not start: no'],
    ]);
  });
  it('states each check, the loss check as relative deltas', () => {
    expect(checks.rows).toEqual([
      ['ORT', 'matmul forward 4×2×3', '0', '0.5', '1e-7', 'yes'],
      ['TF.js', 'training step tiny: losses of steps 1–2, relative', '0.000019', '5.5', '0.001', 'yes'],
      ['TF.js', 'training step base: losses of steps 1–1, relative', '0.2', '5', '0.001', 'NO'],
    ]);
  });
  it('refuses the step time when the losses differ', () => {
    expect(steps.rows).toEqual([
      ['tiny', 'TF.js full', '4×32', '5.5000/5.5000 5.2500/5.2501', '2000 ±<0.1%', '64', '0.13×'],
      ['base', 'TF.js full', '8×64', '5.0000/6.0000', 'refused: losses differ', '–', '–'],
    ]);
  });
});
