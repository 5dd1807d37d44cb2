// Seeded parameter initialisation for the float64 reference (tests and oracle runs): model
// weights, LoRA adapters, and arbitrary random tensors for gradient checks. Uses the Rng of
// rng.ts, so the same seed gives the same tensors in every JS engine.

import { lora_param_shapes, param_shapes } from './model';
import { Rng } from './rng';
import type { ParamMap, RefLlamaConfig, RefLoraConfig } from './types';

/** Normal(0, scale²) entries for every named shape, each tensor from its own stream. */
export function random_param_map(shapes: Map<string, number[]>, seed: number, scale = 1): ParamMap {
  const rng = new Rng(seed);
  const out: ParamMap = new Map();
  let tag = 0;
  for (const [name, shape] of shapes) {
    const r = rng.fork(tag++);
    const n = shape.reduce((a, b) => a * b, 1);
    out.set(name, Float64Array.from({ length: n }, () => r.normal() * scale));
  }
  return out;
}

/** GPT-2 style init: norm weights 1, every matrix Normal(0, std²). */
export function init_params(cfg: RefLlamaConfig, seed: number, std = 0.02): ParamMap {
  const params = random_param_map(param_shapes(cfg), seed, std);
  for (const [name, t] of params) if (name.endsWith('norm')) t.fill(1);
  return params;
}

/** Standard LoRA init: A ~ Normal(0, 1/in), B = 0 (the adapted model starts equal to the base). */
export function init_lora_params(cfg: RefLlamaConfig, lora: RefLoraConfig, seed: number): ParamMap {
  const shapes = lora_param_shapes(cfg, lora);
  const params = random_param_map(shapes, seed, 1);
  for (const [name, t] of params) {
    if (name.endsWith('lora_B')) t.fill(0);
    else {
      const s = 1 / Math.sqrt(shapes.get(name)![1]);
      for (let i = 0; i < t.length; i++) t[i] *= s;
    }
  }
  return params;
}
