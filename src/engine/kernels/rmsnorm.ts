// RMSNorm (shaders/rmsnorm.wgsl) before attention, before the MLP and at the end of the
// model. The forward keeps rstd per row for the backward. The backward writes (or adds to)
// the input gradient with one thread per row and, unless the weight is frozen, sums the
// weight gradient over rows with one thread per column (fixed order, no scratch buffer).

import code from '../../../shaders/rmsnorm.wgsl?raw';
import type { GpuTensor } from '../gpu/buffers';
import { expectNumel, grid1d, prepare, type Dispatch, type KernelContext, type UniformField } from './kernel';

/** Workgroup size of every rmsnorm kernel (WG in the shader). */
const WG = 64;

function checkDims(op: string, N: number, C: number): void {
  if (!Number.isInteger(N) || !Number.isInteger(C) || N < 1 || C < 1) {
    throw new Error(`${op}: N and C must be positive integers, got N=${N} C=${C}`);
  }
}

function params(N: number, C: number, eps: number, accumulate: boolean): UniformField[] {
  return [['u32', N], ['u32', C], ['f32', eps], ['u32', accumulate ? 1 : 0]];
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
  return prepare(ctx, {
    label: op,
    code,
    entryPoint: op,
    uniform: params(N, C, o.eps, false),
    tensors: [o.x, o.w, o.out, o.rstd],
    workgroups: grid1d(N, WG), // one thread per row
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
  const dispatches = [
    await prepare(ctx, {
      label: op, code, entryPoint: op, uniform,
      tensors: [o.dout, o.x, o.w, o.rstd, o.dx],
      workgroups: grid1d(N, WG), // one thread per row
    }),
  ];
  if (!o.dw) return dispatches;
  dispatches.push(
    await prepare(ctx, {
      label: `${op}_dw`, code, entryPoint: 'rmsnorm_backward_dw', uniform,
      tensors: [o.dout, o.x, o.rstd, o.dw],
      workgroups: grid1d(C, WG), // one thread per column
    }),
  );
  return dispatches;
}
