// ONNX export of a Llama-style model (base, full fine-tuned, or LoRA merged into the base)
// from standard opset-17 ops: Gather for the embedding; RMSNorm as x / sqrt(mean(x²) + eps)
// · w (ReduceMean, Pow, Add, Sqrt, Div, Mul: opset 17 has no RMSNorm op); RoPE in the engine's
// rotate-half convention from Slice/Neg/Concat/Mul/Add with precomputed cos/sin tables;
// grouped-query attention by repeating each K/V head (Unsqueeze/Tile/Reshape); a causal mask
// table; SwiGLU as gate·Sigmoid(gate)·up; tied embeddings as MatMul with the transposed table.
// Input `input_ids` int64 (batch, sequence), output `logits` float32 (batch, sequence, vocab).
// Sequences are at most max_sequence_length tokens (metadata and doc string): the nodes that read
// the position tables carry that limit in their names, so a runtime's error for a longer input
// (a broadcast of 64 by 65) names it.
// Weights keep Hugging Face's names and (out, in) layout; Transpose nodes, which runtimes
// fold once at load, turn them into MatMul's (in, out).

import { headDim, type LlamaConfig } from '../../engine/index';
import { encodeModel, GraphBuilder, ONNX_FLOAT, ONNX_INT64 } from './onnx-graph';
import { hfName } from './weights';

export const ONNX_OPSET = 17;
/** Added to masked (future) attention scores: far below any real score, yet finite in f32. */
const MASKED = -1e9;

export interface OnnxExportOptions {
  /** Graph name and what the model is (stored as the model's doc string and metadata). */
  name: string;
  description: string;
  /** Longest sequence the RoPE and mask tables cover (default cfg.seqLen). */
  maxSeqLen?: number;
}

interface Ctx {
  g: GraphBuilder;
  cfg: LlamaConfig;
  D: number;
  eps: string;
  two: string;
  cos: string; // (T, 1, D) RoPE tables sliced to the input's length
  sin: string;
  mask: string; // (T, T) 0 on and below the diagonal, MASKED above
  scale: string;
  /** Node-name label of the ops that meet the position tables: the sequence-length limit. */
  limit: string;
}

/** cos/sin of t·theta^(−2i/D) for i < D/2, repeated over both halves: tables (maxT, 1, D). */
export function ropeTables(D: number, maxT: number, theta: number): { cos: Float32Array; sin: Float32Array } {
  const cos = new Float32Array(maxT * D);
  const sin = new Float32Array(maxT * D);
  for (let t = 0; t < maxT; t++) {
    for (let i = 0; i < D / 2; i++) {
      const a = t * theta ** ((-2 * i) / D);
      for (const j of [i, i + D / 2]) {
        cos[t * D + j] = Math.cos(a);
        sin[t * D + j] = Math.sin(a);
      }
    }
  }
  return { cos, sin };
}

function rmsnorm(c: Ctx, x: string, w: string): string {
  const { g } = c;
  const ms = g.op('ReduceMean', [g.op('Pow', [x, c.two])], { axes: [-1], keepdims: 1 });
  return g.op('Mul', [g.op('Div', [x, g.op('Sqrt', [g.op('Add', [ms, c.eps])])]), w], {}, 'rmsnorm');
}

/** x (B, T, n, D) → rotate-half RoPE. */
function rope(c: Ctx, x: string): string {
  const { g, D } = c;
  const half = (s: number, e: number) => g.op('Slice', [x, g.int64Init('s', [s]), g.int64Init('e', [e]), g.int64Init('ax', [3])]);
  const x1 = half(0, D / 2);
  const x2 = half(D / 2, D);
  const rot = g.op('Concat', [g.op('Neg', [x2]), x1], { axis: 3 });
  return g.op('Add', [g.op('Mul', [x, c.cos], {}, 'mul', c.limit), g.op('Mul', [rot, c.sin], {}, 'mul', c.limit)], {}, 'rope');
}

/** y = x · Wᵀ with W (out, in) stored under its Hugging Face name. */
function linear(c: Ctx, x: string, weight: string): string {
  return c.g.op('MatMul', [x, c.g.op('Transpose', [weight], { perm: [1, 0] }, 'wT')]);
}

/** (B, T, n·D) → (B, n, T, D), with RoPE when asked, K/V heads repeated up to H. */
function heads(c: Ctx, x: string, n: number, withRope: boolean): string {
  const { g, D, cfg } = c;
  let h = g.op('Reshape', [x, g.int64Init('shape', [0, 0, n, D])]); // (B, T, n, D)
  if (withRope) h = rope(c, h);
  h = g.op('Transpose', [h], { perm: [0, 2, 1, 3] }); // (B, n, T, D)
  const rep = cfg.nHeads / n;
  if (rep === 1) return h;
  // Query head h reads kv head floor(h / rep): repeat each kv head rep times, consecutively.
  const u = g.op('Unsqueeze', [h, g.int64Init('ax', [2])]); // (B, n, 1, T, D)
  const t = g.op('Tile', [u, g.int64Init('reps', [1, 1, rep, 1, 1])]); // (B, n, rep, T, D)
  return g.op('Reshape', [t, g.int64Init('shape', [0, cfg.nHeads, -1, D])]); // (B, H, T, D)
}

