// Training on the GPU: 20 AdamW steps (with clipping and weight decay) track the float64
// reference's losses for full fine-tuning (without and with dropout) and LoRA (with dropout, and
// without, where the adapters are merged into the weights every step); the same seed gives bit-identical
// losses; a model that exceeds a device limit is refused before allocation, naming it.
import { describe, expect, it } from 'vitest';
import { LimitExceededError } from '../gpu/device';
import { reference_train } from '../reference/train';
import { testContext } from '../testing/gpu';
import { loraLayout, modelLayout, unpack } from './layout';
import { loraScale, type LoraOptions } from './lora';
import { TrainingRun, type RunOptions } from './run';
import { batch, randomFlat, TINY, toF64 } from './testkit';

const B = 2;
const T = 7;
const STEPS = 20;
const hyper = { beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.01, maxGradNorm: 1 };
const batches = Array.from({ length: STEPS }, (_, i) => batch(B, T, TINY.vocabSize, 100 + (i % 4)));

async function gpuLosses(opts: Omit<RunOptions, 'batchSize' | 'seqLen'>, lr: number, adapters?: Float32Array, steps = STEPS): Promise<number[]> {
  const { ctx } = await testContext();
  const run = await TrainingRun.create(ctx, { ...opts, batchSize: B, seqLen: T, optimizer: hyper });
  if (adapters) run.importState({ params: adapters, m: new Float32Array(adapters.length), v: new Float32Array(adapters.length), step: 0 });
  const losses: number[] = [];
  for (const b of batches.slice(0, steps)) losses.push((await run.step({ ...b, lr, dropoutSeed: 77 })).loss);
  run.destroy();
  return losses;
}

function expectTracks(gpu: number[], ref: number[], what: string): void {
  const worst = Math.max(...gpu.map((l, i) => Math.abs(l - ref[i]) / Math.abs(ref[i])));
  console.log(`${what}: loss ${gpu[0].toFixed(4)} -> ${gpu[STEPS - 1].toFixed(4)} (ref ${ref[0].toFixed(4)} -> ${ref[STEPS - 1].toFixed(4)}), worst rel diff ${worst.toExponential(2)}`);
  expect(worst).toBeLessThan(2e-3);
  expect(gpu[STEPS - 1]).toBeLessThan(gpu[0] - 0.3);
}

describe('GPU training vs reference', () => {
  it('full fine-tuning: 20 AdamW steps track the reference', async () => {
    const layout = modelLayout(TINY);
    const base = randomFlat(layout, 21, 0.2);
    const lr = 1e-2;
    const gpu = await gpuLosses({ config: TINY, mode: 'full', seed: 3, baseParams: base }, lr);
    const ref = reference_train({ cfg: TINY, params: toF64(unpack(layout, base)), batches, B, T, hyper: { ...hyper, lr } });
    expectTracks(gpu, ref, 'train full');
  });

  it('full fine-tuning with dropout 0.2: 20 AdamW steps track the reference', async () => {
    const layout = modelLayout(TINY);
    const base = randomFlat(layout, 23, 0.2);
    const lr = 1e-2;
    const gpu = await gpuLosses({ config: TINY, mode: 'full', seed: 5, baseParams: base, dropout: 0.2 }, lr);
    const ref = reference_train({
      cfg: TINY, params: toF64(unpack(layout, base)), batches, B, T, hyper: { ...hyper, lr }, drop: { p: 0.2, seed: 77 },
    });
    expectTracks(gpu, ref, 'train full + dropout 0.2');
  });

  it('LoRA (q, v, down; dropout 0.1): 20 AdamW steps track the reference', async () => {
    const lora: LoraOptions = { rank: 4, alpha: 8, targets: ['q', 'v', 'down'], scaling: 'rslora', dropout: 0.1 };
    const layout = modelLayout(TINY);
    const base = randomFlat(layout, 22, 0.2);
    const llayout = loraLayout(TINY, lora.rank, lora.targets);
    const adapters = randomFlat(llayout, 23, 0.1);
    const lr = 3e-2;
    const gpu = await gpuLosses({ config: TINY, mode: 'lora', lora, seed: 4, baseParams: base }, lr, adapters);
    const ref = reference_train({
      cfg: TINY, params: toF64(unpack(layout, base)), B, T, hyper: { ...hyper, lr },
      batches: batches.map((b) => ({ ...b, loraSeed: 77 })),
      lora: { cfg: { rank: 4, scale: loraScale(lora), targets: lora.targets, dropout: 0.1, seed: 77 }, params: toF64(unpack(llayout, adapters)) },
    });
    expectTracks(gpu, ref, 'train LoRA');
  });

  it('LoRA without dropout (all projections, merged into W + s·B·A every step): 20 AdamW steps track the reference', async () => {
    const lora: LoraOptions = { rank: 3, alpha: 6, targets: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'], scaling: 'standard', dropout: 0 };
    const layout = modelLayout(TINY);
    const base = randomFlat(layout, 24, 0.2);
    const llayout = loraLayout(TINY, lora.rank, lora.targets);
    const adapters = randomFlat(llayout, 25, 0.1);
    const lr = 3e-2;
    const gpu = await gpuLosses({ config: TINY, mode: 'lora', lora, seed: 6, baseParams: base }, lr, adapters);
    const ref = reference_train({
      cfg: TINY, params: toF64(unpack(layout, base)), B, T, hyper: { ...hyper, lr }, batches,
      lora: { cfg: { rank: 3, scale: loraScale(lora), targets: lora.targets, dropout: 0, seed: 0 }, params: toF64(unpack(llayout, adapters)) },
    });
    expectTracks(gpu, ref, 'train LoRA no dropout');
  });

  it('the same seed gives bit-identical losses', async () => {
    const opts = { config: TINY, mode: 'lora' as const, seed: 9, lora: { rank: 2, alpha: 4, targets: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] as LoraOptions['targets'], scaling: 'standard' as const, dropout: 0.1 } };
    const a = await gpuLosses(opts, 1e-2, undefined, 8);
    const b = await gpuLosses(opts, 1e-2, undefined, 8);
    expect(new Float32Array(a)).toEqual(new Float32Array(b));
    const c = await gpuLosses({ config: TINY, mode: 'full', seed: 9 }, 1e-2, undefined, 8);
    const d = await gpuLosses({ config: TINY, mode: 'full', seed: 9 }, 1e-2, undefined, 8);
    expect(new Float32Array(c)).toEqual(new Float32Array(d));
  });

  it('refuses a model that exceeds a device limit before allocating, naming the limit', async () => {
    const { ctx } = await testContext();
    const huge = { ...TINY, vocabSize: 300_000, dModel: 1024, nHeads: 8, nKvHeads: 8 };
    await expect(TrainingRun.create(ctx, { config: huge, batchSize: 1, seqLen: 4, mode: 'full', seed: 1, baseParams: new Float32Array(0) }))
      .rejects.toThrow(/baseParams has 0 values/);
    const err = await TrainingRun.create(ctx, { config: huge, batchSize: 1, seqLen: 4, mode: 'full', seed: 1 }).catch((e) => e);
    expect(err).toBeInstanceOf(LimitExceededError);
    expect(String(err.message)).toMatch(/maxStorageBufferBindingSize|maxBufferSize/);
  });
});
