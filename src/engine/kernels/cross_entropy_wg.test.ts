// Cross-entropy's 'workgroup' variant (shaders/cross_entropy_wg.wgsl, one workgroup per row)
// against the float64 reference at awkward shapes: V of 1, below 4, not a multiple of 4 nor of
// the workgroup size (37, 130, 257), N of 1, 5 and 67; ignored (-1) and out-of-range targets,
// every row ignored (nValid = 0), extreme logits (±1000); agreement with the 'thread' variant,
// bit-identical reruns, folded grids, other workgroup sizes, and how the variant is chosen.
import { afterEach, describe, expect, it } from 'vitest';
import { cross_entropy_backward as ref_backward, cross_entropy_forward as ref_forward } from '../reference/ops';
import { allclose, randomArray } from '../testing/allclose';
import { download, empty, testContext, upload } from '../testing/gpu';
import { cross_entropy_backward, cross_entropy_forward, resolveCrossEntropyVariant } from './cross_entropy';
import { Autotuner, MemoryAutotuneCache } from './autotune';
import { run, type Dispatch, type KernelContext } from './kernel';
import { ROWS_AUTOTUNE_MIN_WORK, ROWS_VARIANT_ENV } from './rows';
import { SOFTWARE_ADAPTER, tunerFor } from './variant';

const TOL = { rtol: 1e-4, atol: 1e-5 };
const f32 = (x: ArrayLike<number>) => Float64Array.from(Float32Array.from(x));

interface Case { name: string; N: number; V: number; logits: Float64Array; targets: Int32Array }

/** Targets in [0, V); every `ignoreEvery`-th row -1, and row 2 (if any) V itself (out of range, ignored). */
function randomCase(N: number, V: number, ignoreEvery = 0): Case {
  const r = randomArray(N, 3 + N);
  const targets = Int32Array.from(r, (x, i) => (ignoreEvery && i % ignoreEvery === 1 ? -1 : Math.floor(((x + 1) / 2) * V)));
  if (ignoreEvery && N > 2) targets[2] = V;
  return { name: `N=${N} V=${V}`, N, V, logits: f32(randomArray(N * V, 7 + V, 4)), targets };
}

async function wgContext(extra: Partial<KernelContext> = {}): Promise<KernelContext> {
  const { ctx } = await testContext();
  return { ...ctx, variants: { rows: 'workgroup' }, ...extra };
}

async function runCase(ctx: KernelContext, c: Case, regrid?: Dispatch['workgroups']) {
  const logits = upload(ctx, c.logits, [c.N, c.V], 'logits');
  const targets = upload(ctx, c.targets, [c.N], 'targets', 'i32');
  const losses = empty(ctx, [c.N], 'losses');
  const stats = empty(ctx, [4], 'stats');
  const dlogits = empty(ctx, [c.N, c.V], 'dlogits');
  const args = { logits, targets, N: c.N, V: c.V };
  let ds = [
    ...(await cross_entropy_forward(ctx, { ...args, losses, stats })),
    await cross_entropy_backward(ctx, { ...args, stats, dlogits }),
  ];
  if (regrid) ds = ds.map((d) => (d.label.includes('[workgroup]') ? { ...d, workgroups: regrid } : d));
  run(ctx, ds);
  return {
    labels: ds.map((d) => d.label),
    losses: await download(ctx, losses), stats: await download(ctx, stats), dlogits: await download(ctx, dlogits),
  };
}

/** Checks against the reference (out-of-range targets are ignored rows there too); returns the worst errors. */
function check(c: Case, got: Awaited<ReturnType<typeof runCase>>): string {
  const tg = c.targets.map((x) => (x >= 0 && x < c.V ? x : -1));
  const f = ref_forward(c.logits, tg, c.N, c.V);
  const sum = f.losses.reduce((a, b) => a + b, 0);
  const e = [
    allclose(got.losses, f.losses, { ...TOL, label: 'losses' }),
    allclose(got.stats, [f.loss, f.nValid, sum, 0], { ...TOL, label: 'stats' }),
    allclose(got.dlogits, ref_backward(c.logits, tg, c.N, c.V), { ...TOL, label: 'dlogits' }),
  ].map((r) => r.worstRel.toExponential(1));
  return `worst rel losses ${e[0]} stats ${e[1]} dlogits ${e[2]}`;
}

function extremeCase(): Case {
  const V = 37;
  const rows = [(j: number) => (j === 5 ? 1000 : -1000), () => 1000, (j: number) => 1000 - 0.25 * (j % 9), (j: number) => (j % 2 ? 1000 : -1000)];
  const logits = f32(rows.flatMap((fn) => Array.from({ length: V }, (_, j) => fn(j))));
  return { name: 'extreme ±1000', N: rows.length, V, logits, targets: Int32Array.from([5, 17, 0, 2]) };
}

