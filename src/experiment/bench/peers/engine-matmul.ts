// The engine's result of one matmul form on the peers' inputs (matmulInputs), read back, and the
// comparison of a peer's result with it: the suite times a peer's product only after checking it
// computes the same one.

import {
  allocTensor, matmul_backward_input, matmul_backward_weight, matmul_forward, readF32, releaseDispatches, runDispatches,
  writeTensor, type GpuTensor, type KernelContext,
} from '../../../engine/index';
import { matmulInputs, type MatmulSpec, type PeerCheck, type PeerName } from './types';

export async function engineMatmul(ctx: KernelContext, s: MatmulSpec): Promise<Float32Array> {
  const inp = matmulInputs(s);
  const { rows, inDim, outDim } = s;
  const ts: GpuTensor[] = [];
  const put = (shape: number[], label: string, data?: Float32Array) => {
    const t = allocTensor(ctx.pool, shape, label);
    if (data) writeTensor(ctx.device, t, data);
    ts.push(t);
    return t;
  };
  const o = { rows, inDim, outDim };
  let out: GpuTensor;
  let d;
  if (s.form === 'forward') {
    out = put([rows, outDim], 'y');
    d = await matmul_forward(ctx, { ...o, x: put([rows, inDim], 'x', inp.x), w: put([outDim, inDim], 'w', inp.w), y: out });
  } else if (s.form === 'backward_input') {
    out = put([rows, inDim], 'dx');
    d = await matmul_backward_input(ctx, { ...o, dy: put([rows, outDim], 'dy', inp.dy), w: put([outDim, inDim], 'w', inp.w), dx: out });
  } else {
    out = put([outDim, inDim], 'dw');
    d = await matmul_backward_weight(ctx, { ...o, dy: put([rows, outDim], 'dy', inp.dy), x: put([rows, inDim], 'x', inp.x), dw: out });
  }
  try {
    runDispatches(ctx, [d]);
    return await readF32(ctx.device, out);
  } finally {
    releaseDispatches([d]);
    for (const t of ts) ctx.pool.release(t.buffer);
  }
}

/**
 * Max |engine − peer| over every element. The tolerance scales with the sum's length: f32 sums of
 * K terms of size ≤ |a|·|b| may differ by about K·ε·max|a|·max|b| between summation orders.
 */
export function compareResults(peer: PeerName, what: string, engine: Float32Array, other: Float32Array, K: number): PeerCheck {
  let maxAbsDiff = engine.length === other.length ? 0 : Number.POSITIVE_INFINITY;
  let maxAbs = 0;
  for (let i = 0; i < engine.length && i < other.length; i++) {
    const d = Math.abs(engine[i] - other[i]);
    maxAbsDiff = Number.isNaN(d) ? Number.POSITIVE_INFINITY : Math.max(maxAbsDiff, d);
    maxAbs = Math.max(maxAbs, Math.abs(engine[i]));
  }
  // Inputs are within ±0.1 (matmulInputs): |a·b| ≤ 0.01 per term; 8 ε per term is generous for any order.
  const tolerance = K * 0.01 * 8 * 2 ** -23 + 1e-7;
  return { peer, what, maxAbsDiff, maxAbs, tolerance, ok: maxAbsDiff <= tolerance };
}

/** K (the summed dimension) of a form. */
export function sumLength(s: MatmulSpec): number {
  return s.form === 'forward' ? s.inDim : s.form === 'backward_input' ? s.outDim : s.rows;
}
