// Checks of the float64 reference training loop: full fine-tuning and LoRA-only updates,
// the first AdamW step's sign-like update, clipping, and determinism.
import { describe, expect, it } from 'vitest';
import { init_lora_params, init_params } from './init';
import { LORA_PROJS, model_forward_backward, type ParamMap, type RefLlamaConfig, type RefLoraConfig } from './model';
import { Rng } from './rng';
import { reference_train, type RefBatch, type RefStepInfo } from './train';

const CFG: RefLlamaConfig = {
  vocabSize: 13, dModel: 8, nLayers: 2, nHeads: 2, nKvHeads: 1, ffnDim: 16, seqLen: 8, tieEmbeddings: true,
};
const [B, T] = [2, 6];
const HYPER = { lr: 1e-2, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, maxGradNorm: 1 };

/** A learnable task: next token = (token + 1) mod V. */
function batches(n: number, seed: number): RefBatch[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => {
    const tokens = Int32Array.from({ length: B * T }, () => rng.nextU32() % CFG.vocabSize);
    const targets = tokens.map((t) => (t + 1) % CFG.vocabSize);
    return { tokens, targets };
  });
}

const clone = (p: ParamMap): ParamMap => new Map([...p].map(([k, v]) => [k, Float64Array.from(v)]));

describe('reference_train', () => {
  it('full fine-tuning lowers the loss over 20 steps and is deterministic', () => {
    const data = batches(4, 1);
    const sched = Array.from({ length: 20 }, (_, i) => data[i % 4]);
    const p1 = init_params(CFG, 3, 0.1);
    const p2 = clone(p1);
    const l1 = reference_train({ cfg: CFG, params: p1, batches: sched, B, T, hyper: { ...HYPER, lr: 3e-2 } });
    const l2 = reference_train({ cfg: CFG, params: p2, batches: sched, B, T, hyper: { ...HYPER, lr: 3e-2 } });
    expect(l1).toEqual(l2);
    expect(l1).toHaveLength(20);
    expect(Math.abs(l1[0] - Math.log(CFG.vocabSize))).toBeLessThan(0.3);
    expect(l1[19]).toBeLessThan(l1[0] - 0.3);
    console.log(`full FT losses: ${l1.map((x) => x.toFixed(3)).join(' ')}`);
  });

  it('LoRA trains only the adapters and lowers the loss', () => {
    const lcfg: RefLoraConfig = { rank: 4, scale: 2, targets: [...LORA_PROJS], dropout: 0.1, seed: 5 };
    const params = init_params(CFG, 3, 0.3);
    const before = clone(params);
    const lora = { cfg: lcfg, params: init_lora_params(CFG, lcfg, 4) };
    const lbefore = clone(lora.params);
    const data = batches(2, 2);
    const sched = Array.from({ length: 20 }, (_, i) => ({ ...data[i % 2], loraSeed: 1000 + i }));
    const losses = reference_train({ cfg: CFG, params, lora, batches: sched, B, T, hyper: { ...HYPER, lr: 3e-2 } });
    for (const [k, v] of params) expect(Array.from(v), k).toEqual(Array.from(before.get(k)!));
    for (const [k, v] of lora.params) expect(v.some((x, i) => x !== lbefore.get(k)![i]), k).toBe(true);
    expect(losses[19]).toBeLessThan(losses[0] - 0.1);
    console.log(`LoRA losses: ${losses.map((x) => x.toFixed(3)).join(' ')}`);
  });

  it('first step moves every weight by lr·sign(g) (Adam, no decay) and reports clipping', () => {
    const params = init_params(CFG, 8, 0.1);
    const before = clone(params);
    const [batch] = batches(1, 9);
    const g = model_forward_backward(CFG, params, batch.tokens, batch.targets, B, T).grads;
    const infos: RefStepInfo[] = [];
    const hyper = { ...HYPER, weightDecay: 0, eps: 1e-12, maxGradNorm: 0.05 };
    const losses = reference_train({ cfg: CFG, params, batches: [batch], B, T, hyper, onStep: (i) => infos.push(i) });
    expect(infos).toHaveLength(1);
    expect(infos[0].step).toBe(1);
    expect(infos[0].loss).toBe(losses[0]);
    let ss = 0;
    for (const v of g.values()) for (const x of v) ss += x * x;
    expect(infos[0].gradNorm).toBeCloseTo(Math.sqrt(ss), 12);
    expect(infos[0].gradScale).toBeCloseTo(0.05 / (Math.sqrt(ss) + 1e-6), 12);
    expect(infos[0].gradScale).toBeLessThan(1);
    for (const [k, p] of params) {
      const gk = g.get(k)!;
      p.forEach((x, i) => {
        // Clipping scales m̂ and sqrt(v̂) alike, so step 1 is −lr·s·g/(s·|g| + eps) ≈ −lr·sign(g).
        const want = Math.abs(gk[i]) > 1e-9 ? before.get(k)![i] - hyper.lr * Math.sign(gk[i]) : before.get(k)![i];
        expect(x).toBeCloseTo(want, 6);
      });
    }
  });

  it('with clipping off the scale is 1', () => {
    const params = init_params(CFG, 8, 0.1);
    const infos: RefStepInfo[] = [];
    reference_train({ cfg: CFG, params, batches: batches(2, 9), B, T, hyper: { ...HYPER, maxGradNorm: 0 }, onStep: (i) => infos.push(i) });
    expect(infos.map((i) => i.gradScale)).toEqual([1, 1]);
    expect(infos[1].step).toBe(2);
  });
});
