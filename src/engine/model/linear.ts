// Projections with optional LoRA adapters, forward and backward:
//   y = x·Wᵀ + scale · (drop(x)·Aᵀ)·Bᵀ
// or, in full fine-tuning with dropout (t.dropout > 0, training only), y = drop'(x)·Wᵀ with
// its own mask (fullDropoutSalt). The base weight's gradient is computed only when the
// weight is trainable (full fine-tuning); the adapter's input gradient is added onto the
// base path's. Projections that read the same input (q, k, v; gate, up) are scheduled
// together so that their adapters' skinny matmuls (x·Aᵀ, duᵀ·x) run as one dispatch each.
// Without adapter dropout, the adapters are merged once per forward pass into W' = W + s·B·A
// (adapters_merge), and the adapted projections are plain matmuls with W' both ways; only the
// rank-r products the adapter gradients need remain (u = x·Aᵀ, dB, du = s·dy·B, dA). With
// adapter dropout, u·Bᵀ rides in the base matmul (lora_fused.wgsl) and du·A is masked.

import type { GpuTensor } from '../gpu/buffers';
import type { Dispatch, KernelContext } from '../kernels/kernel';
import { lora_dropout_backward, lora_dropout_forward } from '../kernels/lora_dropout';
import { lora_fused_forward } from '../kernels/lora_fused';
import { lora_a_backward, lora_a_forward, lora_b_backward_input, lora_b_backward_weight, loraSegment, loraSegmentStride } from '../kernels/lora_matmul';
import { lora_merge_forward } from '../kernels/lora_merge';
import { matmul_backward_input, matmul_backward_weight, matmul_forward, resolveMatmulVariant } from '../kernels/matmul';
import { dropoutSalt, fullDropoutSalt, loraGroups } from './lora';
import { mergesAdapters, PROJECTIONS, projectionShape, type Projection } from './names';
import { adapter, dims, mergedWeight, projectionAct, projectionWeight, type RunTensors } from './tensors';

/** A view of the first `shape` elements of a (larger) scratch tensor. */
export function sub(t: GpuTensor, shape: number[]): GpuTensor {
  const byteLength = shape.reduce((a, b) => a * b, 1) * 4;
  if (byteLength > t.byteLength) throw new Error(`sub(${t.label}): [${shape}] does not fit`);
  return { ...t, shape, byteLength };
}

/**
 * The projections `projs` that all read x (q, k, v; gate, up; o; down): y_i = x·W_iᵀ each,
 * plus scale·u_i·B_iᵀ where adapted, u_i = drop(x)·A_iᵀ coming first for a whole group in
 * one dispatch (loraGroups). Where matmul.ts would run its register variant, the adapter's
 * term rides in the base matmul (K-concatenated, lora_fused_forward).
 */
export async function projections_forward(
  ctx: KernelContext,
  t: RunTensors,
  layer: number,
  projs: Projection[],
  x: GpuTensor, // (N, in)
  ys: GpuTensor[], // (N, out_i)
  train: boolean,
): Promise<Dispatch[]> {
  const out: Dispatch[] = [];
  const groups = adapterGroups(t, projs);
  // Merged adapters need u only for dB: evaluation skips it.
  const needU = train || !mergesAdapters(t.lora);
  if (needU) for (const group of groups) out.push(...await lora_down(ctx, t, layer, group, x, train));
  for (let i = 0; i < projs.length; i++) {
    const group = groups.find((g) => g.includes(projs[i]));
    if (!group) {
      out.push(...await base_forward(ctx, t, layer, projs[i], x, ys[i], train));
      continue;
    }
    out.push(...await adapted_forward(ctx, t, layer, group, group.indexOf(projs[i]), x, ys[i], train));
  }
  return out;
}

/**
 * dx (=|+=) Σ_i dy_i·W_i (+ dW_i in full fine-tuning) for projections that read the same x;
 * for adapters, dB_i and du_i each, dA for the group in one dispatch, and du_i·A_i added to
 * dx (fused into the base term when there is no dropout mask between them).
 */
