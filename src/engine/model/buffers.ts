// The GPU buffers of one training run, planned before anything is allocated (so a model
// that does not fit the device is refused with the limit it exceeds), then allocated once.
// Activations saved for backward are per layer; gradient scratch is shared by all layers.
// Each activation gets its own GPUBuffer: WebGPU forbids binding one buffer as writable and
// readable in the same dispatch, even at disjoint ranges.

import { LimitExceededError } from '../gpu/device';
import type { GpuTensor } from '../gpu/buffers';
import { LORA_MAX_GROUP, loraSegmentStride } from '../kernels/lora_matmul';
import type { LlamaConfig } from './config';
import { mergedLayout } from './layout';
import { loraGroups, type LoraOptions } from './lora';
import {
  dims, HEAD_ACTS, IO_ACTS, LAYER_ACTS, layerActName, mergesAdapters, PROJECTIONS, projectionActName, projectionShape, shapeOf,
  type ActKind, type ActName, type Dims,
} from './names';

export interface BufferPlanEntry {
  name: ActName;
  shape: number[];
  dtype: GpuTensor['dtype'];
  /** 'activation' entries count as activation memory; 'scratch' too; 'io' are step inputs/outputs. */
  kind: ActKind;
}

export interface RunShape {
  cfg: LlamaConfig;
  B: number;
  T: number;
  lora: LoraOptions | null;
  /** Full fine-tuning's dropout on projection inputs (0 or absent = off). */
  dropout?: number;
}

/** Everything a run allocates besides its parameter/gradient/optimizer buffers, from names.ts's tables. */
export function planBuffers({ cfg, B, T, lora, dropout = 0 }: RunShape): BufferPlanEntry[] {
  const d = dims(cfg, B, T);
  const plan: BufferPlanEntry[] = [];
  const add = (name: ActName, shape: number[], kind: ActKind = 'activation', dtype: GpuTensor['dtype'] = 'f32') =>
    plan.push({ name, shape, dtype, kind });
  const addTable = (table: Record<string, { shape: readonly (keyof Dims | number)[]; kind: ActKind; dtype?: GpuTensor['dtype'] }>) => {
    for (const [name, e] of Object.entries(table)) add(name as ActName, shapeOf(e.shape, d), e.kind, e.dtype);
  };
  addTable(IO_ACTS);
  for (let l = 0; l < cfg.nLayers; l++) {
    for (const [a, s] of Object.entries(LAYER_ACTS)) add(layerActName(l, a as keyof typeof LAYER_ACTS), shapeOf(s, d));
    if (lora) {
      // One u per adapter group (loraGroups), named after its first projection: a segment
      // of (N, r) per adapter, padded so that each segment can be bound on its own.
      for (const group of loraGroups(lora)) {
        const [, inDim] = projectionShape(cfg, group[0]);
        if (lora.dropout > 0) add(projectionActName(l, group[0], 'xd'), [d.N, inDim]);
        add(projectionActName(l, group[0], 'u'), [group.length * loraSegmentStride(d.N, lora.rank)]);
      }
    }
    if (dropout > 0) {
      // Each projection's own masked input, kept for its weight gradient.
      for (const proj of PROJECTIONS) add(projectionActName(l, proj, 'fxd'), [d.N, projectionShape(cfg, proj)[1]]);
    }
  }
  addTable(HEAD_ACTS);
  const maxIn = Math.max(d.C, d.QD, d.F);
  if (lora) {
    add('lora_du', [LORA_MAX_GROUP * loraSegmentStride(d.N, lora.rank)], 'scratch'); // du_j (N, r) segments
    add('lora_dxd', [d.N, maxIn], 'scratch');
  }
  if (dropout > 0) add('drop_dxd', [d.N, maxIn], 'scratch'); // (N, in): dy·W before the mask
  if (lora && mergesAdapters(lora)) {
    // W + s·B·A of every adapted projection (mergedLayout), recomputed at the start of every forward pass.
    add('lora_merged', [mergedLayout(cfg, lora.targets).totalElements], 'scratch');
  }
  return plan;
}

export function planBytes(plan: BufferPlanEntry[], kinds: BufferPlanEntry['kind'][]): number {
  let bytes = 0;
  for (const e of plan) if (kinds.includes(e.kind)) bytes += e.shape.reduce((a, b) => a * b, 1) * 4;
  return bytes;
}

/** Refuses a run whose largest buffer exceeds the device's binding or buffer size limits. */
export function checkPlanFits(limits: GPUSupportedLimits, sizes: Array<{ name: string; bytes: number }>): void {
  for (const { name, bytes } of sizes) {
    if (bytes > limits.maxStorageBufferBindingSize) {
      throw new LimitExceededError('maxStorageBufferBindingSize', bytes, limits.maxStorageBufferBindingSize, `Buffer "${name}"`);
    }
    if (bytes > limits.maxBufferSize) {
      throw new LimitExceededError('maxBufferSize', bytes, limits.maxBufferSize, `Buffer "${name}"`);
    }
  }
}

