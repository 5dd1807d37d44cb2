// One GPU device per test file (Dawn on SwiftShader in Node without a GPU), plus helpers to
// upload float64 reference data as f32 tensors and read them back.

import { acquireDevice, type GpuContext } from '../gpu/device';
import { allocTensor, readF32, writeTensor, type GpuTensor } from '../gpu/buffers';
import { createKernelContext, type KernelContext } from '../kernels/kernel';

let shared: Promise<{ gpu: GpuContext; ctx: KernelContext }> | null = null;

export function testContext(): Promise<{ gpu: GpuContext; ctx: KernelContext }> {
  if (!shared) {
    shared = acquireDevice().then((gpu) => {
      gpu.device.addEventListener('uncapturederror', (e) => {
        console.error('uncaptured WebGPU error:', (e as GPUUncapturedErrorEvent).error.message);
      });
      return { gpu, ctx: createKernelContext(gpu.device) };
    });
  }
  return shared;
}

export function upload(
  ctx: KernelContext,
  data: ArrayLike<number>,
  shape: readonly number[],
  label = 't',
  dtype: GpuTensor['dtype'] = 'f32',
): GpuTensor {
  const t = allocTensor(ctx.pool, shape, label, dtype);
  writeTensor(ctx.device, t, data);
  return t;
}

export function empty(ctx: KernelContext, shape: readonly number[], label = 'out', fill = Number.NaN): GpuTensor {
  const t = allocTensor(ctx.pool, shape, label);
  // Filled with NaN by default so a kernel that forgets to write an element fails the test.
  writeTensor(ctx.device, t, new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(fill));
  return t;
}

export function download(ctx: KernelContext, t: GpuTensor): Promise<Float32Array> {
  return readF32(ctx.device, t);
}
