// SwiGLU MLP gate (shaders/swiglu.wgsl): h = silu(gate) · up between the gate/up projections
// and the down projection, and its gradient with respect to both inputs. Elementwise, so
// one thread per element over a folded 1-D grid.

import code from '../../../shaders/swiglu.wgsl?raw';
import type { GpuTensor } from '../gpu/buffers';
import { bindTensors, kernelConstants, packUniform } from './contract';
import { expectNumel, grid1d, prepare, type Dispatch, type KernelContext } from './kernel';

/** Override constants of swiglu.wgsl: threads per workgroup, also the divisor of the dispatches. */
export const SWIGLU_CONSTANTS = { WG: 256 } as const;

/** `Params` of swiglu.wgsl, in field order. */
export const SWIGLU_PARAMS = { numel: 'u32' } as const;

/** Storage bindings of each entry point in binding order: host name → WGSL variable. */
export const SWIGLU_BINDINGS = {
  swiglu_forward: { gate: 'f_gate', up: 'f_up', out: 'f_out' },
  swiglu_backward: { dout: 'b_dout', gate: 'b_gate', up: 'b_up', dgate: 'b_dgate', dup: 'b_dup' },
} as const;

function checkDims(op: string, N: number, F: number): void {
  if (!Number.isInteger(N) || !Number.isInteger(F) || N < 1 || F < 1) {
    throw new Error(`${op}: N and F must be positive integers, got N=${N} F=${F}`);
  }
}

/** out (N, F) = silu(gate (N, F)) · up (N, F) */
export async function swiglu_forward(
  ctx: KernelContext,
  o: { gate: GpuTensor; up: GpuTensor; out: GpuTensor; N: number; F: number },
): Promise<Dispatch> {
  const op = 'swiglu_forward';
  checkDims(op, o.N, o.F);
  const n = o.N * o.F;
  expectNumel(op, 'gate', o.gate, n);
  expectNumel(op, 'up', o.up, n);
  expectNumel(op, 'out', o.out, n);
  const constants = kernelConstants(ctx, 'swiglu', SWIGLU_CONSTANTS);
  return prepare(ctx, {
    label: op,
    code,
    entryPoint: op,
    constants,
    uniform: packUniform(SWIGLU_PARAMS, { numel: n }),
    tensors: bindTensors(SWIGLU_BINDINGS.swiglu_forward, o),
    workgroups: grid1d(n, constants.WG),
  });
}

/** dgate (N, F) = dout·up·silu'(gate), dup (N, F) = dout·silu(gate); both overwritten. */
export async function swiglu_backward(
  ctx: KernelContext,
  o: { dout: GpuTensor; gate: GpuTensor; up: GpuTensor; dgate: GpuTensor; dup: GpuTensor; N: number; F: number },
): Promise<Dispatch> {
  const op = 'swiglu_backward';
  checkDims(op, o.N, o.F);
  const n = o.N * o.F;
  expectNumel(op, 'dout', o.dout, n);
  expectNumel(op, 'gate', o.gate, n);
  expectNumel(op, 'up', o.up, n);
  expectNumel(op, 'dgate', o.dgate, n);
  expectNumel(op, 'dup', o.dup, n);
  const constants = kernelConstants(ctx, 'swiglu', SWIGLU_CONSTANTS);
  return prepare(ctx, {
    label: op,
    code,
    entryPoint: op,
    constants,
    uniform: packUniform(SWIGLU_PARAMS, { numel: n }),
    tensors: bindTensors(SWIGLU_BINDINGS.swiglu_backward, o),
    workgroups: grid1d(n, constants.WG),
  });
}
