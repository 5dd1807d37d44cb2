// Seeded initialisation of a base model's parameters: matrices Normal(0, 0.02²), the two
// residual-branch output projections (wo, w_down) scaled by 1/sqrt(2·nLayers) as in GPT-2,
// norm weights 1. The same seed gives the same weights in the browser and in Node.

import { Rng } from '../util/rng';
import type { LlamaConfig } from './config';
import { modelLayout, type Layout } from './layout';
import { PROJECTION_WEIGHT } from './names';

/** The projections that write into the residual stream, whose init is scaled down. */
const RESIDUAL_OUT: readonly string[] = [PROJECTION_WEIGHT.o, PROJECTION_WEIGHT.down];

export function initModelParams(cfg: LlamaConfig, seed: number, std = 0.02): { layout: Layout; flat: Float32Array } {
  const layout = modelLayout(cfg);
  const flat = new Float32Array(layout.totalElements);
  const rng = new Rng(seed);
  const residualStd = std / Math.sqrt(2 * cfg.nLayers);
  for (const t of layout.tensors) {
    const r = rng.fork(t.offset);
    if (t.name.endsWith('norm')) {
      flat.fill(1, t.offset, t.offset + t.numel);
      continue;
    }
    const s = RESIDUAL_OUT.includes(t.name.split('.').pop()!) ? residualStd : std;
    for (let i = 0; i < t.numel; i++) flat[t.offset + i] = r.normal() * s;
  }
  return { layout, flat };
}
