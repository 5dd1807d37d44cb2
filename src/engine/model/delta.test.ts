// Weight deltas and merged weights read back from GPU runs match the reference: LoRA's
// W + scale·B·A and dW = scale·B·A, and full fine-tuning's W_now − W_start after a step.
import { describe, expect, it } from 'vitest';
import { lora_delta, lora_merge } from '../reference/ops';
import { allclose } from '../testing/allclose';
import { testContext } from '../testing/gpu';
import { fullDelta, loraDelta, mergeLora } from './delta';
import { loraLayout, modelLayout, projectionShape } from './layout';
import { loraScale, type LoraOptions } from './lora';
import { TrainingRun } from './run';
import { batch, randomFlat, TINY } from './testkit';

describe('weight deltas', () => {
  it('LoRA merge and delta match the reference for every adapted projection', async () => {
    const { ctx } = await testContext();
    const lora: LoraOptions = { rank: 3, alpha: 5, targets: ['q', 'o', 'up'], scaling: 'rslora', dropout: 0 };
    const run = await TrainingRun.create(ctx, { config: TINY, batchSize: 1, seqLen: 4, mode: 'lora', lora, seed: 1, baseParams: randomFlat(modelLayout(TINY), 3, 0.2) });
    const adapters = randomFlat(loraLayout(TINY, 3, lora.targets), 4, 0.3);
    run.importState({ params: adapters, m: new Float32Array(adapters.length), v: new Float32Array(adapters.length), step: 0 });
    const base = await run.readBaseParams();
    const trained = await run.readTrainable();
    const scale = loraScale(lora);
    for (let l = 0; l < TINY.nLayers; l++) {
      for (const p of lora.targets) {
        const [out, inDim] = projectionShape(TINY, p);
        const A = trained.get(`layers.${l}.${p}.lora_A`)!;
        const B = trained.get(`layers.${l}.${p}.lora_B`)!;
        const W = base.get(`layers.${l}.${p === 'q' ? 'wq' : p === 'o' ? 'wo' : 'w_up'}`)!;
        allclose(loraDelta(A, B, out, inDim, 3, scale), lora_delta(A, B, out, inDim, 3, scale), { rtol: 1e-5, atol: 1e-7, label: `dW ${l}.${p}` });
        allclose(mergeLora(TINY, base, trained, l, p, 3, scale), lora_merge(W, A, B, out, inDim, 3, scale), { rtol: 1e-5, atol: 1e-7, label: `merge ${l}.${p}` });
      }
    }
    expect(() => mergeLora(TINY, base, trained, 0, 'k', 3, scale)).toThrow(/no k adapter/);
    run.destroy();
  });

  it('full fine-tuning delta is the change since the starting weights', async () => {
    const { ctx } = await testContext();
    const start = randomFlat(modelLayout(TINY), 5, 0.2);
    const run = await TrainingRun.create(ctx, { config: TINY, batchSize: 1, seqLen: 4, mode: 'full', seed: 1, baseParams: start });
    await run.step({ ...batch(1, 4, TINY.vocabSize, 9), lr: 1e-2 });
    const now = await run.readBaseFlat();
    const d = fullDelta(now, run.startingParams);
    expect(d.some((v) => v !== 0)).toBe(true);
    allclose(d, now.map((v, i) => v - start[i]), { rtol: 0, atol: 0, label: 'dW' });
    run.destroy();
  });
});
