// AdamW optimizer settings and the per-run optimizer dispatches: global gradient-norm
// clipping (grad_norm_clip) followed by one AdamW update over the flat trainable buffer.

import type { GpuTensor } from '../gpu/buffers';
import { adamw_step } from '../kernels/adamw';
import type { Dispatch, KernelContext } from '../kernels/kernel';
import { grad_norm_clip } from '../kernels/reduce';

export interface AdamWOptions {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** Global gradient-norm clipping threshold; 0 disables clipping. */
  maxGradNorm: number;
}

export const DEFAULT_ADAMW: AdamWOptions = { beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, maxGradNorm: 1 };

export async function optimizer_step(
  ctx: KernelContext,
  o: {
    params: GpuTensor; // (n) trainable parameters, flat
    grads: GpuTensor; // (n)
    m: GpuTensor; // (n)
    v: GpuTensor; // (n)
    partials: GpuTensor; // scratch for the norm reduction
    clipStats: GpuTensor; // (4): norm, scale, bad-step flag
    hyper: GpuTensor; // (8), written each step
    n: number;
    maxGradNorm: number;
  },
): Promise<Dispatch[]> {
  const clip = await grad_norm_clip(ctx, {
    grads: o.grads, n: o.n, partials: o.partials, stats: o.clipStats, maxNorm: o.maxGradNorm,
  });
  const step = await adamw_step(ctx, {
    params: o.params, grads: o.grads, m: o.m, v: o.v, n: o.n, hyper: o.hyper, stats: o.clipStats,
  });
  return [...clip, step];
}
