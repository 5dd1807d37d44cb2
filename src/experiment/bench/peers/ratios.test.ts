// Known answers for the peer arithmetic: time ratios, the engine's fastest row, the loss check
// and the matmul result comparison.
import { describe, expect, it } from 'vitest';
import type { MatmulBench } from '../report';
import { summarize } from '../stats';
import { compareResults } from './engine-matmul';
import { engineOverPeer, fastestEngineRow, lossCheck } from './ratios';

const row = (variant: string, form: MatmulBench['form'], median: number, group = 'g'): MatmulBench => ({
  group, form, variant, rows: 4, inDim: 2, outDim: 3, ms: summarize([median]), gflops: summarize([1]), fractionOfPeak: 0.1,
});

describe('engine/peer ratios', () => {
  it('is engine time over peer time', () => {
    expect(engineOverPeer(2, 8)).toBe(0.25);
    expect(engineOverPeer(9, 3)).toBe(3);
    expect(Number.isNaN(engineOverPeer(0, 3))).toBe(true);
    expect(Number.isNaN(engineOverPeer(2, Number.NaN))).toBe(true);
  });
  it('takes the fastest engine variant at the same shape and form', () => {
    const rows = [row('register', 'forward', 5), row('tiled', 'forward', 3), row('tiled', 'backward_input', 1), row('x', 'forward', 0.5, 'other')];
    const at = { group: 'g', form: 'forward', rows: 4, inDim: 2, outDim: 3 };
    expect(fastestEngineRow(rows, at)?.variant).toBe('tiled');
    expect(fastestEngineRow(rows, { ...at, inDim: 5 })).toBeNull();
  });
});

describe('loss check', () => {
  it('passes within the relative tolerance and states the largest deltas', () => {
    const c = lossCheck([5, 4, 2], [5.001, 4, 2.003], 2e-3, 'adam');
    expect(c.ok).toBe(true);
    expect(c.maxAbsDelta).toBeCloseTo(0.003, 12);
    expect(c.maxRelDelta).toBeCloseTo(0.0015, 12);
  });
  it('fails beyond it, on NaN, and on missing steps', () => {
    expect(lossCheck([5, 4], [5, 4.01], 1e-3, 'adam').ok).toBe(false); // 2.5e-3 relative
    expect(lossCheck([5, 4], [5, Number.NaN], 1e-3, 'adam').ok).toBe(false);
    expect(lossCheck([5, 4, 3], [5, 4], 1e-3, 'adam').ok).toBe(false);
  });
});

describe('matmul comparison', () => {
  it('reports the largest difference against a tolerance that grows with K', () => {
    const c = compareResults('tfjs', 'forward', Float32Array.from([1, -2, 3]), Float32Array.from([1, -2.5, 3]), 64);
    expect(c.maxAbsDiff).toBe(0.5);
    expect(c.maxAbs).toBe(3);
    expect(c.ok).toBe(false);
    // 64 terms of at most 0.01: 64 · 0.01 · 8 · 2⁻²³ + 1e-7.
    expect(c.tolerance).toBeCloseTo(64 * 0.08 * 2 ** -23 + 1e-7, 15);
    expect(compareResults('ort', 'f', Float32Array.from([1, 2]), Float32Array.from([1, 2]), 8).ok).toBe(true);
    expect(compareResults('ort', 'f', Float32Array.from([1, 2]), Float32Array.from([1]), 8).ok).toBe(false);
    expect(compareResults('ort', 'f', Float32Array.from([1, 2]), Float32Array.from([1, Number.NaN]), 8).ok).toBe(false);
  });
});
