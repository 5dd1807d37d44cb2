// Pretraining a base in the Pretrain tab: whether the student's settings fit the device (the memory
// of one full fine-tuning method of that size, batch and length, checked before anything is
// allocated), and the one pretraining loop (pretrain/loop.ts) with what the tab shows and keeps: the
// training loss every step, the held-out English loss and a greedy sample at every evaluation, and
// a saved-base manifest with the weights. Stop ends it early; what trained so far is still a base.

import { generate, type KernelContext } from '../../engine/index';
import type { DataAssets } from '../data/assets';
import { heldOutBatches } from '../data/batching';
import { domainSource } from '../data/domains';
import { sha256Hex } from '../data/sha256';
import { decode, encode } from '../data/tokenizer';
import type { PretrainEvent } from '../protocol';
import { heldOutLoss } from '../run/evaluate';
import { checkExperimentFits, type FitResult } from '../run/memory-check';
import { savedBaseId, weightBytes, type SavedBaseManifest } from '../storage/saved-bases';
import { pretrainLoop } from './loop';
import { pretrainModel, SAMPLE_PROMPT, tabRecipe, type PretrainSettings } from './settings';

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

/**
 * Trains one base; `stopped()` is polled between steps, and `paused()` (when given) is awaited there too:
 * it resolves with the milliseconds it held the loop, which the speed and the manifest's seconds leave out.
 */
export async function pretrainBase(
  ctx: KernelContext, s: PretrainSettings, assets: DataAssets, device: string,
  emit: (e: PretrainEvent) => void, stopped: () => boolean, paused?: () => Promise<number>,
): Promise<{ manifest: SavedBaseManifest; params: Float32Array }> {
  const recipe = tabRecipe(s);
  const held = (domain: 'english' | 'code') => heldOutBatches(domainSource(assets, { domain }, 'heldout'), s.batch, s.seq, 4);
  const heldEnglish = held('english');
  const heldCode = held('code');
  const curve: SavedBaseManifest['curve'] = [];
  return pretrainLoop(ctx, assets, recipe, {
    stopped, paused,
    async evaluate(run, step) {
      if (curve.length === 0) emit({ type: 'start', params: run.memory().totalParams });
      const heldOut = await heldOutLoss(run, heldEnglish);
      const [g] = await generate(run, [Array.from(encode(SAMPLE_PROMPT))], { maxTokens: 48, seed: s.seed, temperature: 0, topK: 0, topP: 1 });
      curve.push({ step, heldOut });
      emit({ type: 'eval', step, heldOut, sample: SAMPLE_PROMPT + decode(g.tokens) });
    },
    step({ step, loss, seconds }) {
      curve.push({ step, train: loss });
      emit({ type: 'step', step, loss, tokensPerSecond: (step * s.batch * s.seq) / Math.max(seconds, 1e-9), seconds });
    },
    async finish(run, { steps, seconds }) {
      const weights = await run.readBaseFlat();
      const bytes = weightBytes(weights);
      const manifest: SavedBaseManifest = {
        id: savedBaseId(s.name), name: s.name.trim(), size: s.size, config: recipe.model, params: weights.length,
        training: {
          steps, batchSize: s.batch, seqLen: s.seq, lr: s.lr, warmup: s.warmup, seed: s.seed,
          seconds: Math.round(seconds * 10) / 10, device, tokensSeen: steps * s.batch * s.seq,
        },
        curve,
        heldOutLoss: { english: curve[curve.length - 1].heldOut!, code: await heldOutLoss(run, heldCode) },
        sha256: sha256Hex(bytes), bytes: bytes.length, createdAt: new Date().toISOString(),
      };
      return { manifest, params: weights };
    },
  });
}
