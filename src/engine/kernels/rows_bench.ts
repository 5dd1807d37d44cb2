// Benchmark targets for the row reductions' variants (issue 10): RMSNorm's and cross-entropy's
// row kernels at a given shape with one variant forced, prepared once into a BenchTarget that
// the benchmark suite (src/experiment/bench/) and src/cli/bench-kernel-variants.ts submit and
// time. The weight-gradient column sum and the one-thread stats sum are the same in both
// variants, so the targets leave the first out (frozen weight) and keep the second (the forward
// always dispatches it): what differs between variants is what is timed.

import { allocTensor, writeTensor, type GpuTensor } from '../gpu/buffers';
import type { BenchTarget } from './bench_peak';
import { cross_entropy_backward, cross_entropy_forward } from './cross_entropy';
import { record, releaseDispatches, type Dispatch, type KernelContext } from './kernel';
import { rmsnorm_backward, rmsnorm_forward, rmsnorm_forward_only } from './rmsnorm';
import { ROW_VARIANTS, type RowVariant } from './rows';

/** The row kernels the benchmark measures (rmsnorm_backward: the dx kernel only). */
export const ROW_BENCH_KERNELS = [
  'rmsnorm_forward', 'rmsnorm_forward_only', 'rmsnorm_backward', 'cross_entropy_forward', 'cross_entropy_backward',
] as const;
export type RowBenchKernel = (typeof ROW_BENCH_KERNELS)[number];

/** Row variants the benchmark measures: every one the row kernels offer, each forced in turn. */
export const ROW_BENCH_VARIANTS: readonly RowVariant[] = ROW_VARIANTS;

/** One row kernel at N rows of C columns (C = V, the vocabulary, for cross-entropy). */
export interface RowBenchSpec {
  kernel: RowBenchKernel;
  variant: RowVariant;
  N: number;
  C: number;
}

function tensor(ctx: KernelContext, ts: GpuTensor[], shape: number[], label: string, data?: ArrayLike<number>, dtype: 'f32' | 'i32' = 'f32'): GpuTensor {
  const t = allocTensor(ctx.pool, shape, label, dtype);
  const n = shape.reduce((a, b) => a * b, 1);
  writeTensor(ctx.device, t, data ?? Float32Array.from({ length: n }, (_, i) => ((i % 13) - 6) * 0.1));
  ts.push(t);
  return t;
}

async function prepareRows(ctx: KernelContext, s: RowBenchSpec, ts: GpuTensor[]): Promise<Dispatch[]> {
  const { N, C } = s;
  const t = (shape: number[], label: string, data?: ArrayLike<number>) => tensor(ctx, ts, shape, label, data);
  if (s.kernel.startsWith('rmsnorm')) {
    const x = t([N, C], 'x'), w = t([C], 'w'), out = t([N, C], 'out'), rstd = t([N], 'rstd', new Float32Array(N).fill(1)); // (N, C) (C) (N, C) (N)
    if (s.kernel === 'rmsnorm_forward') return [await rmsnorm_forward(ctx, { x, w, out, rstd, N, C, eps: 1e-5 })];
    if (s.kernel === 'rmsnorm_forward_only') return [await rmsnorm_forward_only(ctx, { x, w, out, N, C, eps: 1e-5 })];
    return rmsnorm_backward(ctx, { dout: t([N, C], 'dout'), x, w, rstd, dx: out, dw: null, N, C });
  }
  const logits = t([N, C], 'logits'); // (N, V)
  const targets = tensor(ctx, ts, [N], 'targets', Int32Array.from({ length: N }, (_, i) => (i * 17 + 3) % C), 'i32'); // (N)
  const stats = t([4], 'stats', [0, N, 0, 0]); // (4): nValid = N
  if (s.kernel === 'cross_entropy_forward') return cross_entropy_forward(ctx, { logits, targets, losses: t([N], 'losses'), stats, N, V: C });
  return [await cross_entropy_backward(ctx, { logits, targets, stats, dlogits: t([N, C], 'dlogits'), N, V: C })];
}

/** Bytes a row kernel must at least read and write (its inputs once, its outputs once). */
function rowBytes(s: RowBenchSpec): number {
  const { N, C } = s;
  const per: Record<RowBenchKernel, number> = {
    rmsnorm_forward: 2 * N * C + C + N,
    rmsnorm_forward_only: 2 * N * C + C,
    rmsnorm_backward: 3 * N * C + C + N,
    cross_entropy_forward: N * C + 3 * N + 4,
    cross_entropy_backward: 2 * N * C + N + 4,
  };
  return 4 * per[s.kernel];
}

/** Allocates and prepares one row-kernel target with its variant forced; destroy() returns its buffers. */
export async function prepareRowBenchTarget(ctx: KernelContext, spec: RowBenchSpec): Promise<BenchTarget> {
  if (!ROW_BENCH_VARIANTS.includes(spec.variant)) throw new Error(`unknown row variant "${spec.variant}"`);
  if (!ROW_BENCH_KERNELS.includes(spec.kernel)) throw new Error(`unknown row kernel "${spec.kernel}"`);
  const vctx: KernelContext = { ...ctx, variants: { ...ctx.variants, rows: spec.variant } };
  const tensors: GpuTensor[] = [];
  const ds = await prepareRows(vctx, spec, tensors);
  await ctx.pool.checkAllocations();
  const label = `${spec.kernel}[${spec.variant}] ${spec.N}×${spec.C}`;
  return {
    label, flops: 0, bytes: rowBytes(spec),
    submit(reps: number): Promise<void> {
      const enc = ctx.device.createCommandEncoder({ label: `bench:${label}` });
      const pass = enc.beginComputePass();
      for (let i = 0; i < reps; i++) record(pass, ds);
      pass.end();
      ctx.device.queue.submit([enc.finish()]);
      return ctx.device.queue.onSubmittedWorkDone();
    },
    destroy(): void {
      releaseDispatches(ds);
      for (const t of tensors) ctx.pool.release(t.buffer);
    },
  };
}
