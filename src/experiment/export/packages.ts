// The downloadable packages of a model, shared by the Worker and the CLI: ONNX, a transformers
// folder (config.json + model.safetensors, LoRA merged) and a PEFT adapter folder (with its
// base model in base/), each zip with a README saying what it is and how to load it.

import type { LlamaConfig } from '../../engine/index';
import type { MethodConfig } from '../config';
import { zipFiles } from './bundle';
import { exportOnnx } from './onnx';
import { hfModelConfig, peftAdapterConfig, peftAdapterFile, stateDictFile } from './peft';
import { runWeights } from './weights';

export interface FileOut {
  name: string;
  mime: string;
  bytes: Uint8Array;
}

/** A model to package: the base, or a method of a run with its trained tensors (full weights or adapters). */
export interface ModelSource {
  cfg: LlamaConfig;
  baseName: string;
  baseParams: Float32Array;
  /** What the base is (describeBase). */
  baseDescription: string;
  method: MethodConfig | null;
  trained: Float32Array | null;
  /** What this model is, in a sentence (stored in the files). */
  description: string;
  /** File name stem. */
  name: string;
}

/** Where a PEFT zip keeps its base model, and what its adapter_config.json names as the base. */
export const PEFT_BASE_FOLDER = 'base';

const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v, null, 2) + '\n');
const ZIP = 'application/zip';

export function onnxFile(s: ModelSource): FileOut {
  const bytes = exportOnnx(s.cfg, runWeights(s.cfg, s.baseParams, s.method, s.trained), { name: s.name, description: s.description });
  return { name: `${s.name}.onnx`, mime: 'application/octet-stream', bytes };
}

function baseFolder(s: ModelSource): Record<string, Uint8Array> {
  return { 'config.json': json(hfModelConfig(s.cfg)), 'model.safetensors': stateDictFile(s.cfg, runWeights(s.cfg, s.baseParams, null, null), s.baseDescription) };
}

/** What every model file's README says about tokens and length. */
function tokensNote(cfg: LlamaConfig): string {
  return `Token ids are bytes (vocabulary ${cfg.vocabSize}); there is no tokenizer and no special token (bos/eos are null, so ` +
    '`generate()` stops only at `max_new_tokens`): encode text as UTF-8 bytes. ' +
    `Sequences are at most ${cfg.seqLen} tokens (max_position_embeddings; the ONNX export's RoPE and mask tables end there).\n`;
}

export function hfFolderZip(s: ModelSource): FileOut {
  const weights = s.method ? stateDictFile(s.cfg, runWeights(s.cfg, s.baseParams, s.method, s.trained), s.description) : baseFolder(s)['model.safetensors'];
  const readme = `# ${s.name}\n\n${s.description}.\n\nA transformers LlamaForCausalLM folder: \`AutoModelForCausalLM.from_pretrained(this_folder)\`.\n` +
    tokensNote(s.cfg) + (s.method?.kind === 'lora' ? 'The LoRA adapter is merged into the weights (W + scale·B·A).\n' : '');
  return { name: `${s.name}-hf.zip`, mime: ZIP, bytes: zipFiles({ 'config.json': json(hfModelConfig(s.cfg)), 'model.safetensors': weights, 'README.md': readme }) };
}

export function peftZip(s: ModelSource): FileOut {
  const m = s.method;
  if (!m || m.kind !== 'lora' || !s.trained) throw new Error('A PEFT adapter comes from a LoRA method: choose one.');
  const readme = `# ${s.name}\n\n${s.description}.\n\nA PEFT LoRA adapter. base/ holds its base model as a transformers folder, and\n` +
    'adapter_config.json names it (`base_model_name_or_path: "base"`, a path relative to the working directory), so from\n' +
    'inside this folder either call works without the Hub:\n\n' +
    '```python\nfrom peft import AutoPeftModelForCausalLM\nmodel = AutoPeftModelForCausalLM.from_pretrained(".")\n\n' +
    'from transformers import AutoModelForCausalLM\nfrom peft import PeftModel\n' +
    'model = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained("base"), ".")\n```\n\n' +
    'From another directory, give both paths: `PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained("FOLDER/base"), "FOLDER")`.\n\n' +
    tokensNote(s.cfg);
  const base = baseFolder(s);
  return {
    name: `${s.name}-peft.zip`, mime: ZIP,
    bytes: zipFiles({
      // The bundled base/ folder, not a name on the Hub (AutoPeftModelForCausalLM would try to download one).
      'adapter_config.json': json(peftAdapterConfig(m, PEFT_BASE_FOLDER)),
      'adapter_model.safetensors': peftAdapterFile(s.cfg, m, s.trained, s.description), 'README.md': readme,
      [`${PEFT_BASE_FOLDER}/config.json`]: base['config.json'], [`${PEFT_BASE_FOLDER}/model.safetensors`]: base['model.safetensors'],
    }),
  };
}

/** One sentence on a trained method, for the files' descriptions. */
export function describeMethod(m: MethodConfig, step: number, preset: string, baseDescription: string): string {
  return `${m.label ?? m.id} (${m.kind === 'lora' ? `LoRA r=${m.rank}` : 'full fine-tuning'}) after ${step} steps of "${preset}", from the ${baseDescription}`;
}
