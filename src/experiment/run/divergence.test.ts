// The divergence criterion on known step sequences, and in the runner on the GPU: a real
// learning rate of 1 makes full fine-tuning of the shipped base model blow up at tiny shapes (no
// injected NaN), only that method stops, and the other trains to the end on exactly the batches it
// would have had anyway. (A tiny random model does not blow up at lr 1: its loss stays near ln 256.)
import { beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { createKernelContext, type KernelContext } from '../../engine/index';
import { testContext } from '../../engine/testing/gpu';
import { loadCheckpoint } from '../checkpoint';
import { parseExperiment } from '../config';
import type { DataAssets } from '../data/assets';
import { fsAssetSource, loadAssetsFromDisk } from '../data/node-assets';
import { DIVERGE_STEPS, divergenceReason, explodedBound, recentSteps } from './divergence';
import type { RunnerEvent, StepPoint } from '../protocol';
import { ExperimentRunner, type BaseModel } from './runner';

const steps = (losses: number[], gradNorm = 1) => losses.map((loss) => ({ loss, gradNorm }));

describe('divergenceReason', () => {
  it('bounds an exploded loss at twice a uniform guess: 2 ln 256 ≈ 11.09 nats', () => {
    expect(explodedBound(256)).toBeCloseTo(11.0904, 4);
    expect(DIVERGE_STEPS).toBe(8);
  });

  it('flags a NaN or infinite loss or gradient, or a skipped update, at once', () => {
    expect(divergenceReason(steps([3, Number.NaN]), false, 256)).toBe('non-finite');
    expect(divergenceReason(steps([Number.POSITIVE_INFINITY]), false, 256)).toBe('non-finite');
    expect(divergenceReason([{ loss: 3, gradNorm: Number.POSITIVE_INFINITY }], false, 256)).toBe('non-finite');
    expect(divergenceReason(steps([3]), true, 256)).toBe('non-finite');
    expect(divergenceReason([], false, 256)).toBeNull();
  });

  it('flags 8 steps in a row above the bound, not 7, and not a spike that comes back', () => {
    expect(divergenceReason(steps([5, 12, 40, 30, 20, 50, 60, 45, 12]), false, 256)).toBe('exploded');
    expect(divergenceReason(steps([5, 5, 40, 30, 20, 50, 60, 45, 12]), false, 256)).toBeNull();
    // LoRA r=8 at lr 1 on the shipped model (measured): four steps far above, then back below the base loss.
    expect(divergenceReason(steps([6.3, 17.3, 22.9, 39.9, 19.6, 5.3, 10.5, 7.9, 8.0]), false, 256)).toBeNull();
    // The bound follows the vocabulary: 2 ln 16 ≈ 5.55.
    expect(divergenceReason(steps(Array(8).fill(6)), false, 16)).toBe('exploded');
    expect(divergenceReason(steps(Array(8).fill(6)), false, 256)).toBeNull();
  });

  it('flags a dead network: a zero gradient for 8 steps while the loss is a uniform guess', () => {
    expect(divergenceReason(steps(Array(8).fill(Math.log(256)), 0), false, 256)).toBe('collapsed');
    expect(divergenceReason(steps(Array(7).fill(Math.log(256)), 0), false, 256)).toBeNull();
    expect(divergenceReason(steps(Array(8).fill(0), 0), false, 256)).toBeNull(); // a perfect fit has no gradient either
  });

  it('reads one method\'s last steps from a lockstep log', () => {
    const log: StepPoint[] = [];
    for (let s = 1; s <= 10; s++) {
      for (const method of ['a', 'b']) log.push({ step: s, method, loss: s, gradNorm: 1, ms: 1, tokensPerSecond: 1 });
    }
    expect(recentSteps(log, 'b', 3).map((p) => `${p.method}${p.step}`)).toEqual(['b8', 'b9', 'b10']);
    expect(recentSteps(log, 'a').map((p) => p.step)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
  });
});

describe('a real learning rate that blows up', () => {
  const experiment = (fullLr: number) => parseExperiment({
    source: { domain: 'english' }, target: { domain: 'code' },
    methods: [{ id: 'full', kind: 'full', lr: fullLr }, { id: 'r2', kind: 'lora', rank: 2, alpha: 4, targets: ['q', 'v', 'down'], lr: 1e-2 }],
    steps: 16, batchSize: 2, seqLen: 16, schedule: { kind: 'constant', warmupSteps: 0 }, seed: 1, evalInterval: 8, evalBatches: 1,
    diversity: { samples: 0 },
  });
  let ctx: KernelContext;
  let assets: DataAssets;
  let base: BaseModel;
  beforeAll(async () => {
    ctx = createKernelContext((await testContext()).gpu.device);
    assets = await loadAssetsFromDisk();
    const shipped = await loadCheckpoint(fsAssetSource(fileURLToPath(new URL('../../../public/models/', import.meta.url))), 'base.json');
    base = { config: shipped.manifest.config, params: shipped.params };
  });

  async function run(fullLr: number): Promise<{ r: ExperimentRunner; diverged: Array<Extract<RunnerEvent, { type: 'diverged' }>> }> {
    const diverged: Array<Extract<RunnerEvent, { type: 'diverged' }>> = [];
    const r = new ExperimentRunner(ctx, experiment(fullLr), base, assets, (e) => {
      if (e.type === 'diverged') diverged.push(e);
    });
    await r.init();
    expect(await r.run()).toBe('done');
    return { r, diverged };
  }

  it('stops only the method at lr 1; the other trains to the end on the same batches', async () => {
    const calm = await run(3e-3);
    const wild = await run(1);
    expect(calm.diverged).toEqual([]);
    expect(wild.diverged).toHaveLength(1);
    const [e] = wild.diverged;
    expect(e).toMatchObject({ method: 'full', reason: 'exploded' });
    expect(e.step).toBeGreaterThanOrEqual(DIVERGE_STEPS);
    expect(e.step).toBeLessThan(16);
    expect(e.loss).toBeGreaterThan(explodedBound(256));
    const fullSteps = wild.r.stepLog.filter((s) => s.method === 'full');
    expect(fullSteps.map((s) => s.step)).toEqual(Array.from({ length: e.step }, (_, i) => i + 1));
    expect(fullSteps.slice(-DIVERGE_STEPS).every((s) => s.loss > explodedBound(256))).toBe(true);
    // LoRA's steps and evaluations are exactly those of the run where nothing diverged.
    const lora = (r: ExperimentRunner) => r.stepLog.filter((s) => s.method === 'r2').map((s) => `${s.step}:${s.loss}`);
    expect(lora(wild.r)).toHaveLength(16);
    expect(lora(wild.r)).toEqual(lora(calm.r));
    const loraEvals = (r: ExperimentRunner) => r.evals.filter((x) => x.method === 'r2').map((x) => [x.step, x.targetLoss, x.sourceLoss]);
    expect(loraEvals(wild.r)).toEqual(loraEvals(calm.r));
    expect(loraEvals(wild.r).map(([s]) => s)).toEqual([0, 8, 16]);
    calm.r.destroy();
    wild.r.destroy();
  });

  it('calls a LoRA whose activations overflowed (zero gradient, uniform output) collapsed', async () => {
    // rsLoRA with α = 4096 at r = 64 scales the adapter by 512; at lr 1 every activation overflows within a few steps.
    const config = parseExperiment({
      ...experiment(3e-3), batchSize: 4, seqLen: 32, steps: 12, evalInterval: 12,
      methods: [{ id: 'big', kind: 'lora', rank: 64, alpha: 4096, scaling: 'rslora', targets: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'], lr: 1 }],
    });
    const diverged: Array<Extract<RunnerEvent, { type: 'diverged' }>> = [];
    const r = new ExperimentRunner(ctx, config, base, assets, (e) => {
      if (e.type === 'diverged') diverged.push(e);
    });
    await r.init();
    await r.run();
    expect(diverged).toHaveLength(1);
    expect(diverged[0]).toMatchObject({ method: 'big', reason: 'collapsed' });
    expect(diverged[0].loss).toBeCloseTo(Math.log(256), 3);
    expect(r.stepLog.slice(-DIVERGE_STEPS).every((s) => s.gradNorm === 0)).toBe(true);
    r.destroy();
  });
});
