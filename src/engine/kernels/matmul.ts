// Linear-layer matmuls: y = x·Wᵀ and its two gradients, with an `accumulate` option so
// several contributions (LoRA path, tied embeddings, residual branches) can sum into one
// gradient without extra buffers. Two variants share one uniform and binding layout:
//   'register' (shaders/matmul.wgsl): 4×4 outputs per thread, no workgroup memory; what
//              SwiftShader runs fastest.
//   'tiled' (shaders/matmul_tiled.wgsl): output tiles (64×64 by default) staged through workgroup
//              memory; written for real GPUs.
// Both sum each output over k in the same order with the same fma, so they agree bitwise.
// ctx.variants.matmul forces one; 'auto' (the default) asks the autotuner per adapter and
// shape class, except for problems too small to time, which take 'register'.

import registerCode from '../../../shaders/matmul.wgsl?raw';
import tiledCode from '../../../shaders/matmul_tiled.wgsl?raw';
import { allocTensor, type GpuTensor } from '../gpu/buffers';
import { sizeBucket, type Candidate } from './autotune';
import { bindTensors, checkWorkgroupSize, kernelConstants, packUniform, type KernelConstants, type UniformStruct } from './contract';
import { expectNumel, prepare, record, type Dispatch, type KernelContext } from './kernel';
import { resolveVariant } from './variant';

export const MATMUL_VARIANTS = ['register', 'tiled'] as const;
export type MatmulVariant = (typeof MATMUL_VARIANTS)[number];
export type MatmulVariantSetting = MatmulVariant | 'auto';

type Entry = 'matmul_forward' | 'matmul_backward_input' | 'matmul_backward_weight';

/** [sa_m, sa_k, sb_k, sb_n]: A(m, k) = a[m·sa_m + k·sa_k], B(k, n) = b[k·sb_k + n·sb_n]. */
const STRIDES: Record<Entry, (M: number, N: number, K: number) => number[]> = {
  matmul_forward: (_M, _N, K) => [K, 1, 1, K], // A (M, K), B stored (N, K)
  matmul_backward_input: (_M, N, K) => [K, 1, N, 1], // A (M, K), B (K, N)
  matmul_backward_weight: (M, N) => [1, M, N, 1], // A stored (K, M), B (K, N)
};

/** The shaders' `struct Params` (both variants), in WGSL order. */
export const MATMUL_PARAMS = {
  M: 'u32', N: 'u32', K: 'u32', accumulate: 'u32', alpha: 'f32', sa_m: 'u32', sa_k: 'u32', sb_k: 'u32', sb_n: 'u32',
} as const satisfies UniformStruct;

/**
 * Storage bindings per entry point (both variants) in binding order: host name → WGSL
 * variable. The three forms bind the same a, b, c; only the host's names differ.
 */
export const MATMUL_BINDINGS = {
  matmul_forward: { x: 'a', w: 'b', y: 'c' },
  matmul_backward_input: { dy: 'a', w: 'b', dx: 'c' },
  matmul_backward_weight: { dy: 'a', x: 'b', dw: 'c' },
} as const satisfies Record<Entry, Readonly<Record<string, string>>>;

/**
 * Default override constants per variant: the single source of the workgroup shape, which
 * ctx.overrides[MATMUL_KERNEL[variant]] may replace. Each thread computes 4×4 outputs, so a
 * workgroup covers (4·WG_Y) rows × (4·WG_X) columns.
 */
export const MATMUL_CONSTANTS = {
  register: { WG_X: 8, WG_Y: 8 },
  tiled: { WG_X: 16, WG_Y: 16, TILE_K: 16 },
} as const satisfies Record<MatmulVariant, KernelConstants>;

/** The kernel names under which ctx.overrides replaces each variant's constants. */
export const MATMUL_KERNEL: Record<MatmulVariant, string> = { register: 'matmul', tiled: 'matmul_tiled' };

const CODE: Record<MatmulVariant, string> = { register: registerCode, tiled: tiledCode };

/** Below this many multiply-adds a matmul is launch-bound on any device: 'auto' does not time it. */
export const AUTOTUNE_MIN_WORK = 1 << 20;

/** The shape class a choice is cached under: form and power-of-two buckets of M, N, K. */
export function matmulShapeClass(entry: string, M: number, N: number, K: number): string {
  return `${entry}:m${sizeBucket(M)}n${sizeBucket(N)}k${sizeBucket(K)}`;
}

interface Shape {
  entry: Entry;
  M: number;
  N: number;
  K: number;
  alpha: number;
  accumulate: boolean;
}

type MatmulConstants = Readonly<{ WG_X: number; WG_Y: number; TILE_K?: number }>;

/** The variant's constants (defaults or ctx.overrides), checked against the device's limits. */
function variantConstants(ctx: KernelContext, variant: MatmulVariant): MatmulConstants {
  const kernel = MATMUL_KERNEL[variant];
  const c = kernelConstants<KernelConstants>(ctx, kernel, MATMUL_CONSTANTS[variant]) as MatmulConstants;
  checkWorkgroupSize(ctx, kernel, c.WG_X * c.WG_Y);
  // (TILE_K, 4·WG_Y) + (TILE_K, 4·WG_X) f32 tiles in workgroup memory.
  const bytes = (c.TILE_K ?? 0) * (c.WG_X + c.WG_Y) * 16;
  if (bytes > ctx.device.limits.maxComputeWorkgroupStorageSize) {
    throw new Error(`${kernel}: tiles need ${bytes} bytes of workgroup memory, device offers ${ctx.device.limits.maxComputeWorkgroupStorageSize}`);
  }
  return c;
}

