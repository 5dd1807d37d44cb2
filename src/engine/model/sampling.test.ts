// Sampling and entropy on hand-made logits (no GPU): greedy is argmax, top-k and the top-p
// nucleus keep the documented sets, temperature reshapes the distribution, and results are
// a deterministic function of u.
import { describe, expect, it } from 'vitest';
import { sampleFromLogits, softmaxEntropy, type SamplingOptions } from './generate';

const PLAIN: SamplingOptions = { temperature: 1, topK: 0, topP: 1 };

/** Logits whose softmax is `probs`, shuffled into token order `ids` (probs[j] belongs to ids[j]). */
function logitsOf(probs: number[], ids: number[], vocab: number): Float32Array {
  const l = new Float32Array(vocab).fill(-Infinity);
  probs.forEach((p, j) => (l[ids[j]] = Math.log(p)));
  return l;
}

/** How often each token is drawn over a uniform grid of n values of u. */
function histogram(logits: Float32Array, vocab: number, opts: SamplingOptions, n = 1000): number[] {
  const h = new Array<number>(vocab).fill(0);
  for (let i = 0; i < n; i++) h[sampleFromLogits(logits, 0, vocab, opts, (i + 0.5) / n)]++;
  return h;
}

describe('softmaxEntropy', () => {
  it('is ln V for uniform logits, 0 for a point mass, and the hand value for two tokens', () => {
    expect(softmaxEntropy(new Float32Array(256).fill(3.5), 0, 256)).toBeCloseTo(Math.log(256), 10);
    const point = new Float32Array([-Infinity, 2, -Infinity]);
    expect(softmaxEntropy(point, 0, 3)).toBe(0);
    // p = (1/4, 3/4): H = −(¼ ln ¼ + ¾ ln ¾) = 0.5623351446188083
    const two = new Float32Array([9, 9, 0, Math.log(3)]);
    expect(softmaxEntropy(two, 2, 2)).toBeCloseTo(0.5623351446188083, 6);
  });
});

describe('sampleFromLogits', () => {
  const V = 6;
  // Token 4: 0.5, token 1: 0.3, token 5: 0.15, token 0: 0.05 (tokens 2, 3 impossible).
  const logits = logitsOf([0.5, 0.3, 0.15, 0.05], [4, 1, 5, 0], V);

  it('temperature 0 and top-k 1 are the argmax for every u', () => {
    for (const u of [0, 0.3, 0.999999]) {
      expect(sampleFromLogits(logits, 0, V, { ...PLAIN, temperature: 0 }, u)).toBe(4);
      expect(sampleFromLogits(logits, 0, V, { ...PLAIN, topK: 1 }, u)).toBe(4);
    }
    // Ties go to the lowest token id; the offset selects the row.
    const rows = new Float32Array([0, 0, 0, 1, 7, 7, 2]);
    expect(sampleFromLogits(rows, 3, 4, { ...PLAIN, temperature: 0 }, 0.5)).toBe(1);
  });

  it('draws each token with its softmax probability over a grid of u', () => {
    const h = histogram(logits, V, PLAIN);
    expect(h).toEqual([50, 300, 0, 0, 500, 150]);
  });

  it('top-k renormalizes over the k most likely tokens', () => {
    // {4, 1}: 0.5/0.8 = 0.625, 0.3/0.8 = 0.375.
    expect(histogram(logits, V, { ...PLAIN, topK: 2 })).toEqual([0, 375, 0, 0, 625, 0]);
  });

  it('top-p keeps the smallest nucleus reaching p', () => {
    // Cumulative 0.5, 0.8, 0.95, 1: p = 0.75 keeps {4, 1}; p = 0.9 keeps {4, 1, 5}; p = 0.4 keeps {4}.
    expect(histogram(logits, V, { ...PLAIN, topP: 0.75 })).toEqual([0, 375, 0, 0, 625, 0]);
    const h9 = histogram(logits, V, { ...PLAIN, topP: 0.9 }, 950);
    expect(h9).toEqual([0, 300, 0, 0, 500, 150]);
    expect(histogram(logits, V, { ...PLAIN, topP: 0.4 })).toEqual([0, 0, 0, 0, 1000, 0]);
  });

  it('temperature reshapes: 2 flattens to sqrt(p), near 0 becomes greedy', () => {
    // p ∝ (0.5, 0.3, 0.15, 0.05)^(1/2) = (0.7071, 0.5477, 0.3873, 0.2236) / 1.8657.
    const h = histogram(logits, V, { ...PLAIN, temperature: 2 }, 100000);
    const expected = [0.2236, 0.5477, 0, 0, 0.7071, 0.3873].map((v) => v / 1.8657);
    h.forEach((c, i) => expect(Math.abs(c / 100000 - expected[i])).toBeLessThan(2e-4));
    for (const u of [0, 0.5, 0.999]) expect(sampleFromLogits(logits, 0, V, { ...PLAIN, temperature: 1e-4 }, u)).toBe(4);
  });

  it('is a deterministic function of u', () => {
    const opts = { temperature: 0.8, topK: 3, topP: 0.95 };
    for (const u of [0.01, 0.42, 0.77]) {
      expect(sampleFromLogits(logits, 0, V, opts, u)).toBe(sampleFromLogits(logits, 0, V, opts, u));
    }
    expect(() => sampleFromLogits(logits, 0, V, { ...PLAIN, temperature: -1 }, 0.5)).toThrow(/temperature/);
  });
});
