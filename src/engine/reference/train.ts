// Float64 reference training loop: N AdamW steps with global gradient-norm clipping, either
// full fine-tuning (every base parameter trained) or LoRA (only the adapters trained, base
// frozen). Tests of the GPU training step compare their per-step losses against this.

import { model_forward_backward, type RefLora } from './model';
import { adamw_step, clip_scale, grad_norm } from './optim';
import type { ParamMap, RefDropout, RefLlamaConfig } from './types';

export interface RefTrainHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  /** Decoupled weight decay, applied to every trained tensor. */
  weightDecay: number;
  /** Global clipping threshold; 0 (or not finite) turns clipping off. */
  maxGradNorm: number;
}

export interface RefBatch {
  tokens: Int32Array; // (B, T)
  targets: Int32Array; // (B, T), −1 = ignored
  /** Overrides lora.cfg.seed for this step's dropout masks (default: lora.cfg.seed every step). */
  loraSeed?: number;
}

export interface RefStepInfo {
  /** 1-based AdamW step. */
  step: number;
  /** Loss of the forward pass before this step's update. */
  loss: number;
  /** Global norm of the trained gradients, before clipping. */
  gradNorm: number;
  gradScale: number;
}

export interface RefTrainOptions {
  cfg: RefLlamaConfig;
  params: ParamMap;
  lora?: RefLora;
  /** Full fine-tuning's dropout on every projection input (the same masks every step). */
  drop?: RefDropout;
  batches: RefBatch[];
  B: number;
  T: number;
  hyper: RefTrainHyper;
  onStep?: (info: RefStepInfo) => void;
}

/**
 * One AdamW step per batch (1-based steps, fresh zero moments); mutates the trained tensors
 * (params, or lora.params when lora is given) in place and returns the loss of every step,
 * each measured before that step's update.
 */
export function reference_train(opts: RefTrainOptions): number[] {
  const { cfg, params, lora, batches, B, T, hyper } = opts;
  const trained: ParamMap = lora ? lora.params : params;
  const m = new Map<string, Float64Array>();
  const v = new Map<string, Float64Array>();
  for (const [name, t] of trained) {
    m.set(name, new Float64Array(t.length));
    v.set(name, new Float64Array(t.length));
  }
  const losses: number[] = [];
  batches.forEach((batch, i) => {
    const stepLora = lora && batch.loraSeed !== undefined
      ? { cfg: { ...lora.cfg, seed: batch.loraSeed }, params: lora.params }
      : lora;
    const r = model_forward_backward(cfg, params, batch.tokens, batch.targets, B, T, stepLora, opts.drop);
    const grads = lora ? r.loraGrads! : r.grads;
    const names = [...grads.keys()];
    const gradNorm = grad_norm(names.map((n) => grads.get(n)!));
    const gradScale = clip_scale(gradNorm, hyper.maxGradNorm);
    const step = i + 1;
    for (const name of names) {
      const p = trained.get(name);
      if (!p) throw new Error(`reference_train: no trained tensor ${name}`);
      adamw_step(p, grads.get(name)!, m.get(name)!, v.get(name)!, {
        lr: hyper.lr, beta1: hyper.beta1, beta2: hyper.beta2, eps: hyper.eps,
        weightDecay: hyper.weightDecay, step, gradScale,
      });
    }
    losses.push(r.loss);
    opts.onStep?.({ step, loss: r.loss, gradNorm, gradScale });
  });
  return losses;
}
