// embedding kernels vs the float64 reference at shapes that are 1, odd and not multiples of
// the 64-thread workgroups (rows of dwte in the backward), long runs of one token; plus
// out-of-range tokens, accumulation (tied embeddings), bit-identical reruns and folded grids.
import { describe, expect, it } from 'vitest';
import { embedding_backward as ref_backward, embedding_forward as ref_forward } from '../reference/ops';
import { allclose, randomArray } from '../testing/allclose';
import { download, empty, testContext, upload } from '../testing/gpu';
import { embedding_backward, embedding_forward } from './embedding';
import { grid1d, run } from './kernel';

const SHAPES: Array<[number, number, number]> = [
  // [N, V, C]
  [1, 1, 1],
  [1, 3, 7],
  [5, 2, 3],
  [17, 9, 65],
  [300, 7, 33],
  [40, 301, 5],
  [513, 64, 130],
  [512, 256, 64], // the base model's shape
  [4133, 2, 3], // about 2000 rows summed into each dwte row
];

const TOL = { rtol: 1e-4, atol: 1e-5 };

function randomTokens(N: number, V: number, seed: number): Int32Array {
  const r = randomArray(N, seed);
  return Int32Array.from(r, (x) => Math.min(V - 1, Math.floor(((x + 1) / 2) * V)));
}

async function runBoth(N: number, V: number, C: number, tokens: Int32Array, wte: ArrayLike<number>, dout: ArrayLike<number>, dwte0?: ArrayLike<number>) {
  const { ctx } = await testContext();
  const tt = upload(ctx, tokens, [N], 'tokens', 'i32');
  const tout = empty(ctx, [N, C], 'out');
  const tdwte = dwte0 ? upload(ctx, dwte0, [V, C], 'dwte') : empty(ctx, [V, C], 'dwte');
  run(ctx, [
    await embedding_forward(ctx, { tokens: tt, wte: upload(ctx, wte, [V, C], 'wte'), out: tout, N, V, C }),
    await embedding_backward(ctx, { tokens: tt, dout: upload(ctx, dout, [N, C], 'dout'), dwte: tdwte, N, V, C, accumulate: !!dwte0 }),
  ]);
  return { out: await download(ctx, tout), dwte: await download(ctx, tdwte) };
}

