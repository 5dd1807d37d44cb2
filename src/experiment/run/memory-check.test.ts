// The memory check without a GPU: fake device limits and budgets around sizes worked out by hand
// for a small byte-level model, the messages (which limit, which buffer, what to lower, by how
// much), the evaluation's extra buffers, sweeps (the largest group decides) and formatBytes.
import { describe, expect, it } from 'vitest';
import { estimateRunMemory, type LlamaConfig } from '../../engine/index';
import { parseExperiment, PRESETS, type ExperimentConfig, type ExperimentInput } from '../config';
import {
  checkExperimentFits, DEFAULT_MEMORY_BUDGET, estimateAnalysisMemory, estimateExperimentMemory, formatBytes,
} from './memory-check';
import { checkSweepFits } from '../sweep/fits';
import { methodRunOptions } from './runner';
import { parseSweep } from '../sweep/config';

// V 256, C 16, one layer, 2 heads of 8, 1 KV head, F 32, tied embeddings.
const BASE: LlamaConfig = { vocabSize: 256, dModel: 16, nLayers: 1, nHeads: 2, nKvHeads: 1, ffnDim: 32, seqLen: 16, tieEmbeddings: true };
// wte 256×16 + attn_norm 16→64 + wq 16×16 + wk 8×16→128 + wv 128 + wo 256 + mlp_norm 64 + 3 × 32×16 + final_norm 64 (floats, padded to 64).
const PARAMS = 4096 + 64 + 256 + 128 + 128 + 256 + 64 + 3 * 512 + 64;
const HUGE = { maxBufferSize: 2 ** 40, maxStorageBufferBindingSize: 2 ** 40 };

function experiment(extra: Partial<ExperimentInput> = {}): ExperimentConfig {
  return parseExperiment({
    source: { domain: 'english' }, target: { domain: 'code' }, steps: 4, batchSize: 8, seqLen: 16,
    schedule: { kind: 'constant' }, seed: 1, evalInterval: 2, evalBatches: 1,
    methods: [{ id: 'full', kind: 'full', lr: 1e-3 }],
    ...extra,
  });
}
const lora = (id: string, rank: number) => ({ id, kind: 'lora' as const, lr: 1e-2, rank, alpha: 2 * rank, targets: ['q', 'v'] as ('q' | 'v')[] });

describe('formatBytes', () => {
  it('uses binary units with at most three significant digits', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(12.34 * 2 ** 20)).toBe('12.3 MiB');
    expect(formatBytes(300 * 2 ** 20)).toBe('300 MiB');
    expect(formatBytes(1.5 * 2 ** 30)).toBe('1.5 GiB');
    expect(formatBytes(DEFAULT_MEMORY_BUDGET)).toBe('1 GiB');
  });
});

describe('estimateExperimentMemory', () => {
  it('counts every method, plus one checkpoint copy (weights and both moments) of the largest', () => {
    const c = experiment({ methods: [{ id: 'full', kind: 'full', lr: 1e-3, weightDecay: 0, dropout: 0 }, { ...lora('r2', 2), scaling: 'standard', dropout: 0, weightDecay: 0 }] });
    const runs = c.methods.map((m) => estimateRunMemory(methodRunOptions(m, c, BASE)).totalBytes);
    const mem = estimateExperimentMemory(c, BASE);
    expect(mem.evalBytes).toBe(3 * PARAMS * 4); // no generation at evaluation: only the checkpoint copy
    expect(mem.totalBytes).toBe(runs[0] + runs[1] + 3 * PARAMS * 4);
    // Full fine-tuning: params and grads of the whole model; LoRA r2 on q, v of one layer: A (2×16) and B (16×2, 8×2), each padded to 64 floats,
    // and (no dropout) the merged weights W + s·B·A of q (16×16) and v (8×16) that its matmuls use.
    expect(mem.byCategory.weights).toBe((PARAMS + PARAMS + 4 * 64 + 16 * 16 + 8 * 16) * 4);
    expect(mem.byCategory.gradients).toBe((PARAMS + 4 * 64) * 4);
  });

  it('adds a (B, V) readback per method when evaluation generates (diversity samples, math answers)', () => {
    const off = experiment({ methods: [lora('a', 1), lora('b', 4)].map((m) => ({ ...m, scaling: 'standard' as const, dropout: 0, weightDecay: 0 })) });
    const on = { ...off, diversity: { samples: 4, length: 8, temperature: 1 } };
    const math = { ...off, target: { domain: 'math' as const } };
    const base = estimateExperimentMemory(off, BASE).totalBytes;
    expect(estimateExperimentMemory(on, BASE).totalBytes - base).toBe(2 * 8 * 256 * 4);
    expect(estimateExperimentMemory(math, BASE).totalBytes - base).toBe(2 * 8 * 256 * 4);
  });
});

