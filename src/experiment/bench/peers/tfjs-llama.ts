// The engine's Llama-style model written in TensorFlow.js ops, the training-step peer: token
// embedding, per layer pre-RMSNorm causal attention with RoPE (rotate-half, HF Llama) and
// grouped-query attention, and a SwiGLU MLP, a final RMSNorm and the LM head (tied to the
// embedding or not, as the config says), mean cross-entropy over targets ≥ 0. The same math as
// src/engine/reference/model.ts (the float64 oracle); TF.js's autodiff gives the gradients.
// Weights are tf.Variables named like the engine's layout (wte, layers.l.wq, ...).

import { layerParamName, type LayerParam, type LlamaConfig } from '../../../engine/index';
import type { Tf } from './tfjs-load';

type Tensor = import('@tensorflow/tfjs-core').Tensor;
type Variable = import('@tensorflow/tfjs-core').Variable;

export interface TfLlama {
  cfg: LlamaConfig;
  vars: Map<string, Variable>;
  /** Mean cross-entropy of a (B, T) batch, as a scalar tensor (inside a tape for gradients). */
  loss(tokens: Int32Array, targets: Int32Array, B: number, T: number): Tensor;
  dispose(): void;
}

/** cos/sin (T, D/2) of RoPE: angle = t · theta^(−2i/D), computed in float64. */
function ropeTables(T: number, D: number, theta: number): { cos: Float32Array; sin: Float32Array } {
  const half = D / 2;
  const cos = new Float32Array(T * half);
  const sin = new Float32Array(T * half);
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < half; i++) {
      const a = t * Math.pow(theta, (-2 * i) / D);
      cos[t * half + i] = Math.cos(a);
      sin[t * half + i] = Math.sin(a);
    }
  }
  return { cos, sin };
}

interface Consts { cos: Tensor; sin: Tensor; mask: Tensor }

export function createTfLlama(tf: Tf, cfg: LlamaConfig, weights: Map<string, Float32Array>, shapes: Map<string, number[]>): TfLlama {
  const vars = new Map<string, Variable>();
  for (const [name, shape] of shapes) {
    const w = weights.get(name);
    if (!w) throw new Error(`TF.js model: no weights for ${name}`);
    vars.set(name, tf.variable(tf.tensor(w, shape), true, `${name}`));
  }
  const consts = new Map<number, Consts>();
  const constsFor = (T: number): Consts => {
    let c = consts.get(T);
    if (!c) {
      const D = cfg.dModel / cfg.nHeads;
      const { cos, sin } = ropeTables(T, D, cfg.ropeTheta ?? 10000);
      const G = cfg.nHeads / cfg.nKvHeads;
      // (G·T, T): row r is query position r mod T; keys after it get −1e9 (exp underflows to 0).
      const mask = Float32Array.from({ length: G * T * T }, (_, i) => (i % T > Math.floor(i / T) % T ? -1e9 : 0));
      // Kept: the first call runs inside the optimizer's tidy, which would free them after the step.
      c = { cos: tf.keep(tf.tensor(cos, [1, T, 1, D / 2])), sin: tf.keep(tf.tensor(sin, [1, T, 1, D / 2])), mask: tf.keep(tf.tensor(mask, [1, G * T, T])) };
      consts.set(T, c);
    }
    return c;
  };
  const P = (name: string) => vars.get(name)!;
  return {
    cfg, vars,
    loss: (tokens, targets, B, T) => llamaLoss(tf, cfg, P, constsFor(T), tokens, targets, B, T),
    dispose() {
      for (const v of vars.values()) v.dispose();
      for (const c of consts.values()) tf.dispose([c.cos, c.sin, c.mask]);
    },
  };
}

function rmsnorm(tf: Tf, x: Tensor, w: Tensor, eps: number): Tensor {
  return tf.mul(tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), eps))), w);
}

