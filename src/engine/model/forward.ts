// The forward schedule of the Llama-style decoder, as a list of prepared dispatches:
// embedding → nLayers × [RMSNorm → q,k,v (+LoRA) → RoPE → causal attention → o (+LoRA) →
// residual → RMSNorm → gate, up (+LoRA) → SwiGLU → down (+LoRA) → residual] → RMSNorm →
// LM head → cross-entropy. `train` enables LoRA dropout; evaluation runs without it.

import { attention_forward } from '../kernels/attention';
import { cross_entropy_forward } from '../kernels/cross_entropy';
import { embedding_forward } from '../kernels/embedding';
import type { Dispatch, KernelContext } from '../kernels/kernel';
import { matmul_forward } from '../kernels/matmul';
import { residual_forward } from '../kernels/residual';
import { rmsnorm_forward } from '../kernels/rmsnorm';
import { rope_forward } from '../kernels/rope';
import { swiglu_forward } from '../kernels/swiglu';
import { DEFAULT_NORM_EPS, DEFAULT_ROPE_THETA } from './config';
import { projections_forward } from './linear';
import { dims, type RunTensors } from './tensors';

export async function model_forward(ctx: KernelContext, t: RunTensors, train: boolean): Promise<Dispatch[]> {
  const { B, T, N, C, D, H, Hkv, F, V } = dims(t);
  const eps = t.cfg.normEps ?? DEFAULT_NORM_EPS;
  const theta = t.cfg.ropeTheta ?? DEFAULT_ROPE_THETA;
  const a = (n: string) => t.act(n);
  const out: Dispatch[] = [];
  const push = (d: Dispatch | Dispatch[]) => (Array.isArray(d) ? out.push(...d) : out.push(d));

  push(await embedding_forward(ctx, { tokens: a('tokens'), wte: t.param('wte'), out: a('layers.0.res'), N, V, C }));
  for (let l = 0; l < t.cfg.nLayers; l++) {
    const p = `layers.${l}.`;
    const res = a(`${p}res`); // (N, C)
    push(await rmsnorm_forward(ctx, { x: res, w: t.param(`${p}attn_norm`), out: a(`${p}an`), rstd: a(`${p}rstd1`), N, C, eps }));
    push(await projections_forward(ctx, t, l, ['q', 'k', 'v'], a(`${p}an`), [a(`${p}q`), a(`${p}k`), a(`${p}v`)], train));
    push(await rope_forward(ctx, { x: a(`${p}q`), B, T, H, D, theta }));
    push(await rope_forward(ctx, { x: a(`${p}k`), B, T, H: Hkv, D, theta }));
    push(await attention_forward(ctx, {
      q: a(`${p}q`), k: a(`${p}k`), v: a(`${p}v`), out: a(`${p}ao`), att: a(`${p}att`), B, T, H, Hkv, D,
    }));
    push(await projections_forward(ctx, t, l, ['o'], a(`${p}ao`), [a('tmp')], train));
    push(await residual_forward(ctx, { x: res, y: a('tmp'), out: a(`${p}mid`) }));
    push(await rmsnorm_forward(ctx, { x: a(`${p}mid`), w: t.param(`${p}mlp_norm`), out: a(`${p}mn`), rstd: a(`${p}rstd2`), N, C, eps }));
    push(await projections_forward(ctx, t, l, ['gate', 'up'], a(`${p}mn`), [a(`${p}g`), a(`${p}u`)], train));
    push(await swiglu_forward(ctx, { gate: a(`${p}g`), up: a(`${p}u`), out: a(`${p}h`), N, F }));
    push(await projections_forward(ctx, t, l, ['down'], a(`${p}h`), [a('tmp')], train));
    const next = l + 1 < t.cfg.nLayers ? a(`layers.${l + 1}.res`) : a('out');
    push(await residual_forward(ctx, { x: a(`${p}mid`), y: a('tmp'), out: next }));
  }
  push(await rmsnorm_forward(ctx, { x: a('out'), w: t.param('final_norm'), out: a('fn'), rstd: a('rstdf'), N, C, eps }));
  const head = t.cfg.tieEmbeddings ? t.param('wte') : t.param('lm_head');
  push(await matmul_forward(ctx, { x: a('fn'), w: head, y: a('logits'), rows: N, inDim: C, outDim: V }));
  push(await cross_entropy_forward(ctx, {
    logits: a('logits'), targets: a('targets'), losses: a('losses'), stats: a('ce_stats'), N, V,
  }));
  return out;
}
