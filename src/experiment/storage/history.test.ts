// Saved runs and sweeps: save, list newest first, checkpoint round trip with typed arrays,
// delete; the version-2 upgrade keeps the runs a version-1 database already holds; each run's
// stored size; the quota test hook aborts writes and leaves the last good copy; and a newer
// version opened in another tab is never blocked by this connection.
import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../config';
import { RunHistory, storedBytes } from './history';
import type { SavedRun, SavedSweep } from '../protocol';
import type { ExperimentCheckpoint } from '../run/runner';
import type { SweepCheckpoint } from '../sweep/runner';
import type { SweepConfig } from '../sweep/config';

const run = (id: string): SavedRun => ({
  id, preset: 'english-code', config: PRESETS['english-code'].config, createdAt: 1, updatedAt: 1, state: 'running', step: 3,
  methods: [{ id: 'full', label: 'Full', kind: 'full', trainableParams: 1, totalParams: 1, dispatchesPerStep: 1, memory: { weightBytes: 4, gradientBytes: 4, optimizerBytes: 8, activationBytes: 4 } }],
  evals: [{ step: 0, method: 'full', targetLoss: 3, sourceLoss: 2 }], checkpointStep: null,
});

describe('run history', () => {
  it('saves, lists newest first, restores checkpoints exactly and deletes', async () => {
    const h = await RunHistory.open(`test-${Math.random()}`);
    await h.save(run('a'));
    await new Promise((r) => setTimeout(r, 5));
    await h.save(run('b'));
    expect((await h.list()).map((r) => r.id)).toEqual(['b', 'a']);
    const ckpt: ExperimentCheckpoint = {
      config: PRESETS['english-code'].config, step: 3, batcher: { seed: 1, batchSize: 8, seqLen: 64, step: 3, rng: 12345 },
      methods: { full: { params: new Float32Array([1.5, -2, Math.PI]), m: new Float32Array(3), v: new Float32Array(3), step: 3, diverged: false } },
      evals: [], steps: [],
    };
    await h.saveCheckpoint('a', ckpt);
    const back = await h.checkpoint('a');
    expect(back?.methods.full.params).toEqual(new Float32Array([1.5, -2, Math.PI]));
    expect((await h.get('a'))?.checkpointStep).toBe(3);
    await h.delete('a');
    expect(await h.get('a')).toBeUndefined();
    expect(await h.checkpoint('a')).toBeUndefined();
    expect((await h.list()).map((r) => r.id)).toEqual(['b']);
    h.close();
  });
});

const sweepConfig = {
  version: 1, base: 'base', source: { domain: 'english' }, target: { domain: 'code' }, steps: 4, batchSize: 2, seqLen: 16,
  schedule: { kind: 'constant', warmupSteps: 0 }, maxGradNorm: 1, seed: 1, evalInterval: 2, evalBatches: 1,
  diversity: { samples: 0, length: 24, temperature: 1 },
  families: [
    { id: 'full', kind: 'full', lrs: [1e-3, 3e-3], weightDecay: 0, dropout: 0 },
    { id: 'r4', kind: 'lora', lrs: [1e-3, 3e-3, 1e-2], rank: 4, alpha: 8, targets: ['q', 'v'], scaling: 'standard', dropout: 0, weightDecay: 0 },
  ],
} as unknown as SweepConfig;

const savedSweep = (id: string): SavedSweep => ({
  id, preset: 'tiny', sweep: sweepConfig, createdAt: 1, updatedAt: 1, state: 'running', group: 0, groups: 1, done: 4, total: 20,
  methods: [], evals: [{ step: 0, method: 'full-0', targetLoss: 5, sourceLoss: 1.8 }], diverged: { 'r4-2': 3 }, checkpointGroup: null,
});

describe('sweep history', () => {
  it('saves, lists newest first with the cell count, restores checkpoints exactly and deletes', async () => {
    const h = await RunHistory.open(`test-${Math.random()}`);
    await h.saveSweep(savedSweep('s1'));
    await new Promise((r) => setTimeout(r, 5));
    await h.saveSweep(savedSweep('s2'));
    const list = await h.listSweeps();
    expect(list.map((s) => s.id)).toEqual(['s2', 's1']);
    expect(list[0].cellCount).toBe(5);
    expect(list[0]).not.toHaveProperty('evals');
    const ckpt: SweepCheckpoint = {
      sweep: sweepConfig, group: 1, evals: [{ step: 2, method: 'r4-0', targetLoss: 4, sourceLoss: 1.9 }], diverged: ['r4-2'], methods: [],
      current: {
        config: PRESETS['english-code'].config, step: 2, batcher: { seed: 1, batchSize: 2, seqLen: 16, step: 2, rng: 99 },
        methods: { 'r4-0': { params: new Float32Array([0.25, -1, Math.E]), m: new Float32Array(3), v: new Float32Array(3), step: 2, diverged: false } },
        evals: [], steps: [],
      },
    };
    await h.saveSweepCheckpoint('s1', ckpt);
    const back = await h.sweepCheckpoint('s1');
    expect(back?.current?.methods['r4-0'].params).toEqual(new Float32Array([0.25, -1, Math.E]));
    expect(back?.diverged).toEqual(['r4-2']);
    const s1 = await h.getSweep('s1');
    expect(s1?.checkpointGroup).toBe(1);
    expect(s1?.diverged).toEqual({ 'r4-2': 3 });
    await h.deleteSweep('s1');
    expect(await h.getSweep('s1')).toBeUndefined();
    expect(await h.sweepCheckpoint('s1')).toBeUndefined();
    expect((await h.listSweeps()).map((s) => s.id)).toEqual(['s2']);
    // Runs and sweeps live in separate stores.
    expect(await h.list()).toEqual([]);
    h.close();
  });

  it('upgrading a version-1 database keeps its saved runs and checkpoints', async () => {
    const name = `test-v1-${Math.random()}`;
    const v1 = await openDB(name, 1, {
      upgrade(d) {
        d.createObjectStore('runs', { keyPath: 'id' }).createIndex('updatedAt', 'updatedAt');
        d.createObjectStore('checkpoints');
      },
    });
    await v1.put('runs', run('old'));
    await v1.put('checkpoints', { step: 3, marker: 'kept' }, 'old');
    v1.close();
    const h = await RunHistory.open(name);
    expect((await h.list()).map((r) => r.id)).toEqual(['old']);
    // A record from before sizes were kept: its size is the record's own (no checkpoint size known).
    expect((await h.list())[0].bytes).toBe(JSON.stringify(run('old')).length);
    expect((await h.get('old'))?.evals).toEqual(run('old').evals);
    expect(await h.checkpoint('old')).toEqual({ step: 3, marker: 'kept' });
    await h.saveSweep(savedSweep('new'));
    expect((await h.listSweeps()).map((s) => s.id)).toEqual(['new']);
    h.close();
  });
});

