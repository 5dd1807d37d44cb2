// The weights a run leaves: the base model's, a full fine-tuning run's (all of them trained),
// or a LoRA run's merged into the base (W + scale·B·A, the engine's mergeLora); and the
// mapping from the engine's parameter names to Hugging Face Llama's, which the ONNX
// initializers, the safetensors state dict and the PEFT adapter names all follow.

import {
  loraLayout, loraScale, mergeLora, modelLayout, unpack, weightName, type LayerParam, type LlamaConfig, type Projection,
} from '../../engine/index';
import type { MethodConfig } from '../config';

/** Hugging Face module path of each projection inside a decoder layer. */
export const HF_PROJECTION: Record<Projection, string> = {
  q: 'self_attn.q_proj', k: 'self_attn.k_proj', v: 'self_attn.v_proj', o: 'self_attn.o_proj',
  gate: 'mlp.gate_proj', up: 'mlp.up_proj', down: 'mlp.down_proj',
};

/** Hugging Face module path of each of a decoder layer's parameters (the engine's names as keys). */
const LAYER_PARAM: Record<LayerParam, string> = {
  attn_norm: 'input_layernorm', mlp_norm: 'post_attention_layernorm',
  wq: HF_PROJECTION.q, wk: HF_PROJECTION.k, wv: HF_PROJECTION.v, wo: HF_PROJECTION.o,
  w_gate: HF_PROJECTION.gate, w_up: HF_PROJECTION.up, w_down: HF_PROJECTION.down,
};

/** `layers.3.wq` → `model.layers.3.self_attn.q_proj.weight` (transformers' LlamaForCausalLM state dict). */
export function hfName(name: string): string {
  if (name === 'wte') return 'model.embed_tokens.weight';
  if (name === 'final_norm') return 'model.norm.weight';
  if (name === 'lm_head') return 'lm_head.weight';
  const m = /^layers\.(\d+)\.(\w+)$/.exec(name);
  if (!m || !(m[2] in LAYER_PARAM)) throw new Error(`no Hugging Face name for parameter ${name}`);
  return `model.layers.${m[1]}.${LAYER_PARAM[m[2] as LayerParam]}.weight`;
}

/** PEFT's name of an adapter matrix: `base_model.model.model.layers.{l}.self_attn.q_proj.lora_A.weight`. */
export function peftName(layer: number, proj: Projection, which: 'A' | 'B'): string {
  return `base_model.model.model.layers.${layer}.${HF_PROJECTION[proj]}.lora_${which}.weight`;
}

/** Engine-named model weights of a run: base, full fine-tuned, or LoRA merged into the base. */
export function runWeights(
  cfg: LlamaConfig, baseFlat: Float32Array, method: MethodConfig | null, trainedFlat: Float32Array | null,
): Map<string, Float32Array> {
  const layout = modelLayout(cfg);
  if (!method || !trainedFlat) return unpack(layout, baseFlat);
  if (method.kind === 'full') return unpack(layout, trainedFlat);
  const base = unpack(layout, baseFlat);
  const adapters = unpack(loraLayout(cfg, method.rank, method.targets), trainedFlat);
  const scale = loraScale(method);
  const out = new Map(base);
  for (let l = 0; l < cfg.nLayers; l++) {
    for (const p of method.targets) {
      out.set(weightName(l, p), mergeLora(cfg, base, adapters, l, p, method.rank, scale));
    }
  }
  return out;
}

/** A run config's model: the base config with RoPE tables long enough for the run's sequences. */
export function exportConfig(base: LlamaConfig, seqLen: number): LlamaConfig {
  return { ...base, seqLen: Math.max(base.seqLen, seqLen) };
}
