// rope kernels vs the float64 reference at shapes with 1, odd B/T/H, D/2 odd, D/2 not a
// multiple of anything, and a pair count not a multiple of the 256-thread workgroup; plus
// positions up to 4096 (angle precision), other thetas, the forward/backward round trip,
// bit-identical reruns, folded grids and rejected shapes.
import { describe, expect, it } from 'vitest';
import { rope_backward as ref_backward, rope_forward as ref_forward } from '../reference/ops';
import { allclose, randomArray } from '../testing/allclose';
import { download, testContext, upload } from '../testing/gpu';
import { grid1d, run, type Dispatch } from './kernel';
import { rope_backward, rope_forward } from './rope';

const SHAPES: Array<[number, number, number, number]> = [
  // [B, T, H, D]
  [1, 1, 1, 2],
  [1, 5, 3, 4],
  [2, 7, 3, 6],
  [3, 17, 2, 10],
  [2, 64, 4, 16],
  [1, 33, 2, 130],
];

const TOL = { rtol: 1e-4, atol: 1e-5 };

async function runRope(
  B: number, T: number, H: number, D: number, theta: number, x: ArrayLike<number>, dout: ArrayLike<number>,
  regrid?: (d: Dispatch) => Dispatch['workgroups'],
) {
  const { ctx } = await testContext();
  const tx = upload(ctx, x, [B, T, H, D], 'x');
  const td = upload(ctx, dout, [B, T, H, D], 'dx');
  let ds = [
    await rope_forward(ctx, { x: tx, B, T, H, D, theta }),
    await rope_backward(ctx, { dx: td, B, T, H, D, theta }),
  ];
  if (regrid) ds = ds.map((d) => ({ ...d, workgroups: regrid(d) }));
  run(ctx, ds);
  return { y: await download(ctx, tx), dx: await download(ctx, td) };
}

function check(B: number, T: number, H: number, D: number, theta: number, x: Float64Array, dout: Float64Array, got: { y: Float32Array; dx: Float32Array }) {
  const f = (a: Float64Array) => Float64Array.from(Float32Array.from(a));
  const r1 = allclose(got.y, ref_forward(f(x), B, T, H, D, theta), { ...TOL, label: 'y' });
  const r2 = allclose(got.dx, ref_backward(f(dout), B, T, H, D, theta), { ...TOL, label: 'dx' });
  return `worst rel y ${r1.worstRel.toExponential(1)} dx ${r2.worstRel.toExponential(1)}; worst abs y ${r1.worstAbs.toExponential(1)} dx ${r2.worstAbs.toExponential(1)}`;
}

