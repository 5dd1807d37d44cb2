// RMSNorm (shaders/rmsnorm.wgsl) before attention, before the MLP and at the end of the
// model. The forward keeps rstd per row for the backward. The backward writes (or adds to)
// the input gradient with one thread per row and, unless the weight is frozen, sums the
// weight gradient over rows with one thread per column (fixed order, no scratch buffer).
// rmsnorm_forward_only is the evaluation forward: the same out, no rstd.

import code from '../../../shaders/rmsnorm.wgsl?raw';
import type { GpuTensor } from '../gpu/buffers';
import { bindTensors, kernelConstants, packUniform } from './contract';
import { expectNumel, grid1d, prepare, type Dispatch, type KernelContext, type UniformField } from './kernel';

/** Override constants of rmsnorm.wgsl: threads per workgroup, also the divisor of the dispatches. */
export const RMSNORM_CONSTANTS = { WG: 64 } as const;

/** `Params` of rmsnorm.wgsl, in field order. */
export const RMSNORM_PARAMS = { N: 'u32', C: 'u32', eps: 'f32', accumulate: 'u32' } as const;

/** Storage bindings of each entry point in binding order: host name → WGSL variable. */
export const RMSNORM_BINDINGS = {
  rmsnorm_forward: { x: 'f_x', w: 'f_w', out: 'f_out', rstd: 'f_rstd' },
  rmsnorm_forward_only: { x: 'f_x', w: 'f_w', out: 'f_out' },
  rmsnorm_backward: { dout: 'b_dout', x: 'b_x', w: 'b_w', rstd: 'b_rstd', dx: 'b_dx' },
  rmsnorm_backward_dw: { dout: 'd_dout', x: 'd_x', rstd: 'd_rstd', dw: 'd_dw' },
} as const;

function checkDims(op: string, N: number, C: number): void {
  if (!Number.isInteger(N) || !Number.isInteger(C) || N < 1 || C < 1) {
    throw new Error(`${op}: N and C must be positive integers, got N=${N} C=${C}`);
  }
}

function params(N: number, C: number, eps: number, accumulate: boolean): UniformField[] {
  return packUniform(RMSNORM_PARAMS, { N, C, eps, accumulate: accumulate ? 1 : 0 });
}

/** out (N, C) = x (N, C) · rstd · w (C), rstd (N) = 1/sqrt(mean(x²) + eps). out must not alias x. */
export async function rmsnorm_forward(
  ctx: KernelContext,
  o: { x: GpuTensor; w: GpuTensor; out: GpuTensor; rstd: GpuTensor; N: number; C: number; eps: number },
): Promise<Dispatch> {
  const op = 'rmsnorm_forward';
  const { N, C } = o;
  checkDims(op, N, C);
  if (!(o.eps >= 0)) throw new Error(`${op}: eps must be >= 0, got ${o.eps}`);
  expectNumel(op, 'x', o.x, N * C);
  expectNumel(op, 'w', o.w, C);
  expectNumel(op, 'out', o.out, N * C);
  expectNumel(op, 'rstd', o.rstd, N);
  const constants = kernelConstants(ctx, 'rmsnorm', RMSNORM_CONSTANTS);
  return prepare(ctx, {
    label: op,
    code,
    entryPoint: op,
    constants,
    uniform: params(N, C, o.eps, false),
    tensors: bindTensors(RMSNORM_BINDINGS.rmsnorm_forward, o),
    workgroups: grid1d(N, constants.WG), // one thread per row
  });
}

/**
 * rmsnorm_forward for evaluation (no backward follows): the same out, bit-identical (same sum
 * order), without writing or needing the rstd (N) buffer.
 */
export async function rmsnorm_forward_only(
  ctx: KernelContext,
  o: { x: GpuTensor; w: GpuTensor; out: GpuTensor; N: number; C: number; eps: number },
): Promise<Dispatch> {
  const op = 'rmsnorm_forward_only';
  const { N, C } = o;
  checkDims(op, N, C);
  if (!(o.eps >= 0)) throw new Error(`${op}: eps must be >= 0, got ${o.eps}`);
  expectNumel(op, 'x', o.x, N * C);
  expectNumel(op, 'w', o.w, C);
  expectNumel(op, 'out', o.out, N * C);
  const constants = kernelConstants(ctx, 'rmsnorm', RMSNORM_CONSTANTS);
  return prepare(ctx, {
    label: op,
    code,
    entryPoint: op,
    constants,
    uniform: params(N, C, o.eps, false),
    tensors: bindTensors(RMSNORM_BINDINGS.rmsnorm_forward_only, o),
    workgroups: grid1d(N, constants.WG), // one thread per row
  });
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
  const constants = kernelConstants(ctx, 'rmsnorm', RMSNORM_CONSTANTS);
  const dispatches = [
    await prepare(ctx, {
      label: op, code, entryPoint: op, constants, uniform,
      tensors: bindTensors(RMSNORM_BINDINGS.rmsnorm_backward, o),
      workgroups: grid1d(N, constants.WG), // one thread per row
    }),
  ];
  if (!o.dw) return dispatches;
  dispatches.push(
    await prepare(ctx, {
      label: `${op}_dw`, code, entryPoint: 'rmsnorm_backward_dw', constants, uniform,
      tensors: bindTensors(RMSNORM_BINDINGS.rmsnorm_backward_dw, { ...o, dw: o.dw }),
      workgroups: grid1d(C, constants.WG), // one thread per column
    }),
  );
  return dispatches;
}
