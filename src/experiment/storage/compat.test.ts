// Saved data keeps opening: fixtures/saved-db.json is what a browser held after using the page
// before the experiment/ rooms were built (written by that version's own Worker hosts: a pretrained
// base, a finished run, a paused run on the student's own text and that base, a stopped sweep, the
// text, an autotune choice). Loaded into a fresh fake IndexedDB, today's modules list and read every
// record back, and the paused run and the stopped sweep resume from their checkpoints and finish
// with the losses of the same run trained without a break (exactly on the device that wrote the
// fixture, SwiftShader; within float noise on another).
import 'fake-indexeddb/auto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createKernelContext, type KernelContext } from '../../engine/index';
import { testContext } from '../../engine/testing/gpu';
import { IdbAutotuneCache } from './autotune-cache';
import { CustomTextStore } from './custom-texts';
import type { DataAssets } from '../data/assets';
import { loadAssetsFromDisk } from '../data/node-assets';
import { RunHistory } from './history';
import type { EvalPoint, WorkerEvent } from '../protocol';
import { SavedBaseStore } from './saved-bases';
import { RunHost } from '../worker/run-host';
import { SweepHost } from '../worker/sweep-host';
import { FIXTURE } from './fixtures/fixture-runs';
import { restore, type DatabaseDump } from './fixtures/idb-dump';

const { databases } = JSON.parse(readFileSync(new URL('./fixtures/saved-db.json', import.meta.url), 'utf8')) as { databases: DatabaseDump[] };

let ctx: KernelContext;
let assets: DataAssets;
beforeAll(async () => {
  for (const d of databases) await restore(indexedDB, d);
  ctx = createKernelContext((await testContext()).gpu.device);
  assets = await loadAssetsFromDisk();
});

const bases = () => SavedBaseStore.open();
const baseModel = async (name: string) => {
  if (name !== FIXTURE.savedBase) return FIXTURE.randomBase();
  const { manifest, params } = await (await bases()).get(name);
  return { config: manifest.config, params };
};

/** Losses agree exactly on the device that wrote the fixture; elsewhere to float noise. */
function expectSameLosses(got: EvalPoint[], want: EvalPoint[]) {
  const key = (e: EvalPoint) => `${e.method}@${e.step}`;
  expect(got.map(key)).toEqual(want.map(key));
  got.forEach((e, i) => {
    expect(e.targetLoss, key(e)).toBeCloseTo(want[i].targetLoss, 4);
    expect(e.sourceLoss, key(e)).toBeCloseTo(want[i].sourceLoss, 4);
  });
}

