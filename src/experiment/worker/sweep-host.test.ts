// The Worker's sweep host on a tiny random base model, with fake-indexeddb for the saved
// sweeps: it stops the experiment run before training, forwards the runner's events wrapped
// with the sweep's id (no per-step events), saves the sweep and its checkpoints as it trains;
// and a sweep paused and halted in one host resumes in a fresh one (a reload) from its
// checkpoint with exactly the evaluations of a sweep that was never interrupted.
import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createKernelContext, initModelParams, type KernelContext } from '../../engine/index';
import { testContext } from '../../engine/testing/gpu';
import type { DataAssets } from '../data/assets';
import { loadAssetsFromDisk } from '../data/node-assets';
import { RunHistory } from '../storage/history';
import type { EvalPoint, WorkerEvent } from '../protocol';
import type { BaseModel } from '../run/runner';
import { parseSweep } from '../sweep/config';
import { SweepHost } from './sweep-host';

const baseConfig = { vocabSize: 256, dModel: 16, nLayers: 1, nHeads: 2, nKvHeads: 1, ffnDim: 32, seqLen: 16, tieEmbeddings: true };
const base: BaseModel = { config: baseConfig, params: initModelParams(baseConfig, 5).flat };

const sweep = parseSweep({
  source: { domain: 'english' }, target: { domain: 'code' }, steps: 6, batchSize: 2, seqLen: 16,
  schedule: { kind: 'constant', warmupSteps: 0 }, seed: 3, evalInterval: 2, evalBatches: 1,
  families: [
    { id: 'full', kind: 'full', lrs: [3e-3] },
    { id: 'r2', kind: 'lora', rank: 2, alpha: 4, targets: ['q', 'v'], lrs: [1e-2] },
  ],
});

let ctx: KernelContext;
let assets: DataAssets;
beforeAll(async () => {
  ctx = createKernelContext((await testContext()).gpu.device);
  assets = await loadAssetsFromDisk();
});

function host(history: Promise<RunHistory>, onPost: (e: WorkerEvent, h: SweepHost) => void = () => {}) {
  const posted: WorkerEvent[] = [];
  let halts = 0;
  const h: SweepHost = new SweepHost({
    post: (e) => {
      posted.push(e);
      onPost(e, h);
    },
    context: async () => ctx, assets: async () => assets, baseModel: async () => base, history: () => history,
    haltRun: async () => void halts++, memoryBudget: () => Infinity,
  });
  return { h, posted, halts: () => halts };
}

const key = (e: EvalPoint) => `${e.method}@${e.step}: ${e.targetLoss} ${e.sourceLoss}`;
const sweepEvents = (posted: WorkerEvent[]) => posted.flatMap((e) => (e.type === 'sweep-event' ? [e] : []));

describe('sweep host', () => {
  let uninterrupted: string[] = [];

  it('stops the run, trains the grid, forwards wrapped events and saves the sweep as it goes', async () => {
    const history = RunHistory.open(`sweep-host-${Math.random()}`);
    const { h, posted, halts } = host(history);
    await h.handle({ type: 'sweep-start', sweep, preset: 'tiny', runId: 's1' });
    await h.idle();
    expect(posted.filter((e) => e.type === 'sweep-error')).toEqual([]);
    expect(halts()).toBe(1);
    expect(posted[0]).toEqual({ type: 'sweep-active', id: 's1' });
    const events = sweepEvents(posted);
    expect(events.every((e) => e.id === 's1')).toBe(true);
    expect(events.some((e) => e.event.type === 'step')).toBe(false);
    const evals = events.flatMap((e) => (e.event.type === 'eval' ? [e.event.point] : []));
    // Two cells, evaluated at steps 0, 2, 4 and 6.
    expect(evals.map((e) => `${e.method}@${e.step}`).sort()).toEqual(['full-0@0', 'full-0@2', 'full-0@4', 'full-0@6', 'r2-0@0', 'r2-0@2', 'r2-0@4', 'r2-0@6']);
    expect(events.at(-1)?.event).toMatchObject({ type: 'sweep-state', state: 'done' });
    const saved = await (await history).getSweep('s1');
    expect(saved).toMatchObject({ state: 'done', preset: 'tiny', groups: 1, done: 12, total: 12, checkpointGroup: 0 });
    expect(saved?.evals.map(key)).toEqual(evals.map(key));
    expect(saved?.methods.map((m) => m.id)).toEqual(['full-0', 'r2-0']);
    await h.handle({ type: 'list-sweeps' });
    const list = posted.at(-1);
    expect(list?.type === 'sweeps' && list.sweeps.map((s) => [s.id, s.cellCount])).toEqual([['s1', 2]]);
    uninterrupted = evals.map(key);
  });

  it('a sweep paused and halted resumes in a fresh host from its checkpoint, with the same evaluations', async () => {
    const history = RunHistory.open(`sweep-host-${Math.random()}`);
    // Pause as soon as the step-2 evaluations are out: the checkpoint of step 2 is then saved before the loop stops.
    const first = host(history, (e, h) => {
      if (e.type === 'sweep-event' && e.event.type === 'eval' && e.event.point.step === 2) void h.handle({ type: 'sweep-pause' });
    });
    await first.h.handle({ type: 'sweep-start', sweep, preset: 'tiny', runId: 's2' });
    await first.h.idle();
    expect(sweepEvents(first.posted).at(-1)?.event).toMatchObject({ type: 'sweep-state', state: 'paused' });
    await first.h.halt();
    expect(sweepEvents(first.posted).at(-1)?.event).toMatchObject({ type: 'sweep-state', state: 'stopped' });
    const stopped = await (await history).getSweep('s2');
    expect(stopped).toMatchObject({ state: 'stopped', checkpointGroup: 0 });
    expect((await (await history).sweepCheckpoint('s2'))?.current?.step).toBe(2);

    const second = host(history);
    await second.h.handle({ type: 'open-sweep', id: 's2' });
    expect(second.posted.at(-1)).toMatchObject({ type: 'sweep-opened', resumable: true });
    await second.h.handle({ type: 'sweep-resume', id: 's2' });
    await second.h.idle();
    expect(second.posted.filter((e) => e.type === 'sweep-error')).toEqual([]);
    expect(sweepEvents(second.posted).at(-1)?.event).toMatchObject({ type: 'sweep-state', state: 'done' });
    if (uninterrupted.length === 0) {
      // Run on its own (-t): train the same grid once without a pause to compare with.
      const ref = host(RunHistory.open(`sweep-host-${Math.random()}`));
      await ref.h.handle({ type: 'sweep-start', sweep, preset: 'tiny', runId: 'ref' });
      await ref.h.idle();
      uninterrupted = sweepEvents(ref.posted).flatMap((e) => (e.event.type === 'eval' ? [key(e.event.point)] : []));
    }
    const done = await (await history).getSweep('s2');
    expect(done?.state).toBe('done');
    expect(done?.evals.map(key)).toEqual(uninterrupted);
  });
});
