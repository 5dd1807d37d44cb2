// The whole GPU model against the float64 reference: loss and every parameter gradient
// (full fine-tuning and LoRA with dropout), for tied and untied embeddings and grouped-query
// attention, at a tiny config whose sizes are not multiples of any tile.
import { describe, expect, it } from 'vitest';
import { model_forward_backward } from '../reference/model';
import { LORA_PROJS } from '../reference/types';
import { compareClose } from '../testing/allclose';
import { testContext } from '../testing/gpu';
import { loraLayout, modelLayout, unpack } from './layout';
import { loraScale, type LoraOptions } from './lora';
import { TrainingRun } from './run';
import { batch, randomFlat, TINY, toF64 } from './testkit';

const B = 2;
const T = 7;

/** Compares every tensor; tolerance relative to each tensor's largest reference entry. */
function compareGrads(gpu: Map<string, Float32Array>, ref: Map<string, Float64Array>, what: string): number {
  let worst = 0;
  const failures: string[] = [];
  for (const [name, r] of ref) {
    const g = gpu.get(name);
    if (!g) throw new Error(`${what}: GPU has no gradient for ${name}`);
    const scale = r.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const rep = compareClose(g, r, { rtol: 2e-3, atol: Math.max(1e-7, 2e-4 * scale), label: `${what} ${name}` });
    worst = Math.max(worst, rep.worstRel);
    if (!rep.ok) failures.push(rep.message);
  }
  if (failures.length) throw new Error(failures.join('\n'));
  return worst;
}

describe('whole model vs reference', () => {
  for (const tie of [false, true]) {
    it(`full fine-tuning: loss and all gradients (tieEmbeddings=${tie})`, async () => {
      const { ctx } = await testContext();
      const cfg = { ...TINY, tieEmbeddings: tie };
      const layout = modelLayout(cfg);
      const base = randomFlat(layout, 11, 0.3);
      const run = await TrainingRun.create(ctx, { config: cfg, batchSize: B, seqLen: T, mode: 'full', seed: 1, baseParams: base });
      const { tokens, targets } = batch(B, T, cfg.vocabSize, 5, 4);
      const loss = await run.computeGradients(tokens, targets);
      const ref = model_forward_backward(cfg, toF64(unpack(layout, base)), tokens, targets, B, T);
      expect(Math.abs(loss - ref.loss)).toBeLessThan(1e-4 * Math.abs(ref.loss));
      const worst = compareGrads(await run.readGradients(), ref.grads, 'full');
      console.log(`model full (tied=${tie}): loss ${loss} vs ${ref.loss}; worst grad rel err ${worst.toExponential(2)}`);
      run.destroy();
    });
  }

  it('LoRA on all projections with dropout: loss and adapter gradients', async () => {
    const { ctx } = await testContext();
    const cfg = { ...TINY, tieEmbeddings: true, nKvHeads: 1 };
    const lora: LoraOptions = { rank: 3, alpha: 6, targets: [...LORA_PROJS], scaling: 'standard', dropout: 0.25 };
    const layout = modelLayout(cfg);
    const base = randomFlat(layout, 12, 0.3);
    const run = await TrainingRun.create(ctx, { config: cfg, batchSize: B, seqLen: T, mode: 'lora', lora, seed: 2, baseParams: base });
    const llayout = loraLayout(cfg, lora.rank, lora.targets);
    const adapters = randomFlat(llayout, 13, 0.3); // B nonzero so every adapter gradient is nonzero
    run.importState({ params: adapters, m: new Float32Array(adapters.length), v: new Float32Array(adapters.length), step: 0 });
    const { tokens, targets } = batch(B, T, cfg.vocabSize, 6, 5);
    const dropoutSeed = 424242;
    const loss = await run.computeGradients(tokens, targets, dropoutSeed);
    const ref = model_forward_backward(cfg, toF64(unpack(layout, base)), tokens, targets, B, T, {
      cfg: { rank: lora.rank, scale: loraScale(lora), targets: lora.targets, dropout: lora.dropout, seed: dropoutSeed },
      params: toF64(unpack(llayout, adapters)),
    });
    expect(Math.abs(loss - ref.loss)).toBeLessThan(1e-4 * Math.abs(ref.loss));
    const worst = compareGrads(await run.readGradients(), ref.loraGrads!, 'lora');
    console.log(`model LoRA r=3 p=0.25: loss ${loss} vs ${ref.loss}; worst adapter grad rel err ${worst.toExponential(2)}`);
    // Base weights are frozen: no gradient or optimizer state exists for them.
    const mem = run.memory();
    expect(mem.trainableParams).toBe(llayout.paramCount);
    expect(mem.gradientBytes).toBe(llayout.paramCount * 4);
    expect(mem.optimizerBytes).toBe(2 * llayout.paramCount * 4);
    run.destroy();
  });
});
