// The named statistics a training step reads back (run.ts READBACK) against the float64
// reference's first step: loss, gradient norm and clip scale, the count of valid targets, and
// the skipped flag of a non-finite step. A slot read from the wrong place fails here.
import { describe, expect, it } from 'vitest';
import { reference_train, type RefStepInfo } from '../reference/train';
import { testContext } from '../testing/gpu';
import { modelLayout, unpack } from './layout';
import { TrainingRun } from './run';
import { batch, randomFlat, TINY, toF64 } from './testkit';

const B = 2;
const T = 7;
const hyper = { beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0, maxGradNorm: 0.5 };

describe('step statistics', () => {
  it('report the reference step\'s loss, norm, clip scale and valid count', async () => {
    const { ctx } = await testContext();
    const layout = modelLayout(TINY);
    const base = randomFlat(layout, 31, 0.2);
    const b = batch(B, T, TINY.vocabSize, 5, 3); // every third target ignored
    const nValid = Array.from(b.targets).filter((t) => t >= 0).length;
    const infos: RefStepInfo[] = [];
    reference_train({
      cfg: TINY, params: toF64(unpack(layout, base)), batches: [b], B, T, hyper: { ...hyper, lr: 1e-2 }, onStep: (i) => infos.push(i),
    });
    const ref = infos[0]!;
    expect(ref.gradScale).toBeLessThan(1); // the clip is active, so clipScale is not trivially 1

    const run = await TrainingRun.create(ctx, { config: TINY, mode: 'full', seed: 1, baseParams: base, batchSize: B, seqLen: T, optimizer: hyper });
    const s = await run.step({ ...b, lr: 1e-2 });
    run.destroy();
    expect(s.step).toBe(1);
    expect(s.nValid).toBe(nValid);
    expect(s.loss).toBeCloseTo(ref.loss, 4);
    expect(Math.abs(s.gradNorm - ref.gradNorm) / ref.gradNorm).toBeLessThan(1e-4);
    expect(Math.abs(s.clipScale - ref.gradScale) / ref.gradScale).toBeLessThan(1e-4);
    expect(s.skipped).toBe(false);
  });

  it('flag a step with a non-finite gradient as skipped', async () => {
    const { ctx } = await testContext();
    const layout = modelLayout(TINY);
    const base = randomFlat(layout, 32, 0.2);
    // The final norm's weight touches every position, so the loss and the gradient go non-finite.
    base[layout.byName.get('final_norm')!.offset] = Number.POSITIVE_INFINITY;
    const run = await TrainingRun.create(ctx, { config: TINY, mode: 'full', seed: 1, baseParams: base, batchSize: B, seqLen: T, optimizer: hyper });
    const s = await run.step({ ...batch(B, T, TINY.vocabSize, 6), lr: 1e-2 });
    run.destroy();
    expect(s.skipped).toBe(true);
    expect(s.clipScale).toBe(0);
  });
});
