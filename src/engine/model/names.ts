// The single source of every tensor name and shape of a model and of a training run: the
// dimensions (one `dims` function), the base parameters in their flat layout order, the LoRA
// adapters, the per-layer activations, the run-wide activations, inputs and gradient scratch.
// Layout (layout.ts), the buffer plan (buffers.ts) and the schedules (forward.ts, backward.ts,
// linear.ts through tensors.ts's handles) all take names from here, and the name types are
// template literals, so a misspelt tensor is a compile error instead of a failure at run creation.
// Checkpoints, the shipped base, PEFT and ONNX export depend on the parameter names and their
// order: they must not change.

import { headDim, type LlamaConfig } from './config';

/** The seven projections LoRA can adapt, in canonical order (the index is part of seeds). */
export const PROJECTIONS = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] as const;
export type Projection = (typeof PROJECTIONS)[number];

/** Every size a tensor shape is built from. B and T are the run's batch and sequence length. */
export interface Dims {
  B: number;
  T: number;
  /** Tokens per step, B·T. */
  N: number;
  C: number;
  /** Head dimension. */
  D: number;
  H: number;
  Hkv: number;
  /** Width of the query projection (H·D) and of the key/value projections (Hkv·D). */
  QD: number;
  KD: number;
  F: number;
  V: number;
}

/** The one place dimensions are derived from a config (B = T = 1 when only weights matter). */
export function dims(cfg: LlamaConfig, B = 1, T = 1): Dims {
  const D = headDim(cfg);
  return {
    B, T, N: B * T, C: cfg.dModel, D, H: cfg.nHeads, Hkv: cfg.nKvHeads,
    QD: cfg.nHeads * D, KD: cfg.nKvHeads * D, F: cfg.ffnDim, V: cfg.vocabSize,
  };
}

/** A shape written in dimension symbols (or literal sizes), resolved by `shapeOf`. */
export type SymShape = readonly (keyof Dims | number)[];

export function shapeOf(s: SymShape, d: Dims): number[] {
  return s.map((x) => (typeof x === 'number' ? x : d[x]));
}

// ---------------------------------------------------------------------------------------
// Parameters

/** A layer's parameters in layout order, with their shapes (projection weights are (out, in)). */
export const LAYER_PARAMS = {
  attn_norm: ['C'], wq: ['QD', 'C'], wk: ['KD', 'C'], wv: ['KD', 'C'], wo: ['C', 'QD'],
  mlp_norm: ['C'], w_gate: ['F', 'C'], w_up: ['F', 'C'], w_down: ['C', 'F'],
} as const satisfies Record<string, SymShape>;
export type LayerParam = keyof typeof LAYER_PARAMS;

/** Parameters outside the layers: wte first, then the layers, then final_norm and (untied) lm_head. */
export const GLOBAL_PARAMS = { wte: ['V', 'C'], final_norm: ['C'], lm_head: ['V', 'C'] } as const satisfies Record<string, SymShape>;
export type GlobalParam = keyof typeof GLOBAL_PARAMS;

/** Parameter name of each projection's weight within a layer. */
export const PROJECTION_WEIGHT = {
  q: 'wq', k: 'wk', v: 'wv', o: 'wo', gate: 'w_gate', up: 'w_up', down: 'w_down',
} as const satisfies Record<Projection, LayerParam>;

export type LayerParamName = `layers.${number}.${LayerParam}`;
export type ParamName = GlobalParam | LayerParamName;

export function layerParamName(layer: number, p: LayerParam): LayerParamName {
  return `layers.${layer}.${p}`;
}

/** The name of a projection's base weight in a layer, e.g. layers.0.w_gate. */
export function weightName(layer: number, proj: Projection): LayerParamName {
  return layerParamName(layer, PROJECTION_WEIGHT[proj]);
}

/** (out, in) of each projection in a layer. */
export function projectionShape(cfg: LlamaConfig, p: Projection): [number, number] {
  const [out, inp] = shapeOf(LAYER_PARAMS[PROJECTION_WEIGHT[p]], dims(cfg));
  return [out, inp];
}

