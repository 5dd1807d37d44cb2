// RMSNorm's 'workgroup' variant (shaders/rmsnorm_wg.wgsl, one workgroup per row) against the
// float64 reference at awkward shapes: C of 1, below 4, not a multiple of 4 nor of the workgroup
// size (37, 130, 257), N of 1, 5 and 67; accumulation into dx, a frozen weight, forward_only
// equal to forward, bit-identical reruns, folded grids, other workgroup sizes; and how the
// variant is chosen (ctx.variants.rows, LORA_LAB_ROWS_VARIANT, 'auto' on a CPU emulator).
import { afterEach, describe, expect, it } from 'vitest';
import { rmsnorm_backward as ref_backward, rmsnorm_forward as ref_forward } from '../reference/ops';
import { allclose, randomArray } from '../testing/allclose';
import { download, empty, testContext, upload } from '../testing/gpu';
import { Autotuner, MemoryAutotuneCache } from './autotune';
import { run, type Dispatch, type KernelContext } from './kernel';
import { rmsnorm_backward, rmsnorm_forward, rmsnorm_forward_only, resolveRmsnormVariant } from './rmsnorm';
import { ROWS_AUTOTUNE_MIN_WORK, ROWS_VARIANT_ENV } from './rows';
import { SOFTWARE_ADAPTER, tunerFor } from './variant';

const EPS = 1e-5;
const TOL = { rtol: 1e-4, atol: 1e-5 };
const f32 = (a: Float64Array) => Float64Array.from(Float32Array.from(a));

interface Opts { accumulate?: boolean; frozen?: boolean; regrid?: (d: Dispatch) => Dispatch['workgroups'] }

async function wgContext(extra: Partial<KernelContext> = {}): Promise<KernelContext> {
  const { ctx } = await testContext();
  return { ...ctx, variants: { rows: 'workgroup' }, ...extra };
}

/** Forward, forward_only and backward at (N, C); returns the outputs and the dispatch labels. */
async function runAll(ctx: KernelContext, N: number, C: number, seed: number, o: Opts = {}) {
  const x = f32(randomArray(N * C, seed, 2));
  const w = f32(randomArray(C, seed + 1, 0.5).map((v) => 1 + v));
  const dout = f32(randomArray(N * C, seed + 2));
  const dx0 = o.accumulate ? f32(randomArray(N * C, seed + 3)) : null;
  const tx = upload(ctx, x, [N, C], 'x');
  const tw = upload(ctx, w, [C], 'w');
  const out = empty(ctx, [N, C], 'out');
  const out2 = empty(ctx, [N, C], 'out2');
  const rstd = empty(ctx, [N], 'rstd');
  const dx = dx0 ? upload(ctx, dx0, [N, C], 'dx') : empty(ctx, [N, C], 'dx');
  const dw = o.frozen ? null : empty(ctx, [C], 'dw');
  let ds = [
    await rmsnorm_forward(ctx, { x: tx, w: tw, out, rstd, N, C, eps: EPS }),
    await rmsnorm_forward_only(ctx, { x: tx, w: tw, out: out2, N, C, eps: EPS }),
    ...(await rmsnorm_backward(ctx, { dout: upload(ctx, dout, [N, C], 'dout'), x: tx, w: tw, rstd, dx, dw, N, C, accumulateDx: !!dx0 })),
  ];
  if (o.regrid) ds = ds.map((d) => (d.label.includes('[workgroup]') ? { ...d, workgroups: o.regrid!(d) } : d));
  run(ctx, ds);
  const got = {
    out: await download(ctx, out), out2: await download(ctx, out2), rstd: await download(ctx, rstd),
    dx: await download(ctx, dx), dw: dw ? await download(ctx, dw) : null,
  };
  const fwd = ref_forward(x, w, N, C, EPS);
  const bwd = ref_backward(dout, x, w, fwd.rstd, N, C);
  const ref = { out: fwd.out, rstd: fwd.rstd, dx: dx0 ? bwd.dx.map((v, i) => v + dx0[i]) : bwd.dx, dw: bwd.dw };
  return { got, ref, labels: ds.map((d) => d.label) };
}

function check(r: Awaited<ReturnType<typeof runAll>>): string {
  const e = [
    allclose(r.got.out, r.ref.out, { ...TOL, label: 'out' }),
    allclose(r.got.rstd, r.ref.rstd, { ...TOL, label: 'rstd' }),
    allclose(r.got.dx, r.ref.dx, { ...TOL, label: 'dx' }),
  ].map((c) => c.worstRel.toExponential(1));
  if (r.got.dw) allclose(r.got.dw, r.ref.dw, { ...TOL, label: 'dw' });
  // The evaluation forward runs the same row computation: bitwise the same out.
  expect(new Uint32Array(r.got.out2.buffer)).toEqual(new Uint32Array(r.got.out.buffer));
  return `worst rel out ${e[0]} rstd ${e[1]} dx ${e[2]}`;
}

const SHAPES: Array<[number, number]> = [[1, 1], [5, 3], [1, 257], [67, 37], [5, 130], [5, 257]];

