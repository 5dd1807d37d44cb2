// The runner with lockstep steps queued ahead of their readback (lookahead): the same losses,
// evaluations and checkpoints bit for bit as one step at a time; one submit per lockstep step;
// several steps really in flight; pause, stop and Step once land on step boundaries with every
// step reported exactly once; a diverged method's queued steps; a failed readback still reported.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createKernelContext, initModelParams, TrainingRun, type KernelContext } from '../../engine/index';
import { testContext } from '../../engine/testing/gpu';
import { countSubmits } from '../bench/timing';
import { parseExperiment, type ExperimentConfig } from '../config';
import type { DataAssets } from '../data/assets';
import { loadAssetsFromDisk } from '../data/node-assets';
import type { RunnerEvent } from '../protocol';
import { ExperimentRunner, type BaseModel, type ExperimentCheckpoint } from './runner';

const baseConfig = { vocabSize: 256, dModel: 16, nLayers: 1, nHeads: 2, nKvHeads: 1, ffnDim: 32, seqLen: 16, tieEmbeddings: true };
const base: BaseModel = { config: baseConfig, params: initModelParams(baseConfig, 3).flat };

const config: ExperimentConfig = parseExperiment({
  source: { domain: 'english' }, target: { domain: 'code' },
  methods: [
    { id: 'full', kind: 'full', lr: 3e-3, dropout: 0.1 },
    { id: 'r2', kind: 'lora', rank: 2, alpha: 4, targets: ['q', 'v', 'down'], dropout: 0.1, lr: 1e-2 },
  ],
  steps: 7, batchSize: 2, seqLen: 16, schedule: { kind: 'cosine', warmupSteps: 2 }, seed: 7, evalInterval: 3, evalBatches: 1,
  diversity: { samples: 0 },
});

