// What TrainingRun.create would allocate for a set of RunOptions, computed without a device,
// so a configuration that cannot fit is refused before anything is allocated. It mirrors
// run.ts buffer by buffer: the parameter, gradient and AdamW buffers, every planned
// activation (buffers.ts planBuffers), the clipping partials, one uniform per prepared
// dispatch (forward for training and for evaluation, backward, optimizer; each sized from its
// kernel's declared uniform struct) and, for LoRA runs that
// merge their adapters, lora_merge_forward's problem table per forward pass, the RoPE table
// from the context's pool and the ScalarReader's staging ring. Sizes are the ones passed to
// createBuffer; a driver may round them up further, which no WebGPU API reveals.
// memory-estimate.test.ts checks the mirror against the buffers a real run creates.

import { BufferPool, numel } from '../gpu/buffers';
import { ADAMW_PARAMS } from '../kernels/adamw';
import { ATTENTION_PARAMS } from '../kernels/attention';
import { uniformBytes } from '../kernels/contract';
import { CROSS_ENTROPY_PARAMS } from '../kernels/cross_entropy';
import { EMBEDDING_PARAMS } from '../kernels/embedding';
import { LORA_DROPOUT_PARAMS } from '../kernels/lora_dropout';
import { LORA_FUSED_PARAMS } from '../kernels/lora_fused';
import { LORA_MATMUL_PARAMS } from '../kernels/lora_matmul';
import { LORA_MERGE_PARAMS, LORA_MERGE_ROW } from '../kernels/lora_merge';
import { MATMUL_PARAMS } from '../kernels/matmul';
import { gradNormPartials, REDUCE_PARAMS } from '../kernels/reduce';
import { RESIDUAL_PARAMS } from '../kernels/residual';
import { RMSNORM_PARAMS } from '../kernels/rmsnorm';
import { ROPE_PARAMS } from '../kernels/rope';
import { SWIGLU_PARAMS } from '../kernels/swiglu';
import { planBuffers } from './buffers';
import { DEFAULT_ROPE_THETA, headDim } from './config';
import { loraLayout, modelLayout, type Projection } from './layout';
import { loraGroups } from './lora';
import { mergedEntries, mergesAdapters } from './names';
import type { RunOptions } from './run';

/** What a buffer holds, for telling which term of an estimate dominates. */
export type MemoryCategory = 'weights' | 'gradients' | 'optimizer' | 'activations' | 'other';

export interface BufferEstimate {
  /** The label TrainingRun gives the buffer (`<run label>:<name>`), or the kernel's for uniforms and tables. */
  label: string;
  bytes: number;
  category: MemoryCategory;
}

export interface RunMemoryEstimate {
  totalBytes: number;
  /** The first of the largest buffers in creation order (ties: logits before dlogits, params before grads). */
  largestBuffer: { label: string; bytes: number };
  /** Number of createBuffer calls. */
  buffers: number;
  byCategory: Record<MemoryCategory, number>;
}

/** TrainingRun.alloc rounds to 16 bytes, at least 16. */
const runAlloc = (bytes: number) => Math.max(16, Math.ceil(bytes / 16) * 16);
/**
 * Uniform bytes of each kernel a run prepares, from the uniform struct each kernel module
 * declares (contracts.test.ts checks every description against its shader's struct).
 */
const U = {
  matmul: uniformBytes(MATMUL_PARAMS), attention: uniformBytes(ATTENTION_PARAMS), dropout: uniformBytes(LORA_DROPOUT_PARAMS),
  loraMatmul: uniformBytes(LORA_MATMUL_PARAMS), loraFused: uniformBytes(LORA_FUSED_PARAMS), loraMerge: uniformBytes(LORA_MERGE_PARAMS),
  embedding: uniformBytes(EMBEDDING_PARAMS), rmsnorm: uniformBytes(RMSNORM_PARAMS), rope: uniformBytes(ROPE_PARAMS),
  residual: uniformBytes(RESIDUAL_PARAMS), swiglu: uniformBytes(SWIGLU_PARAMS), crossEntropy: uniformBytes(CROSS_ENTROPY_PARAMS),
  reduce: uniformBytes(REDUCE_PARAMS), adamw: uniformBytes(ADAMW_PARAMS),
};
/** ScalarReader(device, 8) in run.ts: a ring of 3 staging buffers of 8 f32s. */
const SCALAR_RING = 3;
const SCALAR_BYTES = Math.max(16, 8 * 4);

