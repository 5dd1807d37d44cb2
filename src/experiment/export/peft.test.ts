// PEFT adapters and Llama state dicts: exact tensor names and shapes, adapter_config.json's
// fields, uploads of every wrong kind refused with a message, and the round trip that
// matters: an adapter exported from a trained run and imported into a fresh run gives the
// same held-out loss, bit for bit, on the same GPU.
import { beforeAll, describe, expect, it } from 'vitest';
import { createKernelContext, initModelParams, loraLayout, type KernelContext } from '../../engine/index';
import { testContext } from '../../engine/testing/gpu';
import { parseExperiment, type LoraMethodConfig } from '../config';
import type { DataAssets } from '../data/assets';
import { loadAssetsFromDisk } from '../data/node-assets';
import { ExperimentRunner, type BaseModel } from '../run/runner';
import { MAX_UPLOAD_BYTES, readUpload, zipFiles } from './bundle';
import { checkpointFromAdapter, configForAdapter, IMPORTED_METHOD_ID } from './continue';
import {
  hfModelConfig, ImportError, parsePeftAdapter, peftAdapterConfig, peftAdapterFile, peftAdapterTensors, stateDictTensors,
} from './peft';
import { readSafetensors } from './safetensors';
import { runWeights } from './weights';

const cfg = { vocabSize: 256, dModel: 64, nLayers: 2, nHeads: 4, nKvHeads: 2, ffnDim: 192, seqLen: 64, tieEmbeddings: true };
const r4: LoraMethodConfig = { id: 'r4', kind: 'lora', rank: 4, alpha: 8, targets: ['q', 'v', 'down'], scaling: 'rslora', dropout: 0.05, lr: 1e-2, weightDecay: 0 };
const adapterFlat = () => {
  const l = loraLayout(cfg, 4, r4.targets);
  return Float32Array.from({ length: l.totalElements }, (_, i) => Math.sin(i));
};

function adapterFiles(configOverride: Record<string, unknown> = {}, st = peftAdapterFile(cfg, r4, adapterFlat(), 'test')) {
  const config = new TextEncoder().encode(JSON.stringify({ ...peftAdapterConfig(r4, 'lora-lab/base'), ...configOverride }));
  return { config, st };
}

describe('PEFT names and shapes', () => {
  it("uses PEFT's names and (r, in) / (out, r) shapes", () => {
    const t = peftAdapterTensors(cfg, r4, adapterFlat());
    expect(t.map((x) => `${x.name} [${x.shape}]`)).toEqual([0, 1].flatMap((l) => [
      `base_model.model.model.layers.${l}.self_attn.q_proj.lora_A.weight [4,64]`,
      `base_model.model.model.layers.${l}.self_attn.q_proj.lora_B.weight [64,4]`,
      `base_model.model.model.layers.${l}.self_attn.v_proj.lora_A.weight [4,64]`,
      `base_model.model.model.layers.${l}.self_attn.v_proj.lora_B.weight [32,4]`,
      `base_model.model.model.layers.${l}.mlp.down_proj.lora_A.weight [4,192]`,
      `base_model.model.model.layers.${l}.mlp.down_proj.lora_B.weight [64,4]`,
    ]));
  });

  it('writes adapter_config.json as PEFT reads it', () => {
    expect(peftAdapterConfig(r4, 'lora-lab/base')).toMatchObject({
      peft_type: 'LORA', task_type: 'CAUSAL_LM', r: 4, lora_alpha: 8, lora_dropout: 0.05, use_rslora: true, bias: 'none',
      target_modules: ['q_proj', 'v_proj', 'down_proj'], base_model_name_or_path: 'lora-lab/base',
    });
  });

  it('writes a Llama state dict (tied: no lm_head) and a transformers config', () => {
    const names = stateDictTensors(cfg, runWeights(cfg, initModelParams(cfg, 1).flat, null, null)).map((t) => t.name);
    expect(names.slice(0, 11)).toEqual([
      'model.embed_tokens.weight', 'model.layers.0.input_layernorm.weight', 'model.layers.0.self_attn.q_proj.weight',
      'model.layers.0.self_attn.k_proj.weight', 'model.layers.0.self_attn.v_proj.weight', 'model.layers.0.self_attn.o_proj.weight',
      'model.layers.0.post_attention_layernorm.weight', 'model.layers.0.mlp.gate_proj.weight', 'model.layers.0.mlp.up_proj.weight',
      'model.layers.0.mlp.down_proj.weight', 'model.layers.1.input_layernorm.weight',
    ]);
    expect(names.at(-1)).toBe('model.norm.weight');
    const untied = { ...cfg, tieEmbeddings: false };
    expect(stateDictTensors(untied, runWeights(untied, initModelParams(untied, 1).flat, null, null)).at(-1)!.name).toBe('lm_head.weight');
    expect(hfModelConfig(cfg)).toMatchObject({ hidden_size: 64, num_key_value_heads: 2, intermediate_size: 192, tie_word_embeddings: true, head_dim: 16 });
  });
});

