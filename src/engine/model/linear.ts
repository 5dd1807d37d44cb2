// A projection with an optional LoRA adapter, forward and backward:
//   y = x·Wᵀ + scale · (drop(x)·Aᵀ)·Bᵀ
// or, in full fine-tuning with dropout (t.dropout > 0, training only), y = drop'(x)·Wᵀ with
// its own mask (fullDropoutSalt). The base weight's gradient is computed only when the
// weight is trainable (full fine-tuning); the adapter's input gradient is added onto the
// base path's.

import type { GpuTensor } from '../gpu/buffers';
import type { Dispatch, KernelContext } from '../kernels/kernel';
import { lora_dropout_backward, lora_dropout_forward } from '../kernels/lora';
import { matmul_backward_input, matmul_backward_weight, matmul_forward } from '../kernels/matmul';
import { projectionShape, PROJECTION_WEIGHT, type Projection } from './layout';
import { dropoutSalt, fullDropoutSalt } from './lora';
import { dims, hasAdapter, type RunTensors } from './tensors';

/** A view of the first `shape` elements of a (larger) scratch tensor. */
export function sub(t: GpuTensor, shape: number[]): GpuTensor {
  const byteLength = shape.reduce((a, b) => a * b, 1) * 4;
  if (byteLength > t.byteLength) throw new Error(`sub(${t.label}): [${shape}] does not fit`);
  return { ...t, shape, byteLength };
}

export async function linear_forward(
  ctx: KernelContext,
  t: RunTensors,
  layer: number,
  proj: Projection,
  x: GpuTensor, // (N, in)
  y: GpuTensor, // (N, out)
  train: boolean,
): Promise<Dispatch[]> {
  const { N } = dims(t);
  const [outDim, inDim] = projectionShape(t.cfg, proj);
  const w = t.param(`layers.${layer}.${PROJECTION_WEIGHT[proj]}`);
  const out: Dispatch[] = [];
  let xb = x;
  if (train && t.dropout > 0) {
    xb = t.act(`layers.${layer}.${proj}.fxd`); // (N, in)
    out.push(await lora_dropout_forward(ctx, {
      x, xd: xb, N, K: inDim, p: t.dropout, seeds: t.act('seeds'), seedIndex: 0, salt: fullDropoutSalt(layer, proj),
    }));
  }
  out.push(await matmul_forward(ctx, { x: xb, w, y, rows: N, inDim, outDim }));
  if (!hasAdapter(t, proj)) return out;
  const lora = t.lora!;
  const p = `layers.${layer}.${proj}.`;
  const u = t.act(`${p}u`); // (N, r)
  let xd = x;
  if (train && lora.dropout > 0) {
    xd = t.act(`${p}xd`); // (N, in)
    out.push(await lora_dropout_forward(ctx, {
      x, xd, N, K: inDim, p: lora.dropout, seeds: t.act('seeds'), seedIndex: 0, salt: dropoutSalt(layer, proj),
    }));
  }
  out.push(await matmul_forward(ctx, { x: xd, w: t.loraParam(`${p}lora_A`), y: u, rows: N, inDim, outDim: lora.rank }));
  out.push(await matmul_forward(ctx, {
    x: u, w: t.loraParam(`${p}lora_B`), y, rows: N, inDim: lora.rank, outDim, alpha: t.loraScale, accumulate: true,
  }));
  return out;
}

export async function linear_backward(
  ctx: KernelContext,
  t: RunTensors,
  layer: number,
  proj: Projection,
  dy: GpuTensor, // (N, out)
  x: GpuTensor, // (N, in), the forward input
  dx: GpuTensor, // (N, in)
  accumulateDx: boolean,
): Promise<Dispatch[]> {
  const { N } = dims(t);
  const [outDim, inDim] = projectionShape(t.cfg, proj);
  const out = await base_backward(ctx, t, layer, proj, dy, x, dx, accumulateDx);
  if (!hasAdapter(t, proj)) return out;
  const lora = t.lora!;
  const r = lora.rank;
  const p = `layers.${layer}.${proj}.`;
  const u = t.act(`${p}u`);
  const dropout = lora.dropout > 0;
  const xd = dropout ? t.act(`${p}xd`) : x;
  const A = t.loraParam(`${p}lora_A`); // (r, in)
  const B = t.loraParam(`${p}lora_B`); // (out, r)
  const ldu = t.act('lora_du'); // (N, r)
  const s = t.loraScale;
  out.push(await matmul_backward_weight(ctx, { dy, x: u, dw: t.loraGrad(`${p}lora_B`), rows: N, inDim: r, outDim, alpha: s }));
  out.push(await matmul_backward_input(ctx, { dy, w: B, dx: ldu, rows: N, inDim: r, outDim, alpha: s }));
  out.push(await matmul_backward_weight(ctx, { dy: ldu, x: xd, dw: t.loraGrad(`${p}lora_A`), rows: N, inDim, outDim: r }));
  if (dropout) {
    const ldxd = sub(t.act('lora_dxd'), [N, inDim]);
    out.push(await matmul_backward_input(ctx, { dy: ldu, w: A, dx: ldxd, rows: N, inDim, outDim: r }));
    out.push(await lora_dropout_backward(ctx, {
      dxd: ldxd, dx, N, K: inDim, p: lora.dropout, seeds: t.act('seeds'), seedIndex: 0, salt: dropoutSalt(layer, proj),
    }));
  } else {
    out.push(await matmul_backward_input(ctx, { dy: ldu, w: A, dx, rows: N, inDim, outDim: r, accumulate: true }));
  }
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
  dx: GpuTensor, // (N, in)
  accumulateDx: boolean,
): Promise<Dispatch[]> {
  const { N } = dims(t);
  const [outDim, inDim] = projectionShape(t.cfg, proj);
  const name = `layers.${layer}.${PROJECTION_WEIGHT[proj]}`;
  const w = t.param(name);
  const dw = t.grad(name);
  const out: Dispatch[] = [];
  if (t.dropout <= 0) {
    if (dw) out.push(await matmul_backward_weight(ctx, { dy, x, dw, rows: N, inDim, outDim }));
    out.push(await matmul_backward_input(ctx, { dy, w, dx, rows: N, inDim, outDim, accumulate: accumulateDx }));
    return out;
  }
  const xd = t.act(`layers.${layer}.${proj}.fxd`); // (N, in)
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