function prepareVariant(ctx: KernelContext, variant: MatmulVariant, s: Shape, tensors: GpuTensor[]): Promise<Dispatch> {
  const { entry, M, N, K } = s;
  const constants = variantConstants(ctx, variant);
  const [sa_m, sa_k, sb_k, sb_n] = STRIDES[entry](M, N, K);
  return prepare(ctx, {
    label: variant === 'register' ? entry : `${entry}[${variant}]`,
    code: CODE[variant],
    entryPoint: entry,
    constants,
    uniform: packUniform(MATMUL_PARAMS, { M, N, K, accumulate: s.accumulate ? 1 : 0, alpha: s.alpha, sa_m, sa_k, sb_k, sb_n }),
    tensors,
    workgroups: [Math.ceil(N / (4 * constants.WG_X)), Math.ceil(M / (4 * constants.WG_Y))],
  });
}

/** A timer per variant on scratch tensors of this shape (never the caller's, which may hold live data). */
function timingCandidates(ctx: KernelContext, s: Shape): Candidate<MatmulVariant>[] {
  const reps = Math.max(1, Math.min(20, Math.ceil(2 ** 24 / (s.M * s.N * s.K))));
  return MATMUL_VARIANTS.map((variant) => ({
    variant,
    time: async () => {
      const ts = [allocTensor(ctx.pool, [s.M * s.K], 'tune:a'), allocTensor(ctx.pool, [s.N * s.K], 'tune:b'), allocTensor(ctx.pool, [s.M * s.N], 'tune:c')];
      const d = await prepareVariant(ctx, variant, { ...s, accumulate: false }, ts);
      const enc = ctx.device.createCommandEncoder();
      const pass = enc.beginComputePass();
      for (let i = 0; i < reps; i++) record(pass, [d]);
      pass.end();
      const t0 = performance.now();
      ctx.device.queue.submit([enc.finish()]);
      await ctx.device.queue.onSubmittedWorkDone();
      const ms = (performance.now() - t0) / reps;
      for (const b of d.owned) b.destroy();
      for (const t of ts) ctx.pool.release(t.buffer);
      return ms;
    },
  }));
}

/** The variant this matmul runs with: forced by ctx or env, else the autotuner's choice. */
export async function resolveMatmulVariant(ctx: KernelContext, entry: string, M: number, N: number, K: number): Promise<MatmulVariant> {
  const s: Shape = { entry: entry as Entry, M, N, K, alpha: 1, accumulate: false };
  // On a CPU emulator the tiled variant is several times slower (barriers; see
  // src/cli/bench-matmul-variants.ts) and takes seconds per entry point to compile, so
  // resolveVariant does not time it there.
  return resolveVariant(ctx, {
    kernel: 'matmul', setting: ctx.variants?.matmul, env: 'LORA_LAB_MATMUL_VARIANT', variants: MATMUL_VARIANTS,
    fallback: 'register', shapeClass: matmulShapeClass(entry, M, N, K), work: M * N * K, minWork: AUTOTUNE_MIN_WORK,
    candidates: () => timingCandidates(ctx, s),
  });
}

interface MatmulArgs {
  /** a, b, c in binding order (MATMUL_BINDINGS[entry]). */
  tensors: GpuTensor[];
  M: number;
  N: number;
  K: number;
  alpha?: number;
  accumulate?: boolean;
}

async function matmul(ctx: KernelContext, entry: Entry, args: MatmulArgs): Promise<Dispatch> {
  const { tensors, M, N, K, alpha = 1, accumulate = false } = args;
  const [a, b, c] = tensors;
  const names = Object.keys(MATMUL_BINDINGS[entry]);
  expectNumel(entry, names[0], a, M * K);
  expectNumel(entry, names[1], b, N * K);
  expectNumel(entry, names[2], c, M * N);
  const variant = await resolveMatmulVariant(ctx, entry, M, N, K);
  return prepareVariant(ctx, variant, { entry, M, N, K, alpha, accumulate }, tensors);
}

/** y (rows, outDim) = alpha · x (rows, inDim) · w (outDim, inDim)ᵀ */
export function matmul_forward(
  ctx: KernelContext,
  o: { x: GpuTensor; w: GpuTensor; y: GpuTensor; rows: number; inDim: number; outDim: number; alpha?: number; accumulate?: boolean },
): Promise<Dispatch> {
  const tensors = bindTensors(MATMUL_BINDINGS.matmul_forward, o);
  return matmul(ctx, 'matmul_forward', { tensors, M: o.rows, N: o.outDim, K: o.inDim, alpha: o.alpha, accumulate: o.accumulate });
}

/** dx (rows, inDim) (+)= alpha · dy (rows, outDim) · w (outDim, inDim) */
export function matmul_backward_input(
  ctx: KernelContext,
  o: { dy: GpuTensor; w: GpuTensor; dx: GpuTensor; rows: number; inDim: number; outDim: number; alpha?: number; accumulate?: boolean },
): Promise<Dispatch> {
  const tensors = bindTensors(MATMUL_BINDINGS.matmul_backward_input, o);
  return matmul(ctx, 'matmul_backward_input', { tensors, M: o.rows, N: o.inDim, K: o.outDim, alpha: o.alpha, accumulate: o.accumulate });
}

/** dw (outDim, inDim) (+)= alpha · dy (rows, outDim)ᵀ · x (rows, inDim) */
export function matmul_backward_weight(
  ctx: KernelContext,
  o: { dy: GpuTensor; x: GpuTensor; dw: GpuTensor; rows: number; inDim: number; outDim: number; alpha?: number; accumulate?: boolean },
): Promise<Dispatch> {
  const tensors = bindTensors(MATMUL_BINDINGS.matmul_backward_weight, o);
  return matmul(ctx, 'matmul_backward_weight', { tensors, M: o.outDim, N: o.inDim, K: o.rows, alpha: o.alpha, accumulate: o.accumulate });
}
