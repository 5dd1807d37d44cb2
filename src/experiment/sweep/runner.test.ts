// The sweep runner on a tiny random base model (SwiftShader): a cell trained inside a lockstep group
// gets exactly the evaluations it gets alone in an ExperimentRunner with the same settings, groups run
// one after another (each destroyed before the next starts), progress counts cell-steps, and a sweep
// paused, checkpointed and restored in a fresh runner ends with the evaluations of an uninterrupted one.
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createKernelContext, initModelParams, type KernelContext } from '../../engine/index';
import { testContext } from '../../engine/testing/gpu';
import type { DataAssets } from '../data/assets';
import { loadAssetsFromDisk } from '../data/node-assets';
import type { EvalPoint } from '../protocol';
import { ExperimentRunner, type BaseModel } from '../run/runner';
import { expandSweep, parseSweep, sweepGroups } from './config';
import { sweepCheckpointFromJson, sweepCheckpointToJson, SweepRunner } from './runner';
import type { SweepEvent } from '../protocol';

const baseConfig = { vocabSize: 256, dModel: 16, nLayers: 1, nHeads: 2, nKvHeads: 1, ffnDim: 32, seqLen: 16, tieEmbeddings: true };
const base: BaseModel = { config: baseConfig, params: initModelParams(baseConfig, 5).flat };

/** 7 cells: groups of 6 and 1; LoRA with dropout so the shared dropout seed matters too. */
const sweep = parseSweep({
  source: { domain: 'english' }, target: { domain: 'code' },
  steps: 4, batchSize: 2, seqLen: 16, schedule: { kind: 'cosine', warmupSteps: 1 }, seed: 11, evalInterval: 2, evalBatches: 1,
  families: [
    { id: 'full', kind: 'full', lrs: [3e-3, 1e-2], weightDecay: 0.1 },
    { id: 'r2', kind: 'lora', rank: 2, alpha: 4, targets: ['q', 'v', 'down'], dropout: 0.1, lrs: [1e-3, 3e-3, 1e-2, 3e-2, 1e-1] },
  ],
});

const originalInit = ExperimentRunner.prototype.init;
const originalDestroy = ExperimentRunner.prototype.destroy;

let ctx: KernelContext;
let assets: DataAssets;
beforeAll(async () => {
  ctx = createKernelContext((await testContext()).gpu.device);
  assets = await loadAssetsFromDisk();
});
afterEach(() => {
  vi.restoreAllMocks();
});

const losses = (evals: readonly EvalPoint[], cell: string) => evals.filter((e) => e.method === cell).map((e) => [e.step, e.targetLoss, e.sourceLoss]);

/** The uninterrupted sweep, run once and shared by the tests. */
let whole: { evals: EvalPoint[]; events: SweepEvent[] } | null = null;
async function uninterrupted() {
  if (whole) return whole;
  const events: SweepEvent[] = [];
  const r = new SweepRunner(ctx, sweep, base, assets, (e) => events.push(e));
  expect(await r.run()).toBe('done');
  whole = { evals: r.evals.map((e) => ({ ...e })), events };
  r.destroy();
  return whole;
}

