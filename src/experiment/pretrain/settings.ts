// Pretraining a base model in the tab: the settings a student picks (size, steps, learning rate,
// batch, sequence length, name), checked against the schema's limits and the device's memory
// before anything is allocated, and the loop that trains it on the English source with the same
// recipe as `npm run pretrain` (AdamW, warmup then cosine), reporting the training loss every
// step, the held-out English loss and a greedy sample at every evaluation, and returning a
// saved-base manifest with the weights. Stop ends it early; what trained so far is still a base.

import { z } from '../zod';
import { generate, learningRate, MODEL_SIZES, modelLayout, TrainingRun, type KernelContext, type LlamaConfig } from '../../engine/index';
import { checkExperimentFits, type FitResult } from '../run/memory-check';
import type { DataAssets } from '../data/assets';
import { Batcher, heldOutBatches } from '../data/batching';
import { domainSource } from '../data/domains';
import { sha256Hex } from '../data/sha256';
import { decode, encode } from '../data/tokenizer';
import { heldOutLoss } from '../run/evaluate';
import { savedBaseId, weightBytes, type SavedBaseManifest } from '../storage/saved-bases';

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

/** Whether pretraining fits the device: the memory of one full fine-tuning method of that size, batch and length. */
export function pretrainFits(s: PretrainSettings, limits: GPUSupportedLimits, budgetBytes: number): FitResult {
  const config = {
    version: 1 as const, base: 'base', source: { domain: 'english' as const }, target: { domain: 'english' as const },
    methods: [{ id: 'pretrain', kind: 'full' as const, lr: s.lr, weightDecay: 0, dropout: 0 }],
    steps: s.steps, batchSize: s.batch, seqLen: s.seq, schedule: { kind: 'cosine' as const, warmupSteps: s.warmup },
    maxGradNorm: 1, seed: s.seed, evalInterval: s.evalEvery, evalBatches: 4, diversity: { samples: 0, length: 24, temperature: 1 },
  };
  return checkExperimentFits(config, pretrainModel(s), limits, budgetBytes);
}

export type PretrainEvent =
  | { type: 'start'; params: number }
  | { type: 'step'; step: number; loss: number; tokensPerSecond: number; seconds: number }
  | { type: 'eval'; step: number; heldOut: number; sample: string };

/**
 * Trains one base; `stopped()` is polled between steps, and `paused()` (when given) is awaited there too:
 * it resolves with the milliseconds it held the loop, which the speed and the manifest's seconds leave out.
 */
export async function pretrainBase(
  ctx: KernelContext, s: PretrainSettings, assets: DataAssets, device: string,
  emit: (e: PretrainEvent) => void, stopped: () => boolean, paused?: () => Promise<number>,
): Promise<{ manifest: SavedBaseManifest; params: Float32Array }> {
  const config = pretrainModel(s);
  const english = (split: 'train' | 'heldout') => domainSource(assets, { domain: 'english' }, split);
  const train = new Batcher(english('train'), { batchSize: s.batch, seqLen: s.seq, seed: s.seed });
  const held = heldOutBatches(english('heldout'), s.batch, s.seq, 4);
  const heldCode = heldOutBatches(domainSource(assets, { domain: 'code' }, 'heldout'), s.batch, s.seq, 4);
  const schedule = { kind: 'cosine' as const, lr: s.lr, warmupSteps: s.warmup, totalSteps: s.steps, minRatio: 0.1 };
  const run = await TrainingRun.create(ctx, {
    config, batchSize: s.batch, seqLen: s.seq, mode: 'full', seed: s.seed, label: 'pretrain',
    optimizer: { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.01, maxGradNorm: 1 },
  });
  try {
    const params = run.memory().totalParams;
    emit({ type: 'start', params });
    const curve: SavedBaseManifest['curve'] = [];
    const evaluate = async (step: number) => {
      const heldOut = await heldOutLoss(run, held);
      const [g] = await generate(run, [Array.from(encode(SAMPLE_PROMPT))], { maxTokens: 48, seed: s.seed, temperature: 0, topK: 0, topP: 1 });
      curve.push({ step, heldOut });
      emit({ type: 'eval', step, heldOut, sample: SAMPLE_PROMPT + decode(g.tokens) });
    };
    await evaluate(0);
    let t0 = performance.now();
    let step = 0;
    while (step < s.steps && !stopped()) {
      if (paused) t0 += await paused();
      if (stopped()) break;
      const r = await run.step({ ...train.next(), lr: learningRate(schedule, step + 1) });
      step++;
      if (!Number.isFinite(r.loss)) throw new Error(`pretraining diverged at step ${step} (loss ${r.loss}): lower the learning rate`);
      const seconds = (performance.now() - t0) / 1000;
      curve.push({ step, train: r.loss });
      emit({ type: 'step', step, loss: r.loss, tokensPerSecond: (step * s.batch * s.seq) / Math.max(seconds, 1e-9), seconds });
      if (step % s.evalEvery === 0 && step < s.steps) await evaluate(step);
    }
    await evaluate(step);
    const weights = await run.readBaseFlat();
    const bytes = weightBytes(weights);
    const manifest: SavedBaseManifest = {
      id: savedBaseId(s.name), name: s.name.trim(), size: s.size, config, params: weights.length,
      training: {
        steps: step, batchSize: s.batch, seqLen: s.seq, lr: s.lr, warmup: s.warmup, seed: s.seed,
        seconds: Math.round((performance.now() - t0) / 100) / 10, device, tokensSeen: step * s.batch * s.seq,
      },
      curve,
      heldOutLoss: { english: curve[curve.length - 1].heldOut!, code: await heldOutLoss(run, heldCode) },
      sha256: sha256Hex(bytes), bytes: bytes.length, createdAt: new Date().toISOString(),
    };
    return { manifest, params: weights };
  } finally {
    run.destroy();
  }
}
