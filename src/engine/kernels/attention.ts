// Causal grouped-query softmax attention (shaders/attention.wgsl): the forward saves the
// softmax probabilities `att` for the backward; the backward writes dq, dk, dv without
// atomics (dk/dv are summed over the queries and the heads of a kv group in a fixed order).
// `datt` is backward scratch: it receives dS = att·(dP − Σ att·dP), the gradient w.r.t. the
// scaled scores q·kᵀ/sqrt(D) that feed the softmax (zero above the diagonal).
// attention_forward_only (shaders/attention_fwd_only.wgsl) is the evaluation forward: the same
// out with an online softmax and no att buffer.

import code from '../../../shaders/attention.wgsl?raw';
import fwdOnlyCode from '../../../shaders/attention_fwd_only.wgsl?raw';
import type { GpuTensor } from '../gpu/buffers';
import { bindTensors, kernelConstants, packUniform } from './contract';
import { expectNumel, grid1d, prepare, type Dispatch, type KernelContext, type UniformField } from './kernel';

/** Override constants of attention.wgsl: threads per workgroup, also the divisor of the dispatches. */
export const ATTENTION_CONSTANTS = { WG: 64 } as const;

/** `Params` of attention.wgsl, in field order. */
export const ATTENTION_PARAMS = { B: 'u32', T: 'u32', H: 'u32', Hkv: 'u32', D: 'u32', scale: 'f32' } as const;

/** Storage bindings of each entry point in binding order: host name → WGSL variable. */
export const ATTENTION_BINDINGS = {
  attention_forward: { q: 'q', k: 'k', v: 'v', out: 'out', att: 'att' },
  attention_backward: { dout: 'b_dout', k: 'b_k', v: 'b_v', att: 'b_att', datt: 'b_datt', dq: 'b_dq' },
  attention_backward_dkv: { q: 'c_q', dout: 'c_dout', att: 'c_att', datt: 'c_datt', dk: 'c_dk', dv: 'c_dv' },
} as const;

/** Storage bindings of attention_fwd_only.wgsl (evaluation forward without att). */
export const ATTENTION_FWD_ONLY_BINDINGS = {
  attention_forward_only: { q: 'q', k: 'k', v: 'v', out: 'out' },
} as const;

/** Keys × columns one attention_backward_dkv thread owns: its four vec4 accumulators of each kind. */
const DKV_KEYS = 4;
const DKV_COLS = 4;

export interface AttentionShape {
  B: number;
  T: number;
  H: number;
  Hkv: number;
  D: number;
}

export interface AttentionForwardArgs extends AttentionShape {
  q: GpuTensor; // (B, T, H, D)
  k: GpuTensor; // (B, T, Hkv, D)
  v: GpuTensor; // (B, T, Hkv, D)
  out: GpuTensor; // (B, T, H, D)
  att: GpuTensor; // (B, H, T, T) softmax probabilities, saved for the backward
}

export interface AttentionBackwardArgs extends AttentionShape {
  dout: GpuTensor; // (B, T, H, D)
  q: GpuTensor; // (B, T, H, D)
  k: GpuTensor; // (B, T, Hkv, D)
  v: GpuTensor; // (B, T, Hkv, D)
  att: GpuTensor; // (B, H, T, T) from attention_forward
  datt: GpuTensor; // (B, H, T, T) scratch: dS, the gradient w.r.t. the softmax input
  dq: GpuTensor; // (B, T, H, D) overwritten
  dk: GpuTensor; // (B, T, Hkv, D) overwritten
  dv: GpuTensor; // (B, T, Hkv, D) overwritten
}

function checkShape(op: string, s: AttentionShape): void {
  for (const [name, n] of Object.entries({ B: s.B, T: s.T, H: s.H, Hkv: s.Hkv, D: s.D })) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`${op}: ${name} must be a positive integer, got ${n}`);
  }
  if (s.H % s.Hkv !== 0) throw new Error(`${op}: H (${s.H}) must be a multiple of Hkv (${s.Hkv})`);
}

function uniform(s: AttentionShape): UniformField[] {
  return packUniform(ATTENTION_PARAMS, { B: s.B, T: s.T, H: s.H, Hkv: s.Hkv, D: s.D, scale: 1 / Math.sqrt(s.D) });
}