/** Uniform bytes and counts of every prepared dispatch of a run, mirroring forward.ts, backward.ts, linear.ts (adapters by group) and adamw.ts. */
function dispatchUniforms(opts: RunOptions): number[] {
  const cfg = opts.config;
  const full = opts.mode === 'full';
  const dropout = opts.dropout ?? 0;
  const lora = opts.mode === 'lora' ? opts.lora! : null;
  const out: number[] = [];
  const add = (bytes: number, n = 1) => {
    for (let i = 0; i < n; i++) out.push(bytes);
  };
  const adapted = (p: Projection) => !!lora && lora.targets.includes(p);
  const merges = mergesAdapters(lora);
  // Projections without an adapter: a matmul each (and full fine-tuning's dropout masks).
  const linearForward = (projs: Projection[], train: boolean) => {
    for (let i = projs.filter((q) => !adapted(q)).length; i > 0; i--) {
      if (train && dropout > 0) add(U.dropout);
      add(U.matmul);
    }
  };
  const linearBackward = (projs: Projection[], needDx: boolean) => {
    for (let i = projs.filter((q) => !adapted(q)).length; i > 0; i--) {
      if (full) add(U.matmul); // dW
      if (!needDx) continue;
      add(U.matmul); // dx (or dy·W before the mask)
      if (dropout > 0) add(U.dropout);
    }
  };
  // Adapted ones by group (loraGroups): one skinny dispatch per group, then the base and
  // low-rank terms fused per adapter (matmul.ts's register variant assumed, as on SwiftShader;
  // where a GPU's autotuner picks another, a run has one more uniform per adapter and pass).
  // A run that merges (linear.ts adapters_merge) runs plain matmuls with W + s·B·A instead,
  // and computes u only while training.
  const loraForward = (projs: Projection[], train: boolean) => {
    for (const g of groupsOf(projs)) {
      if (train && lora!.dropout > 0) add(U.dropout);
      if (train || !merges) add(U.loraMatmul); // u = x·Aᵀ
      add(merges ? U.matmul : U.loraFused, g.length); // y = x·W'ᵀ, or x·Wᵀ + s·u·Bᵀ
    }
  };
  const loraBackward = (projs: Projection[], needDx: boolean) => {
    for (const g of groupsOf(projs)) {
      add(U.loraMatmul, 2 * g.length + 1); // dB, du per adapter; dA for the group
      if (!needDx) continue;
      if (lora!.dropout > 0) add(U.matmul, 2 * g.length); // dx = dy·W, then du·A before its mask
      else add(U.matmul, g.length); // dx = dy·W' (merged: no dropout)
      if (lora!.dropout > 0) add(U.dropout, g.length);
    }
  };
  const groupsOf = (projs: Projection[]) => (lora ? loraGroups(lora).filter((g) => g.every((p) => projs.includes(p))) : []);
  const projections = (projs: Projection[], train: boolean) => {
    linearForward(projs, train);
    loraForward(projs, train);
  };
  const projectionsBackward = (projs: Projection[], needDx = true) => {
    linearBackward(projs, needDx);
    loraBackward(projs, needDx);
  };
  const rmsnormBackward = () => add(U.rmsnorm, full ? 2 : 1); // the dw pass only when norm weights train
  const forward = (train: boolean) => {
    if (merges) add(U.loraMerge); // W + s·B·A of every adapter (its problem table: see mergeTables)
    add(U.embedding);
    for (let l = 0; l < cfg.nLayers; l++) {
      add(U.rmsnorm);
      projections(['q', 'k', 'v'], train);
      add(U.rope, 2); // q, k
      add(U.attention);
      projections(['o'], train);
      add(U.residual);
      add(U.rmsnorm);
      projections(['gate', 'up'], train);
      add(U.swiglu);
      projections(['down'], train);
      add(U.residual);
    }
    add(U.rmsnorm); // final norm
    add(U.matmul); // LM head
    add(U.crossEntropy, 2); // losses and stats
  };
  forward(true);
  add(U.crossEntropy); // backward
  add(U.matmul, full ? 2 : 1); // LM head: dW (full only) and dx
  rmsnormBackward();
  for (let l = 0; l < cfg.nLayers; l++) {
    projectionsBackward(['down']);
    add(U.swiglu);
    projectionsBackward(['gate', 'up']);
    rmsnormBackward();
    projectionsBackward(['o']);
    add(U.attention, 2);
    add(U.rope, 2); // q, k
    // backward.ts: below layer 0's attention only trainable embeddings or norms need a gradient.
    const needInput = l > 0 || full;
    projectionsBackward(['q', 'k', 'v'], needInput);
    if (needInput) rmsnormBackward();
  }
  if (full) add(U.embedding); // backward
  add(U.reduce, 2); // gradient-norm partials and finish
  add(U.adamw);
  forward(false);
  return out;
}

