// Linear-layer matmuls (shaders/matmul.wgsl): y = x·Wᵀ and its two gradients, with an
// `accumulate` option so several contributions (LoRA path, tied embeddings, residual
// branches) can sum into one gradient without extra buffers.

import code from '../../../shaders/matmul.wgsl?raw';
import type { GpuTensor } from '../gpu/buffers';
import { expectNumel, prepare, type Dispatch, type KernelContext, type UniformField } from './kernel';

type Entry = 'matmul_forward' | 'matmul_backward_input' | 'matmul_backward_weight';

/** [sa_m, sa_k, sb_k, sb_n]: A(m, k) = a[m·sa_m + k·sa_k], B(k, n) = b[k·sb_k + n·sb_n]. */
const STRIDES: Record<Entry, (M: number, N: number, K: number) => number[]> = {
  matmul_forward: (_M, _N, K) => [K, 1, 1, K], // A (M, K), B stored (N, K)
  matmul_backward_input: (_M, N, K) => [K, 1, N, 1], // A (M, K), B (K, N)
  matmul_backward_weight: (M, N) => [1, M, N, 1], // A stored (K, M), B (K, N)
};

interface MatmulArgs {
  a: GpuTensor;
  b: GpuTensor;
  c: GpuTensor;
  M: number;
  N: number;
  K: number;
  alpha?: number;
  accumulate?: boolean;
  /** Names of a, b, c in error messages. */
  names: [string, string, string];
}

async function matmul(ctx: KernelContext, entryPoint: Entry, args: MatmulArgs): Promise<Dispatch> {
  const { a, b, c, M, N, K, alpha = 1, accumulate = false, names } = args;
  expectNumel(entryPoint, names[0], a, M * K);
  expectNumel(entryPoint, names[1], b, N * K);
  expectNumel(entryPoint, names[2], c, M * N);
  return prepare(ctx, {
    label: entryPoint,
    code,
    entryPoint,
    uniform: [
      ['u32', M],
      ['u32', N],
      ['u32', K],
      ['u32', accumulate ? 1 : 0],
      ['f32', alpha],
      ...STRIDES[entryPoint](M, N, K).map((v): UniformField => ['u32', v]),
    ],
    tensors: [a, b, c],
    // 8×8 threads per workgroup, 4×4 outputs per thread.
    workgroups: [Math.ceil(N / 32), Math.ceil(M / 32)],
  });
}

/** y (rows, outDim) = alpha · x (rows, inDim) · w (outDim, inDim)ᵀ */
export function matmul_forward(
  ctx: KernelContext,
  o: { x: GpuTensor; w: GpuTensor; y: GpuTensor; rows: number; inDim: number; outDim: number; alpha?: number; accumulate?: boolean },
): Promise<Dispatch> {
  return matmul(ctx, 'matmul_forward', { a: o.x, b: o.w, c: o.y, M: o.rows, N: o.outDim, K: o.inDim, alpha: o.alpha, accumulate: o.accumulate, names: ['x', 'w', 'y'] });
}

/** dx (rows, inDim) (+)= alpha · dy (rows, outDim) · w (outDim, inDim) */
export function matmul_backward_input(
  ctx: KernelContext,
  o: { dy: GpuTensor; w: GpuTensor; dx: GpuTensor; rows: number; inDim: number; outDim: number; alpha?: number; accumulate?: boolean },
): Promise<Dispatch> {
  return matmul(ctx, 'matmul_backward_input', { a: o.dy, b: o.w, c: o.dx, M: o.rows, N: o.inDim, K: o.outDim, alpha: o.alpha, accumulate: o.accumulate, names: ['dy', 'w', 'dx'] });
}

/** dw (outDim, inDim) (+)= alpha · dy (rows, outDim)ᵀ · x (rows, inDim) */
export function matmul_backward_weight(
  ctx: KernelContext,
  o: { dy: GpuTensor; x: GpuTensor; dw: GpuTensor; rows: number; inDim: number; outDim: number; alpha?: number; accumulate?: boolean },
): Promise<Dispatch> {
  return matmul(ctx, 'matmul_backward_weight', { a: o.dy, b: o.x, c: o.dw, M: o.outDim, N: o.inDim, K: o.rows, alpha: o.alpha, accumulate: o.accumulate, names: ['dy', 'x', 'dw'] });
}
