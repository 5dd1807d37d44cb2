// rmsnorm kernels vs the float64 reference, at shapes that are 1, odd and not multiples of
// the 64-thread workgroups, the 4-column steps of the row sums or the 32-row chunks of the
// weight-gradient sums (including a long column sum over thousands of rows); plus
// accumulation into dx, the frozen-weight path (dw null), bit-identical reruns and folded grids.
import { describe, expect, it } from 'vitest';
import { rmsnorm_backward as ref_backward, rmsnorm_forward as ref_forward } from '../reference/ops';
import { allclose, randomArray } from '../testing/allclose';
import { download, empty, testContext, upload } from '../testing/gpu';
import { grid1d, run, type Dispatch } from './kernel';
import { rmsnorm_backward, rmsnorm_forward } from './rmsnorm';

const SHAPES: Array<[number, number]> = [
  // [N, C]
  [1, 1],
  [1, 7],
  [3, 5],
  [17, 33],
  [33, 128],
  [5, 300],
  [70, 129],
  [512, 64], // the base model's shape
  [4133, 6], // long weight-gradient column sums
];

const EPS = 1e-5;
const TOL = { rtol: 1e-4, atol: 1e-5 };

interface Case {
  N: number;
  C: number;
  x: Float64Array;
  w: Float64Array;
  dout: Float64Array;
  dx0?: Float64Array;
  withDw?: boolean;
  /** Replaces the grid of every dispatch (folded-grid test). */
  regrid?: (d: Dispatch, i: number) => Dispatch['workgroups'];
}

function makeCase(N: number, C: number, seed: number): Case {
  const x = randomArray(N * C, seed, 2);
  const w = randomArray(C, seed + 1, 0.5).map((v) => 1 + v);
  return { N, C, x, w, dout: randomArray(N * C, seed + 2) };
}

async function runCase(k: Case) {
  const { ctx } = await testContext();
  const { N, C } = k;
  const tx = upload(ctx, k.x, [N, C], 'x');
  const tw = upload(ctx, k.w, [C], 'w');
  const out = empty(ctx, [N, C], 'out');
  const rstd = empty(ctx, [N], 'rstd');
  const dx = k.dx0 ? upload(ctx, k.dx0, [N, C], 'dx') : empty(ctx, [N, C], 'dx');
  const dw = k.withDw === false ? null : empty(ctx, [C], 'dw');
  const bwd = await rmsnorm_backward(ctx, {
    dout: upload(ctx, k.dout, [N, C], 'dout'), x: tx, w: tw, rstd, dx, dw, N, C, accumulateDx: !!k.dx0,
  });
  let ds = [await rmsnorm_forward(ctx, { x: tx, w: tw, out, rstd, N, C, eps: EPS }), ...bwd];
  if (k.regrid) ds = ds.map((d, i) => ({ ...d, workgroups: k.regrid!(d, i) }));
  run(ctx, ds);
  return {
    dispatches: bwd.length,
    out: await download(ctx, out),
    rstd: await download(ctx, rstd),
    dx: await download(ctx, dx),
    dw: dw ? await download(ctx, dw) : null,
  };
}

/** Checks against the reference fed with the f32-rounded inputs; returns the worst errors. */
function check(k: Case, got: Awaited<ReturnType<typeof runCase>>): string {
  const { N, C } = k;
  const f = (a: Float64Array) => Float64Array.from(Float32Array.from(a));
  const [x, w, dout] = [f(k.x), f(k.w), f(k.dout)];
  const fwd = ref_forward(x, w, N, C, EPS);
  const bwd = ref_backward(dout, x, w, fwd.rstd, N, C);
  const dxRef = k.dx0 ? bwd.dx.map((v, i) => v + Math.fround(k.dx0![i])) : bwd.dx;
  const r = [
    allclose(got.out, fwd.out, { ...TOL, label: 'out' }),
    allclose(got.rstd, fwd.rstd, { ...TOL, label: 'rstd' }),
    allclose(got.dx, dxRef, { ...TOL, label: 'dx' }),
  ];
  let s = `worst rel out ${r[0].worstRel.toExponential(1)} rstd ${r[1].worstRel.toExponential(1)} dx ${r[2].worstRel.toExponential(1)}`;
  if (got.dw) s += ` dw ${allclose(got.dw, bwd.dw, { ...TOL, label: 'dw' }).worstRel.toExponential(1)}`;
  return s;
}

