// Whole-model checks of the float64 reference: parameter layout, finite differences of the
// gradient of every parameter tensor (tied/untied embeddings, LoRA on all seven projections
// with dropout, ignored targets, full fine-tuning with dropout on every projection input),
// causality, and LoRA/merge equivalences.
import { afterAll, describe, expect, it } from 'vitest';
import { check_grad, WorstTracker } from './gradcheck';
import { init_lora_params, random_param_map } from './init';
import {
  LORA_PROJS, lora_param_shapes, model_forward_backward, model_loss, param_shapes,
  type ParamMap, type RefDropout, type RefLlamaConfig, type RefLoraConfig,
} from './model';
import { lora_merge } from './ops';
import { Rng } from './rng';

const BASE: RefLlamaConfig = {
  vocabSize: 11, dModel: 8, nLayers: 2, nHeads: 2, nKvHeads: 1, ffnDim: 12, seqLen: 8, tieEmbeddings: false,
};
const [B, T] = [2, 5];
const LORA: RefLoraConfig = { rank: 3, scale: 0.75, targets: [...LORA_PROJS], dropout: 0.2, seed: 99 };

function randomTokens(n: number, V: number, seed: number, ignoreEvery = 0): Int32Array {
  const rng = new Rng(seed);
  return Int32Array.from({ length: n }, (_, i) => (ignoreEvery && i % ignoreEvery === 2 ? -1 : rng.nextU32() % V));
}

/** Random params with norm weights around 1 (so every path matters). */
function testParams(cfg: RefLlamaConfig, seed: number): ParamMap {
  const p = random_param_map(param_shapes(cfg), seed, 0.5);
  for (const [name, t] of p) if (name.endsWith('norm')) for (let i = 0; i < t.length; i++) t[i] = 1 + 0.4 * t[i];
  return p;
}

/** 4 random entries plus the largest-gradient entry of a tensor. */
function pickIndices(grad: Float64Array, rng: Rng): number[] {
  const idx = new Set<number>();
  let arg = 0;
  grad.forEach((g, i) => { if (Math.abs(g) > Math.abs(grad[arg])) arg = i; });
  idx.add(arg);
  while (idx.size < Math.min(5, grad.length)) idx.add(rng.nextU32() % grad.length);
  return [...idx];
}

const worst = new WorstTracker();
afterAll(() => console.log(`model.test ${worst.summary()}`));

describe('param_shapes / lora_param_shapes', () => {
  it('lists parameters in the documented order', () => {
    const s = param_shapes(BASE);
    expect([...s.keys()].slice(0, 11)).toEqual([
      'wte', 'layers.0.attn_norm', 'layers.0.wq', 'layers.0.wk', 'layers.0.wv', 'layers.0.wo',
      'layers.0.mlp_norm', 'layers.0.w_gate', 'layers.0.w_up', 'layers.0.w_down', 'layers.1.attn_norm',
    ]);
    expect([...s.keys()].slice(-2)).toEqual(['final_norm', 'lm_head']);
    expect(s.get('layers.1.wk')).toEqual([4, 8]);
    expect(s.get('layers.1.wo')).toEqual([8, 8]);
    expect(s.get('layers.1.w_down')).toEqual([8, 12]);
    expect(param_shapes({ ...BASE, tieEmbeddings: true }).has('lm_head')).toBe(false);
    const ls = lora_param_shapes(BASE, { ...LORA, targets: ['down', 'q', 'v'] });
    expect([...ls.entries()].slice(0, 6)).toEqual([
      ['layers.0.q.lora_A', [3, 8]], ['layers.0.q.lora_B', [8, 3]],
      ['layers.0.v.lora_A', [3, 8]], ['layers.0.v.lora_B', [4, 3]],
      ['layers.0.down.lora_A', [3, 12]], ['layers.0.down.lora_B', [8, 3]],
    ]);
    expect(ls.size).toBe(12);
  });
});

const CASES: Array<{ name: string; cfg: RefLlamaConfig; lora?: RefLoraConfig; ignore?: number; drop?: RefDropout }> = [
  { name: 'untied', cfg: BASE },
  { name: 'tied, ignored targets', cfg: { ...BASE, tieEmbeddings: true }, ignore: 4 },
  { name: 'untied + LoRA on all 7 projections, dropout 0.2', cfg: BASE, lora: LORA },
  { name: 'untied, full fine-tuning with dropout 0.3 on every projection input', cfg: BASE, drop: { p: 0.3, seed: 31 } },
  { name: 'tied, full dropout 0.5, ignored targets', cfg: { ...BASE, tieEmbeddings: true }, ignore: 3, drop: { p: 0.5, seed: 32 } },
  { name: 'tied + LoRA (q, down), no dropout, MHA, theta 500', cfg: { ...BASE, tieEmbeddings: true, nKvHeads: 2, ropeTheta: 500 }, lora: { ...LORA, targets: ['q', 'down'], dropout: 0 } },
];

