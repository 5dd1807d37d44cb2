// Known-answer tests of the weight-change spectra: SVD of matrices whose spectra are built in
// (diagonal, U·diag·Vᵀ from known orthogonal matrices, rank-1 outer products, both non-square
// shapes), explained variance and rank@90% at their boundaries, the Gaussian comparison matrix,
// intruder dimensions, and the per-matrix spectra of a model's weight change.
import { describe, expect, it } from 'vitest';
import { MODEL_SIZES, modelLayout, PROJECTIONS, weightName, type LlamaConfig } from '../../engine/index';
import {
  cumulativeExplained, gaussianLike, intruderDimensions, rank90Summary, rankFor, singularValues, weightChangeRank90, weightChangeSpectra,
} from './spectra';

/** Row-major product of (r, k) and (k, c) matrices. */
function matmul(a: ArrayLike<number>, b: ArrayLike<number>, r: number, k: number, c: number): number[] {
  const out = new Array<number>(r * c).fill(0);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) for (let t = 0; t < k; t++) out[i * c + j] += a[i * k + t] * b[t * c + j];
  return out;
}
const transpose = (a: ArrayLike<number>, r: number, c: number) => {
  const out = new Array<number>(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = a[i * c + j];
  return out;
};
const diag = (s: number[], r: number, c: number) => {
  const out = new Array<number>(r * c).fill(0);
  s.forEach((x, i) => { out[i * c + i] = x; });
  return out;
};
/** Orthogonal 4×4: the normalised Hadamard matrix. */
const H4 = [1, 1, 1, 1, 1, -1, 1, -1, 1, 1, -1, -1, 1, -1, -1, 1].map((x) => x / 2);
/** Orthogonal 3×3: a rotation by 30° about z, then the x/y/z axes permuted with a sign flip. */
const c30 = Math.cos(Math.PI / 6);
const s30 = Math.sin(Math.PI / 6);
const R3 = [0, 0, -1, c30, -s30, 0, s30, c30, 0];

function expectClose(actual: ArrayLike<number>, expected: number[], digits = 10) {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(actual[i]).toBeCloseTo(e, digits));
}

describe('singularValues', () => {
  it('of a diagonal matrix are its |diagonal|, sorted descending', () => {
    expectClose(singularValues(diag([3, -1, 2], 3, 3), 3, 3), [3, 2, 1]);
  });

  it('recovers the spectrum of U·diag(s)·Vᵀ built from known orthogonal matrices, both non-square shapes', () => {
    const s = [5, 2, 0.5];
    // (4, 3) = H4 (4×4) · diag (4×3) · R3ᵀ (3×3)
    const tall = matmul(matmul(H4, diag(s, 4, 3), 4, 4, 3), transpose(R3, 3, 3), 4, 3, 3);
    expectClose(singularValues(tall, 4, 3), s);
    // Its transpose (3, 4) has the same singular values.
    expectClose(singularValues(transpose(tall, 4, 3), 3, 4), s);
  });

  it('of a rank-1 outer product a·bᵀ is |a|·|b| then zeros', () => {
    const a = [1, 2, 2, 0, 4]; // |a| = 5
    const b = [3, 0, 4]; // |b| = 5
    const outer = a.flatMap((x) => b.map((y) => x * y));
    expectClose(singularValues(outer, 5, 3), [25, 0, 0]);
    expectClose(singularValues(transpose(outer, 5, 3), 3, 5), [25, 0, 0]);
  });

  it('rejects a buffer of the wrong size', () => {
    expect(() => singularValues([1, 2, 3], 2, 2)).toThrow(RangeError);
  });
});

describe('cumulativeExplained and rankFor', () => {
  it('accumulate squared singular values', () => {
    expectClose(cumulativeExplained([4, 3]), [16 / 25, 1]);
    expectClose(cumulativeExplained([0, 0]), [0, 0]);
  });

  it('rankFor hits its boundaries', () => {
    const ten = new Array(10).fill(1);
    expect(rankFor(ten)).toBe(9); // exactly 90% after 9 of 10 equal values
    expect(rankFor(ten, 0.91)).toBe(10);
    expect(rankFor(ten, 1)).toBe(10);
    expect(rankFor(ten, 0.1)).toBe(1);
    expect(rankFor([3, 1])).toBe(1); // 9 / 10 = 0.9 exactly
    expect(rankFor([3, 1], 0.95)).toBe(2);
    expect(rankFor([7, 0, 0])).toBe(1);
    expect(rankFor([0, 0, 0])).toBe(0);
    expect(rankFor([])).toBe(0);
  });
});

