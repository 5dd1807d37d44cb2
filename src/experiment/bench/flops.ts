// Nominal floating-point work of one training step, counted from the model config: the
// matmul-shaped products only (projections, attention scores and mixing, the LM head),
// which dominate; norms, softmax, elementwise ops and AdamW are left out, as usual for
// model-FLOP accounting. Attention counts the causal pairs only (query i sees keys 0..i).

import type { LlamaConfig, Projection, TrainingRun } from '../../engine/index';

export type StepMethod = { mode: 'full' } | { mode: 'lora'; rank: number; targets: readonly Projection[] };

/** (inDim, outDim) of each projection of a layer. */
export function projectionDims(cfg: LlamaConfig): Record<Projection, [number, number]> {
  const d = cfg.dModel;
  const kv = (cfg.nKvHeads * d) / cfg.nHeads;
  return { q: [d, d], k: [d, kv], v: [d, kv], o: [d, d], gate: [d, cfg.ffnDim], up: [d, cfg.ffnDim], down: [cfg.ffnDim, d] };
}

export interface StepFlops {
  forward: number;
  backward: number;
  total: number;
}

/**
 * FLOPs of one step on a (B, T) batch. Backward computes every input gradient (the residual
 * stream needs them) and weight gradients only for what trains: all weights in full
 * fine-tuning, only the adapters under LoRA (x·Aᵀ then ·Bᵀ forward; dB, d(xA), dA, dx back).
 */
export function stepFlops(cfg: LlamaConfig, B: number, T: number, method: StepMethod): StepFlops {
  const tokens = B * T;
  const dims = projectionDims(cfg);
  const proj = Object.values(dims).reduce((s, [i, o]) => s + 2 * i * o, 0) * tokens * cfg.nLayers;
  const pairs = (T * (T + 1)) / 2;
  const hd = cfg.dModel / cfg.nHeads;
  const attn = 4 * pairs * hd * cfg.nHeads * B * cfg.nLayers; // QKᵀ and P·V
  const head = 2 * cfg.dModel * cfg.vocabSize * tokens;
  let forward = proj + attn + head;
  // dP, dV, dQ, dK: twice the forward's attention products.
  let backward = proj + 2 * attn + head;
  if (method.mode === 'full') backward += proj + head;
  else {
    const sides = method.targets.reduce((s, p) => s + dims[p][0] + dims[p][1], 0) * cfg.nLayers * tokens;
    forward += 2 * method.rank * sides;
    backward += 4 * method.rank * sides;
  }
  return { forward, backward, total: forward + backward };
}

/** Model FLOPs of one step of a run as it is configured (its batch, and what it trains). */
export function methodStepFlops(run: Pick<TrainingRun, 'cfg' | 'B' | 'T' | 'mode' | 'opts'>): number {
  const lora = run.opts.lora;
  const method: StepMethod = run.mode === 'lora' && lora ? { mode: 'lora', rank: lora.rank, targets: lora.targets } : { mode: 'full' };
  return stepFlops(run.cfg, run.B, run.T, method).total;
}
