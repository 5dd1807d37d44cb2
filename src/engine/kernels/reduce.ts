// Global gradient norm for clipping (shaders/reduce.wgsl): sqrt(Σ g²) over the one flat
// gradient buffer, the clip factor min(1, maxNorm/(norm + 1e-6)) and a bad-step flag for
// non-finite gradients, all left on the GPU in `stats` so AdamW reads them without a
// readback. Two passes (per-chunk partial sums, then one workgroup over the partials) in a
// fixed order: no atomics, bit-identical results for the same inputs.

import code from '../../../shaders/reduce.wgsl?raw';
import type { GpuTensor } from '../gpu/buffers';
import { expectNumel, grid1d, prepare, type Dispatch, type KernelContext } from './kernel';

/** Gradient elements summed into one partial: WG · ITEMS in reduce.wgsl. */
const CHUNK = 256 * 16;

/** Length of the `partials` scratch buffer grad_norm_clip needs for `n` gradient elements. */
export function gradNormPartials(n: number): number {
  return Math.max(1, Math.ceil(n / CHUNK));
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
  const P = gradNormPartials(n);
  expectNumel('grad_norm_clip', 'grads', grads, n);
  expectNumel('grad_norm_clip', 'partials', partials, P);
  expectNumel('grad_norm_clip', 'stats', stats, 4);
  // Matches clip_scale in the reference: an infinite or NaN threshold means "off".
  // A finite threshold past the f32 range is clamped rather than sent as f32 infinity.
  const clip = Number.isFinite(maxNorm) && maxNorm > 0 ? Math.min(maxNorm, 3e38) : 0;
  const uniform: Array<['u32' | 'f32', number]> = [
    ['u32', n],
    ['u32', P],
    ['f32', clip],
  ];
  return [
    await prepare(ctx, {
      label: 'reduce_partials',
      code,
      entryPoint: 'reduce_partials',
      uniform,
      tensors: [grads, partials],
      workgroups: grid1d(P, 1),
    }),
    await prepare(ctx, {
      label: 'reduce_finish',
      code,
      entryPoint: 'reduce_finish',
      uniform,
      tensors: [partials, stats],
      workgroups: [1],
    }),
  ];
}
