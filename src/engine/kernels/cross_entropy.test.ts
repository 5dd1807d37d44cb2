// cross-entropy kernels vs the float64 reference: V = 1, odd V and V not a multiple of the
// 4-column steps of the row passes, N not a multiple of the 64-thread workgroups and N over
// many 64-row chunks of the stats sum, ignored and out-of-range targets, all rows ignored,
// and extreme logits (±1000).
import { describe, expect, it } from 'vitest';
import { cross_entropy_backward as ref_backward, cross_entropy_forward as ref_forward } from '../reference/ops';
import type { GpuTensor } from '../gpu/buffers';
import { allclose, randomArray } from '../testing/allclose';
import { download, empty, testContext, upload } from '../testing/gpu';
import { cross_entropy_backward, cross_entropy_forward } from './cross_entropy';
import { run, type KernelContext } from './kernel';

interface Case {
  name: string;
  N: number;
  V: number;
  logits: Float64Array; // (N, V), f32-representable so the reference sees what the GPU sees
  targets: Int32Array; // (N), may hold ignored (-1) and out-of-range values
}

const f32 = (x: ArrayLike<number>) => Float64Array.from(Float32Array.from(x));

/** Targets in [0, V) with every `ignoreEvery`-th row set to -1 (0 = none ignored). */
function targetsFor(N: number, V: number, seed: number, ignoreEvery = 0): Int32Array {
  const r = randomArray(N, seed);
  return Int32Array.from(r, (x, i) => (ignoreEvery && i % ignoreEvery === 1 ? -1 : Math.floor(((x + 1) / 2) * V)));
}

function randomCase(N: number, V: number, ignoreEvery = 0): Case {
  return { name: `N=${N} V=${V}`, N, V, logits: f32(randomArray(N * V, 7 + V, 4)), targets: targetsFor(N, V, 3 + N, ignoreEvery) };
}

function extremeCase(): Case {
  const V = 259;
  const rows = [
    (j: number) => (j === 5 ? 1000 : -1000), // one-hot peak: loss 0 at the peak, 2000 elsewhere
    () => 1000, // flat at +1000: loss log(V)
    (j: number) => 1000 - 0.25 * (j % 9), // near-ties at the top
    (j: number) => (j % 2 ? 1000 : -1000),
  ];
  const logits = f32(rows.flatMap((fn, r) => Array.from({ length: V }, (_, j) => (r === 4 ? 0 : fn(j)))));
  return { name: 'extreme ±1000', N: rows.length, V, logits, targets: Int32Array.from([5, 17, 0, 2]) };
}

const CASES: Case[] = [
  randomCase(1, 1),
  randomCase(3, 7, 2),
  { ...randomCase(5, 259, 3), name: 'N=5 V=259 out-of-range targets' },
  randomCase(4, 1000, 4),
  randomCase(300, 3, 5),
  randomCase(70, 256, 9), // the base model's vocabulary
  randomCase(4133, 5, 11), // a long stats sum
  { ...randomCase(4, 9), name: 'all rows ignored', targets: Int32Array.from([-1, -1, -1, -1]) },
  { ...randomCase(2, 7), name: 'one -1 and one out-of-range', targets: Int32Array.from([-1, 7]) },
  extremeCase(),
];
CASES[2].targets[1] = 259; // == V: ignored, never read
CASES[2].targets[4] = -7;

interface Buffers { logits: GpuTensor; targets: GpuTensor; losses: GpuTensor; stats: GpuTensor; dlogits: GpuTensor }

function allocate(ctx: KernelContext, c: Case): Buffers {
  return {
    logits: upload(ctx, c.logits, [c.N, c.V], 'logits'),
    targets: upload(ctx, c.targets, [c.N], 'targets', 'i32'),
    losses: empty(ctx, [c.N], 'losses'),
    stats: empty(ctx, [4], 'stats'),
    dlogits: empty(ctx, [c.N, c.V], 'dlogits'),
  };
}

async function forwardBackward(ctx: KernelContext, c: Case, t: Buffers): Promise<void> {
  const args = { logits: t.logits, targets: t.targets, N: c.N, V: c.V };
  run(ctx, [
    ...(await cross_entropy_forward(ctx, { ...args, losses: t.losses, stats: t.stats })),
    await cross_entropy_backward(ctx, { ...args, stats: t.stats, dlogits: t.dlogits }),
  ]);
}

describe('cross_entropy', () => {
  for (const c of CASES) {
    it(`forward and backward at ${c.name}`, async () => {
      const { ctx } = await testContext();
      const t = allocate(ctx, c);
      await forwardBackward(ctx, c, t);
      // The reference rejects out-of-range targets; the kernels treat them as ignored.
      const tg = c.targets.map((x) => (x >= 0 && x < c.V ? x : -1));
      const f = ref_forward(c.logits, tg, c.N, c.V);
      const sum = f.losses.reduce((a, b) => a + b, 0);
      const tol = { rtol: 1e-4, atol: 1e-5 };
      const rs = [
        allclose(await download(ctx, t.losses), f.losses, { ...tol, label: 'losses' }),
        allclose(await download(ctx, t.stats), [f.loss, f.nValid, sum, 0], { ...tol, label: 'stats' }),
        allclose(await download(ctx, t.dlogits), ref_backward(c.logits, tg, c.N, c.V), { ...tol, label: 'dlogits' }),
      ];
      const e = rs.map((r) => r.worstRel.toExponential(1));
      console.log(`cross_entropy ${c.name}: worst rel losses ${e[0]} stats ${e[1]} dlogits ${e[2]}`);
    });
  }

  it('is bit-identical run to run', async () => {
    const { ctx } = await testContext();
    const c = randomCase(300, 259, 7);
    const a = allocate(ctx, c);
    const b = allocate(ctx, c);
    await forwardBackward(ctx, c, a);
    await forwardBackward(ctx, c, b);
    for (const key of ['losses', 'stats', 'dlogits'] as const) {
      const ua = new Uint32Array((await download(ctx, a[key])).buffer);
      const ub = new Uint32Array((await download(ctx, b[key])).buffer);
      expect(ua, key).toEqual(ub);
    }
  });

  it('rejects bad shapes, non-i32 targets and aliasing before dispatch', async () => {
    const { ctx } = await testContext();
    const c = randomCase(3, 5);
    const t = allocate(ctx, c);
    const fw = { logits: t.logits, targets: t.targets, losses: t.losses, stats: t.stats, N: 3, V: 5 };
    await expect(cross_entropy_forward(ctx, { ...fw, V: 4 })).rejects.toThrow(
      /cross_entropy_forward: logits has 15 elements \[3,5\], expected 12/,
    );
    await expect(cross_entropy_forward(ctx, { ...fw, stats: t.losses })).rejects.toThrow(
      /cross_entropy_forward: stats has 3 elements \[3\], expected 4/,
    );
    await expect(cross_entropy_forward(ctx, { ...fw, targets: upload(ctx, [0, 1, 2], [3]) })).rejects.toThrow(
      /cross_entropy_forward: targets must be an i32 tensor, got f32/,
    );
    const bw = { logits: t.logits, targets: t.targets, stats: t.stats, N: 3, V: 5 };
    await expect(cross_entropy_backward(ctx, { ...bw, dlogits: t.logits })).rejects.toThrow(
      /cross_entropy_backward: dlogits must not alias logits/,
    );
    await expect(cross_entropy_backward(ctx, { ...bw, N: 0, dlogits: t.dlogits })).rejects.toThrow(
      /cross_entropy_backward: N must be a positive integer, got 0/,
    );
  });
});