/** Every base parameter with its shape, in the flat layout order. */
export function modelParamEntries(cfg: LlamaConfig): Array<[ParamName, number[]]> {
  const d = dims(cfg);
  const entries: Array<[ParamName, number[]]> = [['wte', shapeOf(GLOBAL_PARAMS.wte, d)]];
  for (let l = 0; l < cfg.nLayers; l++) {
    for (const [p, s] of Object.entries(LAYER_PARAMS)) entries.push([layerParamName(l, p as LayerParam), shapeOf(s, d)]);
  }
  entries.push(['final_norm', shapeOf(GLOBAL_PARAMS.final_norm, d)]);
  if (!cfg.tieEmbeddings) entries.push(['lm_head', shapeOf(GLOBAL_PARAMS.lm_head, d)]);
  return entries;
}

export type LoraMatrix = 'A' | 'B';
export type LoraParamName = `layers.${number}.${Projection}.lora_${LoraMatrix}`;

export function loraParamName(layer: number, proj: Projection, m: LoraMatrix): LoraParamName {
  return `layers.${layer}.${proj}.lora_${m}`;
}

/** Adapters in layout order (layer, then PROJECTIONS order): A (r, in), B (out, r). */
export function loraParamEntries(cfg: LlamaConfig, rank: number, targets: readonly Projection[]): Array<[LoraParamName, number[]]> {
  const entries: Array<[LoraParamName, number[]]> = [];
  for (let l = 0; l < cfg.nLayers; l++) {
    for (const p of PROJECTIONS) {
      if (!targets.includes(p)) continue;
      const [out, inp] = projectionShape(cfg, p);
      entries.push([loraParamName(l, p, 'A'), [rank, inp]]);
      entries.push([loraParamName(l, p, 'B'), [out, rank]]);
    }
  }
  return entries;
}

// ---------------------------------------------------------------------------------------
// Activations, inputs and scratch of a run

/** What a planned buffer is for: activations are kept for backward, scratch is reused, io are step inputs/outputs. */
export type ActKind = 'activation' | 'scratch' | 'io';
export type ActDtype = 'f32' | 'i32' | 'u32';

/** Activations every layer keeps for its backward, in plan order. */
export const LAYER_ACTS = {
  res: ['N', 'C'], // the layer's input (residual stream)
  an: ['N', 'C'], // attention RMSNorm output
  rstd1: ['N'],
  q: ['N', 'QD'], // after RoPE
  k: ['N', 'KD'], // after RoPE
  v: ['N', 'KD'],
  att: ['B', 'H', 'T', 'T'], // softmax probabilities
  ao: ['N', 'QD'], // attention output, before wo
  mid: ['N', 'C'], // residual stream after attention
  mn: ['N', 'C'], // MLP RMSNorm output
  rstd2: ['N'],
  g: ['N', 'F'], // gate projection
  u: ['N', 'F'], // up projection
  h: ['N', 'F'], // SwiGLU output
} as const satisfies Record<string, SymShape>;
export type LayerAct = keyof typeof LAYER_ACTS;

interface GlobalAct {
  shape: SymShape;
  kind: ActKind;
  dtype?: ActDtype;
}

/** Step inputs and outputs, planned before the layers. */
export const IO_ACTS = {
  tokens: { shape: ['N'], kind: 'io', dtype: 'i32' },
  targets: { shape: ['N'], kind: 'io', dtype: 'i32' },
  seeds: { shape: [4], kind: 'io', dtype: 'u32' },
  hyper: { shape: [8], kind: 'io' },
  ce_stats: { shape: [4], kind: 'io' },
  clip_stats: { shape: [4], kind: 'io' },
} as const satisfies Record<string, GlobalAct>;