describe('checkExperimentFits', () => {
  it('fits when the limits and the budget are large enough', () => {
    const c = experiment();
    const total = estimateExperimentMemory(c, BASE).totalBytes;
    expect(checkExperimentFits(c, BASE, HUGE, total)).toEqual({ ok: true, totalBytes: total });
  });

  it('refuses a buffer over maxStorageBufferBindingSize, names it and the batch size and sequence length that fit', () => {
    // logits: B·T·V·4 = 8·16·256·4 = 128 KiB, the largest buffer; a 64 KiB binding limit fits B·T ≤ 64.
    const r = checkExperimentFits(experiment(), BASE, { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 65536 }, 2 ** 30);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.message).toContain('the largest buffer, logits (B×T×V = 8×16×256), needs 128 KiB but this GPU allows 64 KiB per buffer (maxStorageBufferBindingSize)');
    expect(r.message).toContain('lower the batch size to 4, or the sequence length to 8');
    expect(r.message).not.toContain('method');
  });

  it('names maxBufferSize when that is the smaller limit', () => {
    const r = checkExperimentFits(experiment(), BASE, { maxBufferSize: 65536, maxStorageBufferBindingSize: 2 ** 30 }, 2 ** 30);
    expect(!r.ok && r.message).toContain('allows 64 KiB per buffer (maxBufferSize)');
  });

  it('says the base model itself is too large when its weights exceed the limit', () => {
    // The weights buffer is PARAMS·4 = 26.5 KiB; logits at B 1, T 8 is 8 KiB.
    const r = checkExperimentFits(experiment({ batchSize: 1, seqLen: 8 }), BASE, { maxBufferSize: 2 ** 30, maxStorageBufferBindingSize: 16384 }, 2 ** 30);
    expect(!r.ok && r.message).toContain(`the model's weights, needs ${formatBytes(PARAMS * 4)} but this GPU allows 16 KiB per buffer`);
    expect(!r.ok && r.message).toContain('This base model is too large for this GPU.');
  });

  it('refuses a config over the budget, names the budget and the tightest changes that fit', () => {
    const c = experiment({ batchSize: 16 });
    const total = estimateExperimentMemory(c, BASE).totalBytes;
    const budget = Math.floor(total * 0.75);
    const r = checkExperimentFits(c, BASE, HUGE, budget);
    expect(r).toMatchObject({ ok: false, totalBytes: total });
    if (r.ok) return;
    expect(r.message).toContain(`needs ${formatBytes(total)} of GPU memory, more than the memory budget of ${formatBytes(budget)}`);
    const b = Number(/batch size to (\d+)/.exec(r.message)?.[1]);
    const t = Number(/sequence length to (\d+)/.exec(r.message)?.[1]);
    // Each suggestion fits, and one more does not: it is the tightest.
    expect(checkExperimentFits({ ...c, batchSize: b }, BASE, HUGE, budget).ok).toBe(true);
    expect(checkExperimentFits({ ...c, batchSize: b + 1 }, BASE, HUGE, budget).ok).toBe(false);
    expect(checkExperimentFits({ ...c, seqLen: t }, BASE, HUGE, budget).ok).toBe(true);
    expect(checkExperimentFits({ ...c, seqLen: t + 1 }, BASE, HUGE, budget).ok).toBe(false);
  });

  it('puts fewer methods first when weights, gradients and optimizer state dominate', () => {
    // Four full fine-tunings at B 1, T 8: four copies of the model with gradients and two moments, tiny activations.
    const full = (id: string) => ({ id, kind: 'full' as const, lr: 1e-3 });
    const c = experiment({ batchSize: 1, seqLen: 8, methods: [full('a'), full('b'), full('c'), full('d')] as ExperimentConfig['methods'] });
    const two = estimateExperimentMemory({ ...c, methods: c.methods.slice(0, 2) }, BASE).totalBytes;
    const r = checkExperimentFits(c, BASE, HUGE, two);
    expect(!r.ok && r.message).toMatch(/To fit: train at most 2 methods at once\.$/);
  });

  it('suggests a lower LoRA rank when the adapters are what does not fit', () => {
    const c = experiment({ batchSize: 1, seqLen: 8, methods: [{ ...lora('r64', 64), targets: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] }] as ExperimentConfig['methods'] });
    const r16 = { ...c, methods: c.methods.map((m) => ({ ...m, rank: 16 })) } as ExperimentConfig;
    const budget = estimateExperimentMemory(r16, BASE).totalBytes;
    const r = checkExperimentFits(c, BASE, HUGE, budget);
    expect(!r.ok && r.message).toContain('lower the LoRA rank to 16');
  });

  it('the presets fit the default budget with WebGPU\'s default limits (128 MiB per binding, 256 MiB per buffer)', () => {
    const shipped: LlamaConfig = { vocabSize: 256, dModel: 64, nLayers: 2, nHeads: 4, nKvHeads: 2, ffnDim: 192, seqLen: 64, tieEmbeddings: true };
    const limits = { maxBufferSize: 256 * 2 ** 20, maxStorageBufferBindingSize: 128 * 2 ** 20 };
    for (const [name, p] of Object.entries(PRESETS)) expect(checkExperimentFits(p.config, shipped, limits, DEFAULT_MEMORY_BUDGET).ok, name).toBe(true);
  });
});

