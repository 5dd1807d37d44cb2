// Full fine-tuning with dropout on every projection input, GPU against the float64
// reference: the loss and every gradient under the same masks, evaluation without dropout,
// dropout 0 bit-identical to a run without the option, and the memory it adds.
import { describe, expect, it } from 'vitest';
import { model_forward_backward } from '../reference/model';
import { compareClose } from '../testing/allclose';
import { testContext } from '../testing/gpu';
import { modelLayout, unpack } from './layout';
import { TrainingRun } from './run';
import { batch, randomFlat, TINY, toF64 } from './testkit';

const B = 2;
const T = 7;

function compareAll(gpu: Map<string, Float32Array>, ref: Map<string, Float64Array>): number {
  let worst = 0;
  const failures: string[] = [];
  for (const [name, r] of ref) {
    const g = gpu.get(name)!;
    const scale = r.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const rep = compareClose(g, r, { rtol: 2e-3, atol: Math.max(1e-7, 2e-4 * scale), label: name });
    worst = Math.max(worst, rep.worstRel);
    if (!rep.ok) failures.push(rep.message);
  }
  if (failures.length) throw new Error(failures.join('\n'));
  return worst;
}

describe('full fine-tuning with dropout', () => {
  it('loss and all gradients match the reference with the same masks; evaluation has no dropout', async () => {
    const { ctx } = await testContext();
    const cfg = { ...TINY, tieEmbeddings: true };
    const layout = modelLayout(cfg);
    const base = randomFlat(layout, 21, 0.3);
    const p = 0.3;
    const run = await TrainingRun.create(ctx, { config: cfg, batchSize: B, seqLen: T, mode: 'full', seed: 3, baseParams: base, dropout: p });
    const { tokens, targets } = batch(B, T, cfg.vocabSize, 7, 4);
    const seed = 90210;
    const params = toF64(unpack(layout, base));
    const loss = await run.computeGradients(tokens, targets, seed);
    const ref = model_forward_backward(cfg, params, tokens, targets, B, T, undefined, { p, seed });
    const plain = model_forward_backward(cfg, params, tokens, targets, B, T);
    // The masks matter (otherwise this test could not tell dropout from none).
    expect(Math.abs(ref.loss - plain.loss)).toBeGreaterThan(1e-2);
    expect(Math.abs(loss - ref.loss)).toBeLessThan(1e-4 * Math.abs(ref.loss));
    const worst = compareAll(await run.readGradients(), ref.grads);
    console.log(`full dropout p=${p}: loss ${loss} vs ${ref.loss} (no dropout ${plain.loss}); worst grad rel err ${worst.toExponential(2)}`);
    const ev = await run.evaluate(tokens, targets);
    expect(Math.abs(ev.loss - plain.loss)).toBeLessThan(1e-4 * Math.abs(plain.loss));
    run.destroy();
  });

  it('dropout 0 is bit-identical to a run without the option; dropout adds its activations to memory()', async () => {
    const { ctx } = await testContext();
    const cfg = TINY;
    const layout = modelLayout(cfg);
    const base = randomFlat(layout, 22, 0.3);
    const common = { config: cfg, batchSize: B, seqLen: T, mode: 'full' as const, seed: 4, baseParams: base };
    const a = await TrainingRun.create(ctx, common);
    const z = await TrainingRun.create(ctx, { ...common, dropout: 0 });
    const d = await TrainingRun.create(ctx, { ...common, dropout: 0.5 });
    const { tokens, targets } = batch(B, T, cfg.vocabSize, 8, 0);
    expect(await z.computeGradients(tokens, targets, 3)).toBe(await a.computeGradients(tokens, targets, 3));
    const ga = await a.readGradients();
    const gz = await z.readGradients();
    for (const [name, g] of ga) expect(Array.from(gz.get(name)!), name).toEqual(Array.from(g));
    expect(z.dispatchesPerStep).toBe(a.dispatchesPerStep);
    // Per layer: masked inputs of q,k,v,gate,up (C each), o (H·D), down (F); one (N, max in) scratch.
    const N = B * T;
    const perLayer = 5 * cfg.dModel + cfg.dModel + cfg.ffnDim;
    const extra = (cfg.nLayers * perLayer + Math.max(cfg.dModel, cfg.ffnDim)) * N * 4;
    expect(d.memory().activationBytes - a.memory().activationBytes).toBe(extra);
    expect(z.memory()).toEqual(a.memory());
    for (const r of [a, z, d]) r.destroy();
  });

  it('is refused outside full fine-tuning and outside [0, 1)', async () => {
    const { ctx } = await testContext();
    const lora = { rank: 2, alpha: 4, targets: ['q' as const], scaling: 'standard' as const, dropout: 0 };
    const common = { config: TINY, batchSize: 1, seqLen: 4, seed: 1 };
    await expect(TrainingRun.create(ctx, { ...common, mode: 'lora', lora, dropout: 0.1 })).rejects.toThrow(/full fine-tuning/);
    await expect(TrainingRun.create(ctx, { ...common, mode: 'full', dropout: 1 })).rejects.toThrow(/\[0, 1\)/);
  });
});