describe('adapter import', () => {
  it('reads a zip or the two files back into the same adapter', () => {
    const { config, st } = adapterFiles();
    const fromZip = readUpload([{ name: 'a.zip', bytes: zipFiles({ 'adapter/adapter_config.json': config, 'adapter/adapter_model.safetensors': st }) }]);
    const fromTwo = readUpload([{ name: 'adapter_config.json', bytes: config }, { name: 'adapter_model.safetensors', bytes: st }]);
    for (const u of [fromZip, fromTwo]) {
      if (u.kind !== 'adapter') throw new Error('expected an adapter');
      const a = parsePeftAdapter(u.config, u.safetensors, cfg);
      expect(a.lora).toEqual({ rank: 4, alpha: 8, targets: ['q', 'v', 'down'], scaling: 'rslora', dropout: 0.05 });
      expect(a.flat).toEqual(adapterFlat());
    }
  });

  const cases: Array<[string, () => void, RegExp]> = [
    ['an unknown file', () => readUpload([{ name: 'x.bin', bytes: new Uint8Array([1, 2, 3]) }]), /could not recognise x.bin/],
    ['an empty file', () => readUpload([{ name: 'x.zip', bytes: new Uint8Array(0) }]), /x.zip is empty/],
    ['an oversized file', () => readUpload([{ name: 'big.zip', bytes: new Uint8Array(MAX_UPLOAD_BYTES + 1) }]), /limit is 64 MB/],
    ['a truncated zip', () => {
      const z = zipFiles({ 'adapter_config.json': adapterFiles().config, 'adapter_model.safetensors': adapterFiles().st });
      readUpload([{ name: 'cut.zip', bytes: z.slice(0, z.length - 30) }]);
    }, /not a readable zip file/],
    ['a zip without the weights', () => readUpload([{ name: 'a.zip', bytes: zipFiles({ 'adapter_config.json': adapterFiles().config }) }]), /needs both/],
    ['a truncated JSON', () => readUpload([{ name: 'adapter_config.json', bytes: adapterFiles().config.slice(0, 20) }, { name: 'adapter_model.safetensors', bytes: adapterFiles().st }]), /not valid JSON/],
  ];
  for (const [what, f, msg] of cases) it(`refuses ${what}`, () => expect(f).toThrow(msg));

  const adapterCases: Array<[string, Record<string, unknown>, Uint8Array | undefined, RegExp]> = [
    ['another PEFT method', { peft_type: 'IA3' }, undefined, /only LORA/],
    ['an unknown target module', { target_modules: ['q_proj', 'c_attn'] }, undefined, /"c_attn" is not one of/],
    ['a rank that does not match the tensors', { r: 8 }, undefined, /shape \[4,64\], this model needs \[8,64\]/],
    ['missing tensors', { target_modules: ['q_proj', 'k_proj', 'v_proj', 'down_proj'] }, undefined, /no tensor base_model.model.model.layers.0.self_attn.k_proj.lora_A.weight/],
    ['extra tensors', { target_modules: ['q_proj', 'down_proj'] }, undefined, /tensors this model does not have: .*v_proj/],
    ['a truncated safetensors file', {}, peftAdapterFile(cfg, r4, adapterFlat(), 't').slice(0, 500), /truncated/],
    ['DoRA', { use_dora: true }, undefined, /DoRA/],
  ];
  for (const [what, override, st, msg] of adapterCases) {
    it(`refuses ${what}`, () => {
      const f = adapterFiles(override, st);
      expect(() => parsePeftAdapter(JSON.parse(new TextDecoder().decode(f.config)), f.st, cfg)).toThrow(ImportError);
      expect(() => parsePeftAdapter(JSON.parse(new TextDecoder().decode(f.config)), f.st, cfg)).toThrow(msg);
    });
  }

  it('refuses an adapter for a model of another size', () => {
    const f = adapterFiles();
    expect(() => parsePeftAdapter(JSON.parse(new TextDecoder().decode(f.config)), f.st, { ...cfg, dModel: 32, nHeads: 2, nKvHeads: 1 }))
      .toThrow(/needs \[4,32\]/);
  });

  it('keeps the safetensors metadata', () => {
    expect(readSafetensors(adapterFiles().st).metadata).toEqual({ format: 'pt', description: 'test' });
  });
});