export async function projections_backward(
  ctx: KernelContext,
  t: RunTensors,
  layer: number,
  projs: Projection[],
  dys: GpuTensor[], // (N, out_i)
  x: GpuTensor, // (N, in), the forward input
  dx: GpuTensor | null, // (N, in); null when nothing needs it (only weight gradients are made)
  accumulateDx: boolean,
): Promise<Dispatch[]> {
  const out: Dispatch[] = [];
  const groups = adapterGroups(t, projs);
  for (let i = 0; i < projs.length; i++) {
    const group = groups.find((g) => g.includes(projs[i]));
    const acc = accumulateDx || i > 0;
    if (!group) {
      out.push(...await base_backward(ctx, t, layer, projs[i], dys[i], x, dx, acc));
      continue;
    }
    // Groups share the lora_du scratch: a group's du is used up before the next one's.
    if (group[0] === projs[i]) {
      out.push(...await lora_up_backward(ctx, t, layer, group, group.map((p) => dys[projs.indexOf(p)]), x));
    }
    if (dx) out.push(...await adapted_backward_input(ctx, t, layer, group, group.indexOf(projs[i]), dys[i], x, dx, acc));
  }
  return out;
}

/** The adapter groups (loraGroups) among `projs`. */
function adapterGroups(t: RunTensors, projs: Projection[]): Projection[][] {
  if (!t.lora) return [];
  return loraGroups(t.lora).filter((g) => g.every((p) => projs.includes(p)));
}

/** y = drop'(x)·Wᵀ (the mask only in full fine-tuning with dropout, while training). */
async function base_forward(
  ctx: KernelContext, t: RunTensors, layer: number, proj: Projection, x: GpuTensor, y: GpuTensor, train: boolean,
): Promise<Dispatch[]> {
  const { N } = dims(t);
  const [outDim, inDim] = projectionShape(t.cfg, proj);
  const { w } = projectionWeight(t, layer, proj);
  const out: Dispatch[] = [];
  let xb = x;
  if (train && t.dropout > 0) {
    xb = projectionAct(t, layer, proj, 'fxd'); // (N, in)
    out.push(await lora_dropout_forward(ctx, {
      x, xd: xb, N, K: inDim, p: t.dropout, seeds: t.act('seeds'), seedIndex: 0, salt: fullDropoutSalt(layer, proj),
    }));
  }
  out.push(await matmul_forward(ctx, { x: xb, w, y, rows: N, inDim, outDim }));
  return out;
}

/** What one adapter group's kernels share: its u (segment-major, one (N, r) per adapter) and A's. */
function groupTensors(t: RunTensors, layer: number, group: Projection[]) {
  const { N } = dims(t);
  const lora = t.lora!;
  const adapters = group.map((q) => adapter(t, layer, q));
  return {
    N, rank: lora.rank, inDim: projectionShape(t.cfg, group[0])[1], segStride: loraSegmentStride(N, lora.rank),
    u: projectionAct(t, layer, group[0], 'u'), // (G·segStride)
    A: adapters.map((a) => a.A), // (r, in) each
    B: adapters.map((a) => a.B), // (out, r) each
    dA: adapters.map((a) => a.dA),
    dB: adapters.map((a) => a.dB),
    // With dropout a group is one adapter, with its own masked input.
    xd: (x: GpuTensor) => (lora.dropout > 0 ? projectionAct(t, layer, group[0], 'xd') : x), // (N, in)
  };
}

/** u_j = drop(x)·A_jᵀ for a group's adapters, in one dispatch (after the dropout mask, if any). */
async function lora_down(
  ctx: KernelContext, t: RunTensors, layer: number, group: Projection[], x: GpuTensor, train: boolean,
): Promise<Dispatch[]> {
  const lora = t.lora!;
  const g = groupTensors(t, layer, group);
  const out: Dispatch[] = [];
  let xd = x;
  if (lora.dropout > 0 && train) {
    xd = g.xd(x);
    out.push(await lora_dropout_forward(ctx, {
      x, xd, N: g.N, K: g.inDim, p: lora.dropout, seeds: t.act('seeds'), seedIndex: 0, salt: dropoutSalt(layer, group[0]),
    }));
  }
  out.push(await lora_a_forward(ctx, { ...g, x: xd }));
  return out;
}

