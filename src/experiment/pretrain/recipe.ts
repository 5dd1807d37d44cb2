// The recipe every pretraining follows, written once: AdamW's constants, warmup then a cosine down to
// a floor (the schedule's shape; the peak rate multiplies it), and what one pretraining trains. Apart
// from settings.ts (the tab's zod schema) so the Worker's first download, which holds the engine
// check, stays without zod. pretrain/loop.ts is the one loop that trains a recipe (the CLI's `npm run
// pretrain`, the Pretrain tab through pretrain/base.ts, the Diagnostics tab's engine check).

import type { LlamaConfig, LrSchedule } from '../../engine/index';

/** AdamW settings of every pretraining (the README's "β=(0.9, 0.95), weight decay 0.01, clipping 1"). */
export const PRETRAIN_OPTIMIZER = { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.01, maxGradNorm: 1 };

/** The cosine's floor, as a share of the peak rate, unless the CLI is told otherwise (--min-ratio). */
export const PRETRAIN_MIN_RATIO = 0.1;

/** What one pretraining trains: the model, the data's shape and seed, and the rate's schedule. */
export interface PretrainRecipe {
  model: LlamaConfig;
  steps: number;
  batch: number;
  seq: number;
  /** Peak learning rate (pretrainSchedule gives its factor at each step). */
  lr: number;
  warmup: number;
  minRatio: number;
  seed: number;
  /** Evaluate every this many steps (and at step 0 and the last step). */
  evalEvery: number;
}

/** The schedule's shape (its factor of the peak rate at each step): linear warmup, then a cosine down to minRatio. */
export function pretrainSchedule(r: Pick<PretrainRecipe, 'steps' | 'warmup' | 'minRatio'>): LrSchedule {
  return { kind: 'cosine', warmupSteps: r.warmup, totalSteps: r.steps, minRatio: r.minRatio };
}