describe('gaussianLike', () => {
  const frob = (m: ArrayLike<number>) => Math.sqrt(Array.from(m).reduce((a, x) => a + x * x, 0));

  it('has the requested Frobenius norm and is deterministic per seed', () => {
    const g = gaussianLike(12, 7, 3.5, 42);
    expect(g.length).toBe(84);
    expect(frob(g)).toBeCloseTo(3.5, 12);
    expect(Array.from(gaussianLike(12, 7, 3.5, 42))).toEqual(Array.from(g));
    expect(Array.from(gaussianLike(12, 7, 3.5, 43))).not.toEqual(Array.from(g));
    expect(Array.from(gaussianLike(3, 3, 0, 1))).toEqual(new Array(9).fill(0));
  });

  it('looks standard normal before scaling, and its energy is spread over many directions', () => {
    const n = 64;
    const g = gaussianLike(n, n, n, 7); // norm n = sqrt(n²·1): entries of unit variance on average
    const mean = g.reduce((a, x) => a + x, 0) / g.length;
    expect(Math.abs(mean)).toBeLessThan(0.05); // sd of the mean is 1/64
    const within1 = g.filter((x) => Math.abs(x) < 1).length / g.length;
    expect(within1).toBeGreaterThan(0.66); // 68.3% for a standard normal
    expect(within1).toBeLessThan(0.71);
    // Quarter-circle law: a square Gaussian needs well over half its rank for 90% of its energy.
    expect(rankFor(singularValues(g, n, n))).toBeGreaterThan(n / 2);
  });
});

describe('intruderDimensions', () => {
  it('finds none when the matrix did not change', () => {
    const base = gaussianLike(8, 6, 5, 3);
    const r = intruderDimensions(base, base, 8, 6);
    expect(r.count).toBe(0);
    expect(r.maxCos.length).toBe(6); // topK 10 capped at min(rows, cols)
    r.maxCos.forEach((c) => expect(c).toBeCloseTo(1, 8));
  });

  it('finds one when a strong direction orthogonal to the base is added, both non-square shapes', () => {
    // base: diag(6, 5, 4, 3, 2, 0) in an (8, 6) matrix; add 10·e7·e5ᵀ: the new top singular vector
    // is e7, orthogonal to every used direction of the base; the others stay e0..e4.
    const base = diag([6, 5, 4, 3, 2, 0], 8, 6);
    const tuned = [...base];
    tuned[7 * 6 + 5] = 10;
    const r = intruderDimensions(base, tuned, 8, 6);
    expect(r.count).toBe(1);
    expectClose(r.maxCos, [0, 1, 1, 1, 1, 1], 8);
    const rt = intruderDimensions(transpose(base, 8, 6), transpose(tuned, 8, 6), 6, 8, { topK: 2 });
    // Left vectors of the transpose live in R^6: the new one is e5, which the base (row 5 zero) never wrote to.
    expect(rt.count).toBe(1);
    expectClose(rt.maxCos, [0, 1], 8);
  });

  it('measures the cosine against the base vectors, with the threshold deciding', () => {
    // tuned = H4·diag(4,3,2,1): every left vector is a column of H4, |cos| = 1/2 with each e_i of the diagonal base.
    const base = diag([4, 3, 2, 1], 4, 4);
    const tuned = matmul(H4, base, 4, 4, 4);
    const loose = intruderDimensions(base, tuned, 4, 4, { threshold: 0.6 });
    expect(loose.count).toBe(4);
    expectClose(loose.maxCos, [0.5, 0.5, 0.5, 0.5], 8);
    expect(intruderDimensions(base, tuned, 4, 4, { threshold: 0.4 }).count).toBe(0);
    expect(intruderDimensions(base, tuned, 4, 4, { threshold: 0.6, topK: 3 }).count).toBe(3);
  });

  it('flags a strong added direction in a full-rank base', () => {
    // base diag(9..1) (9×9) plus 50·h·hᵀ with h = ones/3: the top left vector is close to h, |cos| ≈ 1/3 with every e_i.
    const n = 9;
    const base = diag([9, 8, 7, 6, 5, 4, 3, 2, 1], n, n);
    const tuned = base.map((x) => x + 50 / n);
    const r = intruderDimensions(base, tuned, n, n, { topK: 1 });
    expect(r.count).toBe(1);
    expect(r.maxCos[0]).toBeGreaterThan(1 / 3 - 0.05);
    expect(r.maxCos[0]).toBeLessThan(0.5);
  });
});