describe('rope', () => {
  for (const [B, T, H, D] of SHAPES) {
    it(`forward and backward at B=${B} T=${T} H=${H} D=${D}`, async () => {
      const x = randomArray(B * T * H * D, 1 + T * D);
      const dout = randomArray(B * T * H * D, 2 + B * H);
      const got = await runRope(B, T, H, D, 10000, x, dout);
      console.log(`rope B=${B} T=${T} H=${H} D=${D}: ${check(B, T, H, D, 10000, x, dout, got)}`);
    });
  }

  it('keeps angles accurate up to position 4096', async () => {
    // |x| = 1 pairs make the absolute error of y the error of cos/sin of the angle.
    const [B, T, H, D] = [1, 4097, 1, 64];
    const x = randomArray(T * D, 3).map((v) => (v >= 0 ? 1 : -1));
    const dout = randomArray(T * D, 4);
    const got = await runRope(B, T, H, D, 10000, x, dout);
    const tight = { rtol: 1e-5, atol: 2e-6 };
    const r = allclose(got.y, ref_forward(x, B, T, H, D), { ...tight, label: 'y' });
    allclose(got.dx, ref_backward(Float64Array.from(Float32Array.from(dout)), B, T, H, D), { ...tight, label: 'dx' });
    // For comparison: the angle error of the usual f32 t · f32(inv_freq), before any sin/cos error.
    let naive = 0;
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < D / 2; i++) {
        const f = Math.pow(10000, (-2 * i) / D);
        naive = Math.max(naive, Math.abs(Math.fround(t * Math.fround(f)) - t * f));
      }
    }
    console.log(`rope T=4097 D=64: worst abs y ${r.worstAbs.toExponential(1)}; a plain f32 angle would err by up to ${naive.toExponential(1)} rad`);
  });

  it('works with other thetas', async () => {
    const [B, T, H, D] = [2, 19, 3, 12];
    for (const theta of [10, 500000]) {
      const x = randomArray(B * T * H * D, 5);
      const dout = randomArray(B * T * H * D, 6);
      const got = await runRope(B, T, H, D, theta, x, dout);
      console.log(`rope theta=${theta}: ${check(B, T, H, D, theta, x, dout, got)}`);
    }
  });

  it('undoes the forward with the backward', async () => {
    const { ctx } = await testContext();
    const [B, T, H, D] = [2, 40, 3, 14];
    const x = Float32Array.from(randomArray(B * T * H * D, 7));
    const tx = upload(ctx, x, [B, T, H, D]);
    run(ctx, [
      await rope_forward(ctx, { x: tx, B, T, H, D, theta: 10000 }),
      await rope_backward(ctx, { dx: tx, B, T, H, D, theta: 10000 }),
    ]);
    allclose(await download(ctx, tx), x, { rtol: 1e-5, atol: 1e-6, label: 'x round trip' });
  });

  it('is bit-identical across runs', async () => {
    const [B, T, H, D] = [2, 50, 3, 18];
    const x = randomArray(B * T * H * D, 8);
    const dout = randomArray(B * T * H * D, 9);
    const a = await runRope(B, T, H, D, 10000, x, dout);
    const b = await runRope(B, T, H, D, 10000, x, dout);
    expect(new Uint32Array(b.y.buffer)).toEqual(new Uint32Array(a.y.buffer));
    expect(new Uint32Array(b.dx.buffer)).toEqual(new Uint32Array(a.dx.buffer));
  });

  it('covers grids folded into two dimensions', async () => {
    // Past 65535 workgroups grid1d folds the launch into (x, y) and the shader rebuilds the
    // linear index from num_workgroups. Re-launch with the grid grid1d gives for a limit of 7.
    const [B, T, H, D] = [2, 25, 4, 40]; // 4000 pairs: 16 workgroups → 6 × 3 (2 spare)
    const fold = grid1d((B * T * H * D) / 2, 256, 7);
    expect(fold).toEqual([6, 3, 1]);
    const x = randomArray(B * T * H * D, 10);
    const dout = randomArray(B * T * H * D, 11);
    check(B, T, H, D, 10000, x, dout, await runRope(B, T, H, D, 10000, x, dout, () => fold));
  });

  it('rejects bad shapes before dispatch', async () => {
    const { ctx } = await testContext();
    const t = (n: number) => upload(ctx, new Float32Array(n), [n]);
    await expect(rope_forward(ctx, { x: t(30), B: 1, T: 2, H: 3, D: 5, theta: 10000 })).rejects.toThrow(
      /rope_forward: head dim D must be even, got 5/,
    );
    await expect(rope_backward(ctx, { dx: t(30), B: 1, T: 2, H: 3, D: 4, theta: 10000 })).rejects.toThrow(
      /rope_backward: dx has 30 elements \[30\], expected 24/,
    );
    await expect(rope_forward(ctx, { x: t(24), B: 1, T: 2, H: 3, D: 4, theta: 0 })).rejects.toThrow(
      /rope_forward: theta must be a positive number, got 0/,
    );
    await expect(rope_forward(ctx, { x: t(24), B: 0, T: 2, H: 3, D: 4, theta: 10000 })).rejects.toThrow(
      /rope_forward: B must be a positive integer, got 0/,
    );
  });
});
