// The TF.js peer model computes the engine's model: its forward loss on a tiny config (GQA 4:2,
// tied and untied head, an ignored target) equals the float64 reference (src/engine/reference) on
// the same weights. Runs TF.js on its WebGPU backend on Dawn (SwiftShader here), the backend the
// benchmark uses. Its gradients are checked on the page only (Node cannot load TF.js's gradient
// modules): the benchmark's loss check against the engine, in e2e/bench.spec.ts.
import { beforeAll, describe, expect, it } from 'vitest';
import { initModelParams, unpack, type LlamaConfig } from '../../../engine/index';
import { model_loss, param_shapes } from '../../../engine/reference/model';
import { testContext } from '../../../engine/testing/gpu';
import { installNodePeerGlobals } from './node-globals';
import { createTfLlama } from './tfjs-llama';
import { loadTf, type Tf } from './tfjs-load';

const base: LlamaConfig = { vocabSize: 19, dModel: 16, nLayers: 2, nHeads: 4, nKvHeads: 2, ffnDim: 24, seqLen: 8, tieEmbeddings: true };
const B = 2;
const T = 5;
const tokens = Int32Array.from({ length: B * T }, (_, i) => (i * 7 + 3) % base.vocabSize);
const targets = Int32Array.from({ length: B * T }, (_, i) => (i === 4 ? -1 : (i * 5 + 1) % base.vocabSize));

let tf: Tf;
beforeAll(async () => {
  const { ctx } = await testContext();
  await installNodePeerGlobals(ctx.device);
  tf = (await loadTf(ctx.device)).tf;
});

function weightsFor(cfg: LlamaConfig) {
  const { layout, flat } = initModelParams(cfg, 5, 0.2); // large std: attention and norms far from uniform
  const w = unpack(layout, flat);
  // Norm weights not all 1, so a norm applied to the wrong axis shows.
  for (const [n, t] of w) if (n.endsWith('norm')) t.forEach((_, i) => (t[i] = 0.7 + 0.05 * i));
  return w;
}

describe('TF.js Llama peer', () => {
  for (const tie of [true, false]) {
    it(`matches the float64 reference loss (${tie ? 'tied' : 'untied'} head)`, async () => {
      const cfg = { ...base, tieEmbeddings: tie };
      const w = weightsFor(cfg);
      const ref = model_loss(cfg, new Map([...w].map(([n, t]) => [n, Float64Array.from(t)])), tokens, targets, B, T);
      const model = createTfLlama(tf, cfg, w, param_shapes(cfg));
      try {
        const loss = model.loss(tokens, targets, B, T);
        const got = (await loss.data())[0];
        loss.dispose();
        expect(Math.abs(got - ref)).toBeLessThan(2e-5 * Math.abs(ref));
        // The model is not trivially uniform: a wrong op would move this by far more than the tolerance.
        expect(Math.abs(ref - Math.log(cfg.vocabSize))).toBeGreaterThan(0.05);
      } finally {
        model.dispose();
      }
    });
  }
});
