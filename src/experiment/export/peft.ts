// Hugging Face formats of a run: a LoRA run as a PEFT adapter (adapter_config.json +
// adapter_model.safetensors, PEFT's tensor names and shapes), any run's weights as a
// transformers LlamaForCausalLM folder (config.json + model.safetensors), and the way back:
// an uploaded adapter validated against the playground's model (names, shapes, settings)
// and turned into the engine's flat adapter layout.

import { loraLayout, modelLayout, PROJECTIONS, type LlamaConfig, type Projection } from '../../engine/index';
import type { LoraMethodConfig } from '../config';
import { readSafetensors, SafetensorsError, writeSafetensors, type NamedTensor } from './safetensors';
import { HF_PROJECTION, hfName, peftName } from './weights';

/** PEFT's target_modules entry of each projection. */
export const PEFT_MODULE: Record<Projection, string> = {
  q: 'q_proj', k: 'k_proj', v: 'v_proj', o: 'o_proj', gate: 'gate_proj', up: 'up_proj', down: 'down_proj',
};

export class ImportError extends Error {
  override name = 'ImportError';
}

/** What the base model is, written into every export so a file says where it came from. */
export function describeBase(cfg: LlamaConfig, name: string): string {
  return `LoRA Lab "${name}" model: byte-level Llama-style decoder (vocab ${cfg.vocabSize} = bytes, d_model ${cfg.dModel}, ` +
    `${cfg.nLayers} layers, ${cfg.nHeads} query / ${cfg.nKvHeads} key-value heads, SwiGLU ${cfg.ffnDim}, ` +
    `${cfg.tieEmbeddings ? 'tied' : 'untied'} embeddings)`;
}

/**
 * transformers' LlamaConfig (config.json) of the playground's model. Its tokens are bytes with no
 * special ones, so bos/eos/pad are null: left out, transformers' defaults (bos 1, eos 2) would make
 * generate() stop at byte 0x02.
 */
export function hfModelConfig(cfg: LlamaConfig): Record<string, unknown> {
  return {
    architectures: ['LlamaForCausalLM'], model_type: 'llama', torch_dtype: 'float32', hidden_act: 'silu',
    bos_token_id: null, eos_token_id: null, pad_token_id: null,
    vocab_size: cfg.vocabSize, hidden_size: cfg.dModel, intermediate_size: cfg.ffnDim, num_hidden_layers: cfg.nLayers,
    num_attention_heads: cfg.nHeads, num_key_value_heads: cfg.nKvHeads, head_dim: cfg.dModel / cfg.nHeads,
    max_position_embeddings: cfg.seqLen, rms_norm_eps: cfg.normEps ?? 1e-5, rope_theta: cfg.ropeTheta ?? 10000,
    tie_word_embeddings: cfg.tieEmbeddings, attention_bias: false, mlp_bias: false,
  };
}

/** PEFT's adapter_config.json for a LoRA method. */
export function peftAdapterConfig(m: LoraMethodConfig, baseName: string): Record<string, unknown> {
  return {
    peft_type: 'LORA', task_type: 'CAUSAL_LM', base_model_name_or_path: baseName, revision: null, inference_mode: true,
    r: m.rank, lora_alpha: m.alpha, lora_dropout: m.dropout, use_rslora: m.scaling === 'rslora',
    target_modules: PROJECTIONS.filter((p) => m.targets.includes(p)).map((p) => PEFT_MODULE[p]),
    bias: 'none', fan_in_fan_out: false, init_lora_weights: true, use_dora: false,
    layers_to_transform: null, layers_pattern: null, rank_pattern: {}, alpha_pattern: {}, modules_to_save: null,
  };
}

/** Adapter tensors under PEFT's names: lora_A (r, in), lora_B (out, r), layer by layer. */
export function peftAdapterTensors(cfg: LlamaConfig, m: LoraMethodConfig, adapterFlat: Float32Array): NamedTensor[] {
  const layout = loraLayout(cfg, m.rank, m.targets);
  return layout.tensors.map((t) => {
    const [, l, p, ab] = /^layers\.(\d+)\.(\w+)\.lora_([AB])$/.exec(t.name)!;
    return { name: peftName(Number(l), p as Projection, ab as 'A' | 'B'), shape: t.shape, data: adapterFlat.slice(t.offset, t.offset + t.numel) };
  });
}

/** A Llama-style state dict (model.embed_tokens.weight, model.layers.{i}..., model.norm.weight, lm_head.weight if untied). */
export function stateDictTensors(cfg: LlamaConfig, weights: Map<string, Float32Array>): NamedTensor[] {
  return modelLayout(cfg).tensors.map((t) => ({ name: hfName(t.name), shape: t.shape, data: weights.get(t.name)! }));
}

export function stateDictFile(cfg: LlamaConfig, weights: Map<string, Float32Array>, description: string): Uint8Array {
  return writeSafetensors(stateDictTensors(cfg, weights), { format: 'pt', description });
}

export function peftAdapterFile(cfg: LlamaConfig, m: LoraMethodConfig, adapterFlat: Float32Array, description: string): Uint8Array {
  return writeSafetensors(peftAdapterTensors(cfg, m, adapterFlat), { format: 'pt', description });
}

