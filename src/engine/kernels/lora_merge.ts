// Adapted weights merged for a step (shaders/lora_merge.wgsl): M = W + scale·B·A for every
// adapted projection of the model in one dispatch, so a run without adapter dropout runs its
// adapted projections as plain matmuls with W' (model/linear.ts adapters_merge).

import code from '../../../shaders/lora_merge.wgsl?raw';
import { span, STORAGE, type GpuTensor } from '../gpu/buffers';
import { bindTensors, kernelConstants, packUniform, type UniformStruct } from './contract';
import { expectNumel, prepare, type Dispatch, type KernelContext } from './kernel';

/** Override constants of lora_merge.wgsl: threads per workgroup, also the divisor of the dispatch. */
export const LORA_MERGE_CONSTANTS = { WG: 64 } as const;

/** `Params` of lora_merge.wgsl, in field order. */
export const LORA_MERGE_PARAMS = { P: 'u32', R: 'u32', scale: 'f32' } as const satisfies UniformStruct;

/** Storage bindings of lora_merge_forward in binding order: host name → WGSL variable. */
export const LORA_MERGE_BINDINGS = { lora_merge_forward: { table: 'table', w: 'w', ab: 'ab', merged: 'm' } } as const;

/** u32s per problem in the merge table: out, in, and the element offsets of W, A, B and M. */
export const LORA_MERGE_ROW = 8;

export interface MergeProblem {
  w: GpuTensor; // (out, in), a view of the base parameters
  A: GpuTensor; // (r, in), a view of the adapters
  B: GpuTensor; // (out, r), a view of the same adapters' buffer
  merged: GpuTensor; // (out, in)
  outDim: number;
  inDim: number;
}

/**
 * merged_j (out, in) = w_j + scale · B_j · A_j for every problem j, in one dispatch. The
 * problem table is a small storage buffer owned by the dispatch (freed by releaseDispatches).
 */
export async function lora_merge_forward(
  ctx: KernelContext, o: { problems: MergeProblem[]; rank: number; scale: number },
): Promise<Dispatch> {
  const op = 'lora_merge_forward';
  const { problems, rank } = o;
  if (problems.length < 1) throw new Error(`${op}: no problems`);
  if (!Number.isInteger(rank) || rank < 1) throw new Error(`${op}: rank must be a positive integer (got ${rank})`);
  problems.forEach((q, j) => {
    expectNumel(op, `w[${j}]`, q.w, q.outDim * q.inDim);
    expectNumel(op, `A[${j}]`, q.A, rank * q.inDim);
    expectNumel(op, `B[${j}]`, q.B, q.outDim * rank);
    expectNumel(op, `merged[${j}]`, q.merged, q.outDim * q.inDim);
  });
  const w = span(problems.map((q) => q.w));
  const ab = span([...problems.map((q) => q.A), ...problems.map((q) => q.B)]);
  const merged = span(problems.map((q) => q.merged));
  const P = problems.length;
  const rows = new Uint32Array(P * LORA_MERGE_ROW);
  problems.forEach((q, j) => {
    rows.set([q.outDim, q.inDim, w.offsets[j], ab.offsets[j], ab.offsets[P + j], merged.offsets[j]], j * LORA_MERGE_ROW);
  });
  const tableBuffer = ctx.device.createBuffer({ label: `${op}:table`, size: rows.byteLength, usage: STORAGE.storage });
  ctx.device.queue.writeBuffer(tableBuffer, 0, rows);
  const table: GpuTensor = {
    buffer: tableBuffer, offset: 0, byteLength: rows.byteLength, shape: [P, LORA_MERGE_ROW], dtype: 'u32', label: `${op}:table`,
  };
  const constants = kernelConstants(ctx, 'lora_merge', LORA_MERGE_CONSTANTS);
  const d = await prepare(ctx, {
    label: op,
    code,
    entryPoint: 'lora_merge_forward',
    constants,
    uniform: packUniform(LORA_MERGE_PARAMS, { P, R: rank, scale: o.scale }),
    tensors: bindTensors(LORA_MERGE_BINDINGS.lora_merge_forward, { table, w: w.t, ab: ab.t, merged: merged.t }),
    // A 4×4 block of outputs per thread (lora_merge.wgsl).
    workgroups: [Math.ceil(Math.max(...problems.map((q) => Math.ceil(q.outDim / 4) * Math.ceil(q.inDim / 4))) / constants.WG), P],
  });
  d.owned.push(tableBuffer);
  return d;
}