/** out (B, T, H, D) = softmax(q·kᵀ/sqrt(D), causal) · v, and att (B, H, T, T) = the softmax. */
export async function attention_forward(ctx: KernelContext, o: AttentionForwardArgs): Promise<Dispatch[]> {
  const op = 'attention_forward';
  checkShape(op, o);
  const { B, T, H, Hkv, D } = o;
  expectNumel(op, 'q', o.q, B * T * H * D);
  expectNumel(op, 'k', o.k, B * T * Hkv * D);
  expectNumel(op, 'v', o.v, B * T * Hkv * D);
  expectNumel(op, 'out', o.out, B * T * H * D);
  expectNumel(op, 'att', o.att, B * H * T * T);
  const constants = kernelConstants(ctx, 'attention', ATTENTION_CONSTANTS);
  return [
    await prepare(ctx, {
      label: op,
      code,
      entryPoint: op,
      constants,
      uniform: uniform(o),
      tensors: bindTensors(ATTENTION_BINDINGS.attention_forward, o),
      workgroups: grid1d(B * H * T, constants.WG), // one thread per query row
    }),
  ];
}

/** attention_forward's inputs without att: for evaluation, where no backward follows. */
export type AttentionForwardOnlyArgs = Omit<AttentionForwardArgs, 'att'>;

/**
 * out (B, T, H, D) = softmax(q·kᵀ/sqrt(D), causal) · v like attention_forward, but the softmax
 * is computed online (shaders/attention_fwd_only.wgsl) and no (B, H, T, T) buffer is written
 * or needed, so evaluation at long T does not allocate B·H·T² floats. Same values as
 * attention_forward up to float rounding (not bitwise).
 */
export async function attention_forward_only(ctx: KernelContext, o: AttentionForwardOnlyArgs): Promise<Dispatch[]> {
  const op = 'attention_forward_only';
  checkShape(op, o);
  const { B, T, H, Hkv, D } = o;
  expectNumel(op, 'q', o.q, B * T * H * D);
  expectNumel(op, 'k', o.k, B * T * Hkv * D);
  expectNumel(op, 'v', o.v, B * T * Hkv * D);
  expectNumel(op, 'out', o.out, B * T * H * D);
  const constants = kernelConstants(ctx, 'attention', ATTENTION_CONSTANTS);
  return [
    await prepare(ctx, {
      label: op,
      code: fwdOnlyCode,
      entryPoint: op,
      constants,
      uniform: uniform(o),
      tensors: bindTensors(ATTENTION_FWD_ONLY_BINDINGS.attention_forward_only, o),
      workgroups: grid1d(B * H * T, constants.WG), // one thread per query row
    }),
  ];
}

/** dq, dk, dv (overwritten) from dout and the forward's att; datt is scratch. */
export async function attention_backward(ctx: KernelContext, o: AttentionBackwardArgs): Promise<Dispatch[]> {
  const op = 'attention_backward';
  checkShape(op, o);
  const { B, T, H, Hkv, D } = o;
  expectNumel(op, 'dout', o.dout, B * T * H * D);
  expectNumel(op, 'q', o.q, B * T * H * D);
  expectNumel(op, 'k', o.k, B * T * Hkv * D);
  expectNumel(op, 'v', o.v, B * T * Hkv * D);
  expectNumel(op, 'att', o.att, B * H * T * T);
  expectNumel(op, 'datt', o.datt, B * H * T * T);
  expectNumel(op, 'dq', o.dq, B * T * H * D);
  expectNumel(op, 'dk', o.dk, B * T * Hkv * D);
  expectNumel(op, 'dv', o.dv, B * T * Hkv * D);
  const constants = kernelConstants(ctx, 'attention', ATTENTION_CONSTANTS);
  return [
    // dS into datt and dq, one thread per query row.
    await prepare(ctx, {
      label: op,
      code,
      entryPoint: op,
      constants,
      uniform: uniform(o),
      tensors: bindTensors(ATTENTION_BINDINGS.attention_backward, o),
      workgroups: grid1d(B * H * T, constants.WG),
    }),
    // dk, dv from dS and att, one thread per 4 keys x 4 columns of (b, kvh).
    await prepare(ctx, {
      label: 'attention_backward_dkv',
      code,
      entryPoint: 'attention_backward_dkv',
      constants,
      uniform: uniform(o),
      tensors: bindTensors(ATTENTION_BINDINGS.attention_backward_dkv, o),
      workgroups: grid1d(B * Math.ceil(T / DKV_KEYS) * Hkv * Math.ceil(D / DKV_COLS), constants.WG),
    }),
  ];
}
