// The Worker's run host on a tiny random base model (Dawn on SwiftShader, fake IndexedDB), fed
// through the same queue and interrupts as worker.ts: clicks that used to interleave at an
// await (two "Step once", Step once then Resume, Start while a step is in flight, delete then
// Resume) now give exactly the losses of an uninterrupted run and save nothing stale; a lost
// device is answered with a resume from the last checkpoint.
import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createKernelContext, initModelParams, type KernelContext } from '../../engine/index';
import { testContext } from '../../engine/testing/gpu';
import { CommandQueue } from './command-queue';
import { parseExperiment } from '../config';
import type { DataAssets } from '../data/assets';
import { loadAssetsFromDisk } from '../data/node-assets';
import { RunHistory } from '../storage/history';
import type { EvalPoint, WorkerCommand, WorkerEvent } from '../protocol';
import type { BaseModel } from '../run/runner';
import { RunHost, type RunCommand } from './run-host';

const baseConfig = { vocabSize: 256, dModel: 16, nLayers: 1, nHeads: 2, nKvHeads: 1, ffnDim: 32, seqLen: 16, tieEmbeddings: true };
const base: BaseModel = { config: baseConfig, params: initModelParams(baseConfig, 3).flat };
const config = parseExperiment({
  source: { domain: 'english' }, target: { domain: 'code' },
  methods: [{ id: 'full', kind: 'full', lr: 3e-3 }, { id: 'r2', kind: 'lora', rank: 2, alpha: 4, targets: ['q', 'v'], lr: 1e-2 }],
  steps: 6, batchSize: 2, seqLen: 16, schedule: { kind: 'cosine', warmupSteps: 2 }, seed: 5, evalInterval: 3, evalBatches: 1,
});

let ctx: KernelContext;
let assets: DataAssets;
beforeAll(async () => {
  ctx = createKernelContext((await testContext()).gpu.device);
  assets = await loadAssetsFromDisk();
});

