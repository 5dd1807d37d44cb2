// The memory estimate against the real thing: TrainingRuns created on Dawn (SwiftShader in Node)
// for full fine-tuning, LoRA at several ranks and targets, with and without dropout, at odd B and T,
// with every createBuffer call counted. The estimate must not be below what was allocated (it is
// used to refuse configs before allocation) and must not exceed it by more than 1% (it mirrors
// run.ts buffer by buffer, so any gap means a buffer it forgot or invented; 1% leaves room only
// for a few tiny uniforms). The largest buffer, which the per-buffer limits apply to, must match exactly.
import { describe, expect, it } from 'vitest';
import { BufferPool } from '../gpu/buffers';
import type { KernelContext } from '../kernels/kernel';
import { testContext } from '../testing/gpu';
import { MODEL_SIZES, type LlamaConfig } from './config';
import { estimateReadbacks, estimateRunMemory } from './memory-estimate';
import { TrainingRun, type RunOptions } from './run';
import { batch, TINY } from './testkit';

interface Created { label: string; size: number }

/** Records every createBuffer of `ctx`'s device while `fn` runs, on a fresh pool (so the RoPE table is made again). */
async function counted<T>(fn: (ctx: KernelContext) => Promise<T>, fresh = true): Promise<{ value: T; created: Created[] }> {
  const { ctx: shared } = await testContext();
  // Same device and pipeline cache; a new context object gets its own RoPE table (rope.ts keys them by context).
  const ctx: KernelContext = fresh ? { ...shared, pool: new BufferPool(shared.device) } : shared;
  const device = shared.device;
  const created: Created[] = [];
  const original = device.createBuffer;
  device.createBuffer = function (desc: GPUBufferDescriptor) {
    created.push({ label: desc.label ?? '', size: desc.size });
    return original.call(this, desc);
  };
  try {
    return { value: await fn(ctx), created };
  } finally {
    device.createBuffer = original;
  }
}

function firstLargest(created: Created[]): Created {
  return created.reduce((a, b) => (b.size > a.size ? b : a));
}

const small: LlamaConfig = MODEL_SIZES.tiny; // V 256, C 32, 2 layers, F 64, tied embeddings
const cases: Array<{ what: string; opts: RunOptions }> = [
  { what: 'full, B 2 T 16', opts: { config: small, batchSize: 2, seqLen: 16, mode: 'full', seed: 1 } },
  { what: 'full + dropout, B 3 T 7', opts: { config: small, batchSize: 3, seqLen: 7, mode: 'full', seed: 1, dropout: 0.1, label: 'fd' } },
  {
    what: 'LoRA r4 all targets, B 2 T 16',
    opts: { config: small, batchSize: 2, seqLen: 16, mode: 'lora', seed: 1, lora: { rank: 4, alpha: 8, targets: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'], scaling: 'standard', dropout: 0 } },
  },
  {
    what: 'LoRA r8 q,v + dropout, B 1 T 5',
    opts: { config: small, batchSize: 1, seqLen: 5, mode: 'lora', seed: 2, label: 'r8', lora: { rank: 8, alpha: 16, targets: ['q', 'v'], scaling: 'standard', dropout: 0.1 } },
  },
  {
    what: 'LoRA r1 down + dropout, untied head, B 3 T 5',
    opts: { config: TINY, batchSize: 3, seqLen: 5, mode: 'lora', seed: 3, lora: { rank: 1, alpha: 2, targets: ['down'], scaling: 'rslora', dropout: 0.2 } },
  },
  {
    what: 'LoRA r2 attention, B 4 T 32 (logits is the largest buffer)',
    opts: { config: small, batchSize: 4, seqLen: 32, mode: 'lora', seed: 5, lora: { rank: 2, alpha: 4, targets: ['q', 'k', 'v', 'o'], scaling: 'standard', dropout: 0 } },
  },
  { what: 'full, untied head, B 1 T 8', opts: { config: TINY, batchSize: 1, seqLen: 8, mode: 'full', seed: 4 } },
];

describe('estimateRunMemory vs TrainingRun.create', () => {
  for (const { what, opts } of cases) {
    it(what, async () => {
      const { value: run, created } = await counted((ctx) => TrainingRun.create(ctx, opts));
      run.destroy();
      const real = created.reduce((s, c) => s + c.size, 0);
      const est = estimateRunMemory(opts);
      const largest = firstLargest(created);
      console.log(`${what}: real ${real} B in ${created.length} buffers, estimate ${est.totalBytes} B in ${est.buffers}; largest ${largest.label} ${largest.size} B`);
      expect(est.totalBytes).toBeGreaterThanOrEqual(real);
      expect(est.totalBytes).toBeLessThanOrEqual(real * 1.01);
      expect(est.buffers).toBe(created.length);
      expect(est.largestBuffer).toEqual({ label: largest.label, bytes: largest.size });
    });
  }

  it('a context that already has the RoPE table allocates exactly one pool bucket less than the estimate', async () => {
    const opts = cases[0].opts;
    const { ctx } = await testContext();
    (await TrainingRun.create(ctx, opts)).destroy(); // makes the shared context's table
    const { value: run, created } = await counted((c) => TrainingRun.create(c, opts), false);
    run.destroy();
    const real = created.reduce((s, c) => s + c.size, 0);
    expect(estimateRunMemory(opts).totalBytes - real).toBe(256);
  });

  it('known sizes: logits (B·T, V) and the parameter buffer of the tiny model', () => {
    const est = estimateRunMemory({ config: small, batchSize: 32, seqLen: 32, mode: 'lora', seed: 1, lora: { rank: 1, alpha: 2, targets: ['q'], scaling: 'standard', dropout: 0 } });
    // 32·32 rows × 256 logits × 4 bytes; logits comes before dlogits in the plan.
    expect(est.largestBuffer).toEqual({ label: 'lora:logits', bytes: 32 * 32 * 256 * 4 });
    // wte 256×32 + 2 layers × (2 norms of 32 + wq 32×32 + wk, wv 16×32 + wo 32×32 + 3 × 64×32), each padded to 64 floats, + final norm.
    const params = 8192 + 2 * (64 + 1024 + 512 + 512 + 1024 + 64 + 3 * 2048) + 64;
    const fullEst = estimateRunMemory({ config: small, batchSize: 1, seqLen: 8, mode: 'full', seed: 1 });
    expect(fullEst.byCategory.weights).toBe(params * 4);
    expect(fullEst.byCategory.gradients).toBe(params * 4);
  });

  it('readbacks: lastLogits (B, V) and the staging copies that rank90 and checkpoints make', async () => {
    const opts = cases[3].opts;
    const r = estimateReadbacks(opts);
    const { value: run } = await counted((ctx) => TrainingRun.create(ctx, opts));
    try {
      const { created } = await counted(async () => {
        await run.lastLogits(batch(1, 5, 256, 1).tokens, new Int32Array([4]));
        await run.readTrainable();
        await run.exportState();
      });
      expect(created.map((c) => c.size)).toEqual([r.lastLogits, r.readTrainable, r.exportState / 3, r.exportState / 3, r.exportState / 3]);
    } finally {
      run.destroy();
    }
  });
});
