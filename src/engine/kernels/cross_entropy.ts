// Softmax cross-entropy over the vocabulary: per-row losses and a deterministic single-thread
// reduction into `stats`, and the gradient w.r.t. the logits. Targets are i32; -1 (or anything
// outside [0, V), which is never read out of bounds) marks an ignored row.
// stats (4) = [mean loss over valid rows (0 if none), nValid, Σ losses, 0].
// The row kernels (forward losses, backward) come in two variants sharing one uniform and
// binding layout:
//   'thread' (shaders/cross_entropy.wgsl): one thread per row; what SwiftShader runs fastest.
//   'workgroup' (shaders/cross_entropy_wg.wgsl): one workgroup per row, the row max and Σ exp by
//              tree reductions in workgroup memory; written for real GPUs.
// ctx.variants.rows (or LORA_LAB_ROWS_VARIANT) forces one; 'auto' asks the autotuner (rows.ts).
// cross_entropy_stats (N losses summed by one thread) is cross_entropy.wgsl's in both variants.

import code from '../../../shaders/cross_entropy.wgsl?raw';
import wgCode from '../../../shaders/cross_entropy_wg.wgsl?raw';
import type { GpuTensor } from '../gpu/buffers';
import { bindTensors, kernelConstants, packUniform } from './contract';
import { expectNumel, grid1d, prepare, type Dispatch, type KernelContext, type UniformField } from './kernel';
import { resolveRowVariant, rowGrid, scratch, workgroupRowConstants, type RowVariant } from './rows';

/**
 * Override constants of cross_entropy.wgsl: threads per workgroup of the row kernels, also the
 * divisor of their dispatches (cross_entropy_stats is one thread by design).
 */
export const CROSS_ENTROPY_CONSTANTS = { WG: 64 } as const;

/** Override constants of cross_entropy_wg.wgsl: threads per row (a power of two); ctx.overrides.cross_entropy_wg replaces them. */
export const CROSS_ENTROPY_WG_CONSTANTS = { WG: 64 } as const;

/** The kernel names under which ctx.overrides replaces each variant's constants. */
export const CROSS_ENTROPY_KERNEL: Record<RowVariant, string> = { thread: 'cross_entropy', workgroup: 'cross_entropy_wg' };

/** `Params` of cross_entropy.wgsl and cross_entropy_wg.wgsl, in field order. */
export const CROSS_ENTROPY_PARAMS = { N: 'u32', V: 'u32' } as const;

/** Storage bindings of each entry point in binding order: host name → WGSL variable. */
export const CROSS_ENTROPY_BINDINGS = {
  cross_entropy_forward: { logits: 'logits', targets: 'targets', losses: 'losses' },
  cross_entropy_stats: { targets: 's_targets', losses: 's_losses', stats: 's_stats' },
  cross_entropy_backward: { logits: 'logits', targets: 'targets', stats: 'b_stats', dlogits: 'b_dlogits' },
} as const;

/** The entry points of cross_entropy_wg.wgsl: the row kernels, bound exactly as in cross_entropy.wgsl. */
export const CROSS_ENTROPY_WG_BINDINGS = {
  cross_entropy_forward: CROSS_ENTROPY_BINDINGS.cross_entropy_forward,
  cross_entropy_backward: CROSS_ENTROPY_BINDINGS.cross_entropy_backward,
} as const;

export type CrossEntropyRowEntry = keyof typeof CROSS_ENTROPY_WG_BINDINGS;

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

/** One row kernel of one variant: 'thread' dispatches a thread per row, 'workgroup' a workgroup per row. */
function prepareRow(ctx: KernelContext, variant: RowVariant, entry: CrossEntropyRowEntry, tensors: GpuTensor[], N: number, V: number): Promise<Dispatch> {
  if (variant === 'thread') {
    const constants = kernelConstants(ctx, CROSS_ENTROPY_KERNEL.thread, CROSS_ENTROPY_CONSTANTS);
    return prepare(ctx, { label: entry, code, entryPoint: entry, constants, uniform: uniform(N, V), tensors, workgroups: grid1d(N, constants.WG) });
  }
  const constants = workgroupRowConstants(ctx, CROSS_ENTROPY_KERNEL.workgroup, CROSS_ENTROPY_WG_CONSTANTS);
  return prepare(ctx, {
    label: `${entry}[workgroup]`, code: wgCode, entryPoint: entry, constants, uniform: uniform(N, V), tensors, workgroups: rowGrid(ctx, N),
  });
}

/** The variant this row kernel runs with at (N, V): forced by ctx or env, else the autotuner's choice. */
export function resolveCrossEntropyVariant(ctx: KernelContext, entry: CrossEntropyRowEntry, N: number, V: number): Promise<RowVariant> {
  return resolveRowVariant(ctx, 'cross_entropy', entry, N, V, async (variant) => {
    // Valid targets and nValid = N, so both timings walk every row as training does.
    const t = scratch(ctx, {
      logits: { shape: [N, V] }, targets: { shape: [N], dtype: 'i32', fill: new Array<number>(N).fill(0) },
      losses: { shape: [N] }, stats: { shape: [4], fill: [0, N, 0, 0] }, dlogits: { shape: [N, V] },
    });
    const d = await prepareRow(ctx, variant, entry, bindTensors(CROSS_ENTROPY_BINDINGS[entry], t), N, V);
    return { dispatches: [d], tensors: Object.values(t) };
  });
}

/** losses (N) = −log softmax(logits)[target] (0 if ignored), then stats (4) from them. */
export async function cross_entropy_forward(ctx: KernelContext, o: CrossEntropyForwardArgs): Promise<Dispatch[]> {
  const op = 'cross_entropy_forward';
  checkCommon(op, o);
  expectNumel(op, 'losses', o.losses, o.N);
  expectNumel(op, 'stats', o.stats, 4);
  const variant = await resolveCrossEntropyVariant(ctx, op, o.N, o.V);
  const constants = kernelConstants(ctx, CROSS_ENTROPY_KERNEL.thread, CROSS_ENTROPY_CONSTANTS);
  return [
    await prepareRow(ctx, variant, op, bindTensors(CROSS_ENTROPY_BINDINGS.cross_entropy_forward, o), o.N, o.V),
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
  const variant = await resolveCrossEntropyVariant(ctx, op, o.N, o.V);
  return prepareRow(ctx, variant, op, bindTensors(CROSS_ENTROPY_BINDINGS.cross_entropy_backward, o), o.N, o.V);
}

function rangesOverlap(a: GpuTensor, b: GpuTensor): boolean {
  return a.offset < b.offset + b.byteLength && b.offset < a.offset + a.byteLength;
}