const bigCheckpoint = (step: number): ExperimentCheckpoint => ({
  config: PRESETS['english-code'].config, step, batcher: { seed: 1, batchSize: 8, seqLen: 64, step, rng: 1 },
  methods: { full: { params: new Float32Array(10_000).fill(step), m: new Float32Array(10_000), v: new Float32Array(10_000), step, diverged: false } },
  evals: [], steps: [],
});

describe('stored sizes', () => {
  it('counts typed arrays by their bytes and the rest by its JSON length', () => {
    expect(storedBytes({ a: new Float32Array(4) })).toBe(16 + '{"a":0}'.length);
    expect(storedBytes({ a: [1, 2], b: 'xy' })).toBe('{"a":[1,2],"b":"xy"}'.length);
    expect(storedBytes({ m: { p: new Float64Array(2), q: new Uint8Array(5) } })).toBe(16 + 5 + '{"m":{"p":0,"q":0}}'.length);
  });

  it('a run lists with the size of its record and its checkpoint, and later saves keep the checkpoint fields', async () => {
    const h = await RunHistory.open(`test-${Math.random()}`);
    await h.save(run('a'));
    const record = JSON.stringify({ ...run('a'), updatedAt: Date.now() }).length;
    const before = (await h.list())[0].bytes;
    expect(Math.abs(before - record)).toBeLessThanOrEqual(2);
    await h.saveCheckpoint('a', bigCheckpoint(3));
    // Three Float32Array(10000): 120,000 bytes, plus the checkpoint's JSON and the recorded fields.
    const after = (await h.list())[0].bytes;
    expect(after - before).toBeGreaterThan(120_000);
    expect(after - before).toBeLessThan(125_000);
    // The Worker saves the run object it holds, whose checkpoint fields may be stale: the stored ones win.
    await h.save({ ...run('a'), state: 'paused' });
    const saved = await h.get('a');
    expect(saved?.state).toBe('paused');
    expect(saved?.checkpointStep).toBe(3);
    // ('paused' is one character shorter than 'running'.)
    expect((await h.list())[0].bytes).toBe(after - 1);
    h.close();
  });
});

describe('faults', () => {
  it('the quota hook aborts every write (the last good copy stays) but lets deletes through', async () => {
    const h = await RunHistory.open(`test-${Math.random()}`);
    await h.save(run('a'));
    await h.saveCheckpoint('a', bigCheckpoint(2));
    await h.save(run('b'));
    h.injectQuotaFault();
    await expect(h.save({ ...run('a'), state: 'done', step: 9 })).rejects.toMatchObject({ name: 'QuotaExceededError' });
    await expect(h.saveCheckpoint('a', bigCheckpoint(4))).rejects.toMatchObject({ name: 'QuotaExceededError' });
    await expect(h.saveSweep(savedSweep('s'))).rejects.toMatchObject({ name: 'QuotaExceededError' });
    expect((await h.get('a'))?.state).toBe('running');
    expect((await h.get('a'))?.checkpointStep).toBe(2);
    expect((await h.checkpoint('a'))?.step).toBe(2);
    expect(await h.listSweeps()).toEqual([]);
    await h.delete('b');
    expect((await h.list()).map((r) => r.id)).toEqual(['a']);
    h.close();
  });

  it('closes itself when another tab opens a newer version, so that tab is not blocked', async () => {
    const name = `test-${Math.random()}`;
    const closed: string[] = [];
    const h = await RunHistory.open(name, { closed: (why) => closed.push(why) });
    await h.save(run('a'));
    const newer = await Promise.race([
      openDB(name, 3),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error('blocked by the older connection')), 3000)),
    ]);
    expect(h.closed).toMatch(/newer version/);
    expect(closed).toEqual([h.closed]);
    expect(((await newer.get('runs', 'a')) as SavedRun).evals).toEqual(run('a').evals);
    await expect(h.save(run('c'))).rejects.toMatchObject({ name: 'InvalidStateError' });
    newer.close();
  });
});
