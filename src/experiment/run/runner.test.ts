// The lockstep runner on a tiny random base model: every method sees the same batches, step
// 0 evaluates the base model, pause/resume works, and a checkpoint restored into a fresh
// runner continues with bit-identical losses and evaluations.
import { beforeAll, describe, expect, it } from 'vitest';
import { createKernelContext, initModelParams, type KernelContext } from '../../engine/index';
import { testContext } from '../../engine/testing/gpu';
import { parseExperiment, type ExperimentConfig } from '../config';
import type { DataAssets } from '../data/assets';
import { loadAssetsFromDisk } from '../data/node-assets';
import { ExperimentRunner, type BaseModel } from './runner';

const baseConfig = { vocabSize: 256, dModel: 16, nLayers: 1, nHeads: 2, nKvHeads: 1, ffnDim: 32, seqLen: 16, tieEmbeddings: true };
const base: BaseModel = { config: baseConfig, params: initModelParams(baseConfig, 3).flat };

const config: ExperimentConfig = parseExperiment({
  source: { domain: 'english' }, target: { domain: 'math' },
  methods: [
    { id: 'full', kind: 'full', lr: 3e-3 },
    { id: 'r2', kind: 'lora', rank: 2, alpha: 4, targets: ['q', 'v', 'down'], dropout: 0.1, lr: 1e-2 },
  ],
  steps: 6, batchSize: 2, seqLen: 16, schedule: { kind: 'cosine', warmupSteps: 2 }, seed: 7, evalInterval: 3, evalBatches: 1,
});

let ctx: KernelContext;
let assets: DataAssets;
beforeAll(async () => {
  ctx = createKernelContext((await testContext()).gpu.device);
  assets = await loadAssetsFromDisk();
});

async function runner(): Promise<ExperimentRunner> {
  const r = new ExperimentRunner(ctx, config, base, assets);
  await r.init();
  return r;
}

describe('experiment runner', () => {
  it('evaluates the base model at step 0 and every interval, for every method, in lockstep', async () => {
    const r = await runner();
    expect(await r.run()).toBe('done');
    expect(r.evals.map((e) => `${e.step}:${e.method}`)).toEqual(['0:full', '0:r2', '3:full', '3:r2', '6:full', '6:r2']);
    const [f0, l0] = r.evals;
    expect(f0.targetLoss).toBe(l0.targetLoss); // both start from the same base weights
    expect(f0.sourceLoss).toBe(l0.sourceLoss);
    expect(f0.targetAccuracy).toBeTypeOf('number');
    expect(r.stepLog.filter((s) => s.method === 'full').map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6]);
    r.destroy();
  });

  // With lookahead 0 the pause lands right after the step that asked; with steps queued ahead it
  // lands after the queued ones (here step 3, which is also an evaluation point: nothing is queued past it).
  it.each([[0, 2], [2, 3]])('pauses and resumes (lookahead %i: pauses at step %i)', async (lookahead, at) => {
    const states: string[] = [];
    const r: ExperimentRunner = new ExperimentRunner(ctx, config, base, assets, (e) => {
      if (e.type === 'state') states.push(`${e.state}@${e.step}`);
      if (e.type === 'step' && e.point.step === 2 && e.point.method === 'r2') r.pause();
    }, { lookahead, maxQueuedMs: Infinity });
    await r.init();
    expect(await r.run()).toBe('paused');
    expect(r.step).toBe(at);
    expect(await r.run()).toBe('done');
    expect(states).toEqual(['running@0', `paused@${at}`, `running@${at}`, 'done@6']);
    r.destroy();
  });

  it('marks methods whose loss is not finite as diverged, stops stepping them, and still finishes the run', async () => {
    const bad = base.params.slice();
    bad.fill(Number.NaN, 0, 16 * 256); // every token embedding: every loss is NaN
    const events: string[] = [];
    const r = new ExperimentRunner(ctx, config, { config: baseConfig, params: bad }, assets, (e) => {
      if (e.type === 'diverged') events.push(`${e.method}@${e.step}`);
    });
    await r.init();
    expect(await r.run()).toBe('done');
    expect(events).toEqual(['full@1', 'r2@1']);
    expect(r.isDiverged('full')).toBe(true);
    // A diverged method takes no further steps; the run still finishes and evaluates.
    expect(r.stepLog.filter((s) => s.method === 'full')).toHaveLength(1);
    expect(r.evals.filter((e) => e.step === 6)).toHaveLength(2);
    r.destroy();
  });

  it('passes a full method\'s dropout to the engine: the same batch gives another loss and the masked inputs take memory', async () => {
    const withDropout = (p: number) => parseExperiment({
      ...config, methods: [{ id: 'full', kind: 'full', lr: 3e-3, dropout: p }], diversity: { samples: 0 },
    });
    const plain = new ExperimentRunner(ctx, withDropout(0), base, assets);
    const dropped = new ExperimentRunner(ctx, withDropout(0.5), base, assets);
    await plain.init();
    await dropped.init();
    await plain.stepOnce();
    await dropped.stepOnce();
    expect(dropped.evals[0].targetLoss).toBe(plain.evals[0].targetLoss); // evaluation runs without dropout
    expect(dropped.stepLog[0].loss).not.toBe(plain.stepLog[0].loss);
    const mem = (r: ExperimentRunner) => r.methodInfo()[0].memory.activationBytes;
    expect(mem(dropped)).toBeGreaterThan(mem(plain));
    plain.destroy();
    dropped.destroy();
  });

  it('restores a checkpoint exactly: the continued run matches an uninterrupted one bit for bit', async () => {
    const whole = await runner();
    await whole.run();
    const first = await runner();
    for (let i = 0; i < 4; i++) await first.stepOnce();
    const ckpt = structuredClone(await first.checkpoint()); // as it would come back from IndexedDB
    first.destroy();
    const resumed = await runner();
    resumed.restore(ckpt);
    await resumed.run();
    expect(resumed.stepLog.map((s) => s.loss)).toEqual(whole.stepLog.map((s) => s.loss));
    expect(resumed.evals).toEqual(whole.evals);
    whole.destroy();
    resumed.destroy();
  });
});