/** Whether matmul.ts would run this shape with its register variant, which lora_fused.wgsl matches. */
async function fuses(ctx: KernelContext, entry: string, M: number, N: number, K: number): Promise<boolean> {
  return (await resolveMatmulVariant(ctx, entry, M, N, K)) === 'register';
}

/** y_j = x·W'_jᵀ (merged), or x·W_jᵀ + scale·u_j·B_jᵀ (u_j already computed), for adapter j of a group. */
async function adapted_forward(
  ctx: KernelContext, t: RunTensors, layer: number, group: Projection[], j: number, x: GpuTensor, y: GpuTensor, train: boolean,
): Promise<Dispatch[]> {
  const g = groupTensors(t, layer, group);
  const { N, rank, inDim } = g;
  const [outDim] = projectionShape(t.cfg, group[j]);
  const merged = mergedWeight(t, layer, group[j]);
  if (merged) return [await matmul_forward(ctx, { x, w: merged, y, rows: N, inDim, outDim })];
  const u = loraSegment(g.u, j, N, rank);
  const { w } = projectionWeight(t, layer, group[j]);
  if (t.dropout <= 0 && await fuses(ctx, 'matmul_forward', N, outDim, inDim)) {
    return [await lora_fused_forward(ctx, { x, w, u, B: g.B[j], y, rows: N, inDim, outDim, rank, scale: t.loraScale })];
  }
  return [
    ...await base_forward(ctx, t, layer, group[j], x, y, train),
    await matmul_forward(ctx, { x: u, w: g.B[j], y, rows: N, inDim: rank, outDim, alpha: t.loraScale, accumulate: true }),
  ];
}

/** dB_j = s·dy_jᵀ·u_j and du_j = s·dy_j·B_j per adapter; then dA_j = du_jᵀ·drop(x) for the group at once. */
async function lora_up_backward(
  ctx: KernelContext, t: RunTensors, layer: number, group: Projection[], dys: GpuTensor[], x: GpuTensor,
): Promise<Dispatch[]> {
  const g = groupTensors(t, layer, group);
  const du = t.act('lora_du'); // (LORA_MAX_GROUP·segStride)
  const scale = t.loraScale;
  const out: Dispatch[] = [];
  for (let j = 0; j < group.length; j++) {
    const outDim = projectionShape(t.cfg, group[j])[0];
    out.push(await lora_b_backward_weight(ctx, { ...g, dy: dys[j], dB: g.dB[j], outDim, scale, segment: j }));
    out.push(await lora_b_backward_input(ctx, { ...g, u: du, dy: dys[j], B: g.B[j], outDim, scale, segment: j }));
  }
  out.push(await lora_a_backward(ctx, { ...g, u: du, x: g.xd(x), dA: g.dA }));
  return out;
}

/** dx (=|+=) dy_j·W'_j, or dy_j·W_j + drop'(du_j·A_j) with adapter dropout, for adapter j of a group (du_j already computed). */
async function adapted_backward_input(
  ctx: KernelContext, t: RunTensors, layer: number, group: Projection[], j: number,
  dy: GpuTensor, x: GpuTensor, dx: GpuTensor, accumulateDx: boolean,
): Promise<Dispatch[]> {
  const lora = t.lora!;
  const g = groupTensors(t, layer, group);
  const { N, rank, inDim } = g;
  const [outDim] = projectionShape(t.cfg, group[j]);
  const du = loraSegment(t.act('lora_du'), j, N, rank); // (N, r)
  // Without adapter dropout the weights are merged (dy·W' = dy·W + du·A); otherwise du·A goes
  // through the adapter's mask and is added onto the base path's dx.
  const merged = mergedWeight(t, layer, group[j]);
  if (merged) return [await matmul_backward_input(ctx, { dy, w: merged, dx, rows: N, inDim, outDim, accumulate: accumulateDx })];
  const out = await base_backward(ctx, t, layer, group[j], dy, x, dx, accumulateDx);
  const ldxd = sub(t.act('lora_dxd'), [N, inDim]);
  out.push(await matmul_backward_input(ctx, { dy: du, w: g.A[j], dx: ldxd, rows: N, inDim, outDim: rank }));
  out.push(await lora_dropout_backward(ctx, {
    dxd: ldxd, dx, N, K: inDim, p: lora.dropout, seeds: t.act('seeds'), seedIndex: 0, salt: dropoutSalt(layer, group[j]),
  }));
  return out;
}