describe('sweep runner', () => {
  it('runs the groups one after another, each destroyed before the next starts, and reports cell-steps', async () => {
    const calls: string[] = [];
    vi.spyOn(ExperimentRunner.prototype, 'init').mockImplementation(function (this: ExperimentRunner) {
      calls.push(`init ${this.config.methods.length}`);
      return originalInit.call(this);
    });
    vi.spyOn(ExperimentRunner.prototype, 'destroy').mockImplementation(function (this: ExperimentRunner) {
      calls.push(`destroy ${this.config.methods.length}`);
      originalDestroy.call(this);
    });
    const { evals, events } = await (whole = null, uninterrupted());
    expect(calls).toEqual(['init 6', 'destroy 6', 'init 1', 'destroy 1']);
    expect(sweepGroups(sweep).map((g) => g.methods.length)).toEqual([6, 1]);
    for (const c of expandSweep(sweep)) expect(evals.filter((e) => e.method === c.id).map((e) => e.step), c.id).toEqual([0, 2, 4]);
    const kinds = events.map((e) => e.type);
    expect(kinds[0]).toBe('sweep-start');
    expect(kinds.filter((k) => k === 'run-start')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'sweep-state').map((e) => e.type === 'sweep-state' && `${e.state}@${e.group}`)).toEqual(['running@0', 'done@2']);
    const progress = events.flatMap((e) => (e.type === 'sweep-progress' ? [e] : []));
    expect(progress.map((p) => p.done)).toEqual([0, 6, 12, 18, 24, 25, 26, 27, 28]);
    expect(progress.every((p) => p.total === 28)).toBe(true);
    expect(progress[0].etaSeconds).toBeNull();
    expect(progress.at(-1)!.etaSeconds).toBe(0);
    expect(progress.slice(1, -1).every((p) => p.etaSeconds !== null && p.etaSeconds > 0)).toBe(true);
  });

  it('gives a cell exactly the evaluations it gets alone in an ExperimentRunner', async () => {
    const { evals } = await uninterrupted();
    const cells = expandSweep(sweep);
    for (const id of ['full-1', 'r2-2', 'r2-4']) { // group 1 (two), group 2 (alone in it)
      const cell = cells.find((c) => c.id === id)!;
      const { families: _f, ...shared } = sweep;
      const alone = new ExperimentRunner(ctx, { ...shared, methods: [cell.method] }, base, assets);
      await alone.init();
      await alone.run();
      expect(losses(evals, id), id).toEqual(losses(alone.evals, id));
      alone.destroy();
    }
    // The cells did train differently: one learning rate's evaluations are not another's.
    expect(losses(evals, 'r2-0')).not.toEqual(losses(evals, 'r2-4'));
  });

  it('pauses after the current step, and a fresh runner restored from its checkpoint ends like the uninterrupted sweep', async () => {
    const { evals } = await uninterrupted();
    // Paused mid-group 1 (18 of 28 cell-steps: step 3 of 4) and mid-group 2 (25: its step 1), through IndexedDB-like
    // structured cloning and through the CLI's JSON file.
    for (const [at, copy] of [[18, structuredClone], [25, (c: unknown) => sweepCheckpointFromJson(sweepCheckpointToJson(c as never))]] as const) {
      const states: string[] = [];
      const first: SweepRunner = new SweepRunner(ctx, sweep, base, assets, (e) => {
        if (e.type === 'sweep-progress' && e.done === at) first.pause();
        if (e.type === 'sweep-state') states.push(`${e.state}@${e.group}`);
      });
      expect(await first.run()).toBe('paused');
      expect(first.progress().done).toBe(at);
      const ckpt = copy(await first.checkpoint()) as Awaited<ReturnType<SweepRunner['checkpoint']>>;
      first.destroy();
      expect(ckpt.group).toBe(at < 24 ? 0 : 1);
      expect(ckpt.current?.step).toBe(at < 24 ? 3 : 1);

      const events: SweepEvent[] = [];
      const resumed = new SweepRunner(ctx, sweep, base, assets, (e) => events.push(e));
      await resumed.restore(ckpt);
      expect(resumed.state).toBe('paused');
      expect(resumed.progress().done).toBe(at);
      expect(await resumed.run()).toBe('done');
      expect(states).toEqual([`running@0`, `paused@${ckpt.group}`]);
      expect(resumed.evals).toEqual(evals);
      // The resumed runner reports progress from where the sweep stopped, not from zero.
      expect(events.find((e) => e.type === 'sweep-progress')).toMatchObject({ done: at, total: 28 });
      resumed.destroy();
    }
  });

  it('refuses a checkpoint of another sweep, and stops between steps', async () => {
    const r = new SweepRunner(ctx, sweep, base, assets);
    const other = { ...(await r.checkpoint()), sweep: { ...sweep, seed: 12 } };
    await expect(r.restore(other)).rejects.toThrow('checkpoint belongs to a different sweep');
    const s: SweepRunner = new SweepRunner(ctx, sweep, base, assets, (e) => {
      if (e.type === 'sweep-progress' && e.done === 6) s.stop();
    });
    expect(await s.run()).toBe('stopped');
    expect(s.progress().done).toBe(6);
    s.destroy();
    r.destroy();
  });
});
