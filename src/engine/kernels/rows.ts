// What the two row-reduction kernel modules (rmsnorm.ts, cross_entropy.ts) share in choosing a
// variant: 'thread' (one thread per row, sequential loops: what SwiftShader runs fastest) or
// 'workgroup' (one workgroup per row with a tree reduction in workgroup memory: written for
// real GPUs). One setting (ctx.variants.rows, or LORA_LAB_ROWS_VARIANT in Node) covers both
// modules; under 'auto' the autotuner times the two per adapter, kernel and shape class on
// scratch buffers, through resolveVariant, as matmul and attention do.

import { allocTensor, writeTensor, type GpuTensor } from '../gpu/buffers';
import { sizeBucket, type Candidate } from './autotune';
import { checkWorkgroupSize, kernelConstants } from './contract';
import { grid1d, record, type Dispatch, type KernelContext } from './kernel';
import { resolveVariant } from './variant';

export const ROW_VARIANTS = ['thread', 'workgroup'] as const;
export type RowVariant = (typeof ROW_VARIANTS)[number];
export type RowVariantSetting = RowVariant | 'auto';

/** The env var that forces a row variant in Node (tests, CLIs) when ctx.variants.rows is unset. */
export const ROWS_VARIANT_ENV = 'LORA_LAB_ROWS_VARIANT';

/**
 * Below this many elements (N·C) 'auto' takes 'thread' without timing: the tiny model's rows
 * (128 × 32) are launch-bound on any device. It is set so that the shipped base model's norms
 * (512 × 64 = 2^15) are timed: one thread per row there runs 512 threads whose loads are C
 * floats apart, which is where a GPU can gain from a workgroup per row (as matmul's threshold
 * lets the base model's matmuls be timed).
 */
export const ROWS_AUTOTUNE_MIN_WORK = 1 << 15;

/** The shape class a choice is cached under: entry point and power-of-two buckets of rows and columns. */
export function rowsShapeClass(entry: string, N: number, C: number): string {
  return `${entry}:n${sizeBucket(N)}c${sizeBucket(C)}`;
}

/**
 * The 'workgroup' variant's constants for `kernel` (defaults or ctx.overrides[kernel]),
 * checked against the device's limits; WG must be a power of two (the tree reduction halves it).
 */
export function workgroupRowConstants(ctx: KernelContext, kernel: string, defaults: { readonly WG: number }): { WG: number } {
  const c = kernelConstants(ctx, kernel, defaults);
  checkWorkgroupSize(ctx, kernel, c.WG, true);
  return c;
}

/** Dispatches of one variant on scratch tensors, and how to give the tensors back. */
export interface ScratchRun {
  dispatches: Dispatch[];
  tensors: GpuTensor[];
}

/**
 * Scratch tensors for a timing (never the caller's, which may hold live data); `fill` gives
 * those whose content matters (targets, stats) their values.
 */
export function scratch<K extends string>(
  ctx: KernelContext, shapes: Record<K, { shape: number[]; dtype?: 'f32' | 'i32'; fill?: number[] }>,
): Record<K, GpuTensor> {
  const out = {} as Record<K, GpuTensor>;
  for (const [name, s] of Object.entries(shapes) as [K, (typeof shapes)[K]][]) {
    const t = allocTensor(ctx.pool, s.shape, `tune:${name}`, s.dtype ?? 'f32');
    if (s.fill) writeTensor(ctx.device, t, s.fill);
    out[name] = t;
  }
  return out;
}

/** A timer per variant: `build` prepares that variant on scratch tensors; reps scale with the work. */
function timingCandidates(ctx: KernelContext, work: number, build: (v: RowVariant) => Promise<ScratchRun>): Candidate<RowVariant>[] {
  const reps = Math.max(1, Math.min(20, Math.ceil(2 ** 22 / work)));
  return ROW_VARIANTS.map((variant) => ({
    variant,
    time: async () => {
      const run = await build(variant);
      const enc = ctx.device.createCommandEncoder();
      const pass = enc.beginComputePass();
      for (let i = 0; i < reps; i++) record(pass, run.dispatches);
      pass.end();
      const t0 = performance.now();
      ctx.device.queue.submit([enc.finish()]);
      await ctx.device.queue.onSubmittedWorkDone();
      const ms = (performance.now() - t0) / reps;
      for (const d of run.dispatches) for (const b of d.owned) b.destroy();
      for (const t of run.tensors) ctx.pool.release(t.buffer);
      return ms;
    },
  }));
}

/**
 * The variant a row kernel runs with: forced by ctx.variants.rows or LORA_LAB_ROWS_VARIANT,
 * else 'thread' for small problems and CPU emulators, else the autotuner's choice for
 * (kernel, entry, N, C) timed with `build`.
 */
export function resolveRowVariant(
  ctx: KernelContext, kernel: 'rmsnorm' | 'cross_entropy', entry: string, N: number, C: number,
  build: (v: RowVariant) => Promise<ScratchRun>,
): Promise<RowVariant> {
  return resolveVariant(ctx, {
    kernel, setting: ctx.variants?.rows, env: ROWS_VARIANT_ENV, variants: ROW_VARIANTS, fallback: 'thread',
    shapeClass: rowsShapeClass(entry, N, C), work: N * C, minWork: ROWS_AUTOTUNE_MIN_WORK,
    candidates: () => timingCandidates(ctx, N * C, build),
  });
}

/** One workgroup per row, folded into two dimensions past the per-dimension limit. */
export function rowGrid(ctx: KernelContext, N: number): [number, number, number] {
  return grid1d(N, 1, ctx.device.limits.maxComputeWorkgroupsPerDimension);
}
