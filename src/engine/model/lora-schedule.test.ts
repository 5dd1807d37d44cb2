// LoRA's batched schedule (linear.ts, loraGroups) against the float64 reference without
// dropout, where adapters that read the same input share dispatches (q, k, v; gate, up) and
// the adapted projections run as plain matmuls with the merged W + s·B·A: the loss and every adapter gradient, for
// all seven projections (standard and rsLoRA scaling) and for subsets that split the groups.
// Also what a LoRA step leaves out: no base-weight gradient kernels, one skinny x·Aᵀ dispatch
// per group, and the adapters merged into W + s·B·A once per step (training and evaluation).
import { describe, expect, it } from 'vitest';
import type { Dispatch } from '../kernels/kernel';
import { model_forward_backward } from '../reference/model';
import { compareClose } from '../testing/allclose';
import { testContext } from '../testing/gpu';
import { loraLayout, modelLayout, unpack, type Projection } from './layout';
import { loraGroups, loraScale, type LoraOptions } from './lora';
import { TrainingRun } from './run';
import { batch, randomFlat, TINY, toF64 } from './testkit';

const [B, T] = [2, 7];

const CASES: Array<{ targets: Projection[]; rank: number; scaling: LoraOptions['scaling']; groups: number }> = [
  { targets: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'], rank: 3, scaling: 'standard', groups: 4 },
  { targets: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'], rank: 5, scaling: 'rslora', groups: 4 },
  { targets: ['k', 'v', 'up', 'down'], rank: 2, scaling: 'standard', groups: 3 },
  { targets: ['q', 'gate'], rank: 1, scaling: 'rslora', groups: 2 },
];

describe('LoRA batched schedule vs reference (no dropout)', () => {
  for (const c of CASES) {
    it(`targets ${c.targets.join(',')} r=${c.rank} ${c.scaling}`, async () => {
      const { ctx } = await testContext();
      const cfg = { ...TINY, tieEmbeddings: true };
      const lora: LoraOptions = { rank: c.rank, alpha: 2 * c.rank + 1, targets: c.targets, scaling: c.scaling, dropout: 0 };
      expect(loraGroups(lora)).toHaveLength(c.groups);
      const layout = modelLayout(cfg);
      const base = randomFlat(layout, 21, 0.3);
      const run = await TrainingRun.create(ctx, { config: cfg, batchSize: B, seqLen: T, mode: 'lora', lora, seed: 3, baseParams: base });
      const llayout = loraLayout(cfg, lora.rank, lora.targets);
      const adapters = randomFlat(llayout, 22, 0.3); // B nonzero so every adapter gradient is nonzero
      run.importState({ params: adapters, m: new Float32Array(adapters.length), v: new Float32Array(adapters.length), step: 0 });
      const { tokens, targets } = batch(B, T, cfg.vocabSize, 7, 5);
      const loss = await run.computeGradients(tokens, targets);
      const ref = model_forward_backward(cfg, toF64(unpack(layout, base)), tokens, targets, B, T, {
        cfg: { rank: lora.rank, scale: loraScale(lora), targets: lora.targets, dropout: 0, seed: 0 },
        params: toF64(unpack(llayout, adapters)),
      });
      expect(Math.abs(loss - ref.loss)).toBeLessThan(1e-4 * Math.abs(ref.loss));
      const gpu = await run.readGradients();
      const failures: string[] = [];
      for (const [name, r] of ref.loraGrads!) {
        const scale = r.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        const rep = compareClose(gpu.get(name)!, r, { rtol: 2e-3, atol: Math.max(1e-7, 2e-4 * scale), label: name });
        if (!rep.ok) failures.push(rep.message);
      }
      if (failures.length) throw new Error(failures.join('\n'));

      const labels = (run as unknown as { trainDispatches: Dispatch[] }).trainDispatches.map((d) => d.label);
      for (const frozen of ['matmul_backward_weight', 'rmsnorm_backward_dw', 'embedding_backward']) expect(labels).not.toContain(frozen);
      expect(labels.filter((l) => l === 'lora_a_forward')).toHaveLength(c.groups * cfg.nLayers);
      expect(labels.filter((l) => l === 'lora_a_backward')).toHaveLength(c.groups * cfg.nLayers);
      expect(labels.filter((l) => l === 'lora_b_backward_weight')).toHaveLength(c.targets.length * cfg.nLayers);
      // Without dropout the adapters are merged into W + s·B·A once per step (one dispatch for
      // the model), and no base matmul carries the low-rank terms.
      expect(labels.filter((l) => l === 'lora_merge_forward')).toHaveLength(1);
      expect(labels[0]).toBe('lora_merge_forward');
      expect(labels.filter((l) => l.startsWith('lora_fused'))).toEqual([]);
      // Evaluation merges too, needs no u = x·Aᵀ, and gives the reference's loss.
      const evalLabels = (run as unknown as { evalDispatches: Dispatch[] }).evalDispatches.map((d) => d.label);
      expect(evalLabels.filter((l) => l.startsWith('lora_'))).toEqual(['lora_merge_forward']);
      const ev = await run.evaluate(tokens, targets);
      expect(Math.abs(ev.loss - ref.loss)).toBeLessThan(1e-4 * Math.abs(ref.loss));
      run.destroy();
    });
  }
});
