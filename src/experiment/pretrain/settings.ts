// The Pretrain tab's settings, pure (the UI imports them; no GPU here): the sizes a student can
// pretrain, their schema and defaults, the recipe they train (pretrain/recipe.ts), and how sizes and
// saved bases are labelled. pretrain/loop.ts is the one loop that trains a recipe (the CLI's `npm run
// pretrain`, the Pretrain tab through pretrain/base.ts, and the Diagnostics tab's engine check).

import { z } from '../zod';
import { MODEL_SIZES, modelLayout, type LlamaConfig } from '../../engine/index';
import { PRETRAIN_MIN_RATIO, type PretrainRecipe } from './recipe';
import type { SavedBaseManifest } from '../storage/saved-bases';

export const PRETRAIN_SIZES = ['tiny', 'base', 'small', 'medium'] as const;

/**
 * The engine's sizes and one larger (d_model 256, 4 layers, 3.2M parameters) for GPUs that train it in
 * minutes; whether a size fits this device is pretrainFits's answer, not this list's.
 */
export const PRETRAIN_MODELS: Record<(typeof PRETRAIN_SIZES)[number], LlamaConfig> = {
  ...MODEL_SIZES,
  medium: { vocabSize: 256, dModel: 256, nLayers: 4, nHeads: 8, nKvHeads: 4, ffnDim: 768, seqLen: 128, tieEmbeddings: true },
};

export const pretrainSettingsSchema = z.object({
  name: z.string().trim().min(1, 'give the base a name').max(40, 'a base name has at most 40 characters'),
  size: z.enum(PRETRAIN_SIZES),
  steps: z.number().int().min(1).max(20000),
  lr: z.number().positive().max(0.1),
  batch: z.number().int().min(1).max(64),
  seq: z.number().int().min(8).max(256),
  warmup: z.number().int().min(0).max(2000),
  evalEvery: z.number().int().min(1).max(20000),
  seed: z.number().int().min(0).max(0xffffffff),
});

export type PretrainSettings = z.infer<typeof pretrainSettingsSchema>;

/** The shipped base's recipe, shortened so a tab finishes in minutes on a laptop GPU. */
export const PRETRAIN_TAB_DEFAULTS: PretrainSettings = {
  name: 'my base', size: 'base', steps: 500, lr: 3e-3, batch: 8, seq: 64, warmup: 50, evalEvery: 50, seed: 1,
};

export const SAMPLE_PROMPT = 'The ';

/** The model a size trains (room for the training sequence length). */
export function pretrainModel(s: Pick<PretrainSettings, 'size' | 'seq'>): LlamaConfig {
  const size = PRETRAIN_MODELS[s.size];
  return { ...size, seqLen: Math.max(size.seqLen, s.seq) };
}

/** "115k", "3.2M": parameter counts as a student reads them. */
function paramText(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : `${Math.round(n / 1000)}k`;
}

/** "base: 115k parameters (d_model 64, 2 layers)": what a student picks a size by. */
export function sizeLabel(size: (typeof PRETRAIN_SIZES)[number]): string {
  const c = PRETRAIN_MODELS[size];
  return `${size}: ${paramText(modelLayout(c).paramCount)} parameters (d_model ${c.dModel}, ${c.nLayers} layers)`;
}

/** "my base (saved): 115k parameters (d_model 64, 2 layers), pretrained 500 steps here": how a saved base is shown. */
export function savedBaseLabel(m: SavedBaseManifest): string {
  return `${m.name} (saved in this browser): ${paramText(modelLayout(m.config).paramCount)} parameters ` +
    `(d_model ${m.config.dModel}, ${m.config.nLayers} layers), pretrained ${m.training.steps} steps here`;
}

/** The recipe of a pretraining in the tab. */
export function tabRecipe(s: PretrainSettings): PretrainRecipe {
  return { model: pretrainModel(s), steps: s.steps, batch: s.batch, seq: s.seq, lr: s.lr, warmup: s.warmup, minRatio: PRETRAIN_MIN_RATIO, seed: s.seed, evalEvery: s.evalEvery };
}
