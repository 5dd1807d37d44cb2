// Saved runs: save, list newest first, checkpoint round trip with typed arrays, delete.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { PRESETS } from './config';
import { RunHistory, type SavedRun } from './history';
import type { ExperimentCheckpoint } from './runner';

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