describe('rmsnorm', () => {
  for (const [N, C] of SHAPES) {
    it(`forward and backward at N=${N} C=${C}`, async () => {
      const k = makeCase(N, C, 100 + N * C);
      const got = await runCase(k);
      expect(got.dispatches).toBe(2);
      console.log(`rmsnorm N=${N} C=${C}: ${check(k, got)}`);
    });
  }

  it('handles zero and large rows', async () => {
    const k = makeCase(4, 37, 7);
    k.x.fill(0, 0, 37); // rstd = 1/sqrt(eps)
    for (let i = 37; i < 74; i++) k.x[i] *= 1e4;
    const got = await runCase(k);
    console.log(`rmsnorm zero/large rows: ${check(k, got)}`);
  });

  it('adds the input gradient to dx with accumulateDx', async () => {
    const k = { ...makeCase(9, 140, 21), dx0: randomArray(9 * 140, 24) };
    const got = await runCase(k);
    console.log(`rmsnorm accumulateDx N=9 C=140: ${check(k, got)}`);
  });

  it('skips the weight gradient when dw is null (frozen weight)', async () => {
    const k = { ...makeCase(40, 20, 31), withDw: false };
    const got = await runCase(k);
    expect(got.dispatches).toBe(1);
    expect(got.dw).toBeNull();
    check(k, got);
  });

  it('is bit-identical across runs', async () => {
    const k = makeCase(100, 257, 41);
    const a = await runCase(k);
    const b = await runCase(k);
    for (const key of ['out', 'rstd', 'dx', 'dw'] as const) {
      expect(new Uint32Array(b[key]!.buffer), key).toEqual(new Uint32Array(a[key]!.buffer));
    }
  });

  it('covers grids folded into two dimensions', async () => {
    // Past 65535 workgroups grid1d folds a launch into (x, y) and the shaders rebuild the
    // linear index from num_workgroups. The dispatches are re-launched with the grids
    // grid1d gives for small per-dimension limits, each with spare workgroups.
    const [N, C] = [300, 600];
    const grids: Array<Dispatch['workgroups']> = [
      grid1d(N, 64, 2), // forward rows: 5 workgroups → 2 × 3
      grid1d(N, 64, 2), // backward rows
      grid1d(C, 64, 3), // dw columns: 10 workgroups → 3 × 4
    ];
    expect(grids).toEqual([[2, 3, 1], [2, 3, 1], [3, 4, 1]]);
    const k: Case = { ...makeCase(N, C, 51), regrid: (_d, i) => grids[i] };
    console.log(`rmsnorm folded grids N=${N} C=${C}: ${check(k, await runCase(k))}`);
  });

  it('rejects bad shapes before dispatch', async () => {
    const { ctx } = await testContext();
    const t = (n: number) => upload(ctx, new Float32Array(n), [n]);
    await expect(rmsnorm_forward(ctx, { x: t(6), w: t(2), out: t(6), rstd: t(2), N: 2, C: 3, eps: EPS })).rejects.toThrow(
      /rmsnorm_forward: w has 2 elements \[2\], expected 3/,
    );
    await expect(
      rmsnorm_backward(ctx, { dout: t(6), x: t(6), w: t(3), rstd: t(2), dx: t(6), dw: t(4), N: 2, C: 3 }),
    ).rejects.toThrow(/rmsnorm_backward: dw has 4 elements \[4\], expected 3/);
    await expect(
      rmsnorm_backward(ctx, { dout: t(6), x: t(6), w: t(3), rstd: t(3), dx: t(6), dw: null, N: 2, C: 3 }),
    ).rejects.toThrow(/rmsnorm_backward: rstd has 3 elements \[3\], expected 2/);
    await expect(rmsnorm_forward(ctx, { x: t(6), w: t(3), out: t(6), rstd: t(2), N: 2.5, C: 3, eps: EPS })).rejects.toThrow(
      /rmsnorm_forward: N and C must be positive integers/,
    );
  });
});