describe('estimateAnalysisMemory', () => {
  it('is the largest inference run: the base model as a full run of 8 rows at the longest sequence, with its (8, V) readback', () => {
    const c = experiment({ seqLen: 8, methods: [lora('r4', 4)] as ExperimentInput['methods'] });
    const baseRun = estimateRunMemory({ config: BASE, batchSize: 8, seqLen: 16, mode: 'full', seed: 1 }).totalBytes;
    expect(estimateAnalysisMemory(c, BASE)).toBe(baseRun + 8 * 256 * 4);
  });
});

describe('checkSweepFits', () => {
  // 8 cells of full fine-tuning: groups of 6 and 2.
  const sweep = parseSweep({
    source: { domain: 'english' }, target: { domain: 'code' }, steps: 4, batchSize: 2, seqLen: 8,
    schedule: { kind: 'constant' }, seed: 1, evalInterval: 2, evalBatches: 1,
    families: [{ id: 'full', kind: 'full', lrs: [1e-4, 2e-4, 3e-4, 4e-4, 5e-4, 6e-4, 7e-4, 8e-4] }],
  });
  const group = (n: number) => experiment({
    batchSize: 2, seqLen: 8, methods: Array.from({ length: n }, (_, i) => ({ id: `full-${i}`, kind: 'full' as const, lr: 1e-4 })),
  });

  it('the largest group (6 cells) decides', () => {
    const six = estimateExperimentMemory(group(6), BASE).totalBytes;
    expect(checkSweepFits(sweep, BASE, HUGE, six)).toEqual({ ok: true, totalBytes: six });
    const r = checkSweepFits(sweep, BASE, HUGE, six - 1);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toContain('A group of this sweep (6 cells trained together; a group holds at most 6)');
    expect(!r.ok && r.message).toContain('use at most 5 cells (families × learning rates) in all');
  });
});