/** Rotates the pairs (x[i], x[i + D/2]) of x (B, T, H, D) by the position angle. */
function rope(tf: Tf, x: Tensor, c: Consts): Tensor {
  const [x1, x2] = tf.split(x, 2, -1);
  return tf.concat([tf.sub(tf.mul(x1, c.cos), tf.mul(x2, c.sin)), tf.add(tf.mul(x2, c.cos), tf.mul(x1, c.sin))], -1);
}

/**
 * Causal GQA attention: q (B, T, H, D), k/v (B, T, Hkv, D) → (B·T, H·D). Query head h = j·G + g
 * reads kv head j, so the G query heads of kv head j are stacked into one (G·T, D) matrix per
 * (b, j): one batched matmul each way and no copies of k and v.
 */
function attention(tf: Tf, cfg: LlamaConfig, q: Tensor, k: Tensor, v: Tensor, c: Consts, B: number, T: number): Tensor {
  const H = cfg.nHeads;
  const Hkv = cfg.nKvHeads;
  const D = cfg.dModel / H;
  const G = H / Hkv;
  const qh = tf.reshape(tf.transpose(q, [0, 2, 1, 3]), [B * Hkv, G * T, D]); // (B·Hkv, G·T, D)
  const kh = tf.reshape(tf.transpose(k, [0, 2, 1, 3]), [B * Hkv, T, D]); // (B·Hkv, T, D)
  const vh = tf.reshape(tf.transpose(v, [0, 2, 1, 3]), [B * Hkv, T, D]); // (B·Hkv, T, D)
  const scores = tf.add(tf.mul(tf.matMul(qh, kh, false, true), 1 / Math.sqrt(D)), c.mask); // (B·Hkv, G·T, T)
  const y = tf.matMul(tf.softmax(scores), vh); // (B·Hkv, G·T, D) = (B, H, T, D)
  return tf.reshape(tf.transpose(tf.reshape(y, [B, H, T, D]), [0, 2, 1, 3]), [B * T, H * D]);
}

function llamaLoss(
  tf: Tf, cfg: LlamaConfig, P: (n: string) => Tensor, c: Consts, tokens: Int32Array, targets: Int32Array, B: number, T: number,
): Tensor {
  const N = B * T;
  const C = cfg.dModel;
  const H = cfg.nHeads;
  const Hkv = cfg.nKvHeads;
  const D = C / H;
  const eps = cfg.normEps ?? 1e-5;
  const lin = (x: Tensor, w: string) => tf.matMul(x as import('@tensorflow/tfjs-core').Tensor2D, P(w) as import('@tensorflow/tfjs-core').Tensor2D, false, true);
  let x = tf.gather(P('wte'), tf.tensor1d(tokens, 'int32')); // (N, C)
  for (let l = 0; l < cfg.nLayers; l++) {
    const p = (name: LayerParam) => layerParamName(l, name);
    const a = rmsnorm(tf, x, P(p('attn_norm')), eps); // (N, C)
    const q = rope(tf, tf.reshape(lin(a, p('wq')), [B, T, H, D]), c);
    const k = rope(tf, tf.reshape(lin(a, p('wk')), [B, T, Hkv, D]), c);
    const v = tf.reshape(lin(a, p('wv')), [B, T, Hkv, D]);
    x = tf.add(x, lin(attention(tf, cfg, q, k, v, c, B, T), p('wo'))); // (N, C)
    const m = rmsnorm(tf, x, P(p('mlp_norm')), eps);
    const g = lin(m, p('w_gate')); // (N, F)
    const h = tf.mul(tf.mul(g, tf.sigmoid(g)), lin(m, p('w_up'))); // (N, F)
    x = tf.add(x, lin(h, p('w_down')));
  }
  const logits = lin(rmsnorm(tf, x, P('final_norm'), eps), cfg.tieEmbeddings ? 'wte' : 'lm_head'); // (N, V)
  const valid = Array.from(targets).filter((t) => t >= 0).length;
  // One-hot of an ignored target (-1) is all zeros: it adds nothing to the sum.
  const picked = tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(tf.tensor1d(targets, 'int32'), cfg.vocabSize)));
  if (N === 0 || valid === 0) return tf.scalar(0);
  return tf.div(tf.neg(picked), valid);
}
