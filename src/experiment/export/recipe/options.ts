// The real-scale recipe's choices: base models (the paper's Llama-2-7B or small open models
// that fit one GPU), datasets per target domain as in the paper (instruction tuning and
// continued pretraining for code and math), the lm-evaluation-harness tasks that measure
// learning and forgetting, and a rough cost estimate computed from the chosen settings.

import type { ExperimentConfig } from '../../config';

export type RecipeDomain = 'code' | 'math';

export interface RecipeModel {
  id: string;
  label: string;
  /** Parameter count, for the cost and memory estimates. */
  params: number;
  note: string;
}

export interface RecipeDataset {
  id: string;
  domain: RecipeDomain;
  label: string;
  /** data_dir inside the dataset repository, if any. */
  dataDir?: string;
  regime: 'instruction tuning' | 'continued pretraining';
  note: string;
}

export const RECIPE_MODELS: RecipeModel[] = [
  { id: 'meta-llama/Llama-2-7b-hf', label: 'Llama-2-7B (the paper’s base)', params: 6.74e9, note: 'gated: accept Meta’s licence on the Hugging Face Hub and `huggingface-cli login` first' },
  { id: 'Qwen/Qwen2.5-0.5B', label: 'Qwen2.5-0.5B (small, one GPU)', params: 0.494e9, note: 'Apache-2.0; both methods fit one 24 GB GPU' },
  { id: 'HuggingFaceTB/SmolLM2-1.7B', label: 'SmolLM2-1.7B (small, one GPU)', params: 1.71e9, note: 'Apache-2.0; a Llama-architecture model; full fine-tuning needs a 40-80 GB GPU' },
];

export const RECIPE_DATASETS: RecipeDataset[] = [
  { id: 'ise-uiuc/Magicoder-Evol-Instruct-110K', domain: 'code', label: 'Magicoder-Evol-Instruct-110K', regime: 'instruction tuning', note: 'the paper’s code instruction-tuning set' },
  { id: 'bigcode/starcoderdata', dataDir: 'python', domain: 'code', label: 'StarCoder-Python (starcoderdata/python)', regime: 'continued pretraining', note: 'the paper’s code continued-pretraining set; gated: accept its terms on the Hub' },
  { id: 'meta-math/MetaMathQA', domain: 'math', label: 'MetaMathQA', regime: 'instruction tuning', note: 'the paper’s math instruction-tuning set' },
  { id: 'open-web-math/open-web-math', domain: 'math', label: 'OpenWebMath', regime: 'continued pretraining', note: 'the paper’s math continued-pretraining set' },
];

/** lm-evaluation-harness tasks: learning on the target domain, forgetting on the source skills. */
export const EVAL_TASKS: Record<RecipeDomain, { learning: string; label: string }> = {
  code: { learning: 'humaneval', label: 'HumanEval pass@1' },
  math: { learning: 'gsm8k', label: 'GSM8K exact match' },
};
export const FORGETTING_TASKS = ['hellaswag', 'arc_challenge', 'winogrande'];

/**
 * The first lm-evaluation-harness release that has each task and command-line flag eval.sh
 * uses, read from the harness's release tags (v0.4.0 … v0.4.12): the humaneval task
 * (lm_eval/tasks/humaneval/) and --confirm_run_unsafe_code arrived together in v0.4.8; the rest
 * are in v0.4.0. requirements.txt asks for the latest of these.
 */
export const LM_EVAL_SINCE: Record<string, string> = {
  humaneval: '0.4.8', '--confirm_run_unsafe_code': '0.4.8',
  gsm8k: '0.4.0', hellaswag: '0.4.0', arc_challenge: '0.4.0', winogrande: '0.4.0',
  '--model': '0.4.0', '--model_args': '0.4.0', '--tasks': '0.4.0', '--batch_size': '0.4.0', '--output_path': '0.4.0',
  'pretrained=': '0.4.0', 'peft=': '0.4.0', 'dtype=': '0.4.0',
};

