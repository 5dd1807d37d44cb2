// Benchmark targets (shaders/bench_peak.wgsl plus the engine's matmuls): the device-peak
// probes (a compute-bound FMA kernel and a memory-bound copy) and matmul at a given shape,
// each prepared once into a BenchTarget that the benchmark suite (src/experiment/bench/)
// submits and times. The suite sees the engine only through index.ts, so recording and
// buffers stay here.

import code from '../../../shaders/bench_peak.wgsl?raw';
import { allocTensor, writeTensor, type GpuTensor } from '../gpu/buffers';
import { bindTensors, kernelConstants, packUniform, type UniformStruct } from './contract';
import { grid1d, prepare, record, releaseDispatches, type Dispatch, type KernelContext } from './kernel';
import { MATMUL_VARIANTS, matmul_backward_input, matmul_backward_weight, matmul_forward, type MatmulVariant } from './matmul';

/** Override constants of bench_peak.wgsl: threads per workgroup, also the divisor of the dispatch. */
export const BENCH_PEAK_CONSTANTS = { WG: 256 } as const;

/** `FmaParams` of bench_peak.wgsl (bound as `fp`), in field order. */
export const FMA_PEAK_PARAMS = { n: 'u32', iters: 'u32', mul: 'f32', add: 'f32' } as const satisfies UniformStruct;

/** `CopyParams` of bench_peak.wgsl (bound as `cp`): n counts vec4 elements. */
export const COPY_PEAK_PARAMS = { n: 'u32' } as const satisfies UniformStruct;

/** Storage bindings per entry point in binding order: host name → WGSL variable. */
export const BENCH_PEAK_BINDINGS = {
  fma_peak: { out: 'fma_out' },
  copy_peak: { src: 'copy_src', dst: 'copy_dst' },
} as const;
/** FLOPs of one fma_peak loop trip: 4 vec4 FMAs of 2 FLOPs per lane. */
export const FMA_FLOPS_PER_ITER = 4 * 4 * 2;

/** out[i] (n) = sum of thread i's four vec4 chains after `iters` steps of a ← a·mul + add. */
export function fma_peak(
  ctx: KernelContext,
  o: { out: GpuTensor; n: number; iters: number; mul: number; add: number },
): Promise<Dispatch> {
  if (o.out.byteLength < o.n * 4) throw new Error(`fma_peak: out holds fewer than ${o.n} values`);
  const constants = kernelConstants(ctx, 'bench_peak', BENCH_PEAK_CONSTANTS);
  return prepare(ctx, {
    label: 'fma_peak', code, entryPoint: 'fma_peak', constants,
    uniform: packUniform(FMA_PEAK_PARAMS, { n: o.n, iters: o.iters, mul: o.mul, add: o.add }),
    tensors: bindTensors(BENCH_PEAK_BINDINGS.fma_peak, o),
    workgroups: grid1d(o.n, constants.WG, ctx.device.limits.maxComputeWorkgroupsPerDimension),
  });
}

/** dst (n) = src (n), n a multiple of 4 (copied as vec4). */
export function copy_peak(ctx: KernelContext, o: { src: GpuTensor; dst: GpuTensor; n: number }): Promise<Dispatch> {
  if (o.n % 4 !== 0) throw new Error(`copy_peak: n (${o.n}) must be a multiple of 4`);
  if (o.src.byteLength < o.n * 4 || o.dst.byteLength < o.n * 4) throw new Error(`copy_peak: buffers hold fewer than ${o.n} values`);
  const constants = kernelConstants(ctx, 'bench_peak', BENCH_PEAK_CONSTANTS);
  return prepare(ctx, {
    label: 'copy_peak', code, entryPoint: 'copy_peak', constants,
    uniform: packUniform(COPY_PEAK_PARAMS, { n: o.n / 4 }),
    tensors: bindTensors(BENCH_PEAK_BINDINGS.copy_peak, o),
    workgroups: grid1d(o.n / 4, constants.WG, ctx.device.limits.maxComputeWorkgroupsPerDimension),
  });
}

/** The three products of a linear layer: y = x·Wᵀ, dx = dy·W, dW = dyᵀ·x. */
export type MatmulForm = 'forward' | 'backward_input' | 'backward_weight';

/** Matmul variants the benchmark measures: every one kernels/matmul.ts offers, each forced in turn. */
export const MATMUL_BENCH_VARIANTS: readonly string[] = MATMUL_VARIANTS;