describe('embedding', () => {
  for (const [N, V, C] of SHAPES) {
    it(`forward and backward at N=${N} V=${V} C=${C}`, async () => {
      const tokens = randomTokens(N, V, 1 + N);
      const wte = randomArray(V * C, 2 + V);
      const dout = randomArray(N * C, 3 + C);
      const got = await runBoth(N, V, C, tokens, wte, dout);
      const r1 = allclose(got.out, ref_forward(tokens, wte, N, V, C), { ...TOL, label: 'out' });
      const r2 = allclose(got.dwte, ref_backward(dout, tokens, N, V, C), { ...TOL, label: 'dwte' });
      console.log(`embedding N=${N} V=${V} C=${C}: worst rel out ${r1.worstRel.toExponential(1)} dwte ${r2.worstRel.toExponential(1)}`);
    });
  }

  it('gives zero rows for tokens outside [0, V) and ignores them in the gradient', async () => {
    const [V, C] = [5, 9];
    const tokens = Int32Array.from([2, -1, 5, 4, 1_000_000, -2_147_483_648, 2, 0]);
    const N = tokens.length;
    const wte = randomArray(V * C, 41);
    const dout = randomArray(N * C, 42);
    const got = await runBoth(N, V, C, tokens, wte, dout);
    const valid = Array.from(tokens, (t) => t >= 0 && t < V);
    // The reference rejects such tokens: give it token 0 with a zero weight row / zero dout row.
    const safe = Int32Array.from(tokens, (t, n) => (valid[n] ? t : 0));
    const outRef = ref_forward(safe, wte, N, V, C).map((x, i) => (valid[Math.floor(i / C)] ? x : 0));
    const doutMasked = dout.map((x, i) => (valid[Math.floor(i / C)] ? x : 0));
    allclose(got.out, outRef, { ...TOL, label: 'out' });
    allclose(got.dwte, ref_backward(doutMasked, safe, N, V, C), { ...TOL, label: 'dwte' });
  });

  it('adds to dwte with accumulate (tied embeddings)', async () => {
    const [N, V, C] = [37, 11, 70];
    const tokens = randomTokens(N, V, 51);
    const wte = randomArray(V * C, 52);
    const dout = randomArray(N * C, 53);
    const dwte0 = randomArray(V * C, 54);
    const got = await runBoth(N, V, C, tokens, wte, dout, dwte0);
    const f0 = Float32Array.from(dwte0);
    const want = ref_backward(dout, tokens, N, V, C).map((x, i) => x + f0[i]);
    const r = allclose(got.dwte, want, { ...TOL, label: 'dwte+=' });
    console.log(`embedding accumulate N=${N} V=${V} C=${C}: worst rel dwte ${r.worstRel.toExponential(1)}`);
  });

  it('is bit-identical across runs', async () => {
    const [N, V, C] = [600, 3, 67]; // many repeats per token, several 256-token chunks
    const tokens = randomTokens(N, V, 61);
    const wte = randomArray(V * C, 62);
    const dout = randomArray(N * C, 63);
    const a = await runBoth(N, V, C, tokens, wte, dout);
    const b = await runBoth(N, V, C, tokens, wte, dout);
    expect(new Uint32Array(b.dwte.buffer)).toEqual(new Uint32Array(a.dwte.buffer));
    expect(new Uint32Array(b.out.buffer)).toEqual(new Uint32Array(a.out.buffer));
  });

  it('covers grids folded into two dimensions', async () => {
    // Past 65535 workgroups grid1d folds the launch into (x, y); the shaders rebuild the
    // linear index from num_workgroups. A real fold needs > 65535 workgroups, which takes
    // minutes on SwiftShader, so the same dispatches are re-launched with the grid that
    // grid1d gives for small per-dimension limits (with spare workgroups that must do nothing).
    const { ctx } = await testContext();
    const [N, V, C] = [20, 150, 30]; // 600 outputs; 150 dwte rows
    const tokens = randomTokens(N, V, 71);
    const wte = randomArray(V * C, 72);
    const dout = randomArray(N * C, 73);
    const tt = upload(ctx, tokens, [N], 'tokens', 'i32');
    const out = empty(ctx, [N, C], 'out');
    const dwte = empty(ctx, [V, C], 'dwte');
    const fwd = await embedding_forward(ctx, { tokens: tt, wte: upload(ctx, wte, [V, C]), out, N, V, C });
    const bwd = await embedding_backward(ctx, { tokens: tt, dout: upload(ctx, dout, [N, C]), dwte, N, V, C });
    const fwdFold = grid1d(N * C, 64, 4);
    const bwdFold = grid1d(V, 64, 2);
    expect([fwdFold, bwdFold]).toEqual([[4, 3, 1], [2, 2, 1]]); // 10 → 12 and 3 → 4 workgroups
    run(ctx, [{ ...fwd, workgroups: fwdFold }, { ...bwd, workgroups: bwdFold }]);
    allclose(await download(ctx, out), ref_forward(tokens, wte, N, V, C), { ...TOL, label: 'out' });
    allclose(await download(ctx, dwte), ref_backward(dout, tokens, N, V, C), { ...TOL, label: 'dwte' });
  });

  it('rejects bad shapes before dispatch', async () => {
    const { ctx } = await testContext();
    const t = (n: number, dtype: 'f32' | 'i32' = 'f32') => upload(ctx, new Float32Array(n), [n], 't', dtype);
    await expect(embedding_forward(ctx, { tokens: t(4, 'i32'), wte: t(10), out: t(12), N: 4, V: 5, C: 3 })).rejects.toThrow(
      /embedding_forward: wte has 10 elements \[10\], expected 15/,
    );
    await expect(embedding_forward(ctx, { tokens: t(4), wte: t(15), out: t(12), N: 4, V: 5, C: 3 })).rejects.toThrow(
      /embedding_forward: tokens must be i32, got f32/,
    );
    await expect(
      embedding_backward(ctx, { tokens: t(3, 'i32'), dout: t(12), dwte: t(15), N: 4, V: 5, C: 3 }),
    ).rejects.toThrow(/embedding_backward: tokens has 3 elements \[3\], expected 4/);
    await expect(
      embedding_backward(ctx, { tokens: t(4, 'i32'), dout: t(12), dwte: t(15), N: 4, V: 5, C: 0 }),
    ).rejects.toThrow(/embedding_backward: C must be a positive integer, got 0/);
  });
});
