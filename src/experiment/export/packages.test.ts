// The downloadable model packages say what transformers and PEFT need to load them offline:
// config.json's special tokens are null (transformers' defaults, bos 1 and eos 2, would stop
// generate() at byte 0x02), a PEFT zip names its bundled base/ folder as the base model (not a
// Hub id that AutoPeftModelForCausalLM would try to download), and every README says the exact
// loading calls and the sequence-length limit.
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { initModelParams, loraLayout } from '../../engine/index';
import type { LoraMethodConfig } from '../config';
import { hfFolderZip, PEFT_BASE_FOLDER, peftZip, type ModelSource } from './packages';
import { hfModelConfig } from './peft';

const cfg = { vocabSize: 256, dModel: 8, nLayers: 1, nHeads: 2, nKvHeads: 1, ffnDim: 12, seqLen: 16, tieEmbeddings: true };
const method: LoraMethodConfig = { id: 'r2', kind: 'lora', lr: 1e-2, weightDecay: 0, rank: 2, alpha: 4, targets: ['q', 'v'], scaling: 'standard', dropout: 0 };
const src: ModelSource = {
  cfg, baseName: 'base', baseParams: initModelParams(cfg, 1).flat, baseDescription: 'a test base', method,
  trained: new Float32Array(loraLayout(cfg, 2, ['q', 'v']).totalElements).fill(0.01), description: 'a test adapter', name: 'test-r2',
};
const text = (files: Record<string, Uint8Array>, name: string) => strFromU8(files[name]);

describe('model packages', () => {
  it('leave the special tokens null in config.json', () => {
    expect(hfModelConfig(cfg)).toMatchObject({ bos_token_id: null, eos_token_id: null, pad_token_id: null, max_position_embeddings: 16 });
    const files = unzipSync(hfFolderZip(src).bytes);
    expect(JSON.parse(text(files, 'config.json'))).toMatchObject({ bos_token_id: null, eos_token_id: null });
    expect(text(files, 'README.md')).toMatch(/no special token \(bos\/eos are null, so `generate\(\)` stops only at `max_new_tokens`\)/);
    expect(text(files, 'README.md')).toContain('Sequences are at most 16 tokens');
  });

  it('point a PEFT adapter at its bundled base folder and say how to load it', () => {
    const files = unzipSync(peftZip(src).bytes);
    const adapter = JSON.parse(text(files, 'adapter_config.json'));
    expect(adapter.base_model_name_or_path).toBe(PEFT_BASE_FOLDER);
    expect(Object.keys(files)).toEqual(expect.arrayContaining([`${PEFT_BASE_FOLDER}/config.json`, `${PEFT_BASE_FOLDER}/model.safetensors`]));
    expect(JSON.parse(text(files, `${PEFT_BASE_FOLDER}/config.json`)).eos_token_id).toBeNull();
    const readme = text(files, 'README.md');
    expect(readme).toContain('model = AutoPeftModelForCausalLM.from_pretrained(".")');
    expect(readme).toContain('PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained("FOLDER/base"), "FOLDER")');
  });
});
