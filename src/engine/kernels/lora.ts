// LoRA input dropout (shaders/lora.wgsl): xd = drop(x) before the adapter's A matmul, and
// its backward, which adds the masked gradient onto the base path's dx. The mask is
// keep(i) = u01(hash_u32(seed, i)) >= p, seed = hash_u32(seeds[seedIndex], salt), bit-identical
// to the reference (src/engine/reference/rng.ts). The adapter matmuls use matmul.ts.

import code from '../../../shaders/lora.wgsl?raw';
import { numel, type GpuTensor } from '../gpu/buffers';
import { expectNumel, grid1d, prepare, type Dispatch, type KernelContext } from './kernel';

/** Threads per workgroup in lora.wgsl. */
const WG = 256;

interface DropoutShape {
  N: number;
  K: number;
  /** Drop probability in [0, 1); 0 gives a copy (forward) or a plain add (backward). */
  p: number;
  seeds: GpuTensor; // (S) u32, the per-step seeds
  seedIndex: number;
  /** Static per-(layer, projection) constant mixed into the step seed. */
  salt: number;
}

type Entry = 'lora_forward' | 'lora_backward';

async function dropout(
  ctx: KernelContext, entryPoint: Entry, op: string, src: GpuTensor, dst: GpuTensor, names: [string, string], s: DropoutShape,
): Promise<Dispatch> {
  const { N, K, p, seeds, seedIndex, salt } = s;
  if (!(p >= 0 && p < 1)) throw new Error(`${op}: dropout p ${p} must be in [0, 1)`);
  if (!Number.isInteger(N) || !Number.isInteger(K) || N < 0 || K < 0 || N * K >= 2 ** 32) {
    throw new Error(`${op}: N ${N}, K ${K} must be non-negative integers with N·K < 2^32`);
  }
  if (seeds.dtype !== 'u32') throw new Error(`${op}: seeds must be a u32 tensor, got ${seeds.dtype}`);
  const S = numel(seeds.shape);
  if (!Number.isInteger(seedIndex) || seedIndex < 0 || seedIndex >= S) {
    throw new Error(`${op}: seedIndex ${seedIndex} out of range for seeds with ${S} elements`);
  }
  if (!Number.isInteger(salt) || salt < 0 || salt >= 2 ** 32) {
    throw new Error(`${op}: salt ${salt} must be an integer in [0, 2^32)`);
  }
  expectNumel(op, names[0], src, N * K);
  expectNumel(op, names[1], dst, N * K);
  return prepare(ctx, {
    label: op,
    code,
    entryPoint,
    uniform: [
      ['u32', N * K],
      // u01(h) = (h >> 8)/2^24 >= p  ⇔  (h >> 8) >= ceil(p·2^24); p·2^24 is exact in float64.
      ['u32', Math.ceil(p * 2 ** 24)],
      ['f32', 1 / (1 - p)],
      ['u32', seedIndex],
      ['u32', salt],
    ],
    tensors: [src, dst, seeds],
    workgroups: grid1d(N * K, WG),
  });
}

/** xd (N, K) = x (N, K) · keep / (1 − p). */
export function lora_dropout_forward(
  ctx: KernelContext,
  o: { x: GpuTensor; xd: GpuTensor } & DropoutShape,
): Promise<Dispatch> {
  return dropout(ctx, 'lora_forward', 'lora_dropout_forward', o.x, o.xd, ['x', 'xd'], o);
}

/** dx (N, K) += dxd (N, K) · keep / (1 − p), the same mask as the forward. */
export function lora_dropout_backward(
  ctx: KernelContext,
  o: { dxd: GpuTensor; dx: GpuTensor } & DropoutShape,
): Promise<Dispatch> {
  return dropout(ctx, 'lora_backward', 'lora_dropout_backward', o.dxd, o.dx, ['dxd', 'dx'], o);
}
