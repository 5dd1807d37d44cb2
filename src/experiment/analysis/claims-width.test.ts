// Finding 6 across widths: the ratio of full fine-tuning's rank@90% to LoRA's decides the verdict,
// through the noise rule, and the sentence reports rank, share and ratio at both widths.
import { describe, expect, it } from 'vitest';
import type { EvalPoint } from '../protocol';
import { widthClaim, type WidthRun } from './claims-width';

/** One seed: step 0 (rank 0), a middle evaluation and the last one with the given full and LoRA ranks. */
const seed = (full: number, lora: number, width: number): EvalPoint[] => [
  ...['full', 'r8'].map((method) => ({ step: 0, method, targetLoss: 6.5, sourceLoss: 1.85, rank90: { attention: 0, mlp: 0, all: 0, share: 0 } })),
  { step: 100, method: 'full', targetLoss: 2, sourceLoss: 2.4, rank90: { attention: 1, mlp: 1, all: 1, share: 1 / width } },
  { step: 100, method: 'r8', targetLoss: 2.5, sourceLoss: 2.5, rank90: { attention: 1, mlp: 1, all: 1, share: 1 / width } },
  { step: 200, method: 'full', targetLoss: 1.7, sourceLoss: 2.5, rank90: { attention: full, mlp: full, all: full, share: full / width } },
  { step: 200, method: 'r8', targetLoss: 2.4, sourceLoss: 2.5, rank90: { attention: lora, mlp: lora, all: lora, share: lora / width } },
];
const run = (width: number, pairs: Array<[number, number]>): WidthRun => ({
  width, layers: width === 64 ? 2 : 4, base: width === 64 ? '“base”' : '“small”', full: 'full', lora: 'r8', lrs: { full: 1e-3, lora: 1e-2 },
  seeds: pairs.map(([f, l]) => seed(f, l, width)),
});

describe('finding 6 across widths', () => {
  it('agrees when the ratio to LoRA grows beyond the seed range, and reports rank, share and ratio at both widths', () => {
    const narrow = run(64, [[19.1, 5], [19.2, 5], [19.3, 5.1]]);
    const wide = run(128, [[21.5, 4.6], [21.7, 4.6], [21.9, 4.7]]);
    const c = widthClaim(narrow, wide, 'LoRA r=8');
    expect(c.finding).toBe(6);
    expect(c.verdict).toBe('agrees');
    expect(c.measured).toContain('width 64 (“base”, step 200): rank 19.2 [19.1–19.3], 30% [30%–30%] of each matrix\'s full rank');
    expect(c.measured).toContain('width 128 (“small”, step 200): rank 21.7 [21.5–21.9], 17% [17%–17%]');
    expect(c.measured).toMatch(/From width 64 to 128 \(a model size, not the width alone: the 128-wide base has 4 layers instead of 2 and its own pretraining\), its rank grew \(19\.2 → 21\.7\), its share of the full rank fell \(30% → 17%\), and its lead over LoRA r=8 grew beyond the noise: the direction/);
    expect(c.measured).toContain('(3.8× → 4.7×)');
    expect(c.measured).toContain('(3.8× → 4.7×). Both runs train at the same learning rates (full fine-tuning 1e-3, LoRA r=8 1e-2), not re-tuned for the 128-wide base; a learning rate changes how high-rank a weight change grows, so part of this trend may be the rate\'s rather than the size\'s. (Mean [min–max] over 3 seeds');
    expect(c.numbers?.map((x) => x.label)).toEqual([
      'Full fine-tuning rank@90%, width 64', 'Full fine-tuning rank@90%, width 128', 'Full ÷ LoRA r=8 rank@90%, width 64', 'Full ÷ LoRA r=8 rank@90%, width 128',
    ]);
    expect(c.seeds).toBe(3);
  });

  it('is within noise when the ratios overlap, and says these widths cannot tell', () => {
    const narrow = run(64, [[19, 5], [20, 5], [21, 5]]);
    const wide = run(128, [[19.5, 5], [20.5, 5], [21.5, 5]]);
    const c = widthClaim(narrow, wide, 'LoRA r=8');
    expect(c.verdict).toBe('within-noise');
    expect(c.measured).toContain('its rank changed by less than the noise, its share');
    expect(c.measured).toContain('did not change beyond the noise, so these two sizes cannot tell whether it grows with the model');
  });

  it('names both runs\' learning rates when they differ', () => {
    const wide = { ...run(128, [[21.5, 4.6], [21.7, 4.6], [21.9, 4.7]]), lrs: { full: 3e-4, lora: 3e-3 } };
    const c = widthClaim(run(64, [[19.1, 5], [19.2, 5], [19.3, 5.1]]), wide, 'LoRA r=8');
    expect(c.measured).toContain('The runs train at different learning rates (width 64: full fine-tuning 1e-3, LoRA r=8 1e-2; width 128: full fine-tuning 3e-4, LoRA r=8 3e-3), which also change how high-rank a weight change grows.');
    expect(c.measured).not.toContain('not re-tuned');
  });

  it('disagrees when the ratio shrinks beyond the noise', () => {
    const c = widthClaim(run(64, [[19, 4], [19.1, 4], [19.2, 4]]), run(128, [[19, 8], [19.1, 8], [19.2, 8]]), 'LoRA r=8');
    expect(c.verdict).toBe('disagrees');
    expect(c.measured).toContain('shrank beyond the noise: against the direction');
  });

  it('with one seed per width counts nothing as a difference, and says why', () => {
    const c = widthClaim(run(64, [[19, 5]]), run(128, [[30, 4]]), 'LoRA r=8');
    expect(c.verdict).toBe('within-noise');
    expect(c.measured).toContain('One seed per width: no noise estimate');
  });

  it('is not measured when a seed has no spectra after step 0', () => {
    const wide = run(128, [[21, 4.6]]);
    const narrow: WidthRun = { ...run(64, [[19, 5]]), seeds: [seed(19, 5, 64).filter((e) => e.step === 0)] };
    const c = widthClaim(narrow, wide, 'LoRA r=8');
    expect(c.verdict).toBe('not-measured');
    expect(c.measured).toMatch(/^Not measured: the width comparison needs/);
  });
});
