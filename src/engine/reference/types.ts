// Shared types of the float64 reference ("the oracle"): array aliases, the model and LoRA
// configurations. The model config is structurally identical to the app's LlamaConfig
// (src/engine/model/config.ts), so either can be passed to the reference.

/** Any readable float array (inputs); outputs are always Float64Array. */
export type Arr = ArrayLike<number>;

/** Llama-style model hyper-parameters (same fields as the engine's LlamaConfig). */
export interface RefLlamaConfig {
  vocabSize: number;
  dModel: number;
  nLayers: number;
  nHeads: number;
  nKvHeads: number;
  ffnDim: number;
  seqLen: number;
  tieEmbeddings: boolean;
  /** RMSNorm epsilon, default 1e-5. */
  normEps?: number;
  /** RoPE base, default 10000. */
  ropeTheta?: number;
}

/** The seven projections LoRA can adapt, in their canonical order (projIndex). */
export const LORA_PROJS = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'] as const;
export type LoraProj = (typeof LORA_PROJS)[number];

/** LoRA adapter settings; `scale` is alpha/r (or alpha/sqrt(r) for rsLoRA). */
export interface RefLoraConfig {
  rank: number;
  scale: number;
  targets: LoraProj[];
  /** Dropout probability on the adapter input, in [0, 1). */
  dropout: number;
  seed: number;
}

/** Named parameter (or gradient) tensors, flat row-major. */
export type ParamMap = Map<string, Float64Array>;

/**
 * Dropout on the input of every base projection (full fine-tuning): y = drop(x)·Wᵀ, with
 * the mask of (layer, projection) seeded by full_dropout_seed(seed, layer, proj).
 */
export interface RefDropout {
  /** Drop probability in [0, 1). */
  p: number;
  seed: number;
}

/** Salt offset that keeps full fine-tuning's masks apart from LoRA's (which use layer·7 + projIndex). */
export const FULL_DROPOUT_SALT = 0x10000;
