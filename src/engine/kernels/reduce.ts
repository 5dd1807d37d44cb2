// Global gradient norm for clipping (shaders/reduce.wgsl): sqrt(Σ g²) over the one flat
// gradient buffer, the clip factor min(1, maxNorm/(norm + 1e-6)) and a bad-step flag for
// non-finite gradients, all left on the GPU in `stats` so AdamW reads them without a
// readback. Two passes (per-chunk partial sums, then one workgroup over the partials) in a
// fixed order: no atomics, bit-identical results for the same inputs.

import code from '../../../shaders/reduce.wgsl?raw';
import type { GpuTensor } from '../gpu/buffers';
import { bindTensors, checkWorkgroupSize, kernelConstants, packUniform } from './contract';
import { expectNumel, grid1d, prepare, type Dispatch, type KernelContext } from './kernel';

/**
 * Override constants of reduce.wgsl: WG threads per workgroup (a power of two, for the tree
 * sum) each adding ITEMS values, so one partial covers WG · ITEMS gradient elements.
 */
export const REDUCE_CONSTANTS = { WG: 256, ITEMS: 16 } as const;

/** `Params` of reduce.wgsl, in field order. */
export const REDUCE_PARAMS = { n: 'u32', P: 'u32', maxNorm: 'f32' } as const;

/** Storage bindings of each entry point in binding order: host name → WGSL variable. */
export const REDUCE_BINDINGS = {
  reduce_partials: { grads: 'grads', partials: 'partials_out' },
  reduce_finish: { partials: 'partials', stats: 'stats' },
} as const;

function reduceConstants(ctx: KernelContext | undefined): { WG: number; ITEMS: number } {
  if (!ctx) return REDUCE_CONSTANTS;
  const c = kernelConstants(ctx, 'reduce', REDUCE_CONSTANTS);
  checkWorkgroupSize(ctx, 'reduce', c.WG, true);
  return c;
}

/**
 * Length of the `partials` scratch buffer grad_norm_clip needs for `n` gradient elements;
 * pass the context when it may override reduce's sizes (ctx.overrides.reduce).
 */
export function gradNormPartials(n: number, ctx?: KernelContext): number {
  const { WG, ITEMS } = reduceConstants(ctx);
  return Math.max(1, Math.ceil(n / (WG * ITEMS)));
}

export interface GradNormClipArgs {
  grads: GpuTensor; // (n)
  n: number;
  partials: GpuTensor; // (P) scratch, P = gradNormPartials(n)
  stats: GpuTensor; // (4) [norm, scale, bad, 0]
  /** Clip threshold; <= 0 or not finite turns clipping off (scale = 1). */
  maxNorm: number;
}

/**
 * stats[0] = norm, stats[1] = gradScale (0 on a bad step), stats[2] = 1 when the norm is not
 * finite (NaN/Inf gradient: the step must be skipped) else 0, stats[3] = 0.
 */
export async function grad_norm_clip(ctx: KernelContext, args: GradNormClipArgs): Promise<Dispatch[]> {
  const { grads, n, partials, stats, maxNorm } = args;
  if (!Number.isInteger(n) || n < 0 || n >= 2 ** 32) {
    throw new Error(`grad_norm_clip: n ${n} must be an integer in [0, 2^32)`);
  }
  const constants = reduceConstants(ctx);
  const P = gradNormPartials(n, ctx);
  expectNumel('grad_norm_clip', 'grads', grads, n);
  expectNumel('grad_norm_clip', 'partials', partials, P);
  expectNumel('grad_norm_clip', 'stats', stats, 4);
  // Matches clip_scale in the reference: an infinite or NaN threshold means "off".
  // A finite threshold past the f32 range is clamped rather than sent as f32 infinity.
  const clip = Number.isFinite(maxNorm) && maxNorm > 0 ? Math.min(maxNorm, 3e38) : 0;
  const uniform = packUniform(REDUCE_PARAMS, { n, P, maxNorm: clip });
  return [
    await prepare(ctx, {
      label: 'reduce_partials',
      code,
      entryPoint: 'reduce_partials',
      constants,
      uniform,
      tensors: bindTensors(REDUCE_BINDINGS.reduce_partials, { grads, partials }),
      workgroups: grid1d(P, 1),
    }),
    await prepare(ctx, {
      label: 'reduce_finish',
      code,
      entryPoint: 'reduce_finish',
      constants,
      uniform,
      tensors: bindTensors(REDUCE_BINDINGS.reduce_finish, { partials, stats }),
      workgroups: [1],
    }),
  ];
}
