// Finite-difference and hand-value checks of the float64 reference ops (dense, attention).
import { afterAll, describe, expect, it } from 'vitest';
import { randomArray } from '../testing/allclose';
import { check_grad, weighted_sum, WorstTracker, type GradCheckResult } from './gradcheck';
import {
  attention_backward, attention_forward, cross_entropy_backward, cross_entropy_forward,
  embedding_backward, embedding_forward, matmul_backward, matmul_forward, rmsnorm_backward,
  rmsnorm_forward, rope_backward, rope_forward, swiglu_backward, swiglu_forward,
} from './ops';

const worst = new WorstTracker();
function ok(r: GradCheckResult): void {
  worst.add(r);
  expect(r.ok, r.message).toBe(true);
}
afterAll(() => console.log(`ops.test ${worst.summary()}`));

describe('gradcheck', () => {
  it('catches a gradient that is off by 0.1%', () => {
    const x = randomArray(6, 1);
    const w = randomArray(6, 2);
    const f = () => weighted_sum(x.map((v) => v * v), w);
    const good = x.map((v, i) => 2 * v * w[i]);
    expect(check_grad('good', f, x, good).ok).toBe(true);
    expect(check_grad('bad', f, x, good.map((v) => v * 1.001)).ok).toBe(false);
  });
});

describe('matmul', () => {
  it('forward matches a hand value and backward matches finite differences', () => {
    // x (1, 2) = [1, 2], w (2, 2) = [[3, 4], [5, 6]] → y = [11, 17]
    expect(Array.from(matmul_forward([1, 2], [3, 4, 5, 6], 1, 2, 2))).toEqual([11, 17]);
    for (const [N, K, M] of [[1, 1, 1], [3, 4, 5], [7, 2, 3]]) {
      const x = randomArray(N * K, 1 + N);
      const w = randomArray(M * K, 2 + M);
      const R = randomArray(N * M, 3 + K);
      const f = () => weighted_sum(matmul_forward(x, w, N, K, M), R);
      const { dx, dw } = matmul_backward(R, x, w, N, K, M);
      ok(check_grad(`matmul dx ${N}x${K}x${M}`, f, x, dx));
      ok(check_grad(`matmul dw ${N}x${K}x${M}`, f, w, dw));
    }
  });
});

describe('embedding', () => {
  it('gathers rows and scatter-adds repeated tokens', () => {
    const [V, C] = [5, 3];
    const tokens = Int32Array.from([4, 0, 4, 2]);
    const wte = randomArray(V * C, 7);
    const out = embedding_forward(tokens, wte, 4, V, C);
    expect(Array.from(out.subarray(0, 3))).toEqual(Array.from(wte.subarray(12, 15)));
    const R = randomArray(4 * C, 8);
    const dwte = embedding_backward(R, tokens, 4, V, C);
    ok(check_grad('embedding dwte', () => weighted_sum(embedding_forward(tokens, wte, 4, V, C), R), wte, dwte));
    expect(Array.from(dwte.subarray(3, 6))).toEqual([0, 0, 0]); // token 1 unused
    expect(() => embedding_forward(Int32Array.from([5]), wte, 1, V, C)).toThrow(RangeError);
  });
});

describe('rmsnorm', () => {
  it('forward matches the formula and backward matches finite differences', () => {
    const { out, rstd } = rmsnorm_forward([3, 4], [1, 2], 1, 2, 0);
    expect(rstd[0]).toBeCloseTo(1 / Math.sqrt(12.5), 14);
    expect(out[1]).toBeCloseTo((4 / Math.sqrt(12.5)) * 2, 14);
    for (const [N, C] of [[1, 1], [4, 7]]) {
      const x = randomArray(N * C, 11 + C);
      const w = randomArray(C, 12 + C, 2);
      const R = randomArray(N * C, 13 + C);
      const f = () => weighted_sum(rmsnorm_forward(x, w, N, C).out, R);
      const fw = rmsnorm_forward(x, w, N, C);
      const { dx, dw } = rmsnorm_backward(R, x, w, fw.rstd, N, C);
      ok(check_grad(`rmsnorm dx ${N}x${C}`, f, x, dx));
      ok(check_grad(`rmsnorm dw ${N}x${C}`, f, w, dw));
    }
  });
});

describe('rope', () => {
  it('rotates (x[i], x[i+D/2]) by t·theta^(-2i/D)', () => {
    // B=1, T=2, H=1, D=4: position 0 is the identity; at t=1, pair 0 turns 1 rad, pair 1 0.01 rad.
    const x = [1, 2, 3, 4, 1, 2, 3, 4];
    const out = rope_forward(x, 1, 2, 1, 4);
    expect(Array.from(out.subarray(0, 4))).toEqual([1, 2, 3, 4]);
    const [c0, s0, c1, s1] = [Math.cos(1), Math.sin(1), Math.cos(0.01), Math.sin(0.01)];
    const want = [1 * c0 - 3 * s0, 2 * c1 - 4 * s1, 3 * c0 + 1 * s0, 4 * c1 + 2 * s1];
    want.forEach((v, i) => expect(out[4 + i]).toBeCloseTo(v, 14));
    expect(() => rope_forward([1, 2, 3], 1, 1, 1, 3)).toThrow(RangeError);
  });
  it('backward matches finite differences (and a non-default theta)', () => {
    const [B, T, H, D] = [2, 5, 3, 6];
    const x = randomArray(B * T * H * D, 21);
    const R = randomArray(B * T * H * D, 22);
    for (const theta of [10000, 500]) {
      const f = () => weighted_sum(rope_forward(x, B, T, H, D, theta), R);
      ok(check_grad(`rope dx theta=${theta}`, f, x, rope_backward(R, B, T, H, D, theta)));
    }
  });
});