/** Compares dotted versions numerically ('0.4.10' > '0.4.8'). */
export function compareVersions(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

/** The oldest lm-evaluation-harness that runs every task and flag eval.sh uses. */
export const LM_EVAL_MIN = Object.values(LM_EVAL_SINCE).reduce((m, v) => (compareVersions(v, m) > 0 ? v : m));

export interface RecipeOptions {
  model: string;
  dataset: string;
  /** Tokens per training sequence at scale (the playground's sequences are bytes, not tokens). */
  seqLen: number;
  /** Sequences per optimizer step over all GPUs. */
  globalBatchSize: number;
  /** Sequences per GPU per forward pass (gradient accumulation makes up the rest). */
  microBatchSize: number;
}

/** The playground's target domain as a recipe domain (English targets have no paper analogue: math). */
export function recipeDomain(c: ExperimentConfig): RecipeDomain {
  return c.target.domain === 'code' ? 'code' : 'math';
}

/** Whether the playground scores answers only (its math target) on a dataset that has prompts to hide. */
export function recipeAnswerOnly(c: ExperimentConfig, o: RecipeOptions): { playground: boolean; atScale: boolean } {
  const playground = c.target.domain === 'math' && c.target.answerOnly === true;
  const ds = RECIPE_DATASETS.find((d) => d.id === o.dataset);
  return { playground, atScale: playground && ds?.regime === 'instruction tuning' };
}

export function defaultRecipeOptions(c: ExperimentConfig): RecipeOptions {
  const domain = recipeDomain(c);
  return {
    model: RECIPE_MODELS[0].id, dataset: RECIPE_DATASETS.find((d) => d.domain === domain)!.id,
    seqLen: 1024, globalBatchSize: c.batchSize, microBatchSize: 1,
  };
}

/** The chosen dataset if it is for the experiment's target domain, else that domain's first (what the page offers). */
export function recipeDataset(c: ExperimentConfig, id: string): string {
  const domain = recipeDomain(c);
  return RECIPE_DATASETS.some((d) => d.id === id && d.domain === domain) ? id : RECIPE_DATASETS.find((d) => d.domain === domain)!.id;
}

/** What is wrong with the options (for this experiment, when given), one sentence each. */
export function checkRecipeOptions(o: RecipeOptions, c?: ExperimentConfig): string[] {
  const errs: string[] = [];
  if (!RECIPE_MODELS.some((m) => m.id === o.model)) errs.push(`unknown model ${o.model}; choose one of ${RECIPE_MODELS.map((m) => m.id).join(', ')}`);
  const ds = RECIPE_DATASETS.find((d) => d.id === o.dataset);
  if (!ds) errs.push(`unknown dataset ${o.dataset}; choose one of ${RECIPE_DATASETS.map((d) => d.id).join(', ')}`);
  else if (c && ds.domain !== recipeDomain(c)) {
    errs.push(`dataset ${o.dataset} is ${ds.domain} data, but this experiment's target is ${recipeDomain(c)}: choose one of ${RECIPE_DATASETS.filter((d) => d.domain === recipeDomain(c)).map((d) => d.id).join(', ')}`);
  }
  for (const k of ['seqLen', 'globalBatchSize', 'microBatchSize'] as const) {
    if (!Number.isInteger(o[k]) || o[k] < 1) errs.push(`${k} must be a positive integer`);
  }
  if (o.seqLen < 2) errs.push('seqLen must be at least 2 (a window needs a token to predict)');
  if (o.seqLen > 32768) errs.push('seqLen must be at most 32768');
  if (Number.isInteger(o.globalBatchSize) && Number.isInteger(o.microBatchSize) && o.globalBatchSize % o.microBatchSize) {
    errs.push(`globalBatchSize ${o.globalBatchSize} must be a multiple of microBatchSize ${o.microBatchSize}`);
  }
  return errs;
}

export interface CostEstimate {
  tokens: number;
  /** GPU-hours per method at the assumed throughput. */
  gpuHours: Record<'full' | 'lora', number>;
  /** Bytes of weights + gradients + AdamW state per method (fp32), before activations. */
  stateBytes: Record<'full' | 'lora', number>;
}

/** Assumed sustained throughput of one A100/H100-class GPU on this workload (40% of ~312 TFLOP/s bf16). */
export const ASSUMED_FLOPS = 125e12;

/**
 * Training FLOPs ≈ 6·N per token for full fine-tuning (forward 2N, backward 4N) and ≈ 4·N for
 * LoRA (no weight gradients for the frozen base; the adapters' share is negligible).
 */
export function estimateCost(c: ExperimentConfig, o: RecipeOptions): CostEstimate {
  const n = RECIPE_MODELS.find((m) => m.id === o.model)!.params;
  const tokens = c.steps * o.globalBatchSize * o.seqLen;
  const hours = (perToken: number) => (perToken * n * tokens) / ASSUMED_FLOPS / 3600;
  return { tokens, gpuHours: { full: hours(6), lora: hours(4) }, stateBytes: { full: 16 * n, lora: 4 * n } };
}
