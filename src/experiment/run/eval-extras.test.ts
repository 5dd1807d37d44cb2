// The runner's per-evaluation extras: the diversity prompt is cut where it should be, rank@90%
// of known weight changes (a rank-1-dominated full ΔW, a LoRA adapter) comes out right, and on
// the GPU every evaluation carries diversity stats in range and rank@90, reproducibly per seed,
// with LoRA r=1 on q never above rank 1 and nothing in the matrices it does not adapt.
import { beforeAll, describe, expect, it } from 'vitest';
import { createKernelContext, initModelParams, modelLayout, unpack, type KernelContext } from '../../engine/index';
import { testContext } from '../../engine/testing/gpu';
import { parseExperiment, type MethodConfig } from '../config';
import type { DataAssets } from '../data/assets';
import { loadAssetsFromDisk } from '../data/node-assets';
import { diversityPrompt, rank90Now } from './eval-extras';
import { ExperimentRunner, type BaseModel } from './runner';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: number[]) => new TextDecoder().decode(new Uint8Array(b));

const cfg = { vocabSize: 256, dModel: 16, nLayers: 1, nHeads: 2, nKvHeads: 1, ffnDim: 32, seqLen: 16, tieEmbeddings: true };
const base: BaseModel = { config: cfg, params: initModelParams(cfg, 3).flat };

describe('diversityPrompt', () => {
  it('skips separators and leading space and ends after the last whitespace within 16–24 bytes', () => {
    expect(text(diversityPrompt(bytes('\x1e\n  The quick brown fox jumps over the lazy dog')))).toBe('The quick brown fox ');
    expect(text(diversityPrompt(bytes('/**\n * @fileoverview Expose out ESLint')))).toBe('/**\n * @fileoverview ');
  });

  it('takes 24 bytes without a whitespace in range, never splitting a UTF-8 character or crossing a document end', () => {
    expect(text(diversityPrompt(bytes('abcdefghijklmnopqrstuvwxyz')))).toBe('abcdefghijklmnopqrstuvwx');
    // 23 ASCII bytes, then "é" (2 bytes) would straddle byte 24.
    expect(text(diversityPrompt(bytes('abcdefghijklmnopqrstuvwé')))).toBe('abcdefghijklmnopqrstuvw');
    expect(text(diversityPrompt(bytes('short doc\x1enext document here')))).toBe('short doc');
  });
});

describe('rank90Now', () => {
  const layout = modelLayout(cfg);
  const baseMap = unpack(layout, base.params);
  const full: MethodConfig = { id: 'full', kind: 'full', lr: 1e-3, weightDecay: 0, dropout: 0 };

  it('gives rank 1 to a full ΔW with singular values 3 and 1 (9/10 of the energy in one direction)', () => {
    const tuned = new Map([...baseMap].map(([k, v]) => [k, v.slice()]));
    const wq = tuned.get('layers.0.wq')!; // (16, 16)
    // ΔW = 3·e0·e1ᵀ + 1·e2·e3ᵀ: orthogonal rank-one parts, singular values exactly 3 and 1.
    wq[0 * 16 + 1] += 3;
    wq[2 * 16 + 3] += 1;
    // share: rank 1 of wq's 16, 0 of the other six matrices' full ranks: (1/16) / 7
    expect(rank90Now(cfg, baseMap, full, tuned)).toEqual({ attention: 1 / 4, mlp: 0, all: 1 / 7, share: 1 / 16 / 7 });
    wq[2 * 16 + 3] += 1; // now 3 and 2: 9/13 < 0.9 needs both
    expect(rank90Now(cfg, baseMap, full, tuned)?.attention).toBe(2 / 4);
  });

  it('gives a LoRA adapter at most its rank, and 0 to the matrices it does not adapt', () => {
    const lora: MethodConfig = { id: 'r2', kind: 'lora', rank: 2, alpha: 4, targets: ['v', 'up'], scaling: 'standard', dropout: 0, lr: 1e-2, weightDecay: 0 };
    const adapters = new Map<string, Float32Array>();
    let seed = 1;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
    adapters.set('layers.0.v.lora_A', Float32Array.from({ length: 2 * 16 }, rand));
    adapters.set('layers.0.v.lora_B', Float32Array.from({ length: 8 * 2 }, rand));
    adapters.set('layers.0.up.lora_A', Float32Array.from({ length: 2 * 16 }, rand));
    adapters.set('layers.0.up.lora_B', new Float32Array(32 * 2)); // B = 0: no change yet
    const r = rank90Now(cfg, baseMap, lora, adapters)!;
    expect(r.mlp).toBe(0);
    expect(r.attention).toBeGreaterThan(0);
    expect(r.attention).toBeLessThanOrEqual(2 / 4);
  });

  it('returns null for a non-finite ΔW', () => {
    const tuned = new Map([...baseMap].map(([k, v]) => [k, v.slice()]));
    tuned.get('layers.0.w_up')![5] = Number.NaN;
    expect(rank90Now(cfg, baseMap, full, tuned)).toBeNull();
  });
});

describe('evaluation extras on the GPU', () => {
  let ctx: KernelContext;
  let assets: DataAssets;
  beforeAll(async () => {
    ctx = createKernelContext((await testContext()).gpu.device);
    assets = await loadAssetsFromDisk();
  });

  const config = parseExperiment({
    source: { domain: 'english' }, target: { domain: 'code' },
    methods: [
      { id: 'full', kind: 'full', lr: 1e-2 },
      { id: 'r1', kind: 'lora', rank: 1, alpha: 2, targets: ['q'], lr: 3e-2 },
    ],
    steps: 2, batchSize: 2, seqLen: 16, schedule: { kind: 'constant' }, seed: 5, evalInterval: 1, evalBatches: 1,
    diversity: { samples: 3, length: 5, temperature: 1 },
  });

  async function evals() {
    const r = new ExperimentRunner(ctx, config, base, assets);
    await r.init();
    await r.run();
    r.destroy();
    return r.evals;
  }

  it('attaches diversity in [0, 1] and rank90 at every evaluation, the same for the same seed', async () => {
    const a = await evals();
    expect(a.map((e) => `${e.step}:${e.method}`)).toEqual(['0:full', '0:r1', '1:full', '1:r1', '2:full', '2:r1']);
    for (const e of a) {
      const d = e.diversity!;
      for (const v of [d.distinctShare, d.distinct1, d.distinct2, d.distinct3]) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
      expect(d.entropy).toBeGreaterThan(0);
      expect(d.entropy).toBeLessThanOrEqual(Math.log(256) + 1e-6);
      expect(d.samples).toHaveLength(3);
      expect(e.rank90).toBeDefined();
    }
    // Step 0 is the base model for both methods: same samples, no weight change.
    expect(a[0].diversity).toEqual(a[1].diversity);
    expect(a[0].rank90).toEqual({ attention: 0, mlp: 0, all: 0, share: 0 });
    const last = a.filter((e) => e.step === 2);
    expect(last[1].rank90!.attention).toBeGreaterThan(0);
    expect(last[1].rank90!.attention).toBeLessThanOrEqual(1);
    expect(last[1].rank90!.mlp).toBe(0);
    // Adam's sign-like updates change every entry: full fine-tuning's ΔW is far from rank 1.
    expect(last[0].rank90!.all).toBeGreaterThan(1);
    expect(await evals()).toEqual(a);
  });
});
