// Parameter layout: every parameter of a model lives in one allocation, split into named
// views (llm.c style). Offsets are aligned to 256 bytes so each view can be bound on its own.
// The same layout describes the gradients and the AdamW moments of a run.

import type { LlamaConfig } from './config';
import { loraParamEntries, mergedEntries, modelParamEntries, type Projection } from './names';

// Names and shapes are defined in names.ts; these re-exports keep the module's public API.
export { PROJECTIONS, PROJECTION_WEIGHT, projectionShape, type Projection } from './names';

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

export function modelLayout(cfg: LlamaConfig): Layout {
  return buildLayout(modelParamEntries(cfg));
}

export function loraLayout(cfg: LlamaConfig, rank: number, targets: readonly Projection[]): Layout {
  return buildLayout(loraParamEntries(cfg, rank, targets));
}

/** Views of the lora_merged scratch: one merged weight per adapted projection, bindable alone. */
export function mergedLayout(cfg: LlamaConfig, targets: readonly Projection[]): Layout {
  return buildLayout(mergedEntries(cfg, targets));
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