describe('model_forward_backward', () => {
  for (const c of CASES) {
    it(`gradients match finite differences: ${c.name}`, () => {
      const params = testParams(c.cfg, 1);
      const tokens = randomTokens(B * T, c.cfg.vocabSize, 2);
      const targets = randomTokens(B * T, c.cfg.vocabSize, 3, c.ignore ?? 0);
      const lora = c.lora ? { cfg: c.lora, params: random_param_map(lora_param_shapes(c.cfg, c.lora), 4, 0.5) } : undefined;
      const r = model_forward_backward(c.cfg, params, tokens, targets, B, T, lora, c.drop);
      expect(r.loss).toBeCloseTo(model_loss(c.cfg, params, tokens, targets, B, T, lora, c.drop), 14);
      expect(r.logits.length).toBe(B * T * c.cfg.vocabSize);
      expect([...r.grads.keys()]).toEqual([...param_shapes(c.cfg).keys()]);
      const f = () => model_loss(c.cfg, params, tokens, targets, B, T, lora, c.drop);
      const rng = new Rng(5);
      const check = (label: string, x: Float64Array, g: Float64Array) => {
        const res = worst.add(check_grad(label, f, x, g, { indices: pickIndices(g, rng), rtol: 1e-5, atol: 1e-8 }));
        expect(res.ok, res.message).toBe(true);
      };
      for (const [name, g] of r.grads) {
        expect(g.some((x) => x !== 0), `${name} has a zero gradient`).toBe(true);
        check(`${c.name}: ${name}`, params.get(name)!, g);
      }
      if (lora) {
        expect([...r.loraGrads!.keys()]).toEqual([...lora_param_shapes(c.cfg, lora.cfg).keys()]);
        for (const [name, g] of r.loraGrads!) check(`${c.name}: ${name}`, lora.params.get(name)!, g);
      } else {
        expect(r.loraGrads).toBeUndefined();
      }
    });
  }

  it('full dropout: p = 0 is the plain model, p > 0 changes the loss, masks follow the seed', () => {
    const params = testParams(BASE, 21);
    const tokens = randomTokens(B * T, BASE.vocabSize, 22);
    const targets = randomTokens(B * T, BASE.vocabSize, 23);
    const plain = model_forward_backward(BASE, params, tokens, targets, B, T);
    const zero = model_forward_backward(BASE, params, tokens, targets, B, T, undefined, { p: 0, seed: 5 });
    expect(zero.loss).toBe(plain.loss);
    for (const [name, g] of plain.grads) expect(Array.from(zero.grads.get(name)!)).toEqual(Array.from(g));
    const a = model_loss(BASE, params, tokens, targets, B, T, undefined, { p: 0.4, seed: 5 });
    const a2 = model_loss(BASE, params, tokens, targets, B, T, undefined, { p: 0.4, seed: 5 });
    const b = model_loss(BASE, params, tokens, targets, B, T, undefined, { p: 0.4, seed: 6 });
    expect(a).toBe(a2);
    expect(Math.abs(a - plain.loss)).toBeGreaterThan(1e-3);
    expect(Math.abs(a - b)).toBeGreaterThan(1e-6);
  });

  it('is causal: changing token t changes logits only at positions >= t', () => {
    const params = testParams(BASE, 7);
    const tokens = randomTokens(B * T, BASE.vocabSize, 8);
    const targets = randomTokens(B * T, BASE.vocabSize, 9);
    const a = model_forward_backward(BASE, params, tokens, targets, B, T).logits;
    const t2 = Int32Array.from(tokens);
    t2[T + 2] = (t2[T + 2] + 1) % BASE.vocabSize; // batch 1, position 2
    const b = model_forward_backward(BASE, params, t2, targets, B, T).logits;
    const V = BASE.vocabSize;
    for (let n = 0; n < B * T; n++) {
      const changed = a.subarray(n * V, (n + 1) * V).some((v, j) => v !== b[n * V + j]);
      expect(changed, `row ${n}`).toBe(n >= T + 2);
    }
  });

  it('with B = 0 adapters equals the base model; merged weights equal LoRA at p = 0', () => {
    const params = testParams(BASE, 11);
    const tokens = randomTokens(B * T, BASE.vocabSize, 12);
    const targets = randomTokens(B * T, BASE.vocabSize, 13);
    const base = model_loss(BASE, params, tokens, targets, B, T);
    const loraCfg = { ...LORA, dropout: 0 };
    const fresh = init_lora_params(BASE, loraCfg, 14);
    expect(model_loss(BASE, params, tokens, targets, B, T, { cfg: loraCfg, params: fresh })).toBe(base);
    const lp = random_param_map(lora_param_shapes(BASE, loraCfg), 15, 0.5);
    const withLora = model_forward_backward(BASE, params, tokens, targets, B, T, { cfg: loraCfg, params: lp });
    const merged = new Map(params);
    const weights = { q: 'wq', k: 'wk', v: 'wv', o: 'wo', gate: 'w_gate', up: 'w_up', down: 'w_down' } as const;
    for (let l = 0; l < BASE.nLayers; l++) {
      for (const proj of LORA_PROJS) {
        const name = `layers.${l}.${weights[proj]}`;
        const [M, K] = param_shapes(BASE).get(name)!;
        const A = lp.get(`layers.${l}.${proj}.lora_A`)!;
        const Bm = lp.get(`layers.${l}.${proj}.lora_B`)!;
        merged.set(name, lora_merge(params.get(name)!, A, Bm, M, K, loraCfg.rank, loraCfg.scale));
      }
    }
    const m = model_forward_backward(BASE, merged, tokens, targets, B, T);
    expect(m.loss).toBeCloseTo(withLora.loss, 12);
    m.logits.forEach((v, i) => expect(v).toBeCloseTo(withLora.logits[i], 12));
    expect(withLora.loss).not.toBeCloseTo(base, 3);
  });

  it('rejects bad inputs', () => {
    const params = testParams(BASE, 1);
    const tok = new Int32Array(B * 9);
    expect(() => model_loss(BASE, params, tok, tok, B, 9)).toThrow(/seqLen/);
    expect(() => model_loss(BASE, params, tok, tok, B, 5)).toThrow(/B\*T/);
    const missing = new Map(params);
    missing.delete('final_norm');
    expect(() => model_loss(BASE, missing, tok.subarray(0, 10), tok.subarray(0, 10), B, T)).toThrow(/final_norm/);
  });
});
