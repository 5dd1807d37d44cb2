// Rotary position embedding (shaders/rope.wgsl), applied in place to q and k right after
// their projections, and its backward (the inverse rotation) in place on their gradients.
// The per-frequency table is made once per (context, D, theta) in float64 and shared by
// every dispatch that uses it; it never changes, so sharing is safe.

import code from '../../../shaders/rope.wgsl?raw';
import { allocTensor, writeTensor, type GpuTensor } from '../gpu/buffers';
import { bindTensors, kernelConstants, packUniform } from './contract';
import { expectNumel, grid1d, prepare, type Dispatch, type KernelContext } from './kernel';

/** Override constants of rope.wgsl: threads per workgroup, also the divisor of the dispatches. */
export const ROPE_CONSTANTS = { WG: 256 } as const;

/** `Params` of rope.wgsl, in field order. */
export const ROPE_PARAMS = { T: 'u32', H: 'u32', half: 'u32', pairs: 'u32' } as const;

/** Storage bindings of both entry points in binding order: host name → WGSL variable. */
const ROPE_BINDING = { x: 'x', freq: 'freq' } as const;
export const ROPE_BINDINGS = { rope_forward: ROPE_BINDING, rope_backward: ROPE_BINDING } as const;

const tables = new WeakMap<KernelContext, Map<string, GpuTensor>>();

/**
 * (D/2, 2): frequency in turns per position, u = theta^(−2i/D) / 2π, as u_hi + u_lo with
 * u_hi = f32(u) and u_lo = f32(u − u_hi), so the shader sees u to ~48 bits.
 */
function freqTable(ctx: KernelContext, D: number, theta: number): GpuTensor {
  let byCtx = tables.get(ctx);
  if (!byCtx) tables.set(ctx, (byCtx = new Map()));
  const key = `${D}:${theta}`;
  let t = byCtx.get(key);
  if (!t) {
    const half = D / 2;
    const data = new Float32Array(D);
    for (let i = 0; i < half; i++) {
      const u = Math.pow(theta, (-2 * i) / D) / (2 * Math.PI);
      data[2 * i] = u;
      data[2 * i + 1] = u - data[2 * i];
    }
    t = allocTensor(ctx.pool, [half, 2], `rope_freq_D${D}_theta${theta}`);
    writeTensor(ctx.device, t, data);
    byCtx.set(key, t);
  }
  return t;
}

interface RopeArgs {
  B: number;
  T: number;
  H: number;
  D: number;
  theta: number;
}

async function rope(ctx: KernelContext, op: 'rope_forward' | 'rope_backward', name: string, x: GpuTensor, a: RopeArgs): Promise<Dispatch> {
  const { B, T, H, D, theta } = a;
  for (const [k, v] of Object.entries({ B, T, H, D })) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${op}: ${k} must be a positive integer, got ${v}`);
  }
  if (D % 2 !== 0) throw new Error(`${op}: head dim D must be even, got ${D}`);
  if (T > 2 ** 24) throw new Error(`${op}: positions must stay below 2^24 for exact angles, got T=${T}`);
  if (!(theta > 0) || !Number.isFinite(theta)) throw new Error(`${op}: theta must be a positive number, got ${theta}`);
  expectNumel(op, name, x, B * T * H * D);
  const pairs = (B * T * H * D) / 2;
  const constants = kernelConstants(ctx, 'rope', ROPE_CONSTANTS);
  return prepare(ctx, {
    label: op,
    code,
    entryPoint: op,
    constants,
    uniform: packUniform(ROPE_PARAMS, { T, H, half: D / 2, pairs }),
    tensors: bindTensors(ROPE_BINDINGS[op], { x, freq: freqTable(ctx, D, theta) }),
    workgroups: grid1d(pairs, constants.WG),
  });
}

/** Rotates x (B, T, H, D) in place by the position angles (pairs (i, i + D/2)). */
export function rope_forward(
  ctx: KernelContext,
  o: { x: GpuTensor; B: number; T: number; H: number; D: number; theta: number },
): Promise<Dispatch> {
  return rope(ctx, 'rope_forward', 'x', o.x, o);
}

/** Rotates the gradient dx (B, T, H, D) in place by the negative angles (the transpose). */
export function rope_backward(
  ctx: KernelContext,
  o: { dx: GpuTensor; B: number; T: number; H: number; D: number; theta: number },
): Promise<Dispatch> {
  return rope(ctx, 'rope_backward', 'dx', o.dx, o);
}
