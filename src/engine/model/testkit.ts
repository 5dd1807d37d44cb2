// Shared fixtures for the whole-model tests: tiny configs, random weights at a scale that
// exercises every path, batches, and conversion between the GPU's f32 maps and the
// reference's float64 maps.

import type { ParamMap } from '../reference/types';
import { Rng } from '../reference/rng';
import type { LlamaConfig } from './config';
import { pack, type Layout } from './layout';

export const TINY: LlamaConfig = {
  vocabSize: 13, dModel: 16, nLayers: 2, nHeads: 4, nKvHeads: 2, ffnDim: 24, seqLen: 8, tieEmbeddings: false,
};

/** Random tensors for a layout (norm weights around 1), flat in layout order. */
export function randomFlat(layout: Layout, seed: number, std: number): Float32Array {
  const rng = new Rng(seed);
  const m = new Map<string, Float32Array>();
  for (const t of layout.tensors) {
    const norm = t.name.endsWith('norm');
    m.set(t.name, Float32Array.from({ length: t.numel }, () => (norm ? 1 + 0.1 * rng.normal() : std * rng.normal())));
  }
  return pack(layout, m);
}

export function toF64(m: Map<string, Float32Array>): ParamMap {
  return new Map([...m].map(([k, v]) => [k, Float64Array.from(v)]));
}

export function batch(B: number, T: number, V: number, seed: number, ignoreEvery = 0): { tokens: Int32Array; targets: Int32Array } {
  const rng = new Rng(seed);
  const tokens = Int32Array.from({ length: B * T }, () => rng.nextU32() % V);
  const targets = Int32Array.from({ length: B * T }, (_, i) => (ignoreEvery && i % ignoreEvery === 0 ? -1 : rng.nextU32() % V));
  return { tokens, targets };
}
