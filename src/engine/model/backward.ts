// The backward schedule, mirroring forward.ts in reverse. Gradients of base weights are
// written only in full fine-tuning (t.grad returns null for frozen weights); the residual
// stream's gradient lives in the `dres` scratch and is accumulated into by each branch, and
// is not carried below layer 0's attention when nothing there trains (LoRA).

import { attention_backward } from '../kernels/attention';
import { cross_entropy_backward } from '../kernels/cross_entropy';
import { embedding_backward } from '../kernels/embedding';
import type { Dispatch, KernelContext } from '../kernels/kernel';
import { matmul_backward_input, matmul_backward_weight } from '../kernels/matmul';
import { rmsnorm_backward } from '../kernels/rmsnorm';
import { rope_backward } from '../kernels/rope';
import { swiglu_backward } from '../kernels/swiglu';
import { DEFAULT_ROPE_THETA } from './config';
import { projections_backward } from './linear';
import type { ActName } from './names';
import { dims, layerActs, layerGrads, layerParams, type RunTensors } from './tensors';

export async function model_backward(ctx: KernelContext, t: RunTensors): Promise<Dispatch[]> {
  const { B, T, N, C, D, H, Hkv, F, V } = dims(t);
  const theta = t.cfg.ropeTheta ?? DEFAULT_ROPE_THETA;
  const a = (n: ActName) => t.act(n);
  const out: Dispatch[] = [];
  const push = (d: Dispatch | Dispatch[]) => (Array.isArray(d) ? out.push(...d) : out.push(d));
  const tied = t.cfg.tieEmbeddings;
  const headName = tied ? 'wte' : 'lm_head';

  push(await cross_entropy_backward(ctx, { logits: a('logits'), targets: a('targets'), stats: a('ce_stats'), dlogits: a('dlogits'), N, V }));
  const dhead = t.grad(headName);
  if (dhead) push(await matmul_backward_weight(ctx, { dy: a('dlogits'), x: a('fn'), dw: dhead, rows: N, inDim: C, outDim: V }));
  push(await matmul_backward_input(ctx, { dy: a('dlogits'), w: t.param(headName), dx: a('tmp'), rows: N, inDim: C, outDim: V }));
  push(await rmsnorm_backward(ctx, {
    dout: a('tmp'), x: a('out'), w: t.param('final_norm'), rstd: a('rstdf'), dx: a('dres'), dw: t.grad('final_norm'), N, C,
  }));
  for (let l = t.cfg.nLayers - 1; l >= 0; l--) {
    const x = layerActs(t, l);
    const w = layerParams(t, l);
    const dw = layerGrads(t, l);
    // MLP branch: dres holds dL/d(layer output); it flows unchanged into mid.
    push(await projections_backward(ctx, t, l, ['down'], [a('dres')], x.h, a('dh'), false));
    push(await swiglu_backward(ctx, { dout: a('dh'), gate: x.g, up: x.u, dgate: a('dg'), dup: a('du'), N, F }));
    push(await projections_backward(ctx, t, l, ['gate', 'up'], [a('dg'), a('du')], x.mn, a('dmn'), false));
    push(await rmsnorm_backward(ctx, {
      dout: a('dmn'), x: x.mid, w: w.mlp_norm, rstd: x.rstd2, dx: a('dres'), dw: dw.mlp_norm, N, C, accumulateDx: true,
    }));
    // Attention branch: dres now holds dL/d(mid).
    push(await projections_backward(ctx, t, l, ['o'], [a('dres')], x.ao, a('dao'), false));
    push(await attention_backward(ctx, {
      dout: a('dao'), q: x.q, k: x.k, v: x.v, att: x.att, datt: a('datt'), dq: a('dq'), dk: a('dk'), dv: a('dv'), B, T, H, Hkv, D,
    }));
    push(await rope_backward(ctx, { dx: a('dq'), B, T, H, D, theta }));
    push(await rope_backward(ctx, { dx: a('dk'), B, T, H: Hkv, D, theta }));
    // Below layer 0's attention input only the embedding is left: with it frozen (LoRA), the
    // gradient into the residual stream there has no use, and q, k, v make weight gradients only.
    const needInput = l > 0 || t.grad('wte') !== null || dw.attn_norm !== null;
    const dan = needInput ? a('dan') : null;
    push(await projections_backward(ctx, t, l, ['q', 'k', 'v'], [a('dq'), a('dk'), a('dv')], x.an, dan, false));
    if (needInput) {
      push(await rmsnorm_backward(ctx, {
        dout: a('dan'), x: x.res, w: w.attn_norm, rstd: x.rstd1, dx: a('dres'), dw: dw.attn_norm, N, C, accumulateDx: true,
      }));
    }
  }
  const dwte = t.grad('wte');
  if (dwte) {
    push(await embedding_backward(ctx, { tokens: a('tokens'), dout: a('dres'), dwte, N, V, C, accumulate: tied }));
  }
  return out;
}
