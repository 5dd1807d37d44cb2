// Softmax cross-entropy over the vocabulary (shaders/cross_entropy.wgsl): per-row losses and
// a deterministic single-thread reduction into `stats`, and the gradient w.r.t. the logits.
// Targets are i32; -1 (or anything outside [0, V), which is never read out of bounds) marks
// an ignored row. stats (4) = [mean loss over valid rows (0 if none), nValid, Σ losses, 0].

import code from '../../../shaders/cross_entropy.wgsl?raw';
import type { GpuTensor } from '../gpu/buffers';
import { expectNumel, grid1d, prepare, type Dispatch, type KernelContext, type UniformField } from './kernel';

/** Workgroup size of the row kernels (WG in the shader). */
const WG = 64;

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
  return [
    ['u32', N],
    ['u32', V],
  ];
}

/** losses (N) = −log softmax(logits)[target] (0 if ignored), then stats (4) from them. */
export async function cross_entropy_forward(ctx: KernelContext, o: CrossEntropyForwardArgs): Promise<Dispatch[]> {
  const op = 'cross_entropy_forward';
  checkCommon(op, o);
  expectNumel(op, 'losses', o.losses, o.N);
  expectNumel(op, 'stats', o.stats, 4);
  return [
    // One thread per row: row max and Σ exp by sequential passes over the row.
    await prepare(ctx, {
      label: op,
      code,
      entryPoint: op,
      uniform: uniform(o.N, o.V),
      tensors: [o.logits, o.targets, o.losses],
      workgroups: grid1d(o.N, WG),
    }),
    // One thread sums every row in a fixed order, so the mean is bit-identical run to run.
    await prepare(ctx, {
      label: 'cross_entropy_stats',
      code,
      entryPoint: 'cross_entropy_stats',
      uniform: uniform(o.N, o.V),
      tensors: [o.targets, o.losses, o.stats],
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
  return prepare(ctx, {
    label: op,
    code,
    entryPoint: op,
    uniform: uniform(o.N, o.V),
    tensors: [o.logits, o.targets, o.stats, o.dlogits],
    workgroups: grid1d(o.N, WG), // one thread per row
  });
}

function rangesOverlap(a: GpuTensor, b: GpuTensor): boolean {
  return a.offset < b.offset + b.byteLength && b.offset < a.offset + a.byteLength;
}
