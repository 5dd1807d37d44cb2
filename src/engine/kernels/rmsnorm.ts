// RMSNorm before attention, before the MLP and at the end of the model. The forward keeps rstd
// per row for the backward. The backward writes (or adds to) the input gradient per row and,
// unless the weight is frozen, sums the weight gradient over rows with one thread per column
// (fixed order, no scratch buffer). rmsnorm_forward_only is the evaluation forward: the same
// out, no rstd. The row kernels come in two variants sharing one uniform and binding layout:
//   'thread' (shaders/rmsnorm.wgsl): one thread per row; what SwiftShader runs fastest.
//   'workgroup' (shaders/rmsnorm_wg.wgsl): one workgroup per row, a tree reduction in workgroup
//              memory; written for real GPUs.
// ctx.variants.rows (or LORA_LAB_ROWS_VARIANT) forces one; 'auto' asks the autotuner (rows.ts).
// The weight-gradient column sum is rmsnorm.wgsl's in both variants.

import code from '../../../shaders/rmsnorm.wgsl?raw';
import wgCode from '../../../shaders/rmsnorm_wg.wgsl?raw';
import type { GpuTensor } from '../gpu/buffers';
import { bindTensors, kernelConstants, packUniform } from './contract';
import { expectNumel, grid1d, prepare, type Dispatch, type KernelContext, type UniformField } from './kernel';
import { resolveRowVariant, rowGrid, scratch, workgroupRowConstants, type RowVariant } from './rows';

/** Override constants of rmsnorm.wgsl: threads per workgroup, also the divisor of the dispatches. */
export const RMSNORM_CONSTANTS = { WG: 64 } as const;

/** Override constants of rmsnorm_wg.wgsl: threads per row (a power of two); ctx.overrides.rmsnorm_wg replaces them. */
export const RMSNORM_WG_CONSTANTS = { WG: 64 } as const;

/** The kernel names under which ctx.overrides replaces each variant's constants. */
export const RMSNORM_KERNEL: Record<RowVariant, string> = { thread: 'rmsnorm', workgroup: 'rmsnorm_wg' };

/** `Params` of rmsnorm.wgsl and rmsnorm_wg.wgsl, in field order. */
export const RMSNORM_PARAMS = { N: 'u32', C: 'u32', eps: 'f32', accumulate: 'u32' } as const;

/** Storage bindings of each entry point in binding order: host name → WGSL variable. */
export const RMSNORM_BINDINGS = {
  rmsnorm_forward: { x: 'f_x', w: 'f_w', out: 'f_out', rstd: 'f_rstd' },
  rmsnorm_forward_only: { x: 'f_x', w: 'f_w', out: 'f_out' },
  rmsnorm_backward: { dout: 'b_dout', x: 'b_x', w: 'b_w', rstd: 'b_rstd', dx: 'b_dx' },
  rmsnorm_backward_dw: { dout: 'd_dout', x: 'd_x', rstd: 'd_rstd', dw: 'd_dw' },
} as const;

/** The entry points of rmsnorm_wg.wgsl: the row kernels, bound exactly as in rmsnorm.wgsl. */
export const RMSNORM_WG_BINDINGS = {
  rmsnorm_forward: RMSNORM_BINDINGS.rmsnorm_forward,
  rmsnorm_forward_only: RMSNORM_BINDINGS.rmsnorm_forward_only,
  rmsnorm_backward: RMSNORM_BINDINGS.rmsnorm_backward,
} as const;

export type RmsnormRowEntry = keyof typeof RMSNORM_WG_BINDINGS;

function checkDims(op: string, N: number, C: number): void {
  if (!Number.isInteger(N) || !Number.isInteger(C) || N < 1 || C < 1) {
    throw new Error(`${op}: N and C must be positive integers, got N=${N} C=${C}`);
  }
}

function params(N: number, C: number, eps: number, accumulate: boolean): UniformField[] {
  return packUniform(RMSNORM_PARAMS, { N, C, eps, accumulate: accumulate ? 1 : 0 });
}

/** One row kernel of one variant: 'thread' dispatches a thread per row, 'workgroup' a workgroup per row. */
function prepareRow(
  ctx: KernelContext, variant: RowVariant, entry: RmsnormRowEntry, uniform: UniformField[], tensors: GpuTensor[], N: number,
): Promise<Dispatch> {
  if (variant === 'thread') {
    const constants = kernelConstants(ctx, RMSNORM_KERNEL.thread, RMSNORM_CONSTANTS);
    return prepare(ctx, { label: entry, code, entryPoint: entry, constants, uniform, tensors, workgroups: grid1d(N, constants.WG) });
  }
  const constants = workgroupRowConstants(ctx, RMSNORM_KERNEL.workgroup, RMSNORM_WG_CONSTANTS);
  return prepare(ctx, {
    label: `${entry}[workgroup]`, code: wgCode, entryPoint: entry, constants, uniform, tensors, workgroups: rowGrid(ctx, N),
  });
}

