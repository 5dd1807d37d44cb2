// matmul kernels vs the float64 reference, once per variant, at shapes that are 1, odd, and
// not multiples of the 4×4 block per thread, the 32×32 (register) or 64×64 (tiled) block per
// workgroup, or the tiled variant's K slice of 16, also at other workgroup and tile sizes.
// Also: both shaders declare exactly the host's uniform fields and override constants, the
// variants agree bitwise, a forced variant is honoured, 'auto' times and caches, and a whole
// training step matches the reference with the tiled variant.
import { describe, expect, it } from 'vitest';
import registerCode from '../../../shaders/matmul.wgsl?raw';
import tiledCode from '../../../shaders/matmul_tiled.wgsl?raw';
import { model_forward_backward } from '../reference/model';
import { matmul_backward, matmul_forward as ref_forward } from '../reference/ops';
import { allclose, compareClose, randomArray } from '../testing/allclose';
import { download, empty, testContext, upload } from '../testing/gpu';
import { modelLayout, unpack } from '../model/layout';
import { TrainingRun } from '../model/run';
import { batch, randomFlat, TINY, toF64 } from '../model/testkit';
import { Autotuner, MemoryAutotuneCache } from './autotune';
import { run, type KernelContext } from './kernel';
import {
  AUTOTUNE_MIN_WORK, MATMUL_CONSTANTS, MATMUL_KERNEL, MATMUL_PARAMS, MATMUL_VARIANTS, matmul_backward_input, matmul_backward_weight, matmul_forward, resolveMatmulVariant,
  type MatmulVariant,
} from './matmul';

const SHAPES: Array<[number, number, number]> = [
  [3, 2, 5],
  [33, 31, 35],
  [1, 1, 1],
  [1, 7, 3],
  [5, 1, 9],
  [17, 33, 65],
  [64, 64, 16],
  [70, 129, 31],
  [130, 20, 67],
  [127, 17, 65],
];

function withVariant(ctx: KernelContext, matmul: MatmulVariant): KernelContext {
  return { ...ctx, variants: { matmul } };
}

/** All three forms at one shape; returns y, dx, dw. */
async function runForms(ctx: KernelContext, N: number, K: number, M: number): Promise<{ y: Float32Array; dx: Float32Array; dw: Float32Array; x: Float64Array; w: Float64Array; dy: Float64Array }> {
  const x = randomArray(N * K, 1 + N, 1);
  const w = randomArray(M * K, 2 + M, 1);
  const dy = randomArray(N * M, 3 + K, 1);
  const tx = upload(ctx, x, [N, K], 'x');
  const tw = upload(ctx, w, [M, K], 'w');
  const tdy = upload(ctx, dy, [N, M], 'dy');
  const ty = empty(ctx, [N, M], 'y');
  const tdx = empty(ctx, [N, K], 'dx');
  const tdw = empty(ctx, [M, K], 'dw');
  run(ctx, [
    await matmul_forward(ctx, { x: tx, w: tw, y: ty, rows: N, inDim: K, outDim: M }),
    await matmul_backward_input(ctx, { dy: tdy, w: tw, dx: tdx, rows: N, inDim: K, outDim: M }),
    await matmul_backward_weight(ctx, { dy: tdy, x: tx, dw: tdw, rows: N, inDim: K, outDim: M }),
  ]);
  return { y: await download(ctx, ty), dx: await download(ctx, tdx), dw: await download(ctx, tdw), x, w, dy };
}

