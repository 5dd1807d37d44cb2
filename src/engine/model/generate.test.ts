// Generation on the GPU (`tiny` model size): lastLogits equals the matching rows of the
// full logits, and greedy generation equals the argmax of the float64 reference model's
// logits step by step (several groups of B, a prompt longer than T, a sliding window),
// with entropies of the reference softmax; plus stop tokens and seeded determinism.
import { describe, expect, it } from 'vitest';
import { model_forward_backward } from '../reference/model';
import { testContext } from '../testing/gpu';
import { MODEL_SIZES } from './config';
import { generate } from './generate';
import { modelLayout, unpack } from './layout';
import { TrainingRun } from './run';
import { batch, randomFlat, toF64 } from './testkit';

const cfg = MODEL_SIZES.tiny;
const B = 2;
const T = 6;
const V = cfg.vocabSize;

async function makeRun(seed: number): Promise<{ run: TrainingRun; base: Float32Array }> {
  const { ctx } = await testContext();
  const base = randomFlat(modelLayout(cfg), seed, 0.4);
  const run = await TrainingRun.create(ctx, { config: cfg, batchSize: B, seqLen: T, mode: 'full', seed: 1, baseParams: base });
  return { run, base };
}

/** Reference logits (float64) at the last position of one sequence. */
function refLastLogits(params: ReturnType<typeof toF64>, seq: number[]): Float64Array {
  const n = seq.length;
  const r = model_forward_backward(cfg, params, Int32Array.from(seq), new Int32Array(n), 1, n);
  return r.logits.subarray((n - 1) * V, n * V);
}

describe('TrainingRun.lastLogits', () => {
  it('returns exactly the requested rows of logits(), including positions 0 and T-1', async () => {
    const { run } = await makeRun(31);
    const { tokens } = batch(B, T, V, 3);
    const full = await run.logits(tokens); // (B·T, V)
    for (const pos of [[0, T - 1], [T - 1, 0], [2, 3]]) {
      const rows = await run.lastLogits(tokens, Int32Array.from(pos)); // (B, V)
      expect(rows.length).toBe(B * V);
      pos.forEach((p, b) => {
        expect(Array.from(rows.subarray(b * V, (b + 1) * V))).toEqual(Array.from(full.subarray((b * T + p) * V, (b * T + p + 1) * V)));
      });
    }
    await expect(run.lastLogits(tokens, Int32Array.from([0, T]))).rejects.toThrow(/outside/);
    await expect(run.lastLogits(tokens, Int32Array.from([0]))).rejects.toThrow(/positions/);
    run.destroy();
  });
});

describe('generate', () => {
  it('greedy generation equals the reference argmax step by step, with the reference entropies', async () => {
    const { run, base } = await makeRun(32);
    const params = toF64(unpack(modelLayout(cfg), base));
    // 3 prompts > B: two groups; prompt 1 is longer than T; 5 new tokens slide every window past T.
    const prompts = [[72, 105, 33], [1, 2, 3, 4, 5, 6, 7, 8, 9], [200]];
    const gens = await generate(run, prompts, { temperature: 0, topK: 0, topP: 1, maxTokens: 5, seed: 7 });
    const distinct = new Set<number>();
    gens.forEach((g, i) => {
      expect(g.tokens.length).toBe(5);
      const ctxt = prompts[i].slice(-T);
      g.tokens.forEach((tok, s) => {
        const ref = refLastLogits(params, ctxt);
        let best = 0;
        for (let v = 1; v < V; v++) if (ref[v] > ref[best]) best = v;
        // Float32 vs float64 may only swap near-ties.
        if (tok !== best) expect(ref[best] - ref[tok], `prompt ${i} step ${s}`).toBeLessThan(1e-4);
        const m = ref[best];
        let z = 0;
        let zl = 0;
        for (let v = 0; v < V; v++) {
          const e = Math.exp(ref[v] - m);
          z += e;
          zl += e * (ref[v] - m);
        }
        expect(g.entropies[s]).toBeCloseTo(Math.log(z) - zl / z, 4);
        distinct.add(tok);
        ctxt.push(tok);
        if (ctxt.length > T) ctxt.shift();
      });
    });
    expect(distinct.size).toBeGreaterThan(1); // the check is not passing on a constant output
    run.destroy();
  });

  it('stops a row at the stop token and is deterministic for a seed', async () => {
    const { run } = await makeRun(33);
    const prompts = [[10, 20, 30], [40, 50], [60]];
    const opts = { temperature: 1, topK: 0, topP: 1, maxTokens: 8, seed: 11 };
    const a = await generate(run, prompts, opts);
    const b = await generate(run, prompts, opts);
    expect(b).toEqual(a);
    const c = await generate(run, prompts, { ...opts, seed: 12 });
    expect(c.map((g) => g.tokens)).not.toEqual(a.map((g) => g.tokens));
    // Stopping at prompt 0's third token cuts it to its first two (the stop token is not kept).
    const stop = a[0].tokens[2];
    const s = await generate(run, prompts, { ...opts, stopToken: stop });
    const firstStop = a[0].tokens.indexOf(stop);
    expect(s[0].tokens).toEqual(a[0].tokens.slice(0, firstStop));
    expect(s[0].entropies).toEqual(a[0].entropies.slice(0, firstStop));
    await expect(generate(run, [[]], opts)).rejects.toThrow(/empty/);
    run.destroy();
  });
});
