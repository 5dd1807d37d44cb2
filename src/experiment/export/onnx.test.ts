// The ONNX export, checked by an independent runtime: each exported model (a random untied
// model, the shipped base model, a LoRA run merged into it, a fully fine-tuned run) is loaded
// in onnxruntime-web (wasm execution provider, in Node) and its logits are compared with the
// float64 reference and with the engine's own logits on the GPU (Dawn; SwiftShader here).
import { readFile } from 'node:fs/promises';
import type onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createKernelContext, initModelParams, modelLayout, TrainingRun, type KernelContext, type LlamaConfig, type RunOptions,
} from '../../engine/index';
import { model_forward_backward } from '../../engine/reference/model';
import { testContext } from '../../engine/testing/gpu';
import { parseCheckpoint } from '../checkpoint';
import { parseExperiment, type MethodConfig } from '../config';
import { decodeModel } from './onnx-graph';
import { exportOnnx, ONNX_OPSET, ropeTables } from './onnx';
import { runWeights } from './weights';

const TOL = 1e-4;
ort.env.wasm.numThreads = 1;

async function onnxLogits(bytes: Uint8Array, tokens: Int32Array, B: number, T: number): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  const ids = new ort.Tensor('int64', BigInt64Array.from(tokens, (t) => BigInt(t)), [B, T]);
  const out = await session.run({ input_ids: ids });
  await session.release();
  expect(out.logits.dims).toEqual([B, T, 256]);
  return out.logits.data as Float32Array;
}

function referenceLogits(cfg: LlamaConfig, w: Map<string, Float32Array>, tokens: Int32Array, B: number, T: number): Float64Array {
  const params = new Map([...w].map(([k, v]) => [k, Float64Array.from(v)]));
  return model_forward_backward(cfg, params, tokens, new Int32Array(tokens.length).fill(-1), B, T).logits;
}

function worst(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function randomTokens(n: number, seed: number): Int32Array {
  let s = seed;
  return Int32Array.from({ length: n }, () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) >>> 16) % 256);
}

describe('ONNX graph', () => {
  it('uses a standard opset, an int64 (batch, sequence) input and named Hugging Face initializers', () => {
    const cfg = { vocabSize: 256, dModel: 8, nLayers: 1, nHeads: 2, nKvHeads: 1, ffnDim: 12, seqLen: 8, tieEmbeddings: true };
    const m = decodeModel(exportOnnx(cfg, runWeights(cfg, initModelParams(cfg, 1).flat, null, null), { name: 't', description: 'd' }));
    const g = m.graph as onnxProto.onnx.GraphProto;
    expect(Number(m.opsetImport[0].version)).toBe(ONNX_OPSET);
    expect(g.input.map((i) => i.name)).toEqual(['input_ids']);
    expect(g.input[0].type?.tensorType?.elemType).toBe(7); // INT64
    expect(g.output.map((o) => o.name)).toEqual(['logits']);
    const names = g.initializer.map((t) => t.name);
    expect(names).toContain('model.layers.0.self_attn.q_proj.weight');
    expect(names).toContain('model.embed_tokens.weight');
    expect(names).not.toContain('lm_head.weight'); // tied: the head is the transposed table
    const ops = new Set(g.node.map((n) => n.opType));
    for (const op of ['Gather', 'ReduceMean', 'Sqrt', 'Div', 'Sigmoid', 'Softmax', 'Tile', 'Concat', 'Slice']) expect(ops).toContain(op);
  });

  it('has RoPE tables in the rotate-half convention (known angles)', () => {
    const { cos, sin } = ropeTables(4, 3, 10000);
    // D = 4: pair i = 0 has frequency 1, pair i = 1 has 10000^(-1/2) = 0.01; position 2.
    expect(cos[2 * 4 + 0]).toBeCloseTo(Math.cos(2), 6);
    expect(cos[2 * 4 + 2]).toBeCloseTo(Math.cos(2), 6);
    expect(sin[2 * 4 + 1]).toBeCloseTo(Math.sin(0.02), 6);
    expect(sin[2 * 4 + 3]).toBeCloseTo(Math.sin(0.02), 6);
  });

  it('matches the float64 reference in onnxruntime-web (random untied model, GQA 6:2, odd sizes)', async () => {
    const cfg = { vocabSize: 256, dModel: 24, nLayers: 2, nHeads: 6, nKvHeads: 2, ffnDim: 40, seqLen: 16, tieEmbeddings: false };
    const w = runWeights(cfg, initModelParams(cfg, 5, 0.2).flat, null, null);
    const B = 2;
    const T = 11;
    const tokens = randomTokens(B * T, 3);
    const err = worst(await onnxLogits(exportOnnx(cfg, w, { name: 'rand', description: 'random' }), tokens, B, T), referenceLogits(cfg, w, tokens, B, T));
    console.log(`ONNX (onnxruntime-web wasm) vs float64 reference, random untied model: worst |Δlogit| = ${err.toExponential(2)}`);
    expect(err).toBeLessThan(TOL);
  });
});