describe.each(MATMUL_VARIANTS)('matmul [%s]', (variant) => {
  for (const [N, K, M] of SHAPES) {
    it(`forward and backward at N=${N} K=${K} M=${M}`, async () => {
      const ctx = withVariant((await testContext()).ctx, variant);
      const { y, dx, dw, x, w, dy } = await runForms(ctx, N, K, M);
      const ref = matmul_backward(dy, x, w, N, K, M);
      const tol = { rtol: 1e-4, atol: 1e-5 };
      const r1 = allclose(y, ref_forward(x, w, N, K, M), { ...tol, label: 'y' });
      const r2 = allclose(dx, ref.dx, { ...tol, label: 'dx' });
      const r3 = allclose(dw, ref.dw, { ...tol, label: 'dw' });
      console.log(`matmul[${variant}] N=${N} K=${K} M=${M}: worst rel y ${r1.worstRel.toExponential(1)} dx ${r2.worstRel.toExponential(1)} dw ${r3.worstRel.toExponential(1)}`);
    });
  }

  it('accumulates with alpha when asked', async () => {
    const ctx = withVariant((await testContext()).ctx, variant);
    const [N, K, M] = [9, 13, 11];
    const x = randomArray(N * K, 5);
    const w = randomArray(M * K, 6);
    const y0 = randomArray(N * M, 7);
    const ty = upload(ctx, y0, [N, M], 'y');
    run(ctx, [
      await matmul_forward(ctx, {
        x: upload(ctx, x, [N, K]), w: upload(ctx, w, [M, K]), y: ty, rows: N, inDim: K, outDim: M, alpha: 0.5, accumulate: true,
      }),
    ]);
    const ref = ref_forward(x, w, N, K, M).map((v, i) => y0[i] + 0.5 * v);
    allclose(await download(ctx, ty), ref, { rtol: 1e-4, atol: 1e-5, label: 'y+=' });
  });
});

const CODES = { register: registerCode, tiled: tiledCode };

describe.each(MATMUL_VARIANTS)('matmul [%s] contract', (variant) => {
  it('the shader declares the host uniform fields and override constants, with no defaults', () => {
    const src = CODES[variant].replace(/\/\/.*$/gm, '');
    const struct = /struct Params \{([^}]*)\}/.exec(src)![1]!;
    const fields = struct.split(',').map((f) => f.trim()).filter(Boolean).map((f) => f.split(/\s*:\s*/));
    expect(fields.slice(0, 9)).toEqual(Object.entries(MATMUL_PARAMS));
    expect(fields.slice(9).map(([n]) => n)).toEqual(['_pad0', '_pad1', '_pad2']);
    const overrides = [...src.matchAll(/override\s+(\w+)\s*:\s*u32\s*;/g)].map((m) => m[1]).sort();
    expect(overrides).toEqual(Object.keys(MATMUL_CONSTANTS[variant]).sort());
    expect(src).not.toMatch(/override\s+\w+[^;]*=/);
    expect([...src.matchAll(/@workgroup_size\(([^)]*)\)/g)].map((m) => m[1])).toEqual(['WG_X, WG_Y', 'WG_X, WG_Y', 'WG_X, WG_Y']);
  });

  it('matches the reference at other workgroup and tile sizes (host grid follows ctx.overrides)', async () => {
    const { ctx } = await testContext();
    const sizes: Record<string, number> = variant === 'tiled' ? { WG_X: 8, WG_Y: 4, TILE_K: 32 } : { WG_X: 4, WG_Y: 16 };
    const c = { ...withVariant(ctx, variant), overrides: { [MATMUL_KERNEL[variant]]: sizes } };
    const [N, K, M] = [37, 45, 70];
    const { y, dx, dw, x, w, dy } = await runForms(c, N, K, M);
    const ref = matmul_backward(dy, x, w, N, K, M);
    const tol = { rtol: 1e-4, atol: 1e-5 };
    allclose(y, ref_forward(x, w, N, K, M), { ...tol, label: 'y' });
    allclose(dx, ref.dx, { ...tol, label: 'dx' });
    allclose(dw, ref.dw, { ...tol, label: 'dw' });
    const big = { ...c, overrides: { [MATMUL_KERNEL[variant]]: { WG_X: 32, WG_Y: 32 } } };
    await expect(runForms(big, 2, 2, 2)).rejects.toThrow(/workgroup size 1024/);
  });
});

