// The Worker's export/import host without a GPU (fake IndexedDB, a small random base model):
// each format comes back as a file that reads back, unknown runs and bad uploads get a message
// and change nothing (no run saved, nothing launched), and a run JSON import is saved and
// overlaid.
import 'fake-indexeddb/auto';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { initModelParams, loraLayout, modelLayout, type KernelContext } from '../../engine/index';
import { parseExperiment } from '../config';
import type { DataAssets } from '../data/assets';
import { decodeModel } from '../export/onnx-graph';
import { parsePeftAdapter } from '../export/peft';
import { parseRunFile } from '../export/results';
import { RunHistory } from '../storage/history';
import type { SavedRun, WorkerEvent } from '../protocol';
import type { ExperimentCheckpoint } from '../run/runner';
import { expandSweep } from '../sweep/config';
import { DEFAULT_SWEEP_PRESET, SWEEP_PRESETS } from '../sweep/presets';
import { ExportHost } from './export-host';

const cfg = { vocabSize: 256, dModel: 16, nLayers: 1, nHeads: 2, nKvHeads: 1, ffnDim: 24, seqLen: 16, tieEmbeddings: true };
const config = parseExperiment({
  source: { domain: 'english' }, target: { domain: 'code' }, steps: 2, batchSize: 2, seqLen: 16, schedule: {}, seed: 1, evalInterval: 2, evalBatches: 1,
  methods: [{ id: 'full', kind: 'full', lr: 1e-3 }, { id: 'r2', kind: 'lora', rank: 2, alpha: 4, targets: ['q', 'down'], lr: 1e-2 }],
});
const lora = loraLayout(cfg, 2, ['q', 'down']);
const adapter = new Float32Array(lora.totalElements); // alignment padding stays zero, as in a real run
for (const t of lora.tensors) for (let i = 0; i < t.numel; i++) adapter[t.offset + i] = Math.cos(t.offset + i) / 10;

async function setup() {
  const h = await RunHistory.open(`export-${Math.random()}`);
  const run: SavedRun = {
    id: 'run-1', preset: 'english-code', config, createdAt: 5, updatedAt: 5, state: 'done', step: 2, checkpointStep: 2,
    methods: config.methods.map((m) => ({ id: m.id, label: m.id, kind: m.kind, trainableParams: 1, totalParams: 1, dispatchesPerStep: 1, memory: { weightBytes: 1, gradientBytes: 1, optimizerBytes: 1, activationBytes: 1 } })),
    evals: [{ step: 0, method: 'full', targetLoss: 5, sourceLoss: 2 }, { step: 0, method: 'r2', targetLoss: 5, sourceLoss: 2 }],
  };
  await h.save(run);
  const full = initModelParams(cfg, 2).flat;
  const zeros = (n: number) => new Float32Array(n);
  const ckpt = {
    config, step: 2, batcher: {} as never, evals: [], steps: [],
    methods: {
      full: { params: full, m: zeros(full.length), v: zeros(full.length), step: 2, diverged: false },
      r2: { params: adapter, m: zeros(adapter.length), v: zeros(adapter.length), step: 2, diverged: false },
    },
  } as ExperimentCheckpoint;
  await h.saveCheckpoint(run.id, ckpt);
  const events: WorkerEvent[] = [];
  let launched = 0;
  const host = new ExportHost({
    post: (e) => events.push(e), history: async () => h, baseModel: async () => ({ config: cfg, params: initModelParams(cfg, 1).flat }),
    context: async () => ({}) as KernelContext, assets: async () => ({}) as DataAssets, launch: async () => void launched++,
  });
  return { h, host, events, launched: () => launched };
}

function file(events: WorkerEvent[]) {
  const e = events.at(-1)!;
  if (e.type !== 'export-file') throw new Error(`expected a file, got ${JSON.stringify(e).slice(0, 200)}`);
  return e;
}

