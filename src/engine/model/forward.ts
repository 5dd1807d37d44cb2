// The forward schedule of the Llama-style decoder, as a list of prepared dispatches:
// embedding → nLayers × [RMSNorm → q,k,v (+LoRA) → RoPE → causal attention → o (+LoRA) →
// residual → RMSNorm → gate, up (+LoRA) → SwiGLU → down (+LoRA) → residual] → RMSNorm →
// LM head → cross-entropy. `train` enables LoRA dropout; evaluation runs without it, and with
// forward-only kernels that keep nothing for backward (no RMSNorm rstd, no (B, H, T, T)
// attention probabilities: an online softmax instead).

import { attention_forward, attention_forward_only } from '../kernels/attention';
import { cross_entropy_forward } from '../kernels/cross_entropy';
import { embedding_forward } from '../kernels/embedding';
import type { GpuTensor } from '../gpu/buffers';
import type { Dispatch, KernelContext } from '../kernels/kernel';
import { matmul_forward } from '../kernels/matmul';
import { residual_forward } from '../kernels/residual';
import { rmsnorm_forward, rmsnorm_forward_only } from '../kernels/rmsnorm';
import { rope_forward } from '../kernels/rope';
import { swiglu_forward } from '../kernels/swiglu';
import { DEFAULT_NORM_EPS, DEFAULT_ROPE_THETA } from './config';
import { adapters_merge, projections_forward } from './linear';
import type { ActName } from './names';
import { dims, layerActs, layerParams, type RunTensors } from './tensors';

export async function model_forward(ctx: KernelContext, t: RunTensors, train: boolean): Promise<Dispatch[]> {
  const { B, T, N, C, D, H, Hkv, F, V } = dims(t);
  const eps = t.cfg.normEps ?? DEFAULT_NORM_EPS;
  const theta = t.cfg.ropeTheta ?? DEFAULT_ROPE_THETA;
  const a = (n: ActName) => t.act(n);
  const out: Dispatch[] = [];
  const push = (d: Dispatch | Dispatch[]) => (Array.isArray(d) ? out.push(...d) : out.push(d));
  const norm = (o: { x: GpuTensor; w: GpuTensor; out: GpuTensor; rstd: GpuTensor }) =>
    train ? rmsnorm_forward(ctx, { ...o, N, C, eps }) : rmsnorm_forward_only(ctx, { x: o.x, w: o.w, out: o.out, N, C, eps });

  push(await adapters_merge(ctx, t)); // LoRA without dropout: this step's W + s·B·A
  push(await embedding_forward(ctx, { tokens: a('tokens'), wte: t.param('wte'), out: layerActs(t, 0).res, N, V, C }));
  for (let l = 0; l < t.cfg.nLayers; l++) {
    const x = layerActs(t, l);
    const w = layerParams(t, l);
    push(await norm({ x: x.res, w: w.attn_norm, out: x.an, rstd: x.rstd1 }));
    push(await projections_forward(ctx, t, l, ['q', 'k', 'v'], x.an, [x.q, x.k, x.v], train));
    push(await rope_forward(ctx, { x: x.q, B, T, H, D, theta }));
    push(await rope_forward(ctx, { x: x.k, B, T, H: Hkv, D, theta }));
    const qkv = { q: x.q, k: x.k, v: x.v, out: x.ao, B, T, H, Hkv, D };
    push(await (train ? attention_forward(ctx, { ...qkv, att: x.att }) : attention_forward_only(ctx, qkv)));
    push(await projections_forward(ctx, t, l, ['o'], x.ao, [a('tmp')], train));
    push(await residual_forward(ctx, { x: x.res, y: a('tmp'), out: x.mid }));
    push(await norm({ x: x.mid, w: w.mlp_norm, out: x.mn, rstd: x.rstd2 }));
    push(await projections_forward(ctx, t, l, ['gate', 'up'], x.mn, [x.g, x.u], train));
    push(await swiglu_forward(ctx, { gate: x.g, up: x.u, out: x.h, N, F }));
    push(await projections_forward(ctx, t, l, ['down'], x.h, [a('tmp')], train));
    const next = l + 1 < t.cfg.nLayers ? layerActs(t, l + 1).res : a('out');
    push(await residual_forward(ctx, { x: x.mid, y: a('tmp'), out: next }));
  }
  push(await norm({ x: a('out'), w: t.param('final_norm'), out: a('fn'), rstd: a('rstdf') }));
  const head = t.cfg.tieEmbeddings ? t.param('wte') : t.param('lm_head');
  push(await matmul_forward(ctx, { x: a('fn'), w: head, y: a('logits'), rows: N, inDim: C, outDim: V }));
  push(await cross_entropy_forward(ctx, {
    logits: a('logits'), targets: a('targets'), losses: a('losses'), stats: a('ce_stats'), N, V,
  }));
  return out;
}