/** Every buffer TrainingRun.create makes for these options, in creation order (uniforms last). */
export function runBuffers(opts: RunOptions): BufferEstimate[] {
  const cfg = opts.config;
  const label = opts.label ?? opts.mode;
  const model = modelLayout(cfg);
  const lora = opts.mode === 'lora' && opts.lora ? loraLayout(cfg, opts.lora.rank, opts.lora.targets) : null;
  const trainable = lora ?? model;
  const out: BufferEstimate[] = [];
  const add = (name: string, bytes: number, category: MemoryCategory) => out.push({ label: `${label}:${name}`, bytes: runAlloc(bytes), category });
  add('params', model.totalElements * 4, 'weights'); // (totalElements), padded layout
  if (lora) {
    add('lora', lora.totalElements * 4, 'weights');
    add('lora_grads', lora.totalElements * 4, 'gradients');
  } else {
    add('grads', model.totalElements * 4, 'gradients');
  }
  add('m', trainable.totalElements * 4, 'optimizer');
  add('v', trainable.totalElements * 4, 'optimizer');
  const plan = planBuffers({
    cfg, B: opts.batchSize, T: opts.seqLen, lora: opts.mode === 'lora' ? opts.lora ?? null : null, dropout: opts.dropout ?? 0,
  });
  // The merged adapted weights count as weights: derived from W, A and B, like them they scale with the model.
  const category = (e: (typeof plan)[number]): MemoryCategory => (e.kind === 'io' ? 'other' : e.name === 'lora_merged' ? 'weights' : 'activations');
  for (const e of plan) add(e.name, numel(e.shape) * 4, category(e));
  add('partials', Math.max(1, gradNormPartials(trainable.totalElements)) * 4, 'optimizer');
  // The per-context RoPE table (kernels/rope.ts), from the pool: (D/2, 2) f32 rounded to a pool bucket.
  // Counted for every run: it is shared only by runs on the same KernelContext.
  const D = headDim(cfg);
  out.push({ label: `rope_freq_D${D}_theta${cfg.ropeTheta ?? DEFAULT_ROPE_THETA}`, bytes: BufferPool.bucket(D * 4), category: 'other' });
  for (let i = 0; i < SCALAR_RING; i++) out.push({ label: 'scalars', bytes: SCALAR_BYTES, category: 'other' });
  for (const bytes of dispatchUniforms(opts)) out.push({ label: 'uniform', bytes, category: 'other' });
  // lora_merge_forward's problem table, one per prepared forward pass (training and evaluation).
  const adapters = opts.mode === 'lora' ? opts.lora ?? null : null;
  if (adapters && mergesAdapters(adapters)) {
    const bytes = mergedEntries(cfg, adapters.targets).length * LORA_MERGE_ROW * 4;
    for (let i = 0; i < 2; i++) out.push({ label: 'lora_merge_forward:table', bytes, category: 'other' });
  }
  return out;
}

/** Sums a buffer list: total, first largest buffer, count and bytes per category. */
export function summarizeBuffers(list: readonly BufferEstimate[]): RunMemoryEstimate {
  const byCategory: Record<MemoryCategory, number> = { weights: 0, gradients: 0, optimizer: 0, activations: 0, other: 0 };
  let totalBytes = 0;
  let largest = { label: '', bytes: 0 };
  for (const b of list) {
    totalBytes += b.bytes;
    byCategory[b.category] += b.bytes;
    if (b.bytes > largest.bytes) largest = { label: b.label, bytes: b.bytes };
  }
  return { totalBytes, largestBuffer: largest, buffers: list.length, byCategory };
}

/** The bytes TrainingRun.create(ctx, opts) allocates on a context that has not yet made its RoPE table. */
export function estimateRunMemory(opts: RunOptions): RunMemoryEstimate {
  return summarizeBuffers(runBuffers(opts));
}

/**
 * Staging buffers a run creates later, on demand: lastLogits' (B, V) readback (generation and
 * greedy answers; kept until the run is destroyed), and the transient copies of readTrainable
 * (one trainable-sized buffer) and exportState (three at once: weights and both moments).
 */
export function estimateReadbacks(opts: RunOptions): { lastLogits: number; readTrainable: number; exportState: number } {
  const trainable = opts.mode === 'lora' && opts.lora
    ? loraLayout(opts.config, opts.lora.rank, opts.lora.targets)
    : modelLayout(opts.config);
  const bytes = Math.max(4, trainable.totalElements * 4);
  return { lastLogits: opts.batchSize * opts.config.vocabSize * 4, readTrainable: bytes, exportState: 3 * bytes };
}