describe('attention', () => {
  it('is causal with probability rows and GQA equal to MHA on repeated kv heads', () => {
    const [B, T, H, Hkv, D] = [2, 4, 4, 2, 4];
    const q = randomArray(B * T * H * D, 31);
    const k = randomArray(B * T * Hkv * D, 32);
    const v = randomArray(B * T * Hkv * D, 33);
    const { out, att } = attention_forward(q, k, v, B, T, H, Hkv, D);
    for (let row = 0; row < B * H * T; row++) {
      const t = row % T;
      let s = 0;
      for (let j = 0; j < T; j++) {
        s += att[row * T + j];
        if (j > t) expect(att[row * T + j]).toBe(0);
      }
      expect(s).toBeCloseTo(1, 14);
    }
    // Repeat each kv head G = 2 times → plain multi-head attention gives the same output.
    const rep = (a: Float64Array) => {
      const r = new Float64Array(B * T * H * D);
      for (let bt = 0; bt < B * T; bt++)
        for (let h = 0; h < H; h++)
          for (let d = 0; d < D; d++) r[(bt * H + h) * D + d] = a[(bt * Hkv + Math.floor(h / 2)) * D + d];
      return r;
    };
    const mha = attention_forward(q, rep(k), rep(v), B, T, H, H, D);
    mha.out.forEach((val, i) => expect(out[i]).toBeCloseTo(val, 14));
    // t = 0 attends only to itself: out = v of its kv head.
    for (let d = 0; d < D; d++) expect(out[3 * D + d]).toBeCloseTo(v[1 * D + d], 14);
  });
  for (const [B, T, H, Hkv, D] of [[1, 1, 1, 1, 2], [2, 5, 4, 2, 4], [1, 6, 3, 1, 2], [2, 3, 2, 2, 8]]) {
    it(`backward matches finite differences at B=${B} T=${T} H=${H} Hkv=${Hkv} D=${D}`, () => {
      const q = randomArray(B * T * H * D, 41 + T, 1.5);
      const k = randomArray(B * T * Hkv * D, 42 + T, 1.5);
      const v = randomArray(B * T * Hkv * D, 43 + T);
      const R = randomArray(B * T * H * D, 44 + T);
      const f = () => weighted_sum(attention_forward(q, k, v, B, T, H, Hkv, D).out, R);
      const { att } = attention_forward(q, k, v, B, T, H, Hkv, D);
      const g = attention_backward(R, q, k, v, att, B, T, H, Hkv, D);
      ok(check_grad('attention dq', f, q, g.dq));
      ok(check_grad('attention dk', f, k, g.dk));
      ok(check_grad('attention dv', f, v, g.dv));
    });
  }
});

describe('swiglu', () => {
  it('forward matches silu(g)·u and backward matches finite differences', () => {
    expect(swiglu_forward([0, 2], [5, 3], 1, 2)[1]).toBeCloseTo((2 / (1 + Math.exp(-2))) * 3, 14);
    const [N, F] = [3, 7];
    const gate = randomArray(N * F, 51, 4);
    const up = randomArray(N * F, 52, 2);
    const R = randomArray(N * F, 53);
    const f = () => weighted_sum(swiglu_forward(gate, up, N, F), R);
    const { dgate, dup } = swiglu_backward(R, gate, up, N, F);
    ok(check_grad('swiglu dgate', f, gate, dgate));
    ok(check_grad('swiglu dup', f, up, dup));
  });
});

describe('cross_entropy', () => {
  it('gives log V on uniform logits and ignores target -1', () => {
    const V = 6;
    const r = cross_entropy_forward(new Float64Array(3 * V), Int32Array.from([0, -1, 5]), 3, V);
    expect(r.nValid).toBe(2);
    expect(r.loss).toBeCloseTo(Math.log(V), 14);
    expect(Array.from(r.losses)).toEqual([Math.log(V), 0, Math.log(V)]);
    const none = cross_entropy_forward(new Float64Array(2 * V), Int32Array.from([-1, -1]), 2, V);
    expect(none.loss).toBe(0);
    expect(cross_entropy_backward(new Float64Array(2 * V), Int32Array.from([-1, -1]), 2, V).every((x) => x === 0)).toBe(true);
    expect(() => cross_entropy_forward(new Float64Array(V), Int32Array.from([V]), 1, V)).toThrow(RangeError);
  });
  it('is stable for huge logits', () => {
    const r = cross_entropy_forward([1000, 0, -1000, 1000], Int32Array.from([1, 0]), 2, 2);
    expect(r.losses[0]).toBeCloseTo(1000, 10);
    expect(r.losses[1]).toBeCloseTo(2000, 10);
    expect(cross_entropy_backward([1000, 0, -1000, 1000], Int32Array.from([1, 0]), 2, 2).every(Number.isFinite)).toBe(true);
  });
  it('backward matches finite differences of the mean loss', () => {
    const [N, V] = [5, 9];
    const logits = randomArray(N * V, 61, 4);
    const targets = Int32Array.from([3, -1, 0, 8, 8]);
    const f = () => cross_entropy_forward(logits, targets, N, V).loss;
    const d = cross_entropy_backward(logits, targets, N, V);
    ok(check_grad('cross_entropy dlogits', f, logits, d));
    for (let j = 0; j < V; j++) expect(d[1 * V + j]).toBe(0);
  });
});
