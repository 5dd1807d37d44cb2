// The training-step peer: the same model (tfjs-llama.ts) with the engine's initial weights (read
// from an engine run of the same seed and unpacked by name), trained with TF.js's autodiff and
// tf.train.adam on the same batch. Before any timing, its first steps' losses are compared with
// an engine run using the same optimizer (AdamW with weight decay 0 and no clipping = Adam).

import { TrainingRun, unpack, type KernelContext, type LlamaConfig } from '../../../engine/index';
import { lossCheck } from './ratios';
import { createTfLlama, type TfLlama } from './tfjs-llama';
import type { Tf } from './tfjs-load';
import type { PeerLossCheck } from './types';

export const LOSS_CHECK_STEPS = 3;
/** Relative tolerance of the loss check (see lossCheck for why). */
export const LOSS_REL_TOLERANCE = 1e-3;
/** Large enough that the losses move visibly within three steps. */
const CHECK_LR = 1e-3;
const ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };

export interface TfStepPeer {
  /** One training step; resolves with its loss once the GPU has computed it (as the engine's step does). */
  step(): Promise<number>;
  check: PeerLossCheck;
  dispose(): void;
}

export interface StepBatch {
  cfg: LlamaConfig;
  B: number;
  T: number;
  tokens: Int32Array; // (B, T)
  targets: Int32Array; // (B, T)
  seed: number;
}

/** The engine's initial weights for this seed and its losses over the first steps, with AdamW reduced to Adam. */
async function engineReference(ctx: KernelContext, b: StepBatch) {
  const run = await TrainingRun.create(ctx, {
    config: b.cfg, batchSize: b.B, seqLen: b.T, mode: 'full', seed: b.seed, optimizer: { ...ADAM, weightDecay: 0, maxGradNorm: 0 },
  });
  try {
    const weights = unpack(run.modelLayout, run.startingParams);
    const shapes = new Map(run.modelLayout.tensors.map((t) => [t.name, t.shape]));
    const losses: number[] = [];
    for (let i = 0; i < LOSS_CHECK_STEPS; i++) losses.push((await run.step({ tokens: b.tokens, targets: b.targets, lr: CHECK_LR })).loss);
    return { weights, shapes, losses };
  } finally {
    run.destroy();
  }
}

export function tfTrainStep(model: TfLlama, optimizer: import('@tensorflow/tfjs-core').Optimizer, b: StepBatch) {
  const vars = [...model.vars.values()];
  return async (): Promise<number> => {
    const cost = optimizer.minimize(() => model.loss(b.tokens, b.targets, b.B, b.T) as import('@tensorflow/tfjs-core').Scalar, true, vars);
    const value = (await cost!.data())[0];
    cost!.dispose();
    return value;
  };
}

export async function prepareTfStep(ctx: KernelContext, tf: Tf, b: StepBatch): Promise<TfStepPeer> {
  const ref = await engineReference(ctx, b);
  const model = createTfLlama(tf, b.cfg, ref.weights, ref.shapes);
  const optimizer = tf.train.adam(CHECK_LR, ADAM.beta1, ADAM.beta2, ADAM.eps);
  try {
    const step = tfTrainStep(model, optimizer, b);
    const losses: number[] = [];
    for (let i = 0; i < LOSS_CHECK_STEPS; i++) losses.push(await step());
    const check = lossCheck(ref.losses, losses, LOSS_REL_TOLERANCE, `Adam (β1 ${ADAM.beta1}, β2 ${ADAM.beta2}, ε ${ADAM.eps}), lr ${CHECK_LR}; engine AdamW with weight decay 0 and clipping off`);
    return {
      step, check,
      dispose() {
        model.dispose();
        optimizer.dispose();
      },
    };
  } catch (e) {
    model.dispose();
    optimizer.dispose();
    throw e;
  }
}