export type BenchSpec =
  | { kind: 'fma'; threads: number; iters: number }
  /** f32 elements copied per repetition (a multiple of 4). */
  | { kind: 'copy'; elements: number }
  | { kind: 'matmul'; form: MatmulForm; variant: string; rows: number; inDim: number; outDim: number };

export interface BenchTarget {
  label: string;
  /** Floating-point operations of one repetition (0 for the copy). */
  flops: number;
  /** Bytes one repetition must at least read and write. */
  bytes: number;
  /** Encodes `reps` repetitions into one pass, submits once and resolves when the GPU is done. */
  submit(reps: number): Promise<void>;
  destroy(): void;
}

function tensor(ctx: KernelContext, shape: number[], label: string, fill: boolean): GpuTensor {
  const t = allocTensor(ctx.pool, shape, label);
  // Small non-zero inputs: zeros could take a fast path on some hardware.
  if (fill) writeTensor(ctx.device, t, Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => ((i % 13) - 6) * 0.01));
  return t;
}

async function prepareMatmul(ctx: KernelContext, s: Extract<BenchSpec, { kind: 'matmul' }>, ts: GpuTensor[]): Promise<Dispatch> {
  if (!MATMUL_BENCH_VARIANTS.includes(s.variant)) throw new Error(`unknown matmul variant "${s.variant}"`);
  // A context that forces this variant (the autotuner would otherwise pick one).
  const vctx: KernelContext = { ...ctx, variants: { ...ctx.variants, matmul: s.variant as MatmulVariant } };
  const { rows, inDim, outDim } = s;
  const x = tensor(ctx, [rows, inDim], 'x', s.form !== 'backward_input'); // (rows, inDim)
  const w = tensor(ctx, [outDim, inDim], 'w', s.form !== 'backward_weight'); // (outDim, inDim)
  const dy = tensor(ctx, [rows, outDim], 'dy', s.form !== 'forward'); // (rows, outDim)
  ts.push(x, w, dy);
  const o = { rows, inDim, outDim };
  if (s.form === 'forward') return matmul_forward(vctx, { ...o, x, w, y: dy });
  if (s.form === 'backward_input') return matmul_backward_input(vctx, { ...o, dy, w, dx: x });
  return matmul_backward_weight(vctx, { ...o, dy, x, dw: w });
}

async function prepareSpec(ctx: KernelContext, s: BenchSpec, ts: GpuTensor[]): Promise<{ d: Dispatch; flops: number; bytes: number; label: string }> {
  if (s.kind === 'fma') {
    const out = tensor(ctx, [s.threads], 'fma_out', false);
    ts.push(out);
    // mul < 1 keeps every chain bounded however long it runs.
    const d = await fma_peak(ctx, { out, n: s.threads, iters: s.iters, mul: 0.9999, add: 0.001 });
    return { d, flops: s.threads * s.iters * FMA_FLOPS_PER_ITER, bytes: s.threads * 4, label: `fma ${s.threads}×${s.iters}` };
  }
  if (s.kind === 'copy') {
    const src = tensor(ctx, [s.elements], 'copy_src', true);
    const dst = tensor(ctx, [s.elements], 'copy_dst', false);
    ts.push(src, dst);
    const d = await copy_peak(ctx, { src, dst, n: s.elements });
    return { d, flops: 0, bytes: 2 * s.elements * 4, label: `copy ${s.elements}` };
  }
  const d = await prepareMatmul(ctx, s, ts);
  const { rows, inDim, outDim } = s;
  return {
    d, flops: 2 * rows * inDim * outDim, bytes: 4 * (rows * inDim + outDim * inDim + rows * outDim),
    label: `matmul_${s.form}[${s.variant}] ${rows}×${inDim}×${outDim}`,
  };
}

/** Allocates and prepares one benchmark target; destroy() returns its buffers to the pool. */
export async function prepareBenchTarget(ctx: KernelContext, spec: BenchSpec): Promise<BenchTarget> {
  const tensors: GpuTensor[] = [];
  const { d, flops, bytes, label } = await prepareSpec(ctx, spec, tensors);
  await ctx.pool.checkAllocations();
  return {
    label, flops, bytes,
    submit(reps: number): Promise<void> {
      const enc = ctx.device.createCommandEncoder({ label: `bench:${label}` });
      const pass = enc.beginComputePass();
      for (let i = 0; i < reps; i++) record(pass, [d]);
      pass.end();
      ctx.device.queue.submit([enc.finish()]);
      return ctx.device.queue.onSubmittedWorkDone();
    },
    destroy(): void {
      releaseDispatches([d]);
      for (const t of tensors) ctx.pool.release(t.buffer);
    },
  };
}