function attention(c: Ctx, a: string, l: number): string {
  const { g, cfg, D } = c;
  const W = (p: string) => `model.layers.${l}.self_attn.${p}_proj.weight`;
  const q = heads(c, linear(c, a, W('q')), cfg.nHeads, true); // (B, H, T, D)
  const k = heads(c, linear(c, a, W('k')), cfg.nKvHeads, true); // (B, H, T, D)
  const v = heads(c, linear(c, a, W('v')), cfg.nKvHeads, false); // (B, H, T, D)
  const scores = g.op('MatMul', [q, g.op('Transpose', [k], { perm: [0, 1, 3, 2] })]); // (B, H, T, T)
  const masked = g.op('Add', [g.op('Mul', [scores, c.scale]), c.mask], {}, 'add', c.limit);
  const y = g.op('MatMul', [g.op('Softmax', [masked], { axis: -1 }), v]); // (B, H, T, D)
  const merged = g.op('Reshape', [g.op('Transpose', [y], { perm: [0, 2, 1, 3] }), g.int64Init('shape', [0, 0, cfg.nHeads * D])]);
  return linear(c, merged, W('o')); // (B, T, C)
}

function mlp(c: Ctx, m: string, l: number): string {
  const { g } = c;
  const W = (p: string) => `model.layers.${l}.mlp.${p}_proj.weight`;
  const gate = linear(c, m, W('gate')); // (B, T, F)
  const up = linear(c, m, W('up')); // (B, T, F)
  const h = g.op('Mul', [g.op('Mul', [gate, g.op('Sigmoid', [gate])]), up], {}, 'swiglu');
  return linear(c, h, W('down')); // (B, T, C)
}

/** Initializers for the weights and the position tables; returns the context the ops use. */
function setup(g: GraphBuilder, cfg: LlamaConfig, weights: Map<string, Float32Array>, maxT: number): Ctx {
  const D = headDim(cfg);
  for (const [name, data] of weights) {
    if (name === 'lm_head' && cfg.tieEmbeddings) continue;
    const shape = name === 'wte' || name === 'lm_head' ? [cfg.vocabSize, cfg.dModel] : undefined;
    g.floatInit(hfName(name), shape ?? shapeOf(cfg, name, data.length), data);
  }
  const tables = ropeTables(D, maxT, cfg.ropeTheta ?? 10000);
  const mask = new Float32Array(maxT * maxT);
  for (let i = 0; i < maxT; i++) for (let j = i + 1; j < maxT; j++) mask[i * maxT + j] = MASKED;
  g.floatInit('rope_cos', [maxT, 1, D], tables.cos);
  g.floatInit('rope_sin', [maxT, 1, D], tables.sin);
  g.floatInit('causal_mask', [maxT, maxT], mask);
  // T, the input's sequence length, as a 1-element int64 tensor to slice the tables with.
  const T = g.op('Slice', [g.op('Shape', ['input_ids']), g.int64Init('s', [1]), g.int64Init('e', [2]), g.int64Init('ax', [0])], {}, 'seq_len');
  const zero = g.int64Init('zero', [0]);
  const cos = g.op('Slice', ['rope_cos', zero, T, zero], {}, 'cos');
  const sin = g.op('Slice', ['rope_sin', zero, T, zero], {}, 'sin');
  const TT = g.op('Concat', [T, T], { axis: 0 });
  const maskT = g.op('Slice', ['causal_mask', g.int64Init('zeros', [0, 0]), TT, g.int64Init('axes', [0, 1])], {}, 'mask');
  return {
    g, cfg, D, cos, sin, mask: maskT, limit: `max_sequence_length_${maxT}`,
    eps: g.floatInit('rms_eps', [], [cfg.normEps ?? 1e-5]), two: g.floatInit('two', [], [2]), scale: g.floatInit('attn_scale', [], [1 / Math.sqrt(D)]),
  };
}

function shapeOf(cfg: LlamaConfig, name: string, n: number): number[] {
  if (name.endsWith('norm')) return [n];
  const inDim = name.endsWith('wo') ? cfg.nHeads * headDim(cfg) : name.endsWith('w_down') ? cfg.ffnDim : cfg.dModel;
  return [n / inDim, inDim];
}

/** Serialises the model's weights (engine names, e.g. from runWeights) as an ONNX model. */
export function exportOnnx(cfg: LlamaConfig, weights: Map<string, Float32Array>, o: OnnxExportOptions): Uint8Array {
  const g = new GraphBuilder();
  g.fresh('input_ids');
  const maxT = o.maxSeqLen ?? cfg.seqLen;
  const c = setup(g, cfg, weights, maxT);
  const embed = hfName('wte');
  let x = g.op('Gather', [embed, 'input_ids'], { axis: 0 }, 'embed'); // (B, T, C)
  for (let l = 0; l < cfg.nLayers; l++) {
    const a = rmsnorm(c, x, `model.layers.${l}.input_layernorm.weight`);
    x = g.op('Add', [x, attention(c, a, l)], {}, 'resid');
    const m = rmsnorm(c, x, `model.layers.${l}.post_attention_layernorm.weight`);
    x = g.op('Add', [x, mlp(c, m, l)], {}, 'resid');
  }
  const xf = rmsnorm(c, x, 'model.norm.weight');
  const head = cfg.tieEmbeddings ? embed : hfName('lm_head');
  g.nodes.push({ opType: 'MatMul', input: [xf, g.op('Transpose', [head], { perm: [1, 0] }, 'headT')], output: ['logits'], name: 'lm_head' });
  return encodeModel(g, {
    name: o.name, opset: ONNX_OPSET, doc: `${o.description}. Input: byte ids, at most ${maxT} per sequence (max_sequence_length).`,
    metadata: { config: JSON.stringify(cfg), max_sequence_length: String(maxT) },
    inputs: [{ name: 'input_ids', elemType: ONNX_INT64, dims: ['batch', 'sequence'] }],
    outputs: [{ name: 'logits', elemType: ONNX_FLOAT, dims: ['batch', 'sequence', cfg.vocabSize] }],
  });
}