let ctx: KernelContext;
let assets: DataAssets;
beforeAll(async () => {
  ctx = createKernelContext((await testContext()).gpu.device);
  assets = await loadAssetsFromDisk();
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function runner(lookahead: number, hook?: (e: RunnerEvent, r: ExperimentRunner) => void, c = config, b = base, timestamps = true, maxQueuedMs = Infinity) {
  const events: RunnerEvent[] = [];
  const r: ExperimentRunner = new ExperimentRunner(ctx, c, b, assets, (e) => {
    events.push(e);
    hook?.(e, r);
  }, { lookahead, timestamps, maxQueuedMs });
  await r.init();
  return { r, events };
}

const stepKeys = (events: RunnerEvent[]) => events.flatMap((e) => (e.type === 'step' ? [`${e.point.step}:${e.point.method}`] : []));
const everyStep = (n: number) => Array.from({ length: n }, (_, i) => [`${i + 1}:full`, `${i + 1}:r2`]).flat();
/** The parts of a step point that training decides (times are wall-clock). */
const trained = (r: ExperimentRunner) => r.stepLog.map(({ step, method, loss, gradNorm }) => ({ step, method, loss, gradNorm }));

describe('runner with steps queued ahead', () => {
  it('lookahead 2 gives the losses, evaluations and checkpoints of lookahead 0 bit for bit, with 3 steps in flight', async () => {
    const checkpoints = new Map<number, ExperimentCheckpoint[]>();
    const results = [];
    for (const lookahead of [0, 2]) {
      const { r, events } = await runner(lookahead);
      const ckpts: ExperimentCheckpoint[] = [];
      r.afterEval = async () => {
        ckpts.push(await r.checkpoint());
      };
      expect(await r.run()).toBe('done');
      checkpoints.set(lookahead, ckpts);
      results.push({ trained: trained(r), evals: r.evals, peak: r.peakInFlight, keys: stepKeys(events) });
      for (const p of r.stepLog) {
        expect(p.groupMs).toBeGreaterThan(0);
        expect(p.ms).toBeGreaterThan(0);
        expect(p.tokensPerSecond).toBeCloseTo((2 * 16 * 1000) / p.ms, 6);
        expect(p.msSource).toBe(ctx.device.features.has('timestamp-query') ? 'timestamp' : 'flop-share');
      }
      r.destroy();
    }
    const [zero, two] = results;
    expect(two.trained).toEqual(zero.trained);
    expect(two.evals).toEqual(zero.evals);
    expect(two.keys).toEqual(everyStep(7));
    expect(zero.peak).toBe(1);
    expect(two.peak).toBe(3); // steps 1–3 submitted before step 1 was read back
    // After the evaluations at 3, 6 and 7 (step 0's has no hook): each checkpoint (weights, moments, batcher, logs) is the same.
    expect(checkpoints.get(2)!.map((c) => c.step)).toEqual([3, 6, 7]);
    expect(checkpoints.get(2)!.map((c) => ({ ...c, steps: c.steps.map(({ step, method, loss, gradNorm }) => ({ step, method, loss, gradNorm })) })))
      .toEqual(checkpoints.get(0)!.map((c) => ({ ...c, steps: c.steps.map(({ step, method, loss, gradNorm }) => ({ step, method, loss, gradNorm })) })));
  });

  it('without timestamp queries, splits each lockstep step\'s wall time by the methods\' FLOP shares', async () => {
    const { r } = await runner(2, undefined, config, base, false);
    await r.run();
    const [full, lora] = r.methodInfo().map((m) => m.flopsPerStep!);
    expect(full).toBeGreaterThan(lora); // full fine-tuning also computes every weight gradient
    for (let s = 1; s <= 7; s++) {
      const [a, b] = r.stepLog.filter((p) => p.step === s);
      expect([a.msSource, b.msSource]).toEqual(['flop-share', 'flop-share']);
      expect(a.ms + b.ms).toBeCloseTo(a.groupMs!, 9);
      expect(a.ms / b.ms).toBeCloseTo(full / lora, 9);
    }
    r.destroy();
  });

  it('queues no more work than maxQueuedMs: none before the first step is timed, none when a step is slower than the budget', async () => {
    const peak = async (maxQueuedMs: number) => {
      const { r, events } = await runner(2, undefined, config, base, true, maxQueuedMs);
      await r.run();
      expect(stepKeys(events)).toEqual(everyStep(7));
      r.destroy();
      return r.peakInFlight;
    };
    expect(await peak(0)).toBe(1);
    // A day's budget: step 1 runs alone (not yet timed), then 2–3 queue together, then 4–6.
    expect(await peak(86_400_000)).toBe(3);
  });

  it('submits once per lockstep step (both methods in one submit)', async () => {
    const c = parseExperiment({ ...config, steps: 6, evalInterval: 6 });
    let submits = 0;
    const marks: Record<string, number> = {};
    const { r } = await runner(2, (e) => {
      // Snapshots of the count: after step 0's evaluations, and at the last step (before its evaluation).
      if (e.type === 'eval' && e.point.step === 0) marks.afterBaseEval = submits;
      if (e.type === 'step' && e.point.step === 6 && e.point.method === 'r2') marks.atLastStep = submits;
    }, c);
    const queue = ctx.device.queue;
    const original = queue.submit.bind(queue);
    vi.spyOn(queue, 'submit').mockImplementation((buffers) => {
      submits++;
      original(buffers);
    });
    expect(await r.run()).toBe('done');
    expect(marks.atLastStep - marks.afterBaseEval).toBe(6); // one per step for two methods (was 12)
    r.destroy();
  });

  it('Step once is one submit and one step; a second one while a loop runs is refused', async () => {
    const { r } = await runner(2);
    await r.stepOnce(); // step 1, after step 0's evaluation
    const { submits } = await countSubmits(ctx.device, () => r.stepOnce());
    expect(submits).toBe(1);
    expect(r.step).toBe(2);
    let refused: unknown = null;
    const running = r.run();
    await r.stepOnce().catch((e: unknown) => { refused = e; });
    expect(String(refused)).toMatch(/already in flight/);
    expect(await running).toBe('done');
    expect(r.stepLog.map((p) => `${p.step}:${p.method}`)).toEqual(everyStep(7));
    r.destroy();
  });

  it('pause and stop land after the queued steps, each reported once; resuming continues exactly', async () => {
    const reference = await runner(0);
    await reference.r.run();
    const states: string[] = [];
    const { r, events } = await runner(2, (e, self) => {
      if (e.type === 'state') states.push(`${e.state}@${e.step}`);
      if (e.type === 'step' && e.point.step === 4 && e.point.method === 'full') self.pause();
    });
    expect(await r.run()).toBe('paused');
    // Steps 4–6 were queued when step 4 came back (6 is an evaluation point, nothing past it).
    expect(r.step).toBe(6);
    expect(stepKeys(events)).toEqual(everyStep(6));
    expect(r.evals.map((e) => e.step)).toEqual([0, 0, 3, 3, 6, 6]);
    await r.stepOnce();
    expect(await r.run()).toBe('done');
    expect(states).toEqual(['running@0', 'paused@6', 'running@7', 'done@7']);
    expect(stepKeys(events)).toEqual(everyStep(7));
    expect(trained(r)).toEqual(trained(reference.r));
    expect(r.evals).toEqual(reference.r.evals);
    reference.r.destroy();
    r.destroy();

    const stopped = await runner(2, (e, self) => {
      if (e.type === 'step' && e.point.step === 1 && e.point.method === 'r2') self.stop();
    });
    expect(await stopped.r.run()).toBe('stopped');
    expect(stopped.r.step).toBe(3);
    expect(stepKeys(stopped.events)).toEqual(everyStep(3));
    expect(stopped.r.evals.map((e) => e.step)).toEqual([0, 0, 3, 3]);
    stopped.r.destroy();
  });

  it('a diverged method: the event names the step the rule fired at; its queued steps are applied but not reported', async () => {
    const bad = base.params.slice();
    bad.fill(Number.NaN, 0, 16 * 256); // every token embedding: every loss is NaN
    for (const [lookahead, applied] of [[0, 1], [2, 3]]) {
      const { r, events } = await runner(lookahead, undefined, config, { config: baseConfig, params: bad });
      expect(await r.run()).toBe('done');
      expect(events.flatMap((e) => (e.type === 'diverged' ? [`${e.method}@${e.step}:${e.reason}`] : []))).toEqual(['full@1:non-finite', 'r2@1:non-finite']);
      expect(stepKeys(events)).toEqual(['1:full', '1:r2']);
      // Steps 2 and 3 were queued before step 1's loss came back: the engine ran them.
      const ckpt = await r.checkpoint();
      expect([ckpt.methods.full.step, ckpt.methods.r2.step]).toEqual([applied, applied]);
      expect(r.evals.filter((e) => e.step === 7)).toHaveLength(2);
      r.destroy();
    }
  });

  it('a failed readback rejects run() with its error; the steps before it are reported once', async () => {
    const encode = TrainingRun.prototype.encodeStep;
    vi.spyOn(TrainingRun.prototype, 'encodeStep').mockImplementation(function (this: TrainingRun, ...args) {
      const pending = encode.apply(this, args);
      if (pending.step !== 2) return pending;
      return { step: 2, read: () => pending.read().then(() => Promise.reject(new Error('mapAsync failed: device lost'))) };
    });
    const { r, events } = await runner(2);
    await expect(r.run()).rejects.toThrow(/device lost/);
    expect(stepKeys(events)).toEqual(['1:full', '1:r2']);
    expect(r.step).toBe(1);
    r.destroy();
  });
});