describe('rmsnorm workgroup variant', () => {
  afterEach(() => {
    delete process.env[ROWS_VARIANT_ENV];
  });

  for (const [N, C] of SHAPES) {
    it(`matches the reference at N=${N} C=${C}`, async () => {
      const r = await runAll(await wgContext(), N, C, 10 + N + C);
      expect(r.labels).toEqual([
        'rmsnorm_forward[workgroup]', 'rmsnorm_forward_only[workgroup]', 'rmsnorm_backward[workgroup]', 'rmsnorm_backward_dw',
      ]);
      console.log(`rmsnorm[workgroup] N=${N} C=${C}: ${check(r)}`);
    });
  }

  it('adds to dx with accumulateDx and skips dw for a frozen weight', async () => {
    const ctx = await wgContext();
    check(await runAll(ctx, 5, 130, 3, { accumulate: true }));
    const frozen = await runAll(ctx, 5, 37, 4, { frozen: true });
    expect(frozen.labels).toHaveLength(3); // no dw dispatch
    check(frozen);
  });

  it('agrees with the thread variant and is bit-identical across runs', async () => {
    const { ctx } = await testContext();
    const t = await runAll({ ...ctx, variants: { rows: 'thread' } }, 67, 130, 5);
    expect(t.labels[0]).toBe('rmsnorm_forward');
    const a = await runAll(await wgContext(), 67, 130, 5);
    const b = await runAll(await wgContext(), 67, 130, 5);
    for (const k of ['out', 'rstd', 'dx', 'dw'] as const) {
      allclose(a.got[k]!, t.got[k]!, { ...TOL, label: `${k} workgroup vs thread` });
      expect(new Uint32Array(b.got[k]!.buffer), k).toEqual(new Uint32Array(a.got[k]!.buffer));
    }
  });

  it('finds its row in grids folded into two dimensions', async () => {
    // 5 rows launched as 2 × 3 workgroups (one spare), as grid1d folds past 65535 rows.
    check(await runAll(await wgContext(), 5, 37, 6, { regrid: () => [2, 3, 1] }));
  });

  it('passes at other workgroup sizes and rejects one that is not a power of two', async () => {
    for (const WG of [1, 16, 256]) {
      check(await runAll(await wgContext({ overrides: { rmsnorm_wg: { WG } } }), 5, 130, 7));
    }
    const bad = await wgContext({ overrides: { rmsnorm_wg: { WG: 48 } } });
    await expect(runAll(bad, 2, 3, 1)).rejects.toThrow(/rmsnorm_wg: workgroup size 48 must be a power of two/);
  });

  it('is forced by LORA_LAB_ROWS_VARIANT, rejects an unknown value and takes thread under auto on an emulator', async () => {
    const { ctx } = await testContext();
    process.env[ROWS_VARIANT_ENV] = 'workgroup';
    expect((await runAll(ctx, 5, 3, 8)).labels[0]).toBe('rmsnorm_forward[workgroup]');
    // ctx.variants wins over the env var.
    expect((await runAll({ ...ctx, variants: { rows: 'thread' } }, 5, 3, 8)).labels[0]).toBe('rmsnorm_forward');
    process.env[ROWS_VARIANT_ENV] = 'warp';
    await expect(runAll(ctx, 5, 3, 8)).rejects.toThrow(/LORA_LAB_ROWS_VARIANT=warp: expected one of auto, thread, workgroup/);
    process.env[ROWS_VARIANT_ENV] = 'auto';
    // Below the least work worth timing, and on a CPU emulator at any size, 'auto' is 'thread'.
    expect(await resolveRmsnormVariant(ctx, 'rmsnorm_forward', 4, 4)).toBe('thread');
    if (SOFTWARE_ADAPTER.test(tunerFor(ctx).adapterKey)) {
      expect(await resolveRmsnormVariant(ctx, 'rmsnorm_backward', ROWS_AUTOTUNE_MIN_WORK / 64, 64)).toBe('thread');
    }
  });

  it("'auto' on another adapter times both variants on scratch buffers once per shape class and caches the choice", async () => {
    const { ctx } = await testContext();
    const cache = new MemoryAutotuneCache();
    const tuned: string[] = [];
    const auto = { ...ctx, autotune: new Autotuner({ adapterKey: 'test', cache, repeats: 1, onTuned: (k) => tuned.push(k) }) };
    // Few long rows: at the timing threshold, and quick for both variants on SwiftShader.
    const [N, C] = [8, ROWS_AUTOTUNE_MIN_WORK / 8];
    const x = upload(ctx, randomArray(N * C, 1), [N, C], 'x');
    const out = empty(ctx, [N, C], 'out');
    const rstd = empty(ctx, [N], 'rstd');
    const d = await rmsnorm_forward(auto, { x, w: upload(ctx, new Float32Array(C).fill(1), [C], 'w'), out, rstd, N, C, eps: EPS });
    const v = tuned.length ? cache.entries.get(tuned[0]!) : undefined;
    expect(d.label).toBe(v === 'thread' ? 'rmsnorm_forward' : 'rmsnorm_forward[workgroup]');
    expect(await resolveRmsnormVariant(auto, 'rmsnorm_forward', N, C + 100)).toBe(v); // same class (C buckets stop at 4096): not timed again
    expect(tuned).toEqual([`test|rmsnorm|rmsnorm_forward:n8c${C}`]);
    // Nothing ran on the caller's tensors: they still hold the NaN they were made with.
    expect((await download(ctx, out)).every(Number.isNaN)).toBe(true);
    expect((await download(ctx, rstd)).every(Number.isNaN)).toBe(true);
  });
});
