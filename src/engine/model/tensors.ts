// Named access to every tensor of one run, shared by the forward and backward schedules:
// activations and scratch by plan name, base parameters (and, in full fine-tuning, their
// gradients) as views of the one parameter allocation, and LoRA adapters likewise.

import type { GpuTensor } from '../gpu/buffers';
import { headDim, type LlamaConfig } from './config';
import type { Layout, Projection } from './layout';
import type { LoraOptions } from './lora';

export interface RunTensors {
  cfg: LlamaConfig;
  B: number;
  T: number;
  /** null for full fine-tuning. */
  lora: LoraOptions | null;
  /** LoRA scale (alpha/r or alpha/sqrt(r)); 0 without LoRA. */
  loraScale: number;
  /** Dropout on the input of every base projection while training (full fine-tuning); 0 = off. */
  dropout: number;
  act(name: string): GpuTensor;
  param(name: string): GpuTensor;
  /** Gradient view of a base parameter, or null when base weights are frozen (LoRA). */
  grad(name: string): GpuTensor | null;
  loraParam(name: string): GpuTensor;
  loraGrad(name: string): GpuTensor;
}

export function view(buffer: GPUBuffer, layout: Layout, name: string, label: string): GpuTensor {
  const spec = layout.byName.get(name);
  if (!spec) throw new Error(`${label}: no tensor named ${name}`);
  return { buffer, offset: spec.offset * 4, byteLength: spec.numel * 4, shape: spec.shape, dtype: 'f32', label: `${label}:${name}` };
}

/** Dimensions used by both schedules. */
export function dims(t: RunTensors) {
  const { cfg, B, T } = t;
  const D = headDim(cfg);
  return {
    B, T, N: B * T, C: cfg.dModel, D, H: cfg.nHeads, Hkv: cfg.nKvHeads,
    QD: cfg.nHeads * D, KD: cfg.nKvHeads * D, F: cfg.ffnDim, V: cfg.vocabSize,
  };
}

export function hasAdapter(t: RunTensors, p: Projection): boolean {
  return t.lora !== null && t.lora.targets.includes(p);
}