describe('weightChangeSpectra and rank90Summary', () => {
  const cfg: LlamaConfig = MODEL_SIZES.tiny; // dModel 32, 2 layers, 4 heads / 2 kv heads (kv dim 16), ffn 64, tied
  const layout = modelLayout(cfg);
  const base = Float32Array.from(gaussianLike(1, layout.totalElements, Math.sqrt(layout.totalElements) * 0.1, 11));
  const tuned = base.slice();
  const add = (name: string, delta: number[]) => {
    const t = layout.byName.get(name)!;
    delta.forEach((d, i) => { tuned[t.offset + i] += d; });
  };
  // layers.0.wq (32, 32): a rank-1 change 0.5·a·bᵀ with a, b unit: ‖ΔW‖_F = 0.5, rank 1.
  const unit = (n: number, i: number) => Array.from({ length: n }, (_, j) => (j === i ? 1 : 0));
  add('layers.0.wq', unit(32, 3).flatMap((x) => unit(32, 5).map((y) => 0.5 * x * y)));
  // layers.1.w_up (64, 32): three equal singular values (0.25 at (i, i), i < 3): rank@90% = 3.
  add('layers.1.w_up', diag([0.25, 0.25, 0.25], 64, 32));
  // wte (256, 32): one change.
  add('wte', [0, 0.7]);

  it('gives every projection of every layer its shape, kind and spectrum', () => {
    const sp = weightChangeSpectra(cfg, base, tuned);
    expect(sp.map((s) => s.name)).toEqual([0, 1].flatMap((l) => PROJECTIONS.map((p) => weightName(l, p))));
    const k = sp[1];
    expect([k.proj, k.kind, k.rows, k.cols, k.layer]).toEqual(['k', 'attention', 16, 32, 0]);
    const down = sp[13];
    expect([down.proj, down.kind, down.rows, down.cols, down.layer]).toEqual(['down', 'mlp', 32, 64, 1]);
    const q = sp[0];
    expect(q.rank90).toBe(1);
    expect(q.frobenius).toBeCloseTo(0.5, 6);
    expect(q.singular[0]).toBeCloseTo(0.5, 6);
    expect(q.singular.length).toBe(32);
    expect(q.explained[0]).toBeCloseTo(1, 6);
    const up = sp[12];
    expect(up.rank90).toBe(3);
    expect(up.singular.slice(0, 4).map((x) => Math.round(x * 1e5) / 1e5)).toEqual([0.25, 0.25, 0.25, 0]);
    for (const s of sp.filter((x) => x !== q && x !== up)) {
      expect([s.name, s.rank90, s.frobenius, s.intruders]).toEqual([s.name, 0, 0, 0]);
    }
    expect(rank90Summary(sp)).toEqual({ attention: 1 / 8, mlp: 3 / 6, all: 4 / 14 });
    expect(weightChangeRank90(cfg, base, tuned)).toEqual({ attention: 1 / 8, mlp: 3 / 6, all: 4 / 14 });
  });

  it('counts an intruder in a matrix given a strong new direction, and none where nothing changed', () => {
    // layers.0.w_down (32, 64) of the base set to diag(1.00, 1.01, …): its left singular vectors are e0..e31.
    // Adding 1000·u·e0ᵀ with u = ones/√32 makes u the top left singular vector (up to a 1e-3 tilt),
    // with |cos| ≈ 1/√32 ≈ 0.18 < 0.5 against every e_i: one intruder among the top 1.
    const t = layout.byName.get('layers.0.w_down')!;
    const base2 = base.slice();
    base2.fill(0, t.offset, t.offset + t.numel);
    for (let i = 0; i < 32; i++) base2[t.offset + i * 64 + i] = 1 + i / 100;
    const strong = base2.slice();
    for (let i = 0; i < 32; i++) strong[t.offset + i * 64] += 1000 / Math.sqrt(32);
    const sp = weightChangeSpectra(cfg, base2, strong, { intruderTopK: 1 });
    const down = sp.find((s) => s.name === 'layers.0.w_down')!;
    expect(down.intruders).toBe(1);
    expect(down.rank90).toBe(1);
    expect(down.frobenius).toBeCloseTo(1000, 2);
    expect(sp.filter((s) => s !== down).map((s) => s.intruders)).toEqual(new Array(13).fill(0));
  });

  it('adds the embedding when asked, excluded from the summary', () => {
    const sp = weightChangeSpectra(cfg, base, tuned, { includeEmbeddings: true });
    expect(sp.length).toBe(15);
    const wte = sp[14];
    expect([wte.name, wte.kind, wte.layer, wte.rows, wte.cols, wte.rank90]).toEqual(['wte', 'embedding', null, 256, 32, 1]);
    expect(wte.frobenius).toBeCloseTo(0.7, 6);
    expect(rank90Summary(sp)).toEqual({ attention: 1 / 8, mlp: 3 / 6, all: 4 / 14 });
    expect(rank90Summary([])).toEqual({ attention: 0, mlp: 0, all: 0 });
  });

  it('covers lm_head when the embeddings are untied', () => {
    const untied = { ...cfg, tieEmbeddings: false };
    const n = modelLayout(untied).totalElements;
    const sp = weightChangeSpectra(untied, new Float32Array(n), new Float32Array(n), { includeEmbeddings: true });
    expect(sp.slice(-2).map((s) => s.name)).toEqual(['wte', 'lm_head']);
    expect(() => weightChangeSpectra(cfg, new Float32Array(10), new Float32Array(10))).toThrow(RangeError);
  });
});