/** The variant this row kernel runs with at (N, C): forced by ctx or env, else the autotuner's choice. */
export function resolveRmsnormVariant(ctx: KernelContext, entry: RmsnormRowEntry, N: number, C: number): Promise<RowVariant> {
  return resolveRowVariant(ctx, 'rmsnorm', entry, N, C, async (variant) => {
    const t = scratch(ctx, { x: { shape: [N, C] }, w: { shape: [C] }, out: { shape: [N, C] }, rstd: { shape: [N] }, dout: { shape: [N, C] } });
    const tensors = bindTensors(RMSNORM_BINDINGS[entry], { ...t, dx: t.out });
    const d = await prepareRow(ctx, variant, entry, params(N, C, 1e-5, false), tensors, N);
    return { dispatches: [d], tensors: Object.values(t) };
  });
}

interface ForwardArgs { x: GpuTensor; w: GpuTensor; out: GpuTensor; N: number; C: number; eps: number }

async function forward(ctx: KernelContext, op: 'rmsnorm_forward' | 'rmsnorm_forward_only', o: ForwardArgs & { rstd?: GpuTensor }): Promise<Dispatch> {
  const { N, C } = o;
  checkDims(op, N, C);
  if (!(o.eps >= 0)) throw new Error(`${op}: eps must be >= 0, got ${o.eps}`);
  expectNumel(op, 'x', o.x, N * C);
  expectNumel(op, 'w', o.w, C);
  expectNumel(op, 'out', o.out, N * C);
  if (op === 'rmsnorm_forward') expectNumel(op, 'rstd', o.rstd!, N);
  const variant = await resolveRmsnormVariant(ctx, op, N, C);
  const tensors = bindTensors(RMSNORM_BINDINGS[op], o as Required<typeof o>);
  return prepareRow(ctx, variant, op, params(N, C, o.eps, false), tensors, N);
}

/** out (N, C) = x (N, C) · rstd · w (C), rstd (N) = 1/sqrt(mean(x²) + eps). out must not alias x. */
export function rmsnorm_forward(ctx: KernelContext, o: ForwardArgs & { rstd: GpuTensor }): Promise<Dispatch> {
  return forward(ctx, 'rmsnorm_forward', o);
}

/**
 * rmsnorm_forward for evaluation (no backward follows): the same out, bit-identical for the
 * same variant (same sum order), without writing or needing the rstd (N) buffer.
 */
export function rmsnorm_forward_only(ctx: KernelContext, o: ForwardArgs): Promise<Dispatch> {
  return forward(ctx, 'rmsnorm_forward_only', o);
}

/**
 * dx (N, C) = rstd·dout·w − rstd³·x·(Σ_c dout·w·x)/C, added to dx with `accumulateDx`;
 * dw (C) = Σ_n dout·x·rstd (overwritten), skipped when dw is null (frozen weight).
 * Returns the dispatches in order: dx, then (with dw) the weight gradient.
 */
export async function rmsnorm_backward(
  ctx: KernelContext,
  o: {
    dout: GpuTensor; x: GpuTensor; w: GpuTensor; rstd: GpuTensor; dx: GpuTensor; dw: GpuTensor | null;
    N: number; C: number; accumulateDx?: boolean;
  },
): Promise<Dispatch[]> {
  const op = 'rmsnorm_backward';
  const { N, C } = o;
  checkDims(op, N, C);
  expectNumel(op, 'dout', o.dout, N * C);
  expectNumel(op, 'x', o.x, N * C);
  expectNumel(op, 'w', o.w, C);
  expectNumel(op, 'rstd', o.rstd, N);
  expectNumel(op, 'dx', o.dx, N * C);
  if (o.dw) expectNumel(op, 'dw', o.dw, C);
  const uniform = params(N, C, 0, !!o.accumulateDx);
  const variant = await resolveRmsnormVariant(ctx, op, N, C);
  const dispatches = [await prepareRow(ctx, variant, op, uniform, bindTensors(RMSNORM_BINDINGS.rmsnorm_backward, o), N)];
  if (!o.dw) return dispatches;
  const constants = kernelConstants(ctx, RMSNORM_KERNEL.thread, RMSNORM_CONSTANTS);
  dispatches.push(
    await prepare(ctx, {
      label: `${op}_dw`, code, entryPoint: 'rmsnorm_backward_dw', constants, uniform,
      tensors: bindTensors(RMSNORM_BINDINGS.rmsnorm_backward_dw, { ...o, dw: o.dw }),
      workgroups: grid1d(C, constants.WG), // one thread per column
    }),
  );
  return dispatches;
}
