// Checks of the float64 reference LoRA ops (dropout mask, adapter forward/backward, merge)
// and the optimiser (AdamW against hand-computed values, grad norm, clip scale).
import { afterAll, describe, expect, it } from 'vitest';
import { randomArray } from '../testing/allclose';
import { check_grad, weighted_sum, WorstTracker, type GradCheckResult } from './gradcheck';
import {
  adamw_step, clip_scale, grad_norm, lora_backward, lora_delta, lora_dropout_backward,
  lora_dropout_forward, lora_forward, lora_merge, matmul_forward,
} from './ops';
import { dropout_keep } from './rng';

const worst = new WorstTracker();
function ok(r: GradCheckResult): void {
  worst.add(r);
  expect(r.ok, r.message).toBe(true);
}
afterAll(() => console.log(`lora.test ${worst.summary()}`));

describe('lora_dropout', () => {
  it('is a copy at p = 0 and uses the shared hash mask otherwise', () => {
    const [N, K] = [40, 50];
    const x = randomArray(N * K, 1);
    expect(Array.from(lora_dropout_forward(x, N, K, 0, 9))).toEqual(Array.from(x));
    const p = 0.3;
    const xd = lora_dropout_forward(x, N, K, p, 1234);
    let kept = 0;
    for (let i = 0; i < N * K; i++) {
      const keep = dropout_keep(1234, i, p);
      if (keep) expect(xd[i]).toBeCloseTo(x[i] / (1 - p), 15);
      else expect(xd[i]).toBe(0);
      if (keep) kept++;
    }
    expect(Math.abs(kept / (N * K) - (1 - p))).toBeLessThan(0.03);
    // A different seed gives a different mask.
    const other = lora_dropout_forward(x, N, K, p, 1235);
    expect(other.some((v, i) => (v === 0) !== (xd[i] === 0))).toBe(true);
    expect(() => lora_dropout_forward(x, N, K, 1, 0)).toThrow(RangeError);
  });
  it('backward matches finite differences', () => {
    const [N, K, p, seed] = [3, 5, 0.4, 77];
    const x = randomArray(N * K, 2);
    const R = randomArray(N * K, 3);
    const f = () => weighted_sum(lora_dropout_forward(x, N, K, p, seed), R);
    ok(check_grad('dropout dx', f, x, lora_dropout_backward(R, N, K, p, seed)));
  });
});

describe('lora', () => {
  for (const [N, K, M, r, p] of [[1, 1, 1, 1, 0], [4, 6, 5, 2, 0], [5, 7, 3, 3, 0.25]]) {
    it(`forward/backward match finite differences at N=${N} K=${K} M=${M} r=${r} p=${p}`, () => {
      const [scale, seed] = [1.75, 4242];
      const x = randomArray(N * K, 10 + K);
      const A = randomArray(r * K, 11 + K);
      const B = randomArray(M * r, 12 + K);
      const R = randomArray(N * M, 13 + K);
      const fw = lora_forward(x, A, B, N, K, M, r, scale, p, seed);
      // y = scale·drop(x)·Aᵀ·Bᵀ = drop(x)·(scale·B·A)ᵀ
      const y2 = matmul_forward(lora_dropout_forward(x, N, K, p, seed), lora_delta(A, B, M, K, r, scale), N, K, M);
      y2.forEach((v, i) => expect(fw.y[i]).toBeCloseTo(v, 12));
      const f = () => weighted_sum(lora_forward(x, A, B, N, K, M, r, scale, p, seed).y, R);
      const g = lora_backward(R, x, A, B, fw.u, fw.xd, N, K, M, r, scale, p, seed);
      ok(check_grad('lora dx', f, x, g.dx));
      ok(check_grad('lora dA', f, A, g.dA));
      ok(check_grad('lora dB', f, B, g.dB));
    });
  }
  it('merge equals base plus adapter output (p = 0)', () => {
    const [N, K, M, r, scale] = [3, 4, 5, 2, 0.5];
    const x = randomArray(N * K, 20);
    const W = randomArray(M * K, 21);
    const A = randomArray(r * K, 22);
    const B = randomArray(M * r, 23);
    const merged = matmul_forward(x, lora_merge(W, A, B, M, K, r, scale), N, K, M);
    const base = matmul_forward(x, W, N, K, M);
    const ad = lora_forward(x, A, B, N, K, M, r, scale, 0, 0).y;
    merged.forEach((v, i) => expect(v).toBeCloseTo(base[i] + ad[i], 13));
    // Hand value: M = K = r = 1 → W + scale·B·A.
    expect(lora_merge([1], [2], [3], 1, 1, 1, 0.5)[0]).toBe(4);
  });
});

describe('adamw_step', () => {
  it('matches hand-computed values over two steps', () => {
    const h = { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, gradScale: 1 };
    const p = Float64Array.from([1, -2]);
    const m = new Float64Array(2);
    const v = new Float64Array(2);
    adamw_step(p, [0.5, 0], m, v, { ...h, step: 1 });
    // p0: 1·(1 − 0.001) = 0.999; m = 0.05, v = 0.00025; m̂ = 0.5, v̂ = 0.25;
    //     0.999 − 0.1·0.5/(0.5 + 1e-8) = 0.89900000199999996
    // p1: −2·0.999 = −1.998, zero gradient → no Adam update.
    expect(m[0]).toBeCloseTo(0.05, 15);
    expect(v[0]).toBeCloseTo(0.00025, 15);
    expect(p[0]).toBeCloseTo(0.899000002, 14);
    expect(p[1]).toBeCloseTo(-1.998, 14);
    adamw_step(p, [-1, 0], m, v, { ...h, step: 2, gradScale: 0.5 });
    // g = −0.5; m = 0.045 − 0.05 = −0.005; v = 0.00024975 + 0.00025 = 0.00049975;
    // m̂ = −0.005/0.19 = −0.026315789…; v̂ = 0.00049975/0.001999 = 0.25000000…;
    // p = 0.899000002·0.999 + 0.1·0.0263157895/(0.5 + 1e-8) = 0.898101001998 + 0.00526315779 = 0.90336415979
    expect(m[0]).toBeCloseTo(-0.005, 15);
    expect(v[0]).toBeCloseTo(0.00049975, 15);
    expect(p[0]).toBeCloseTo(0.90336415979, 10);
    expect(p[1]).toBeCloseTo(-1.998 * 0.999, 14);
    expect(() => adamw_step(p, [0, 0], m, v, { ...h, step: 0 })).toThrow(RangeError);
  });
});

describe('grad_norm / clip_scale', () => {
  it('computes the global norm and the clipping factor', () => {
    expect(grad_norm([[3], Float64Array.from([4, 0]), []])).toBe(5);
    expect(clip_scale(5, 1)).toBeCloseTo(1 / (5 + 1e-6), 15);
    expect(clip_scale(0.5, 1)).toBe(1);
    expect(clip_scale(5, 0)).toBe(1);
    expect(clip_scale(5, -1)).toBe(1);
    expect(clip_scale(5, Infinity)).toBe(1);
    expect(clip_scale(5, NaN)).toBe(1);
  });
});