/** dW = dyᵀ·x̃ and dx (=|+=) drop'(dy·W), where x̃ is the (masked, when t.dropout > 0) forward input. */
async function base_backward(
  ctx: KernelContext,
  t: RunTensors,
  layer: number,
  proj: Projection,
  dy: GpuTensor, // (N, out)
  x: GpuTensor, // (N, in)
  dx: GpuTensor | null, // (N, in); null: dW only
  accumulateDx: boolean,
): Promise<Dispatch[]> {
  const { N } = dims(t);
  const [outDim, inDim] = projectionShape(t.cfg, proj);
  const { w, dw } = projectionWeight(t, layer, proj);
  const out: Dispatch[] = [];
  if (!dx) {
    const xw = t.dropout > 0 ? projectionAct(t, layer, proj, 'fxd') : x; // (N, in)
    if (dw) out.push(await matmul_backward_weight(ctx, { dy, x: xw, dw, rows: N, inDim, outDim }));
    return out;
  }
  if (t.dropout <= 0) {
    if (dw) out.push(await matmul_backward_weight(ctx, { dy, x, dw, rows: N, inDim, outDim }));
    out.push(await matmul_backward_input(ctx, { dy, w, dx, rows: N, inDim, outDim, accumulate: accumulateDx }));
    return out;
  }
  const xd = projectionAct(t, layer, proj, 'fxd'); // (N, in)
  if (dw) out.push(await matmul_backward_weight(ctx, { dy, x: xd, dw, rows: N, inDim, outDim }));
  const dxd = sub(t.act('drop_dxd'), [N, inDim]);
  out.push(await matmul_backward_input(ctx, { dy, w, dx: dxd, rows: N, inDim, outDim }));
  const mask = { N, K: inDim, p: t.dropout, seeds: t.act('seeds'), seedIndex: 0, salt: fullDropoutSalt(layer, proj) };
  // The mask applied to a gradient is the forward op itself: overwrite with it, or add it.
  out.push(await (accumulateDx
    ? lora_dropout_backward(ctx, { dxd, dx, ...mask })
    : lora_dropout_forward(ctx, { x: dxd, xd: dx, ...mask })));
  return out;
}

/**
 * W'_j = W_j + s·B_j·A_j for every adapted projection of the model, in one dispatch, at the
 * start of each forward pass (the adapters change every step): a run that merges (no adapter
 * dropout) then runs its adapted projections as plain matmuls with W', forward (x·W'ᵀ) and
 * backward (dy·W' = dy·W + du·A), keeping only the rank-r products that its gradients need.
 */
export async function adapters_merge(ctx: KernelContext, t: RunTensors): Promise<Dispatch[]> {
  if (!t.lora || !mergesAdapters(t.lora)) return [];
  const problems = [];
  for (let l = 0; l < t.cfg.nLayers; l++) {
    for (const p of PROJECTIONS.filter((q) => t.lora!.targets.includes(q))) {
      const [outDim, inDim] = projectionShape(t.cfg, p);
      const { A, B } = adapter(t, l, p);
      problems.push({ w: projectionWeight(t, l, p).w, A, B, merged: mergedWeight(t, l, p)!, outDim, inDim });
    }
  }
  return [await lora_merge_forward(ctx, { problems, rank: t.lora.rank, scale: t.loraScale })];
}
