// The one pretraining loop: full training of a model from random (or given) weights on the English
// source with the pretraining recipe (pretrain/recipe.ts: AdamW's constants, warmup then cosine),
// used by `npm run pretrain` (cli/pretrain.ts), the Pretrain tab (pretrain/base.ts) and the engine
// check (worker/engine-check.ts). Callers differ only in what they do around it: `evaluate` runs at
// step 0, every evalEvery steps and after the last step trained; `step` sees each step's loss;
// `stopped` ends it early and `paused` holds it between steps (its time is left out of `seconds`).

import { learningRate, TrainingRun, type KernelContext } from '../../engine/index';
import type { DataAssets } from '../data/assets';
import { Batcher, type Batch } from '../data/batching';
import { domainSource } from '../data/domains';
import { PRETRAIN_OPTIMIZER, pretrainSchedule, type PretrainRecipe } from './recipe';

export interface PretrainHooks<T> {
  evaluate?(run: TrainingRun, step: number): Promise<void>;
  step?(p: { step: number; loss: number; seconds: number }): void;
  stopped?(): boolean;
  /** Awaited before each step; resolves with the milliseconds it held the loop. */
  paused?(): Promise<number>;
  /** After the last step and its evaluation, before the run's GPU memory is freed. */
  finish(run: TrainingRun, p: { steps: number; seconds: number }): Promise<T>;
}

export interface PretrainStart {
  /** Weights to continue from (same model) instead of random ones. */
  params?: Float32Array;
  /** Batches of the stream to skip first (those an earlier piece with the same seed and shape trained on). */
  skipBatches?: number;
  /** The batches to train on instead of the English source's (the engine check's one passage). */
  batches?: () => Pick<Batch, 'tokens' | 'targets'>;
}

export async function pretrainLoop<T>(
  ctx: KernelContext, assets: DataAssets | null, r: PretrainRecipe, hooks: PretrainHooks<T>, start: PretrainStart = {},
): Promise<T> {
  let next: (() => Pick<Batch, 'tokens' | 'targets'>) | undefined = start.batches;
  if (!next) {
    if (!assets) throw new Error('pretraining needs the data assets or its own batches');
    const train = new Batcher(domainSource(assets, { domain: 'english' }, 'train'), { batchSize: r.batch, seqLen: r.seq, seed: r.seed });
    if (start.skipBatches) train.skip(start.skipBatches);
    next = () => train.next();
  }
  const schedule = pretrainSchedule(r);
  const run = await TrainingRun.create(ctx, {
    config: r.model, batchSize: r.batch, seqLen: r.seq, mode: 'full', seed: r.seed, label: 'pretrain', optimizer: PRETRAIN_OPTIMIZER,
    baseParams: start.params,
  });
  try {
    await hooks.evaluate?.(run, 0);
    let t0 = performance.now();
    let step = 0;
    while (step < r.steps && !hooks.stopped?.()) {
      if (hooks.paused) t0 += await hooks.paused();
      if (hooks.stopped?.()) break;
      const res = await run.step({ ...next(), lr: learningRate(r.lr, schedule, step + 1) });
      step++;
      if (!Number.isFinite(res.loss) || res.skipped) throw new Error(`pretraining diverged at step ${step} (loss ${res.loss}): lower the learning rate`);
      hooks.step?.({ step, loss: res.loss, seconds: (performance.now() - t0) / 1000 });
      if (step % r.evalEvery === 0 && step < r.steps) await hooks.evaluate?.(run, step);
    }
    await hooks.evaluate?.(run, step);
    return await hooks.finish(run, { steps: step, seconds: (performance.now() - t0) / 1000 });
  } finally {
    run.destroy();
  }
}