describe('ONNX export of trained runs, against the engine on the GPU', () => {
  let ctx: KernelContext;
  let base: { config: LlamaConfig; params: Float32Array };
  beforeAll(async () => {
    ctx = createKernelContext((await testContext()).gpu.device);
    const dir = new URL('../../../public/models/', import.meta.url);
    const manifest = JSON.parse(await readFile(new URL('base.json', dir), 'utf8'));
    const { params } = parseCheckpoint(manifest, new Uint8Array(await readFile(new URL(manifest.file, dir))));
    base = { config: manifest.config, params };
  });

  const B = 2;
  const T = 16;
  const tokens = Int32Array.from(new TextEncoder().encode('The quick brown fox jumps over the lazy dog, twice!!'), (b) => b).slice(0, B * T);

  async function check(what: string, method: MethodConfig | null, steps: number) {
    const opts: RunOptions = {
      config: base.config, batchSize: B, seqLen: T, seed: 9, baseParams: base.params, mode: method?.kind ?? 'full',
      lora: method?.kind === 'lora' ? { rank: method.rank, alpha: method.alpha, targets: method.targets, scaling: method.scaling, dropout: method.dropout } : undefined,
    };
    const run = await TrainingRun.create(ctx, opts);
    for (let s = 0; s < steps; s++) {
      await run.step({ tokens: randomTokens(B * T, 10 + s), targets: randomTokens(B * T, 20 + s), lr: method?.lr ?? 0 });
    }
    const engine = await run.logits(tokens);
    const trained = method ? (await run.exportState()).params : null;
    run.destroy();
    const w = runWeights(base.config, base.params, method, trained);
    const onnx = await onnxLogits(exportOnnx(base.config, w, { name: what, description: what }), tokens, B, T);
    const vsEngine = worst(onnx, engine);
    const vsRef = worst(onnx, referenceLogits(base.config, w, tokens, B, T));
    console.log(`ONNX ${what}: worst |Δlogit| vs engine (GPU) ${vsEngine.toExponential(2)}, vs float64 reference ${vsRef.toExponential(2)}`);
    expect(vsEngine).toBeLessThan(TOL);
    expect(vsRef).toBeLessThan(TOL);
    return w;
  }

  it('base model', async () => {
    await check('base model', null, 0);
  });

  it('LoRA run merged into the base (rsLoRA, r=4, q/v/down)', async () => {
    const m = parseExperiment({
      source: { domain: 'english' }, target: { domain: 'code' }, steps: 1, batchSize: 1, seqLen: 8, schedule: {}, seed: 1, evalInterval: 1, evalBatches: 1,
      methods: [{ id: 'r4', kind: 'lora', rank: 4, alpha: 8, targets: ['q', 'v', 'down'], scaling: 'rslora', lr: 2e-2 }],
    }).methods[0];
    const w = await check('LoRA-merged run', m, 3);
    const q0 = modelLayout(base.config).byName.get('layers.0.wq')!;
    expect(worst(w.get('layers.0.wq')!, base.params.subarray(q0.offset, q0.offset + q0.numel))).toBeGreaterThan(1e-4); // the adapter changed W
  });

  it('fully fine-tuned run', async () => {
    await check('full fine-tuning run', { id: 'full', kind: 'full', lr: 3e-3, weightDecay: 0, dropout: 0 }, 3);
  });
});
