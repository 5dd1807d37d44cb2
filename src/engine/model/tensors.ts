// Typed access to every tensor of one run, shared by the forward and backward schedules:
// activations and scratch by plan name, base parameters (and, in full fine-tuning, their
// gradients) as views of the one parameter allocation, and LoRA adapters likewise. Names come
// from names.ts; the per-layer handles (layerActs(t, l).q, layerParams(t, l).wq, adapter(t, l, 'q').A)
// turn a misspelt tensor into a compile error.

import type { GpuTensor } from '../gpu/buffers';
import type { LlamaConfig } from './config';
import { mergedLayout, type Layout } from './layout';
import type { LoraOptions } from './lora';
import {
  dims as modelDims, LAYER_ACTS, LAYER_PARAMS, layerActName, layerParamName, loraParamName, mergedName, mergesAdapters, projectionActName,
  weightName, type ActName, type Dims, type LayerAct, type LayerParam, type LoraParamName, type ParamName, type Projection, type ProjectionAct,
} from './names';

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
  act(name: ActName): GpuTensor;
  param(name: ParamName): GpuTensor;
  /** Gradient view of a base parameter, or null when base weights are frozen (LoRA). */
  grad(name: ParamName): GpuTensor | null;
  loraParam(name: LoraParamName): GpuTensor;
  loraGrad(name: LoraParamName): GpuTensor;
}

export function view(buffer: GPUBuffer, layout: Layout, name: string, label: string): GpuTensor {
  const spec = layout.byName.get(name);
  if (!spec) throw new Error(`${label}: no tensor named ${name}`);
  return { buffer, offset: spec.offset * 4, byteLength: spec.numel * 4, shape: spec.shape, dtype: 'f32', label: `${label}:${name}` };
}

/** Dimensions used by both schedules (names.ts's dims for this run's B and T). */
export function dims(t: RunTensors): Dims {
  return modelDims(t.cfg, t.B, t.T);
}

export function hasAdapter(t: RunTensors, p: Projection): boolean {
  return t.lora !== null && t.lora.targets.includes(p);
}

/** Layer l's activations, one field per LAYER_ACTS entry. */
export function layerActs(t: RunTensors, l: number): Readonly<Record<LayerAct, GpuTensor>> {
  const out = {} as Record<LayerAct, GpuTensor>;
  for (const a of Object.keys(LAYER_ACTS) as LayerAct[]) out[a] = t.act(layerActName(l, a));
  return out;
}

/** Layer l's parameters, one field per LAYER_PARAMS entry. */
export function layerParams(t: RunTensors, l: number): Readonly<Record<LayerParam, GpuTensor>> {
  const out = {} as Record<LayerParam, GpuTensor>;
  for (const p of Object.keys(LAYER_PARAMS) as LayerParam[]) out[p] = t.param(layerParamName(l, p));
  return out;
}

/** Layer l's parameter gradients (null where frozen). */
export function layerGrads(t: RunTensors, l: number): Readonly<Record<LayerParam, GpuTensor | null>> {
  const out = {} as Record<LayerParam, GpuTensor | null>;
  for (const p of Object.keys(LAYER_PARAMS) as LayerParam[]) out[p] = t.grad(layerParamName(l, p));
  return out;
}

/** A projection's base weight (out, in) and its gradient (null where frozen). */
export function projectionWeight(t: RunTensors, l: number, proj: Projection): { w: GpuTensor; dw: GpuTensor | null } {
  const name = weightName(l, proj);
  return { w: t.param(name), dw: t.grad(name) };
}

/** A projection's adapter: A (r, in), B (out, r) and their gradients. */
export function adapter(t: RunTensors, l: number, proj: Projection) {
  const [a, b] = [loraParamName(l, proj, 'A'), loraParamName(l, proj, 'B')];
  return { A: t.loraParam(a), B: t.loraParam(b), dA: t.loraGrad(a), dB: t.loraGrad(b) };
}

/** A per-projection activation (an adapter group's u or xd, full dropout's fxd). */
export function projectionAct(t: RunTensors, l: number, proj: Projection, a: ProjectionAct): GpuTensor {
  return t.act(projectionActName(l, proj, a));
}

/**
 * An adapted projection's merged weight W + s·B·A (out, in) for this step, a view of the
 * lora_merged scratch; null when the run does not merge (full fine-tuning, LoRA with
 * dropout) or the projection has no adapter.
 */
export function mergedWeight(t: RunTensors, l: number, proj: Projection): GpuTensor | null {
  if (!t.lora || !mergesAdapters(t.lora) || !hasAdapter(t, proj)) return null;
  return view(t.act('lora_merged').buffer, mergedLayout(t.cfg, t.lora.targets), mergedName(l, proj), 'merged');
}
