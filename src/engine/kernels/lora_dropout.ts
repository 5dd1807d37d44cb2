// Inverted dropout on a projection's input (shaders/lora_dropout.wgsl): xd = drop(x) before a
// LoRA adapter's A matmul (or, in full fine-tuning with dropout, before the base matmul), and
// its backward, which adds the masked gradient onto the base path's dx. The mask is
// keep(i) = u01(hash_u32(seed, i)) >= p, seed = hash_u32(seeds[seedIndex], salt), bit-identical
// to the reference (src/engine/reference/rng.ts).

import code from '../../../shaders/lora_dropout.wgsl?raw';
import { numel, type GpuTensor } from '../gpu/buffers';
import { bindTensors, kernelConstants, packUniform, type UniformStruct } from './contract';
import { expectNumel, grid1d, prepare, type Dispatch, type KernelContext } from './kernel';

/** Override constants of lora_dropout.wgsl: threads per workgroup, also the divisor of the dispatch. */
export const LORA_DROPOUT_CONSTANTS = { WG: 256 } as const;

/** `Params` of lora_dropout.wgsl, in field order. */
export const LORA_DROPOUT_PARAMS = {
  total: 'u32', threshold: 'u32', inv: 'f32', seedIndex: 'u32', salt: 'u32',
} as const satisfies UniformStruct;

/** Storage bindings per entry point in binding order: host name → WGSL variable. */
export const LORA_DROPOUT_BINDINGS = {
  lora_dropout_forward: { x: 'src', xd: 'dst', seeds: 'seeds' },
  lora_dropout_backward: { dxd: 'src', dx: 'dst', seeds: 'seeds' },
} as const;

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

type Entry = keyof typeof LORA_DROPOUT_BINDINGS;

/** The shared body of both entry points: `tensors` are [src, dst, seeds] in binding order. */
async function dropout(ctx: KernelContext, entry: Entry, tensors: GpuTensor[], s: DropoutShape): Promise<Dispatch> {
  const { N, K, p, seeds, seedIndex, salt } = s;
  if (!(p >= 0 && p < 1)) throw new Error(`${entry}: dropout p ${p} must be in [0, 1)`);
  if (!Number.isInteger(N) || !Number.isInteger(K) || N < 0 || K < 0 || N * K >= 2 ** 32) {
    throw new Error(`${entry}: N ${N}, K ${K} must be non-negative integers with N·K < 2^32`);
  }
  if (seeds.dtype !== 'u32') throw new Error(`${entry}: seeds must be a u32 tensor, got ${seeds.dtype}`);
  const S = numel(seeds.shape);
  if (!Number.isInteger(seedIndex) || seedIndex < 0 || seedIndex >= S) {
    throw new Error(`${entry}: seedIndex ${seedIndex} out of range for seeds with ${S} elements`);
  }
  if (!Number.isInteger(salt) || salt < 0 || salt >= 2 ** 32) {
    throw new Error(`${entry}: salt ${salt} must be an integer in [0, 2^32)`);
  }
  const names = Object.keys(LORA_DROPOUT_BINDINGS[entry]);
  expectNumel(entry, names[0]!, tensors[0]!, N * K);
  expectNumel(entry, names[1]!, tensors[1]!, N * K);
  const constants = kernelConstants(ctx, 'lora_dropout', LORA_DROPOUT_CONSTANTS);
  return prepare(ctx, {
    label: entry,
    code,
    entryPoint: entry,
    constants,
    uniform: packUniform(LORA_DROPOUT_PARAMS, {
      total: N * K,
      // u01(h) = (h >> 8)/2^24 >= p  ⇔  (h >> 8) >= ceil(p·2^24); p·2^24 is exact in float64.
      threshold: Math.ceil(p * 2 ** 24),
      inv: 1 / (1 - p),
      seedIndex,
      salt,
    }),
    tensors,
    workgroups: grid1d(N * K, constants.WG),
  });
}

/** xd (N, K) = x (N, K) · keep / (1 − p). */
export function lora_dropout_forward(
  ctx: KernelContext,
  o: { x: GpuTensor; xd: GpuTensor } & DropoutShape,
): Promise<Dispatch> {
  return dropout(ctx, 'lora_dropout_forward', bindTensors(LORA_DROPOUT_BINDINGS.lora_dropout_forward, o), o);
}

/** dx (N, K) += dxd (N, K) · keep / (1 − p), the same mask as the forward. */
export function lora_dropout_backward(
  ctx: KernelContext,
  o: { dxd: GpuTensor; dx: GpuTensor } & DropoutShape,
): Promise<Dispatch> {
  return dropout(ctx, 'lora_dropout_backward', bindTensors(LORA_DROPOUT_BINDINGS.lora_dropout_backward, o), o);
}
