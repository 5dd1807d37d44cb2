// The Worker's analysis commands on a tiny finished run (GPU, SwiftShader in Node): `generate`
// gives the base model and every method `count` completions with stats, the same for the same
// seed; `spectra` gives LoRA r=1 rank ≤ 1 on the matrices it adapts and 0 elsewhere, full
// fine-tuning every matrix plus the embedding, and random references with the reference's norm.
import { beforeAll, describe, expect, it } from 'vitest';
import { createKernelContext, initModelParams, type KernelContext } from '../../engine/index';
import { testContext } from '../../engine/testing/gpu';
import { parseExperiment } from '../config';
import type { DataAssets } from '../data/assets';
import { loadAssetsFromDisk } from '../data/node-assets';
import type { RunHistory } from '../storage/history';
import type { GenerationsResult, SpectraResult, WorkerEvent } from '../protocol';
import { ExperimentRunner, type BaseModel } from '../run/runner';
import { AnalysisHost } from './analysis-host';

const cfg = { vocabSize: 256, dModel: 16, nLayers: 1, nHeads: 2, nKvHeads: 1, ffnDim: 32, seqLen: 16, tieEmbeddings: true };
const base: BaseModel = { config: cfg, params: initModelParams(cfg, 3).flat };
const config = parseExperiment({
  source: { domain: 'english' }, target: { domain: 'code' },
  methods: [
    { id: 'full', kind: 'full', lr: 1e-2 },
    { id: 'r1', kind: 'lora', rank: 1, alpha: 2, targets: ['q', 'up'], lr: 3e-2 },
  ],
  steps: 3, batchSize: 2, seqLen: 16, schedule: { kind: 'constant' }, seed: 5, evalInterval: 3, evalBatches: 1,
});

let ctx: KernelContext;
let assets: DataAssets;
let runner: ExperimentRunner;
let events: WorkerEvent[];
let host: AnalysisHost;

beforeAll(async () => {
  ctx = createKernelContext((await testContext()).gpu.device);
  assets = await loadAssetsFromDisk();
  runner = new ExperimentRunner(ctx, config, base, assets);
  await runner.init();
  await runner.run();
  events = [];
  host = new AnalysisHost({
    post: (e) => events.push(e), context: async () => ctx, baseModel: async () => base,
    history: async () => ({ checkpoint: async () => undefined }) as unknown as RunHistory,
    live: () => ({ runner, runId: 'run-1' }),
  });
});

const gen = { type: 'generate', runId: null, prompt: 'the ', temperature: 1, topK: 0, topP: 1, count: 3, length: 5, seed: 9 } as const;

describe('analysis commands', () => {
  it('generates for the base model and every method, reproducibly', async () => {
    await host.handle(gen);
    await host.handle(gen);
    const [a, b] = events.splice(0).map((e) => (e as { result: GenerationsResult }).result);
    expect(a.step).toBe(3);
    expect(a.models.map((m) => m.id)).toEqual(['base', 'full', 'r1']);
    for (const m of a.models) {
      expect(m.completions).toHaveLength(3);
      expect(m.runtime).toBe('engine (WebGPU)');
      expect(m.stats.distinctShare).toBeGreaterThan(0);
      expect(m.stats.entropy).toBeGreaterThan(0);
    }
    expect(b.models).toEqual(a.models);
  });

  it('refuses an empty prompt without touching the run', async () => {
    await host.handle({ ...gen, prompt: '' });
    const [e] = events.splice(0);
    expect(e).toMatchObject({ type: 'analysis-error', command: 'generate' });
  });

  it('gives spectra with LoRA rank ≤ r on adapted matrices, 0 elsewhere, and matched-norm random references', async () => {
    await host.handle({ type: 'spectra', runId: null });
    const [e] = events.splice(0);
    const r = (e as { result: SpectraResult }).result;
    const [full, lora] = r.methods;
    expect(full.spectra.map((s) => s.name)).toEqual([
      'layers.0.wq', 'layers.0.wk', 'layers.0.wv', 'layers.0.wo', 'layers.0.w_gate', 'layers.0.w_up', 'layers.0.w_down', 'wte',
    ]);
    expect(lora.spectra.map((s) => s.name)).not.toContain('wte');
    for (const s of lora.spectra) {
      if (s.proj === 'q' || s.proj === 'up') expect(s.rank90).toBe(1);
      else expect(s.rank90).toBe(0);
    }
    expect(full.spectra.find((s) => s.proj === 'gate')!.rank90).toBeGreaterThan(1);
    expect(r.references).toHaveLength(8);
    for (const [i, ref] of r.references.entries()) {
      const energy = ref.singular.reduce((a, s) => a + s * s, 0);
      expect(Math.sqrt(energy)).toBeCloseTo(full.spectra[i].frobenius, 6);
      expect(ref.normOf).toBe('full');
    }
  });
});
