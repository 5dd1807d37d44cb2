// Parameter layout: every parameter of a model lives in one allocation, split into named
// views (llm.c style). Offsets are aligned to 256 bytes so each view can be bound on its own.
// The same layout describes the gradients and the AdamW moments of a run.

import { headDim, type LlamaConfig } from './config';

/** The seven projections LoRA can adapt, in canonical order (the index is part of seeds). */
export const PROJECTIONS = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] as const;
export type Projection = (typeof PROJECTIONS)[number];

/** Parameter name of each projection's weight within a layer. */
export const PROJECTION_WEIGHT: Record<Projection, string> = {
  q: 'wq', k: 'wk', v: 'wv', o: 'wo', gate: 'w_gate', up: 'w_up', down: 'w_down',
};

export interface TensorSpec {
  name: string;
  shape: number[];
  /** Offset in f32 elements (a multiple of 64, i.e. 256 bytes). */
  offset: number;
  numel: number;
}

export interface Layout {
  tensors: TensorSpec[];
  byName: Map<string, TensorSpec>;
  /** Total f32 elements including alignment padding. */
  totalElements: number;
  /** Sum of the tensors' elements (no padding): the parameter count. */
  paramCount: number;
}

const ALIGN = 64; // f32 elements = 256 bytes, WebGPU's minStorageBufferOffsetAlignment

export function buildLayout(entries: Array<[string, number[]]>): Layout {
  const tensors: TensorSpec[] = [];
  let offset = 0;
  let paramCount = 0;
  for (const [name, shape] of entries) {
    const numel = shape.reduce((a, b) => a * b, 1);
    tensors.push({ name, shape, offset, numel });
    offset += Math.ceil(numel / ALIGN) * ALIGN;
    paramCount += numel;
  }
  return { tensors, byName: new Map(tensors.map((t) => [t.name, t])), totalElements: offset, paramCount };
}

/** (out, in) of each projection in a layer. */
export function projectionShape(cfg: LlamaConfig, p: Projection): [number, number] {
  const C = cfg.dModel;
  const D = headDim(cfg);
  const q = cfg.nHeads * D;
  const kv = cfg.nKvHeads * D;
  switch (p) {
    case 'q': return [q, C];
    case 'k': return [kv, C];
    case 'v': return [kv, C];
    case 'o': return [C, q];
    case 'gate': return [cfg.ffnDim, C];
    case 'up': return [cfg.ffnDim, C];
    case 'down': return [C, cfg.ffnDim];
  }
}

export function modelLayout(cfg: LlamaConfig): Layout {
  const C = cfg.dModel;
  const entries: Array<[string, number[]]> = [['wte', [cfg.vocabSize, C]]];
  for (let l = 0; l < cfg.nLayers; l++) {
    entries.push([`layers.${l}.attn_norm`, [C]]);
    for (const p of ['q', 'k', 'v', 'o'] as const) entries.push([`layers.${l}.${PROJECTION_WEIGHT[p]}`, projectionShape(cfg, p)]);
    entries.push([`layers.${l}.mlp_norm`, [C]]);
    for (const p of ['gate', 'up', 'down'] as const) entries.push([`layers.${l}.${PROJECTION_WEIGHT[p]}`, projectionShape(cfg, p)]);
  }
  entries.push(['final_norm', [C]]);
  if (!cfg.tieEmbeddings) entries.push(['lm_head', [cfg.vocabSize, C]]);
  return buildLayout(entries);
}

export function loraLayout(cfg: LlamaConfig, rank: number, targets: readonly Projection[]): Layout {
  const entries: Array<[string, number[]]> = [];
  for (let l = 0; l < cfg.nLayers; l++) {
    for (const p of PROJECTIONS) {
      if (!targets.includes(p)) continue;
      const [out, inp] = projectionShape(cfg, p);
      entries.push([`layers.${l}.${p}.lora_A`, [rank, inp]]);
      entries.push([`layers.${l}.${p}.lora_B`, [out, rank]]);
    }
  }
  return buildLayout(entries);
}

/** Copies a layout's tensors out of a flat (padded) array. */
export function unpack(layout: Layout, flat: Float32Array): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const t of layout.tensors) out.set(t.name, flat.slice(t.offset, t.offset + t.numel));
  return out;
}

/** Packs named tensors into a flat (padded) array; every tensor of the layout must be given. */
export function pack(layout: Layout, tensors: Map<string, ArrayLike<number>>): Float32Array {
  const flat = new Float32Array(layout.totalElements);
  for (const t of layout.tensors) {
    const src = tensors.get(t.name);
    if (!src) throw new Error(`pack: missing tensor ${t.name}`);
    if (src.length !== t.numel) throw new Error(`pack: ${t.name} has ${src.length} values, expected ${t.numel}`);
    flat.set(src, t.offset);
  }
  return flat;
}
