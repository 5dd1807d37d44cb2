// The GPU buffers of one training run, planned before anything is allocated (so a model
// that does not fit the device is refused with the limit it exceeds), then allocated once.
// Activations saved for backward are per layer; gradient scratch is shared by all layers.
// Each activation gets its own GPUBuffer: WebGPU forbids binding one buffer as writable and
// readable in the same dispatch, even at disjoint ranges.

import { LimitExceededError } from '../gpu/device';
import type { GpuTensor } from '../gpu/buffers';
import { LORA_MAX_GROUP, loraSegmentStride } from '../kernels/lora';
import { headDim, type LlamaConfig } from './config';
import { projectionShape, PROJECTIONS } from './layout';
import { loraGroups, type LoraOptions } from './lora';

export interface BufferPlanEntry {
  name: string;
  shape: number[];
  dtype: GpuTensor['dtype'];
  /** 'activation' entries count as activation memory; 'scratch' too; 'io' are step inputs/outputs. */
  kind: 'activation' | 'scratch' | 'io';
}

export interface RunShape {
  cfg: LlamaConfig;
  B: number;
  T: number;
  lora: LoraOptions | null;
  /** Full fine-tuning's dropout on projection inputs (0 or absent = off). */
  dropout?: number;
}

/** Everything a run allocates besides its parameter/gradient/optimizer buffers. */
export function planBuffers({ cfg, B, T, lora, dropout = 0 }: RunShape): BufferPlanEntry[] {
  const N = B * T;
  const C = cfg.dModel;
  const D = headDim(cfg);
  const QD = cfg.nHeads * D;
  const KD = cfg.nKvHeads * D;
  const F = cfg.ffnDim;
  const V = cfg.vocabSize;
  const att = [B, cfg.nHeads, T, T];
  const plan: BufferPlanEntry[] = [];
  const add = (name: string, shape: number[], kind: BufferPlanEntry['kind'] = 'activation', dtype: GpuTensor['dtype'] = 'f32') =>
    plan.push({ name, shape, dtype, kind });
  add('tokens', [N], 'io', 'i32');
  add('targets', [N], 'io', 'i32');
  add('seeds', [4], 'io', 'u32');
  add('hyper', [8], 'io');
  add('ce_stats', [4], 'io');
  add('clip_stats', [4], 'io');
  for (let l = 0; l < cfg.nLayers; l++) {
    const p = `layers.${l}.`;
    add(`${p}res`, [N, C]);
    add(`${p}an`, [N, C]);
    add(`${p}rstd1`, [N]);
    add(`${p}q`, [N, QD]);
    add(`${p}k`, [N, KD]);
    add(`${p}v`, [N, KD]);
    add(`${p}att`, att);
    add(`${p}ao`, [N, QD]);
    add(`${p}mid`, [N, C]);
    add(`${p}mn`, [N, C]);
    add(`${p}rstd2`, [N]);
    add(`${p}g`, [N, F]);
    add(`${p}u`, [N, F]);
    add(`${p}h`, [N, F]);
    if (lora) {
      // One u per adapter group (loraGroups), named after its first projection: a segment
      // of (N, r) per adapter, padded so that each segment can be bound on its own.
      for (const group of loraGroups(lora)) {
        const [, inDim] = projectionShape(cfg, group[0]);
        if (lora.dropout > 0) add(`${p}${group[0]}.xd`, [N, inDim]);
        add(`${p}${group[0]}.u`, [group.length * loraSegmentStride(N, lora.rank)]);
      }
    }
    if (dropout > 0) {
      // Each projection's own masked input, kept for its weight gradient.
      for (const proj of PROJECTIONS) add(`${p}${proj}.fxd`, [N, projectionShape(cfg, proj)[1]]);
    }
  }
  add('out', [N, C]);
  add('fn', [N, C]);
  add('rstdf', [N]);
  add('logits', [N, V]);
  add('losses', [N]);
  // Gradient scratch, reused by every layer.
  add('tmp', [N, C], 'scratch');
  add('dres', [N, C], 'scratch');
  add('dmn', [N, C], 'scratch');
  add('dan', [N, C], 'scratch');
  add('dh', [N, F], 'scratch');
  add('dg', [N, F], 'scratch');
  add('du', [N, F], 'scratch');
  add('dao', [N, QD], 'scratch');
  add('dq', [N, QD], 'scratch');
  add('dk', [N, KD], 'scratch');
  add('dv', [N, KD], 'scratch');
  add('datt', att, 'scratch');
  add('dlogits', [N, V], 'scratch');
  if (lora) {
    const maxIn = Math.max(C, QD, F);
    add('lora_du', [LORA_MAX_GROUP * loraSegmentStride(N, lora.rank)], 'scratch'); // du_j (N, r) segments
    add('lora_dxd', [N, maxIn], 'scratch');
  }
  if (dropout > 0) add('drop_dxd', [N, Math.max(C, QD, F)], 'scratch'); // (N, in): dy·W before the mask
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

