// LoRA adapter settings: which projections, rank, alpha and the scaling rule (alpha/r, or
// rsLoRA's alpha/sqrt(r)), dropout on the adapter input; and PEFT-style initialisation
// (A Kaiming-uniform with a = sqrt(5), i.e. U(-1/sqrt(in), 1/sqrt(in)); B zero).

import { Rng } from '../util/rng';
import type { LlamaConfig } from './config';
import { loraLayout, PROJECTIONS, type Layout, type Projection } from './layout';

export type LoraScaling = 'standard' | 'rslora';

export interface LoraOptions {
  rank: number;
  alpha: number;
  targets: Projection[];
  scaling: LoraScaling;
  /** Dropout probability on the adapter input, in [0, 1). */
  dropout: number;
}

/** Module groups used by the paper: attention, MLP, or all seven projections. */
export const TARGET_GROUPS: Record<'attention' | 'mlp' | 'all', Projection[]> = {
  attention: ['q', 'k', 'v', 'o'],
  mlp: ['gate', 'up', 'down'],
  all: [...PROJECTIONS],
};

export function loraScale(o: Pick<LoraOptions, 'rank' | 'alpha' | 'scaling'>): number {
  return o.scaling === 'rslora' ? o.alpha / Math.sqrt(o.rank) : o.alpha / o.rank;
}

export function validateLora(o: LoraOptions): string[] {
  const errs: string[] = [];
  if (!Number.isInteger(o.rank) || o.rank < 1) errs.push(`LoRA rank must be a positive integer (got ${o.rank})`);
  if (!(o.alpha > 0)) errs.push(`LoRA alpha must be positive (got ${o.alpha})`);
  if (!(o.dropout >= 0 && o.dropout < 1)) errs.push(`LoRA dropout must be in [0, 1) (got ${o.dropout})`);
  if (o.targets.length === 0) errs.push('LoRA needs at least one target projection');
  for (const t of o.targets) if (!PROJECTIONS.includes(t)) errs.push(`unknown LoRA target "${t}"`);
  return errs;
}

/** Projections that read the same input, in schedule order: their adapters can share dispatches. */
export const INPUT_GROUPS: Projection[][] = [['q', 'k', 'v'], ['o'], ['gate', 'up'], ['down']];

/**
 * The adapters batched together: those of one input group. With dropout each adapter has
 * its own mask, hence its own input, and goes alone.
 */
export function loraGroups(o: Pick<LoraOptions, 'targets' | 'dropout'>): Projection[][] {
  const groups: Projection[][] = [];
  for (const g of INPUT_GROUPS) {
    const adapted = g.filter((p) => o.targets.includes(p));
    if (adapted.length === 0) continue;
    if (o.dropout > 0) groups.push(...adapted.map((p) => [p]));
    else groups.push(adapted);
  }
  return groups;
}

/** Seed salt of one adapter's dropout mask: unique per (layer, projection). */
export function dropoutSalt(layer: number, proj: Projection): number {
  return layer * PROJECTIONS.length + PROJECTIONS.indexOf(proj);
}

/**
 * Salt of the base projection's dropout mask in full fine-tuning: offset so that it never
 * coincides with an adapter's (the float64 reference's full_dropout_seed uses the same rule).
 */
export function fullDropoutSalt(layer: number, proj: Projection): number {
  return 0x10000 + dropoutSalt(layer, proj);
}

/** Initial adapter weights (flat, in loraLayout order) from a seed. */
export function initLoraParams(cfg: LlamaConfig, o: LoraOptions, seed: number): { layout: Layout; flat: Float32Array } {
  const layout = loraLayout(cfg, o.rank, o.targets);
  const flat = new Float32Array(layout.totalElements);
  const rng = new Rng(seed);
  for (const t of layout.tensors) {
    const r = rng.fork(t.offset);
    if (t.name.endsWith('lora_B')) continue; // zero: the adapted model starts equal to the base
    const bound = 1 / Math.sqrt(t.shape[1]);
    for (let i = 0; i < t.numel; i++) flat[t.offset + i] = (r.uniform() * 2 - 1) * bound;
  }
  return { layout, flat };
}
