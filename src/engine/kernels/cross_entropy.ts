// Softmax cross-entropy over the vocabulary (shaders/cross_entropy.wgsl): per-row losses and
// a deterministic single-thread reduction into `stats`, and the gradient w.r.t. the logits.
// Targets are i32; -1 (or anything outside [0, V), which is never read out of bounds) marks
// an ignored row. stats (4) = [mean loss over valid rows (0 if none), nValid, Σ losses, 0].

import code from '../../../shaders/cross_entropy.wgsl?raw';
import type { GpuTensor } from '../gpu/buffers';
import { bindTensors, kernelConstants, packUniform } from './contract';
import { expectNumel, grid1d, prepare, type Dispatch, type KernelContext, type UniformField } from './kernel';

/**
 * Override constants of cross_entropy.wgsl: threads per workgroup of the row kernels, also the
 * divisor of their dispatches (cross_entropy_stats is one thread by design).
 */
export const CROSS_ENTROPY_CONSTANTS = { WG: 64 } as const;

/** `Params` of cross_entropy.wgsl, in field order. */
export const CROSS_ENTROPY_PARAMS = { N: 'u32', V: 'u32' } as const;

/** Storage bindings of each entry point in binding order: host name → WGSL variable. */
export const CROSS_ENTROPY_BINDINGS = {
  cross_entropy_forward: { logits: 'logits', targets: 'targets', losses: 'losses' },
  cross_entropy_stats: { targets: 's_targets', losses: 's_losses', stats: 's_stats' },
  cross_entropy_backward: { logits: 'logits', targets: 'targets', stats: 'b_stats', dlogits: 'b_dlogits' },
} as const;

export interface CrossEntropyForwardArgs {
  logits: GpuTensor; // (N, V)
  targets: GpuTensor; // (N) i32, -1 = ignored
  losses: GpuTensor; // (N) per-row loss, 0 for ignored rows
  stats: GpuTensor; // (4) [mean loss, nValid, Σ losses, 0]
  N: number;
  V: number;
}

export interface CrossEntropyBackwardArgs {
  logits: GpuTensor; // (N, V)
  targets: GpuTensor; // (N) i32, -1 = ignored
  stats: GpuTensor; // (4) from cross_entropy_forward (nValid at [1])
  dlogits: GpuTensor; // (N, V) overwritten; must not alias logits
  N: number;
  V: number;
}

function checkCommon(op: string, o: { logits: GpuTensor; targets: GpuTensor; N: number; V: number }): void {
  for (const [name, n] of Object.entries({ N: o.N, V: o.V })) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`${op}: ${name} must be a positive integer, got ${n}`);
  }
  if (o.targets.dtype !== 'i32') throw new Error(`${op}: targets must be an i32 tensor, got ${o.targets.dtype}`);
  expectNumel(op, 'logits', o.logits, o.N * o.V);
  expectNumel(op, 'targets', o.targets, o.N);
}

function uniform(N: number, V: number): UniformField[] {
  return packUniform(CROSS_ENTROPY_PARAMS, { N, V });
}

/** losses (N) = −log softmax(logits)[target] (0 if ignored), then stats (4) from them. */
export async function cross_entropy_forward(ctx: KernelContext, o: CrossEntropyForwardArgs): Promise<Dispatch[]> {
  const op = 'cross_entropy_forward';
  checkCommon(op, o);
  expectNumel(op, 'losses', o.losses, o.N);
  expectNumel(op, 'stats', o.stats, 4);
  const constants = kernelConstants(ctx, 'cross_entropy', CROSS_ENTROPY_CONSTANTS);
  return [
    // One thread per row: row max and Σ exp by sequential passes over the row.
    await prepare(ctx, {
      label: op,
      code,
      entryPoint: op,
      constants,
      uniform: uniform(o.N, o.V),
      tensors: bindTensors(CROSS_ENTROPY_BINDINGS.cross_entropy_forward, o),
      workgroups: grid1d(o.N, constants.WG),
    }),
    // One thread sums every row in a fixed order, so the mean is bit-identical run to run.
    await prepare(ctx, {
      label: 'cross_entropy_stats',
      code,
      entryPoint: 'cross_entropy_stats',
      constants,
      uniform: uniform(o.N, o.V),
      tensors: bindTensors(CROSS_ENTROPY_BINDINGS.cross_entropy_stats, o),
      workgroups: [1],
    }),
  ];
}

/** dlogits (N, V) = (softmax(logits) − onehot(target)) / nValid; zero rows when ignored or nValid = 0. */
export async function cross_entropy_backward(ctx: KernelContext, o: CrossEntropyBackwardArgs): Promise<Dispatch> {
  const op = 'cross_entropy_backward';
  checkCommon(op, o);
  expectNumel(op, 'stats', o.stats, 4);
  expectNumel(op, 'dlogits', o.dlogits, o.N * o.V);
  // The kernel reads logits of a row while other threads write dlogits; sharing a buffer
  // range would race (and WebGPU rejects a writable binding aliasing another binding).
  if (o.dlogits.buffer === o.logits.buffer && rangesOverlap(o.dlogits, o.logits)) {
    throw new Error(`${op}: dlogits must not alias logits`);
  }
  const constants = kernelConstants(ctx, 'cross_entropy', CROSS_ENTROPY_CONSTANTS);
  return prepare(ctx, {
    label: op,
    code,
    entryPoint: op,
    constants,
    uniform: uniform(o.N, o.V),
    tensors: bindTensors(CROSS_ENTROPY_BINDINGS.cross_entropy_backward, o),
    workgroups: grid1d(o.N, constants.WG), // one thread per row
  });
}

function rangesOverlap(a: GpuTensor, b: GpuTensor): boolean {
  return a.offset < b.offset + b.byteLength && b.offset < a.offset + a.byteLength;
}
