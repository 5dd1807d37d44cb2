// Llama-style model hyper-parameters, their validation, and a few named sizes.

export interface LlamaConfig {
  vocabSize: number;
  dModel: number;
  nLayers: number;
  nHeads: number;
  nKvHeads: number;
  ffnDim: number;
  /** Longest sequence the model is built for (RoPE positions 0..seqLen-1). */
  seqLen: number;
  tieEmbeddings: boolean;
  /** RMSNorm epsilon (default 1e-5). */
  normEps?: number;
  /** RoPE base (default 10000). */
  ropeTheta?: number;
}

export const DEFAULT_NORM_EPS = 1e-5;
export const DEFAULT_ROPE_THETA = 10000;

/** Named sizes used by tests, benchmarks and the playground. */
export const MODEL_SIZES = {
  /** For kernel/model tests on SwiftShader: seconds per step. */
  tiny: { vocabSize: 256, dModel: 32, nLayers: 2, nHeads: 4, nKvHeads: 2, ffnDim: 64, seqLen: 32, tieEmbeddings: true },
  /** The shipped base model: pretrained on English in about an hour on a 2-core CPU (SwiftShader). */
  base: { vocabSize: 256, dModel: 64, nLayers: 2, nHeads: 4, nKvHeads: 2, ffnDim: 192, seqLen: 64, tieEmbeddings: true },
  /** A larger size for real GPUs and benchmarks. */
  small: { vocabSize: 256, dModel: 128, nLayers: 4, nHeads: 4, nKvHeads: 2, ffnDim: 384, seqLen: 128, tieEmbeddings: true },
} satisfies Record<string, LlamaConfig>;

export function headDim(cfg: LlamaConfig): number {
  return cfg.dModel / cfg.nHeads;
}

/** Returns a list of problems (empty when the config is valid). */
export function validateConfig(cfg: LlamaConfig): string[] {
  const errs: string[] = [];
  const positive = ['vocabSize', 'dModel', 'nLayers', 'nHeads', 'nKvHeads', 'ffnDim', 'seqLen'] as const;
  for (const k of positive) {
    if (!Number.isInteger(cfg[k]) || cfg[k] < 1) errs.push(`${k} must be a positive integer (got ${cfg[k]})`);
  }
  if (errs.length) return errs;
  if (cfg.dModel % cfg.nHeads !== 0) errs.push(`dModel (${cfg.dModel}) must be divisible by nHeads (${cfg.nHeads})`);
  else if (headDim(cfg) % 2 !== 0) errs.push(`head dimension dModel/nHeads (${headDim(cfg)}) must be even for RoPE`);
  if (cfg.nHeads % cfg.nKvHeads !== 0) errs.push(`nHeads (${cfg.nHeads}) must be divisible by nKvHeads (${cfg.nKvHeads})`);
  return errs;
}

export function assertValidConfig(cfg: LlamaConfig): void {
  const errs = validateConfig(cfg);
  if (errs.length) throw new Error(`Invalid model config: ${errs.join('; ')}`);
}