/** A parsed, validated adapter: the LoRA settings it implies and its tensors in loraLayout order. */
export interface ImportedAdapter {
  lora: Pick<LoraMethodConfig, 'rank' | 'alpha' | 'targets' | 'scaling' | 'dropout'>;
  flat: Float32Array;
}

function settingsOf(json: unknown): ImportedAdapter['lora'] {
  const c = json as Record<string, unknown> | null;
  if (!c || typeof c !== 'object' || Array.isArray(c)) throw new ImportError('adapter_config.json is not a JSON object');
  if (c.peft_type !== 'LORA') throw new ImportError(`adapter_config.json: peft_type is ${JSON.stringify(c.peft_type)}, only LORA adapters can be imported`);
  const r = c.r;
  if (!Number.isInteger(r) || (r as number) < 1 || (r as number) > 128) throw new ImportError(`adapter_config.json: r must be an integer in 1..128 (got ${JSON.stringify(r)})`);
  const alpha = c.lora_alpha;
  if (typeof alpha !== 'number' || !(alpha > 0) || alpha > 4096) throw new ImportError(`adapter_config.json: lora_alpha must be a number in (0, 4096] (got ${JSON.stringify(alpha)})`);
  const dropout = c.lora_dropout ?? 0;
  if (typeof dropout !== 'number' || dropout < 0 || dropout > 0.9) throw new ImportError(`adapter_config.json: lora_dropout must be in [0, 0.9] (got ${JSON.stringify(dropout)})`);
  if (c.bias !== undefined && c.bias !== 'none') throw new ImportError(`adapter_config.json: bias "${c.bias}" is not supported (the playground's model has no biases)`);
  if (c.use_dora === true) throw new ImportError('adapter_config.json: DoRA adapters are not supported');
  if (c.fan_in_fan_out === true) throw new ImportError('adapter_config.json: fan_in_fan_out adapters (GPT-2 style Conv1D) are not supported');
  for (const k of ['rank_pattern', 'alpha_pattern'] as const) {
    if (c[k] && typeof c[k] === 'object' && Object.keys(c[k] as object).length) throw new ImportError(`adapter_config.json: per-module ${k} is not supported`);
  }
  const mods = c.target_modules;
  if (!Array.isArray(mods) || mods.length === 0) throw new ImportError('adapter_config.json: target_modules must be a non-empty list of module names');
  const targets: Projection[] = [];
  for (const name of mods) {
    const p = PROJECTIONS.find((q) => PEFT_MODULE[q] === name);
    if (!p) throw new ImportError(`adapter_config.json: target module ${JSON.stringify(name)} is not one of ${PROJECTIONS.map((q) => PEFT_MODULE[q]).join(', ')}`);
    if (!targets.includes(p)) targets.push(p);
  }
  return {
    rank: r as number, alpha, dropout, scaling: c.use_rslora === true ? 'rslora' : 'standard',
    targets: PROJECTIONS.filter((p) => targets.includes(p)),
  };
}

/** Checks an adapter against the model it will be applied to; throws ImportError saying what is wrong. */
export function parsePeftAdapter(configJson: unknown, safetensors: Uint8Array, model: LlamaConfig): ImportedAdapter {
  const lora = settingsOf(configJson);
  let tensors: NamedTensor[];
  try {
    tensors = readSafetensors(safetensors, 'adapter_model.safetensors').tensors;
  } catch (e) {
    throw new ImportError(e instanceof SafetensorsError ? e.message : `adapter_model.safetensors could not be read: ${e}`);
  }
  const layout = loraLayout(model, lora.rank, lora.targets);
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const flat = new Float32Array(layout.totalElements);
  const used = new Set<string>();
  for (const t of layout.tensors) {
    const [, l, p, ab] = /^layers\.(\d+)\.(\w+)\.lora_([AB])$/.exec(t.name)!;
    const name = peftName(Number(l), p as Projection, ab as 'A' | 'B');
    const got = byName.get(name) ?? byName.get(name.replace('.weight', '.default.weight'));
    if (!got) throw new ImportError(`adapter_model.safetensors has no tensor ${name} (the adapter must cover every layer of this ${model.nLayers}-layer model)`);
    if (got.shape.join(',') !== t.shape.join(',')) {
      throw new ImportError(`${name} has shape [${got.shape}], this model needs [${t.shape}] (r = ${lora.rank}, ${HF_PROJECTION[p as Projection]} of d_model ${model.dModel})`);
    }
    for (let i = 0; i < got.data.length; i++) {
      if (!Number.isFinite(got.data[i])) throw new ImportError(`${name} holds a non-finite value at index ${i}`);
    }
    flat.set(got.data, t.offset);
    used.add(got.name);
  }
  const extra = tensors.filter((t) => !used.has(t.name)).map((t) => t.name);
  if (extra.length) throw new ImportError(`adapter_model.safetensors has tensors this model does not have: ${extra.slice(0, 3).join(', ')}${extra.length > 3 ? ` and ${extra.length - 3} more` : ''}`);
  return { lora, flat };
}