describe('matmul variants', () => {
  it('rejects mismatched shapes before dispatch', async () => {
    const { ctx } = await testContext();
    const x = upload(ctx, randomArray(6, 1), [2, 3]);
    const w = upload(ctx, randomArray(8, 1), [2, 4]);
    await expect(
      matmul_forward(ctx, { x, w, y: empty(ctx, [2, 2]), rows: 2, inDim: 3, outDim: 2 }),
    ).rejects.toThrow(/matmul_forward: w has 8 elements \[2,4\], expected 6/);
  });

  it('register and tiled agree bitwise (same k order, same fma)', async () => {
    const { ctx } = await testContext();
    const [N, K, M] = [70, 37, 66];
    const r = await runForms(withVariant(ctx, 'register'), N, K, M);
    const t = await runForms(withVariant(ctx, 'tiled'), N, K, M);
    for (const k of ['y', 'dx', 'dw'] as const) expect(Array.from(t[k])).toEqual(Array.from(r[k]));
  });

  it('a forced variant names its pipeline; auto takes register below the timing threshold', async () => {
    const { ctx } = await testContext();
    const [N, K, M] = [5, 3, 4];
    const args = { x: upload(ctx, randomArray(N * K, 1), [N, K]), w: upload(ctx, randomArray(M * K, 2), [M, K]), y: empty(ctx, [N, M]), rows: N, inDim: K, outDim: M };
    expect((await matmul_forward(withVariant(ctx, 'tiled'), args)).label).toBe('matmul_forward[tiled]');
    expect((await matmul_forward(withVariant(ctx, 'register'), args)).label).toBe('matmul_forward');
    const auto = { ...ctx, variants: { matmul: 'auto' as const }, autotune: new Autotuner({ adapterKey: 'test' }) };
    expect(await resolveMatmulVariant(auto, 'matmul_forward', 1, 1, AUTOTUNE_MIN_WORK - 1)).toBe('register');
    expect((auto.autotune.cache as MemoryAutotuneCache).entries.size).toBe(0);
    // A CPU emulator gets 'register' at any size without timing (the tiled variant is slower there).
    const soft = { ...ctx, variants: { matmul: 'auto' as const }, autotune: new Autotuner({ adapterKey: 'google/swiftshader/x/SwiftShader driver' }) };
    expect(await resolveMatmulVariant(soft, 'matmul_forward', 4096, 4096, 4096)).toBe('register');
    expect((soft.autotune.cache as MemoryAutotuneCache).entries.size).toBe(0);
  });

  it("'auto' times both variants on the device once per shape class and caches the choice", async () => {
    const { ctx } = await testContext();
    const cache = new MemoryAutotuneCache();
    const tuned: string[] = [];
    const auto = { ...ctx, variants: { matmul: 'auto' as const }, autotune: new Autotuner({ adapterKey: 'test', cache, repeats: 1, onTuned: (k) => tuned.push(k) }) };
    const [M, N, K] = [64, 128, 128]; // exactly AUTOTUNE_MIN_WORK multiply-adds
    const v = await resolveMatmulVariant(auto, 'matmul_backward_input', M, N, K);
    expect(MATMUL_VARIANTS).toContain(v);
    expect(await resolveMatmulVariant(auto, 'matmul_backward_input', M - 1, N, K)).toBe(v);
    expect(tuned).toEqual(['test|matmul|matmul_backward_input:m64n128k128']);
    expect([...cache.entries]).toEqual([['test|matmul|matmul_backward_input:m64n128k128', v]]);
  });

  it('a full training step with tiled matmuls matches the float64 reference', async () => {
    const ctx = withVariant((await testContext()).ctx, 'tiled');
    const [B, T] = [2, 7];
    const layout = modelLayout(TINY);
    const base = randomFlat(layout, 11, 0.3);
    const tr = await TrainingRun.create(ctx, { config: TINY, batchSize: B, seqLen: T, mode: 'full', seed: 1, baseParams: base });
    const { tokens, targets } = batch(B, T, TINY.vocabSize, 5, 4);
    const loss = await tr.computeGradients(tokens, targets);
    const ref = model_forward_backward(TINY, toF64(unpack(layout, base)), tokens, targets, B, T);
    expect(Math.abs(loss - ref.loss)).toBeLessThan(1e-4 * Math.abs(ref.loss));
    const grads = await tr.readGradients();
    const failures: string[] = [];
    for (const [name, r] of ref.grads) {
      const scale = r.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
      const rep = compareClose(grads.get(name) ?? [], r, { rtol: 2e-3, atol: Math.max(1e-7, 2e-4 * scale), label: name });
      if (!rep.ok) failures.push(rep.message);
    }
    expect(failures).toEqual([]);
    tr.destroy();
  });
});
