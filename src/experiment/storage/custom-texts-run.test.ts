// A run on the student's own text through the Worker's run host (Dawn on SwiftShader, fake
// IndexedDB, a tiny random base): Start carries the text and stores it, the runner trains and
// evaluates on it (the source loss is the code run's, the target loss is not), a reload-style
// resume reads it back from the store, a missing text is a clear error naming the file, and
// deleting the last run that uses a text deletes the text.
import 'fake-indexeddb/auto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createKernelContext, initModelParams, type KernelContext } from '../../engine/index';
import { testContext } from '../../engine/testing/gpu';
import { CommandQueue } from '../worker/command-queue';
import { parseExperiment } from '../config';
import { CustomTextStore } from './custom-texts';
import type { DataAssets } from '../data/assets';
import { validateCustomText } from '../data/custom-text';
import { loadAssetsFromDisk } from '../data/node-assets';
import { RunHistory } from './history';
import type { EvalPoint, WorkerCommand, WorkerEvent } from '../protocol';
import type { BaseModel } from '../run/runner';
import { RunHost, type RunCommand } from '../worker/run-host';

const baseConfig = { vocabSize: 256, dModel: 16, nLayers: 1, nHeads: 2, nKvHeads: 1, ffnDim: 32, seqLen: 16, tieEmbeddings: true };
const base: BaseModel = { config: baseConfig, params: initModelParams(baseConfig, 3).flat };
const poem = validateCustomText('Roses are red, violets are blue, gradients flow down, and so do you.\n'.repeat(8), 'poem.txt', { batchSize: 2, seqLen: 16 });
if (!poem.ok) throw new Error(poem.error.message);
const text = poem.text;
const shared = {
  source: { domain: 'english' }, methods: [{ id: 'r2', kind: 'lora', rank: 2, alpha: 4, targets: ['q', 'v'], lr: 1e-2 }],
  steps: 2, batchSize: 2, seqLen: 16, schedule: { kind: 'constant' }, seed: 5, evalInterval: 1, evalBatches: 1,
};
const custom = parseExperiment({ ...shared, target: { domain: 'custom', name: 'poem.txt', sha256: text.sha256, bytes: text.bytes.length } });
const code = parseExperiment({ ...shared, target: { domain: 'code' } });

let ctx: KernelContext;
let assets: DataAssets;
beforeAll(async () => {
  ctx = createKernelContext((await testContext()).gpu.device);
  assets = await loadAssetsFromDisk();
});

async function setup() {
  const h = await RunHistory.open(`custom-run-${Math.random()}`);
  const store = await CustomTextStore.open(`custom-texts-${Math.random()}`);
  const events: WorkerEvent[] = [];
  const host = new RunHost({
    post: (e) => void events.push(structuredClone(e)), context: async () => ctx, assets: async () => assets, baseModel: async () => base,
    history: async () => h, haltSweep: async () => undefined, memoryBudget: () => Infinity, lockRun: async () => () => undefined,
    customTexts: async () => store,
  });
  const queue = new CommandQueue();
  const send = (cmd: RunCommand) => {
    host.interrupt(cmd as WorkerCommand);
    return queue.enqueue(() => host.handle(cmd));
  };
  const until = async (pred: () => boolean) => {
    const t0 = Date.now();
    while (!pred()) {
      if (Date.now() - t0 > 120_000) throw new Error(`timed out; events: ${events.map((e) => e.type).join(',')}`);
      await new Promise((done) => setTimeout(done, 5));
    }
  };
  const evals = (runId: string) => events.flatMap((e) => (e.type === 'eval' && e.runId === runId ? [e.point] : []));
  const state = (runId: string) => events.filter((e) => e.type === 'state' && e.runId === runId).at(-1) as { state: string } | undefined;
  return { h, store, host, events, send, until, evals, state };
}

const at0 = (points: EvalPoint[]) => points.find((p) => p.step === 0)!;

describe('run host: your own target text', () => {
  it('trains on a text Start carries, stores it, and evaluates the source as before', async () => {
    const t = await setup();
    await t.send({ type: 'start', config: code, preset: 'test', runId: 'code' });
    await t.until(() => t.state('code')?.state === 'done');
    await t.send({ type: 'start', config: custom, preset: 'test', runId: 'mine', customText: { name: text.name, sha256: text.sha256, bytes: text.bytes } });
    await t.until(() => t.state('mine')?.state === 'done');
    expect(t.events.filter((e) => e.type === 'error')).toEqual([]);
    expect(t.evals('mine').map((p) => p.step)).toEqual([0, 1, 2]);
    // Same base, same source text: identical forgetting at step 0; a different target: a different learning loss.
    expect(at0(t.evals('mine')).sourceLoss).toBe(at0(t.evals('code')).sourceLoss);
    expect(Math.abs(at0(t.evals('mine')).targetLoss - at0(t.evals('code')).targetLoss)).toBeGreaterThan(1e-4);
    expect((await t.store.get(text.sha256))?.bytes).toEqual(text.bytes);
    expect((await t.h.get('mine'))?.config.target).toEqual(custom.target);
    await t.host.dispose();
  });

  it('reads the text back from the store (after a reload), and says to paste it when it is gone', async () => {
    const t = await setup();
    await t.store.put(text);
    await t.send({ type: 'start', config: custom, preset: 'test', runId: 'again' });
    await t.until(() => t.state('again')?.state === 'done');
    expect(t.events.filter((e) => e.type === 'error')).toEqual([]);
    // Deleting a run deletes its text once no other saved run uses it.
    await t.send({ type: 'delete-run', id: 'again' });
    expect(await t.store.get(text.sha256)).toBeNull();
    await t.send({ type: 'start', config: custom, preset: 'test', runId: 'missing' });
    const errors = t.events.filter((e) => e.type === 'error');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ runId: 'missing' });
    expect((errors[0] as { message: string }).message).toContain('The target text "poem.txt"');
    expect((errors[0] as { message: string }).message).toContain('Paste the same text again');
    expect(await t.h.get('missing')).toBeUndefined();
    expect(t.host.runner).toBeNull();
  });
});