async function setup(hook?: (e: WorkerEvent, host: RunHost) => void) {
  const h = await RunHistory.open(`run-host-${Math.random()}`);
  const events: WorkerEvent[] = [];
  const host: RunHost = new RunHost({
    post: (e) => {
      // A copy, as postMessage makes: the host goes on changing its saved run after posting it.
      events.push(structuredClone(e));
      hook?.(e, host);
    }, context: async () => ctx, assets: async () => assets, baseModel: async () => base,
    history: async () => h, haltSweep: async () => undefined, memoryBudget: () => Infinity, lockRun: async () => () => undefined,
  });
  const queue = new CommandQueue();
  // As worker.ts does: flags at once, then the command in order.
  const send = (cmd: RunCommand) => {
    host.interrupt(cmd as WorkerCommand);
    void queue.enqueue(() => host.handle(cmd));
  };
  const until = async (what: string, pred: () => boolean, ms = 120_000) => {
    const t0 = Date.now();
    while (!pred()) {
      if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}; events: ${events.map((e) => e.type).join(',')}`);
      await new Promise((done) => setTimeout(done, 5));
    }
  };
  const of = (runId: string) => events.filter((e) => 'runId' in e && e.runId === runId);
  const state = (runId: string) => of(runId).filter((e) => e.type === 'state').at(-1) as { state: string } | undefined;
  const evals = (runId: string) => of(runId).flatMap((e) => (e.type === 'eval' ? [e.point] : []));
  const errors = () => events.filter((e) => e.type === 'error');
  return { h, host, events, queue, send, until, of, state, evals, errors };
}

const losses = (points: EvalPoint[]) => points.map((p) => `${p.step}:${p.method}:${p.targetLoss}:${p.sourceLoss}`);

let reference: string[] = [];

describe('run host: one command at a time', () => {
  it('trains a run to the end (the reference for the races below)', async () => {
    const t = await setup();
    t.send({ type: 'start', config, preset: 'test', runId: 'ref' });
    await t.until('done', () => t.state('ref')?.state === 'done');
    reference = losses(t.evals('ref'));
    expect(reference).toHaveLength(6);
    expect(t.errors()).toEqual([]);
    // Saved as it trained, with its last checkpoint.
    expect((await t.h.get('ref'))?.state).toBe('done');
    expect((await t.h.checkpoint('ref'))?.step).toBe(6);
    await t.host.dispose();
  });

  it('two Step once clicks and a Resume sent at once give the uninterrupted run\'s losses', async () => {
    const t = await setup();
    t.send({ type: 'start', config, preset: 'test', runId: 'a' });
    await t.until('first step', () => t.of('a').some((e) => e.type === 'step'));
    t.send({ type: 'pause' });
    await t.until('paused', () => t.state('a')?.state === 'paused');
    const before = t.host.runner!.step;
    t.send({ type: 'step-once' });
    t.send({ type: 'step-once' });
    t.send({ type: 'resume' });
    await t.until('done', () => t.state('a')?.state === 'done');
    expect(t.errors()).toEqual([]);
    expect(losses(t.evals('a'))).toEqual(reference);
    // Every step trained once, with its own label, in order.
    const steps = t.of('a').flatMap((e) => (e.type === 'step' && e.point.method === 'full' ? [e.point.step] : []));
    expect(steps).toEqual([1, 2, 3, 4, 5, 6]);
    expect(before).toBeGreaterThanOrEqual(1);
    await t.host.dispose();
  });

  it('Start while a step is in flight waits for the old loop, and the new run is not disturbed', async () => {
    const t = await setup();
    t.send({ type: 'start', config, preset: 'test', runId: 'old' });
    await t.until('first step', () => t.of('old').some((e) => e.type === 'step'));
    t.send({ type: 'start', config, preset: 'test', runId: 'new' });
    await t.until('done', () => t.state('new')?.state === 'done');
    expect(t.errors()).toEqual([]);
    expect(losses(t.evals('new'))).toEqual(reference);
    // The old run said its last word (stopped) before the new one became active, and nothing after.
    const activeAt = t.events.findIndex((e) => e.type === 'active-run' && e.id === 'new');
    const lastOld = t.events.map((e) => 'runId' in e && e.runId === 'old').lastIndexOf(true);
    expect(lastOld).toBeLessThan(activeAt);
    expect(t.state('old')?.state).toBe('stopped');
    expect((await t.h.get('old'))?.state).toBe('stopped');
    await t.host.dispose();
  });

  it('deleting the paused run and then pressing Resume saves nothing again', async () => {
    // Pause as the step-3 checkpoint is saved, while the loop is still in that evaluation: with steps
    // queued ahead (the runner's lookahead), a pause sent any later would land only at step 6, the end.
    let send: ((cmd: RunCommand) => void) | null = null;
    const t = await setup((e) => {
      if (e.type === 'checkpoint-saved' && e.runId === 'gone') send?.({ type: 'pause' });
    });
    send = t.send;
    t.send({ type: 'start', config, preset: 'test', runId: 'gone' });
    await t.until('paused', () => t.state('gone')?.state === 'paused');
    t.send({ type: 'delete-run', id: 'gone' });
    t.send({ type: 'resume' });
    t.send({ type: 'step-once' });
    await t.queue.idle();
    await new Promise((done) => setTimeout(done, 300));
    expect(await t.h.get('gone')).toBeUndefined();
    expect(await t.h.checkpoint('gone')).toBeUndefined();
    expect(t.host.runner).toBeNull();
    expect(t.errors()).toEqual([]);
  });

  it('a lost device keeps the checkpoint and the run resumes from it to the same losses', async () => {
    // The device goes the moment the step-3 checkpoint is saved, while the loop is still going.
    const t = await setup((e, host) => {
      if (e.type === 'checkpoint-saved' && e.runId === 'lost' && e.step === 3 && host.runner) host.onDeviceLost('test');
    });
    t.send({ type: 'start', config, preset: 'test', runId: 'lost' });
    await t.until('device lost', () => t.events.some((e) => e.type === 'device-lost'));
    const lostAt = t.events.findIndex((e) => e.type === 'device-lost');
    const lost = t.events[lostAt];
    expect(lost).toMatchObject({ type: 'device-lost', runId: 'lost', checkpointStep: 3 });
    expect(lost.type === 'device-lost' && lost.message).toMatch(/Resume.*step 3/);
    // The dropped runner says nothing more.
    await new Promise((done) => setTimeout(done, 300));
    expect(t.events.slice(lostAt + 1)).toEqual([]);
    expect((await t.h.get('lost'))?.state).toBe('stopped');
    t.send({ type: 'resume-run', id: 'lost' });
    await t.until('done', () => t.state('lost')?.state === 'done');
    // The evaluations up to the checkpoint come back with the reopened run; the rest are trained again.
    const opened = t.events.find((e) => e.type === 'run-opened');
    const restored = opened && opened.type === 'run-opened' ? opened.run.evals : [];
    const after = t.events.slice(lostAt).flatMap((e) => (e.type === 'eval' ? [e.point] : []));
    expect(losses([...restored, ...after])).toEqual(reference);
    expect(t.errors()).toEqual([]);
    await t.host.dispose();
  });
});