describe('an imported adapter evaluates like the run it came from (GPU)', () => {
  let ctx: KernelContext;
  let assets: DataAssets;
  beforeAll(async () => {
    ctx = createKernelContext((await testContext()).gpu.device);
    assets = await loadAssetsFromDisk();
  });

  it('gives the same held-out losses', async () => {
    const small = { vocabSize: 256, dModel: 16, nLayers: 2, nHeads: 2, nKvHeads: 1, ffnDim: 32, seqLen: 16, tieEmbeddings: true };
    const base: BaseModel = { config: small, params: initModelParams(small, 3).flat };
    const config = parseExperiment({
      source: { domain: 'english' }, target: { domain: 'code' }, steps: 4, batchSize: 2, seqLen: 16, schedule: {}, seed: 7,
      evalInterval: 4, evalBatches: 2,
      methods: [{ id: 'r2', kind: 'lora', rank: 2, alpha: 4, targets: ['q', 'o', 'up'], scaling: 'standard', dropout: 0.1, lr: 3e-2 }],
    });
    const trained = new ExperimentRunner(ctx, config, base, assets);
    await trained.init();
    await trained.run();
    const last = trained.evals.at(-1)!;
    const method = config.methods[0] as LoraMethodConfig;
    const files = zipFiles({
      'adapter_config.json': JSON.stringify(peftAdapterConfig(method, 'lora-lab/base')),
      'adapter_model.safetensors': peftAdapterFile(small, method, (await trained.checkpoint()).methods.r2.params, 'r2'),
    });
    trained.destroy();

    const upload = readUpload([{ name: 'r2-adapter.zip', bytes: files }]);
    if (upload.kind !== 'adapter') throw new Error('expected an adapter');
    const adapter = parsePeftAdapter(upload.config, upload.safetensors, small);
    const imported = new ExperimentRunner(ctx, configForAdapter(config, adapter.lora), base, assets);
    await imported.init();
    imported.restore(await checkpointFromAdapter(imported, IMPORTED_METHOD_ID, adapter));
    await imported.stepOnce(); // evaluates at step 0 (the imported weights), then trains one step
    const first = imported.evals[0];
    imported.destroy();
    console.log(`trained run at step ${last.step}: target ${last.targetLoss}, source ${last.sourceLoss}; imported adapter: target ${first.targetLoss}, source ${first.sourceLoss}`);
    expect(first.step).toBe(0);
    expect(first.targetLoss).toBe(last.targetLoss);
    expect(first.sourceLoss).toBe(last.sourceLoss);
    expect(last.targetLoss).not.toBe(trained.evals[0].targetLoss); // training moved it, so equality means something
  });
});
