// Residual add (shaders/residual.wgsl): out = x + y, used where a block's output joins the
// residual stream while the stream's input is kept for the backward pass.

import code from '../../../shaders/residual.wgsl?raw';
import { numel, type GpuTensor } from '../gpu/buffers';
import { bindTensors, kernelConstants, packUniform } from './contract';
import { expectNumel, grid1d, prepare, type Dispatch, type KernelContext } from './kernel';

/** Override constants of residual.wgsl: threads per workgroup, also the divisor of the dispatch. */
export const RESIDUAL_CONSTANTS = { WG: 256 } as const;

/** `Params` of residual.wgsl, in field order. */
export const RESIDUAL_PARAMS = { n: 'u32' } as const;

/** Storage bindings of residual_forward in binding order: host name → WGSL variable. */
export const RESIDUAL_BINDINGS = { residual_forward: { x: 'x', y: 'y', out: 'out' } } as const;

export async function residual_forward(
  ctx: KernelContext,
  o: { x: GpuTensor; y: GpuTensor; out: GpuTensor },
): Promise<Dispatch> {
  const n = numel(o.out.shape);
  expectNumel('residual_forward', 'x', o.x, n);
  expectNumel('residual_forward', 'y', o.y, n);
  const constants = kernelConstants(ctx, 'residual', RESIDUAL_CONSTANTS);
  return prepare(ctx, {
    label: 'residual_forward',
    code,
    entryPoint: 'residual_forward',
    constants,
    uniform: packUniform(RESIDUAL_PARAMS, { n }),
    tensors: bindTensors(RESIDUAL_BINDINGS.residual_forward, o),
    workgroups: grid1d(n, constants.WG, ctx.device.limits.maxComputeWorkgroupsPerDimension),
  });
}