/** After the layers: the head's activations, then the gradient scratch every layer reuses. */
export const HEAD_ACTS = {
  out: { shape: ['N', 'C'], kind: 'activation' },
  fn: { shape: ['N', 'C'], kind: 'activation' },
  rstdf: { shape: ['N'], kind: 'activation' },
  logits: { shape: ['N', 'V'], kind: 'activation' },
  losses: { shape: ['N'], kind: 'activation' },
  tmp: { shape: ['N', 'C'], kind: 'scratch' },
  dres: { shape: ['N', 'C'], kind: 'scratch' },
  dmn: { shape: ['N', 'C'], kind: 'scratch' },
  dan: { shape: ['N', 'C'], kind: 'scratch' },
  dh: { shape: ['N', 'F'], kind: 'scratch' },
  dg: { shape: ['N', 'F'], kind: 'scratch' },
  du: { shape: ['N', 'F'], kind: 'scratch' },
  dao: { shape: ['N', 'QD'], kind: 'scratch' },
  dq: { shape: ['N', 'QD'], kind: 'scratch' },
  dk: { shape: ['N', 'KD'], kind: 'scratch' },
  dv: { shape: ['N', 'KD'], kind: 'scratch' },
  datt: { shape: ['B', 'H', 'T', 'T'], kind: 'scratch' },
  dlogits: { shape: ['N', 'V'], kind: 'scratch' },
} as const satisfies Record<string, GlobalAct>;

/**
 * Scratch that exists only in some runs (their shapes depend on the LoRA rank, so buffers.ts
 * sizes them): LoRA's du segments and pre-mask dx, full fine-tuning dropout's pre-mask dx, and
 * the adapted weights W + s·B·A of a LoRA run without dropout, recomputed every step.
 */
export const OPTIONAL_SCRATCH = ['lora_du', 'lora_dxd', 'drop_dxd', 'lora_merged'] as const;

export type GlobalActName = keyof typeof IO_ACTS | keyof typeof HEAD_ACTS | (typeof OPTIONAL_SCRATCH)[number];
export type LayerActName = `layers.${number}.${LayerAct}`;

/**
 * Per-projection activations: an adapter group's u (segment-major (N, r) per adapter, named
 * after the group's first projection) and, with LoRA dropout, its masked input xd; with full
 * fine-tuning's dropout, each projection's masked input fxd.
 */
export type ProjectionAct = 'u' | 'xd' | 'fxd';
export type ProjectionActName = `layers.${number}.${Projection}.${ProjectionAct}`;

export type ActName = GlobalActName | LayerActName | ProjectionActName;

export function layerActName(layer: number, a: LayerAct): LayerActName {
  return `layers.${layer}.${a}`;
}

export function projectionActName(layer: number, proj: Projection, a: ProjectionAct): ProjectionActName {
  return `layers.${layer}.${proj}.${a}`;
}

/** Name of an adapted projection's merged weight inside the lora_merged scratch. */
export type MergedName = `layers.${number}.${Projection}.merged`;

export function mergedName(layer: number, proj: Projection): MergedName {
  return `layers.${layer}.${proj}.merged`;
}

/**
 * The merged weights W + s·B·A (out, in) of every adapted projection, in adapter layout order:
 * the contents of the lora_merged scratch of a LoRA run that merges (see mergesAdapters).
 */
export function mergedEntries(cfg: LlamaConfig, targets: readonly Projection[]): Array<[MergedName, number[]]> {
  const entries: Array<[MergedName, number[]]> = [];
  for (let l = 0; l < cfg.nLayers; l++) {
    for (const p of PROJECTIONS) if (targets.includes(p)) entries.push([mergedName(l, p), projectionShape(cfg, p)]);
  }
  return entries;
}

/**
 * Whether a LoRA run folds its adapters into per-step merged weights: only without adapter
 * dropout, where x·(W + s·B·A)ᵀ equals x·Wᵀ + s·(x·Aᵀ)·Bᵀ (with dropout the adapter sees a
 * masked x the base weight does not).
 */
export function mergesAdapters(lora: { dropout: number } | null): boolean {
  return lora !== null && lora.dropout <= 0;
}
