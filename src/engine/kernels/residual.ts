// Residual add (shaders/residual.wgsl): out = x + y, used where a block's output joins the
// residual stream while the stream's input is kept for the backward pass.

import code from '../../../shaders/residual.wgsl?raw';
import { numel, type GpuTensor } from '../gpu/buffers';
import { expectNumel, grid1d, prepare, type Dispatch, type KernelContext } from './kernel';

export async function residual_forward(
  ctx: KernelContext,
  o: { x: GpuTensor; y: GpuTensor; out: GpuTensor },
): Promise<Dispatch> {
  const n = numel(o.out.shape);
  expectNumel('residual_forward', 'x', o.x, n);
  expectNumel('residual_forward', 'y', o.y, n);
  return prepare(ctx, {
    label: 'residual_forward',
    code,
    entryPoint: 'residual_forward',
    uniform: [['u32', n]],
    tensors: [o.x, o.y, o.out],
    workgroups: grid1d(n, 256, ctx.device.limits.maxComputeWorkgroupsPerDimension),
  });
}