function runHost(history: Promise<RunHistory>) {
  const events: WorkerEvent[] = [];
  const host = new RunHost({
    post: (e) => void events.push(structuredClone(e)), context: async () => ctx, assets: async () => assets, baseModel,
    history: () => history, haltSweep: async () => undefined, memoryBudget: () => Infinity, lockRun: async () => () => undefined,
    customTexts: () => CustomTextStore.open(),
  });
  const until = async (runId: string, state: string) => {
    const t0 = Date.now();
    const last = () => events.filter((e) => e.type === 'state' && e.runId === runId).at(-1) as { state: string } | undefined;
    while (last()?.state !== state) {
      if (events.some((e) => e.type === 'error')) throw new Error(JSON.stringify(events.filter((e) => e.type === 'error')));
      if (Date.now() - t0 > 120_000) throw new Error(`run ${runId} never reached ${state}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  return { host, events, until };
}

function sweepHost(history: Promise<RunHistory>) {
  const events: WorkerEvent[] = [];
  const host = new SweepHost({
    post: (e) => void events.push(e), context: async () => ctx, assets: async () => assets, baseModel, history: () => history,
    haltRun: async () => undefined, memoryBudget: () => Infinity,
  });
  return { host, events };
}

describe('an IndexedDB written before the redesign', () => {
  it('lists and reads back every saved run, sweep, base, text and autotune choice', async () => {
    const h = await RunHistory.open();
    expect((await h.list()).map((r) => [r.id, r.state, r.checkpointStep])).toEqual([['run-paused', 'paused', 2], ['run-done', 'done', 6]]);
    const done = await h.get(FIXTURE.doneRunId);
    expect(done?.config).toEqual(FIXTURE.doneRun);
    expect(done?.evals.map((e) => `${e.method}@${e.step}`)).toEqual(['r2@0', 'r2@2', 'r2@4', 'r2@6']);
    const ckpt = await h.checkpoint(FIXTURE.doneRunId);
    expect(ckpt?.step).toBe(6);
    expect(ckpt?.methods.r2.params).toBeInstanceOf(Float32Array);
    expect((await h.listSweeps()).map((s) => [s.id, s.state, s.cellCount, s.checkpointGroup])).toEqual([['sweep-stopped', 'stopped', 2, 0]]);
    expect((await h.sweepCheckpoint(FIXTURE.sweepId))?.current?.step).toBe(2);
    h.close();

    const b = await bases();
    expect((await b.list()).map((m) => [m.id, m.config.dModel, m.training.steps])).toEqual([[FIXTURE.savedBase, 32, 4]]);
    expect((await b.get(FIXTURE.savedBase)).params.length).toBe((await b.list())[0].params);
    b.close();

    const texts = await CustomTextStore.open();
    expect((await texts.get(FIXTURE.customText.sha256))?.bytes).toEqual(FIXTURE.customText.bytes);
    texts.close();

    const cache = new IdbAutotuneCache();
    expect(await cache.get(FIXTURE.autotune.key)).toBe(FIXTURE.autotune.variant);
    await cache.close();
  });

  it('resumes the paused run on its saved base and text, and ends with the losses of an unbroken run', async () => {
    const history = RunHistory.open();
    const { host, events, until } = runHost(history);
    await host.handle({ type: 'open-run', id: FIXTURE.pausedRunId });
    expect(events.at(-1)).toMatchObject({ type: 'run-opened', resumable: true });
    await host.handle({ type: 'resume-run', id: FIXTURE.pausedRunId });
    await until(FIXTURE.pausedRunId, 'done');
    const resumed = (await (await history).get(FIXTURE.pausedRunId))!;
    expect(resumed.state).toBe('done');
    await host.dispose();

    const fresh = runHost(RunHistory.open(`compat-ref-${Math.random()}`));
    await fresh.host.handle({ type: 'start', config: FIXTURE.pausedRun, preset: 'fixture', runId: 'ref', customText: FIXTURE.customText });
    await fresh.until('ref', 'done');
    const ref = fresh.events.flatMap((e) => (e.type === 'eval' && e.runId === 'ref' ? [e.point] : []));
    expectSameLosses(resumed.evals, ref);
    await fresh.host.dispose();
  });

  it('resumes the stopped sweep from its checkpoint and ends with the losses of an unbroken sweep', async () => {
    const history = RunHistory.open();
    const { host, events } = sweepHost(history);
    await host.handle({ type: 'open-sweep', id: FIXTURE.sweepId });
    expect(events.at(-1)).toMatchObject({ type: 'sweep-opened', resumable: true });
    await host.handle({ type: 'sweep-resume', id: FIXTURE.sweepId });
    await host.idle();
    expect(events.filter((e) => e.type === 'sweep-error')).toEqual([]);
    const resumed = (await (await history).getSweep(FIXTURE.sweepId))!;
    expect(resumed.state).toBe('done');

    const fresh = sweepHost(RunHistory.open(`compat-ref-${Math.random()}`));
    await fresh.host.handle({ type: 'sweep-start', sweep: FIXTURE.sweep, preset: 'fixture', runId: 'ref' });
    await fresh.host.idle();
    const ref = fresh.events.flatMap((e) => (e.type === 'sweep-event' && e.event.type === 'eval' ? [e.event.point] : []));
    expectSameLosses(resumed.evals, ref);
  });
});