describe('export host', () => {
  it('exports every format of a saved run', async () => {
    const { host, events } = await setup();
    await host.handle({ type: 'export', requestId: 'a', format: 'onnx', runId: 'run-1', method: 'r2' });
    expect(file(events).name).toBe('english-code-run-1-r2-step2.onnx');
    expect(decodeModel(file(events).bytes).graph?.output?.[0].name).toBe('logits');

    await host.handle({ type: 'export', requestId: 'b', format: 'peft', runId: 'run-1', method: 'r2' });
    const z = unzipSync(file(events).bytes);
    const back = parsePeftAdapter(JSON.parse(new TextDecoder().decode(z['adapter_config.json'])), z['adapter_model.safetensors'], cfg);
    expect(back.flat).toEqual(adapter);

    await host.handle({ type: 'export', requestId: 'c', format: 'safetensors', runId: 'run-1', method: 'full' });
    expect(Object.keys(unzipSync(file(events).bytes)).sort()).toEqual(['README.md', 'config.json', 'model.safetensors']);

    await host.handle({ type: 'export', requestId: 'd', format: 'run-json', runId: 'run-1', method: null });
    expect(parseRunFile(JSON.parse(new TextDecoder().decode(file(events).bytes)), 'x').evals).toHaveLength(2);

    await host.handle({ type: 'export', requestId: 'e', format: 'onnx', runId: null, method: null });
    expect(file(events).bytes.length).toBeGreaterThan(modelLayout(cfg).paramCount * 4);
  });

  it('exports a saved sweep as JSON and CSV (one row per cell evaluation)', async () => {
    const { h, host, events } = await setup();
    const sweep = SWEEP_PRESETS[DEFAULT_SWEEP_PRESET].sweep;
    const cells = expandSweep(sweep);
    await h.saveSweep({
      id: 'sweep-1', preset: DEFAULT_SWEEP_PRESET, sweep, createdAt: 1, updatedAt: 1, state: 'done', group: 0, groups: 1, done: 1, total: 1,
      methods: [], diverged: {}, checkpointGroup: null,
      evals: [{ step: 0, method: cells[0].id, targetLoss: 5.25, sourceLoss: 1.75 }, { step: 0, method: cells[1].id, targetLoss: 5.5, sourceLoss: 1.5 }],
    });
    await host.handle({ type: 'export', requestId: 's', format: 'sweep-json', runId: 'sweep-1', method: null });
    expect(JSON.parse(new TextDecoder().decode(file(events).bytes))).toMatchObject({ format: 'lora-lab-sweep', id: 'sweep-1', sweep });
    await host.handle({ type: 'export', requestId: 't', format: 'sweep-csv', runId: 'sweep-1', method: null });
    const rows = new TextDecoder().decode(file(events).bytes).trim().split('\n');
    expect(rows).toHaveLength(3);
    expect(rows[1]).toContain(`${cells[0].id},`);
    expect(rows[1]).toContain(`,${cells[0].lr},`);
    expect(rows[1]).toContain(',0,5.25,1.75,');
  });

  it('answers a request it cannot serve with a message', async () => {
    const { host, events } = await setup();
    await host.handle({ type: 'export', requestId: 'x', format: 'peft', runId: 'run-1', method: 'full' });
    expect(events.at(-1)).toEqual({ type: 'export-error', requestId: 'x', message: 'A PEFT adapter comes from a LoRA method: choose one.' });
    await host.handle({ type: 'export', requestId: 'y', format: 'run-json', runId: 'gone', method: null });
    expect(events.at(-1)).toMatchObject({ type: 'export-error', message: /not saved/ });
    await host.handle({ type: 'export', requestId: 'z', format: 'sweep-json', runId: null, method: null });
    expect(events.at(-1)).toMatchObject({ type: 'export-error', message: /saved sweep/ });
  });

  it('refuses bad uploads and changes nothing', async () => {
    const { h, host, events, launched } = await setup();
    const before = await h.list();
    const bad = [
      { name: 'x.json', bytes: new TextEncoder().encode('{"format":"lora-lab-run","version":1') },
      { name: 'adapter_config.json', bytes: new TextEncoder().encode('{"peft_type":"LORA"}') },
    ];
    for (const f of bad) {
      await host.handle({ type: 'import-files', files: [f], config, preset: 'p', runId: 'new' });
      expect(events.at(-1)).toMatchObject({ type: 'import-result', ok: false, message: /nothing changed/ });
    }
    expect(await h.list()).toEqual(before);
    expect(launched()).toBe(0);
  });

  it('imports a run JSON as a saved run drawn to compare', async () => {
    const { h, host, events } = await setup();
    await host.handle({ type: 'export', requestId: 'd', format: 'run-json', runId: 'run-1', method: 'r2' });
    await host.handle({ type: 'import-files', files: [{ name: 'r.json', bytes: file(events).bytes }], config, preset: 'p', runId: 'imported-1' });
    expect(events.map((e) => e.type).slice(-3)).toEqual(['runs', 'compare-loaded', 'import-result']);
    expect((await h.get('imported-1'))?.config.methods.map((m) => m.id)).toEqual(['r2']);
  });
});