const CASES: Case[] = [
  randomCase(1, 1),
  randomCase(5, 3, 2),
  randomCase(67, 37, 5),
  randomCase(5, 130, 3),
  randomCase(5, 257, 4),
  { ...randomCase(5, 9), name: 'every row ignored (nValid = 0)', targets: Int32Array.from([-1, -1, 9, -3, -1]) },
  extremeCase(),
];

describe('cross_entropy workgroup variant', () => {
  afterEach(() => {
    delete process.env[ROWS_VARIANT_ENV];
  });

  for (const c of CASES) {
    it(`matches the reference at ${c.name}`, async () => {
      const got = await runCase(await wgContext(), c);
      expect(got.labels).toEqual(['cross_entropy_forward[workgroup]', 'cross_entropy_stats', 'cross_entropy_backward[workgroup]']);
      console.log(`cross_entropy[workgroup] ${c.name}: ${check(c, got)}`);
    });
  }

  it('agrees with the thread variant and is bit-identical across runs', async () => {
    const { ctx } = await testContext();
    const c = randomCase(67, 130, 6);
    const t = await runCase({ ...ctx, variants: { rows: 'thread' } }, c);
    expect(t.labels[0]).toBe('cross_entropy_forward');
    const a = await runCase(await wgContext(), c);
    const b = await runCase(await wgContext(), c);
    for (const k of ['losses', 'stats', 'dlogits'] as const) {
      allclose(a[k], t[k], { ...TOL, label: `${k} workgroup vs thread` });
      expect(new Uint32Array(b[k].buffer), k).toEqual(new Uint32Array(a[k].buffer));
    }
  });

  it('finds its row in grids folded into two dimensions', async () => {
    const c = randomCase(5, 37, 2);
    console.log(`cross_entropy[workgroup] folded: ${check(c, await runCase(await wgContext(), c, [2, 3, 1]))}`);
  });

  it('passes at other workgroup sizes and rejects one that is not a power of two', async () => {
    const c = randomCase(5, 130, 3);
    for (const WG of [1, 16, 256]) check(c, await runCase(await wgContext({ overrides: { cross_entropy_wg: { WG } } }), c));
    const bad = await wgContext({ overrides: { cross_entropy_wg: { WG: 96 } } });
    await expect(runCase(bad, c)).rejects.toThrow(/cross_entropy_wg: workgroup size 96 must be a power of two/);
  });

  it('is forced by LORA_LAB_ROWS_VARIANT, rejects an unknown value and takes thread under auto on an emulator', async () => {
    const { ctx } = await testContext();
    const c = randomCase(5, 3);
    process.env[ROWS_VARIANT_ENV] = 'workgroup';
    expect((await runCase(ctx, c)).labels[2]).toBe('cross_entropy_backward[workgroup]');
    expect((await runCase({ ...ctx, variants: { rows: 'thread' } }, c)).labels[2]).toBe('cross_entropy_backward');
    process.env[ROWS_VARIANT_ENV] = 'block';
    await expect(runCase(ctx, c)).rejects.toThrow(/LORA_LAB_ROWS_VARIANT=block: expected one of auto, thread, workgroup/);
    process.env[ROWS_VARIANT_ENV] = 'auto';
    expect(await resolveCrossEntropyVariant(ctx, 'cross_entropy_forward', 4, 4)).toBe('thread');
    if (SOFTWARE_ADAPTER.test(tunerFor(ctx).adapterKey)) {
      expect(await resolveCrossEntropyVariant(ctx, 'cross_entropy_backward', ROWS_AUTOTUNE_MIN_WORK / 256, 256)).toBe('thread');
    }
  });

  it("'auto' on another adapter times both variants on scratch buffers once per shape class and caches the choice", async () => {
    const { ctx } = await testContext();
    const cache = new MemoryAutotuneCache();
    const tuned: string[] = [];
    const auto = { ...ctx, autotune: new Autotuner({ adapterKey: 'test', cache, repeats: 1, onTuned: (k) => tuned.push(k) }) };
    const [N, V] = [8, ROWS_AUTOTUNE_MIN_WORK / 8];
    const c = randomCase(N, V);
    const logits = upload(ctx, c.logits, [N, V], 'logits');
    const targets = upload(ctx, c.targets, [N], 'targets', 'i32');
    const stats = empty(ctx, [4], 'stats');
    const dlogits = empty(ctx, [N, V], 'dlogits');
    const d = await cross_entropy_backward(auto, { logits, targets, stats, dlogits, N, V });
    const v = tuned.length ? cache.entries.get(tuned[0]!) : undefined;
    expect(d.label).toBe(v === 'thread' ? 'cross_entropy_backward' : 'cross_entropy_backward[workgroup]');
    expect(await resolveCrossEntropyVariant(auto, 'cross_entropy_backward', N, V + 100)).toBe(v);
    expect(tuned).toEqual([`test|cross_entropy|cross_entropy_backward:n8c${V}`]);
    expect((await download(ctx, dlogits)).every(Number.isNaN)).toBe(true);
    expect((await download(ctx, stats)).every(Number.isNaN)).toBe(true);
  });
});
