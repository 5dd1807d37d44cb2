// Hand-counted case: d=4, 2 heads (hd=2), 1 KV head (kv=2), ffn=8, V=10, 1 layer, B=1, T=2.
// Projections per token: Σ in·out = q16 + k8 + v8 + o16 + gate32 + up32 + down32 = 144, ×2 FLOPs ×2 tokens = 576.
// Attention: causal pairs 3, 4·3·hd = 24 per head, 2 heads = 48. Head: 2·4·10 per token × 2 = 160.
// Forward 784. Full backward: 2·576 + 2·48 + 2·160 = 1568. LoRA backward without base dW: 576 + 96 + 160 = 832.
// LoRA r=1, all targets: Σ (in+out) = 8+6+6+8+12+12+12 = 64 per token; forward +2·64·2 = 256, backward +4·64·2 = 512.
import { describe, expect, it } from 'vitest';
import type { LlamaConfig } from '../../engine/index';
import { methodStepFlops, stepFlops } from './flops';

const cfg: LlamaConfig = { vocabSize: 10, dModel: 4, nLayers: 1, nHeads: 2, nKvHeads: 1, ffnDim: 8, seqLen: 2, tieEmbeddings: true };
const ALL = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] as const;

describe('stepFlops', () => {
  it('counts full fine-tuning as forward + twice the forward', () => {
    expect(stepFlops(cfg, 1, 2, { mode: 'full' })).toEqual({ forward: 784, backward: 1568, total: 2352 });
  });
  it('counts LoRA without base weight gradients, plus the adapters', () => {
    expect(stepFlops(cfg, 1, 2, { mode: 'lora', rank: 1, targets: ALL })).toEqual({ forward: 1040, backward: 1344, total: 2384 });
  });
  it('counts only the targeted adapters, scaled by the rank', () => {
    // q only: in+out = 8; r=2: forward +2·2·8·2 = 64, backward +4·2·8·2 = 128.
    expect(stepFlops(cfg, 1, 2, { mode: 'lora', rank: 2, targets: ['q'] }).total).toBe(784 + 64 + 832 + 128);
  });
  it('scales with layers and batch', () => {
    const two = { ...cfg, nLayers: 2 };
    // Per layer: 576 + 48 forward; the head (160) once. B=3 triples everything.
    expect(stepFlops(two, 3, 2, { mode: 'full' }).forward).toBe(3 * (2 * (576 + 48) + 160));
  });
});

describe('methodStepFlops', () => {
  it('reads the method from a run: full, or LoRA with its rank and targets', () => {
    const full = { cfg, B: 1, T: 2, mode: 'full' as const, opts: {} as never };
    expect(methodStepFlops(full)).toBe(2352);
    const lora = { cfg, B: 1, T: 2, mode: 'lora' as const, opts: { lora: { rank: 2, targets: ['q'] } } as never };
    expect(methodStepFlops(lora)).toBe(784 + 64 + 832 + 128);
  });
});
