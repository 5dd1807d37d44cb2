// Refuses an experiment (or a sweep's largest group) that the GPU cannot hold, before anything
// is allocated: the engine's estimate of every method's buffers, plus what evaluation adds, is
// compared with the device's per-buffer limits and a memory budget. The schema's limits are a
// first guard sized for a typical laptop; this check is the device's word. A refusal names the
// limit, the buffer or the term that dominates, and a change that would fit, found by trying it.

import {
  estimateReadbacks, runBuffers, summarizeBuffers, type LlamaConfig, type MemoryCategory, type RunOptions,
} from '../../engine/index';
import type { ExperimentConfig, MethodConfig } from '../config';
import { LIMITS } from '../limits';
import { methodRunOptions } from './runner';

export interface DeviceLimits {
  maxBufferSize: number;
  maxStorageBufferBindingSize: number;
}

export type FitResult = { ok: true; totalBytes: number } | { ok: false; message: string; totalBytes: number };

/**
 * 1 GiB. WebGPU does not tell a page how much memory its GPU has. An integrated laptop GPU (the
 * common classroom machine) shares 8 GB or so of system memory with the OS, the browser and
 * other tabs, and Chrome loses the device or fails allocations well before that is used up;
 * about 1 GiB is what such a tab can count on. The presets need a few MiB, the schema's largest
 * config (6 methods, batch 32, sequence 256) well over this, so only the extremes are refused.
 */
export const DEFAULT_MEMORY_BUDGET = 2 ** 30;

/** Bytes in binary units, three significant digits at most: "512 B", "12.3 KiB", "300 MiB", "1.5 GiB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  if (u === 0) return `${Math.round(v)} B`;
  const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  return `${Number(v.toFixed(digits))} ${units[u]}`;
}

export interface ExperimentMemory {
  totalBytes: number;
  /** The first largest buffer over all methods: label `<method id>:<buffer name>`. */
  largestBuffer: { label: string; bytes: number };
  byCategory: Record<MemoryCategory, number>;
  /** Staging buffers of evaluation: lastLogits per method (greedy answers, diversity samples) and the largest checkpoint copy. */
  evalBytes: number;
}

/**
 * Everything an experiment holds on the GPU while it trains and evaluates: every method's run,
 * a (B, V) readback per method when evaluation generates (math accuracy, diversity samples), and
 * the largest transient copy made at an evaluation (a checkpoint reads weights and both moments of
 * one method at a time; rank90's copy of the trainable weights is smaller and never at the same time).
 */
export function estimateExperimentMemory(config: ExperimentConfig, base: LlamaConfig): ExperimentMemory {
  const byCategory: Record<MemoryCategory, number> = { weights: 0, gradients: 0, optimizer: 0, activations: 0, other: 0 };
  let totalBytes = 0;
  let largestBuffer = { label: '', bytes: 0 };
  let evalBytes = 0;
  let checkpoint = 0;
  const generates = config.target.domain === 'math' || config.diversity.samples > 0;
  for (const m of config.methods) {
    const opts = methodRunOptions(m, config, base);
    const est = summarizeBuffers(runBuffers(opts));
    totalBytes += est.totalBytes;
    for (const k of Object.keys(byCategory) as MemoryCategory[]) byCategory[k] += est.byCategory[k];
    if (est.largestBuffer.bytes > largestBuffer.bytes) largestBuffer = est.largestBuffer;
    const r = estimateReadbacks(opts);
    if (generates) evalBytes += r.lastLogits;
    checkpoint = Math.max(checkpoint, r.exportState);
  }
  evalBytes += checkpoint;
  byCategory.other += evalBytes;
  return { totalBytes: totalBytes + evalBytes, largestBuffer, byCategory, evalBytes };
}

/** The buffer's name and shape as a reader would say it: "logits (B×T×V = 8×64×256)". */
function describeBuffer(label: string, c: ExperimentConfig, base: LlamaConfig): string {
  const name = label.slice(label.indexOf(':') + 1);
  const BT = `${c.batchSize}×${c.seqLen}`;
  if (name === 'logits' || name === 'dlogits') return `${name} (B×T×V = ${BT}×${base.vocabSize})`;
  if (/(^|\.)d?att$/.test(name)) return `attention weights ${name} (B×H×T×T = ${c.batchSize}×${base.nHeads}×${c.seqLen}×${c.seqLen})`;
  if (['params', 'grads', 'm', 'v'].includes(name)) return `the model's ${name === 'params' ? 'weights' : name === 'grads' ? 'gradients' : 'optimizer moments'}`;
  if (name === 'lora' || name === 'lora_grads') return `LoRA adapters (${name})`;
  return `activation ${name} (B×T = ${BT} rows)`;
}

interface Check {
  fits: boolean;
  mem: ExperimentMemory;
  /** The per-buffer limit the largest buffer exceeds, if any. */
  limit: { name: string; bytes: number } | null;
}

function check(config: ExperimentConfig, base: LlamaConfig, limits: DeviceLimits, budget: number): Check {
  const mem = estimateExperimentMemory(config, base);
  const perBuffer = [
    { name: 'maxStorageBufferBindingSize', bytes: limits.maxStorageBufferBindingSize },
    { name: 'maxBufferSize', bytes: limits.maxBufferSize },
  ].sort((a, b) => a.bytes - b.bytes);
  const limit = perBuffer.find((l) => mem.largestBuffer.bytes > l.bytes) ?? null;
  return { fits: !limit && mem.totalBytes <= budget, mem, limit };
}

/** The largest integer in [lo, hi] for which `fits` holds (fits is monotone: true below some point), or null. */
function largestFitting(lo: number, hi: number, fits: (x: number) => boolean): number | null {
  if (hi < lo || !fits(lo)) return null;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

type Unit = 'methods' | 'cells';

/** Single changes that would make the config fit, the dominant term's first. */
function suggestions(c: ExperimentConfig, base: LlamaConfig, limits: DeviceLimits, budget: number, mem: ExperimentMemory, unit: Unit): string[] {
  const fits = (changed: ExperimentConfig) => check(changed, base, limits, budget).fits;
  const B = largestFitting(1, c.batchSize - 1, (b) => fits({ ...c, batchSize: b }));
  const T = largestFitting(8, c.seqLen - 1, (t) => fits({ ...c, seqLen: t }));
  // Best case for k methods: the k that need the least.
  const cost = new Map(c.methods.map((m) => [m, estimateExperimentMemory({ ...c, methods: [m] }, base).totalBytes]));
  const cheapest = [...c.methods].sort((a, b) => cost.get(a)! - cost.get(b)!);
  const k = largestFitting(1, c.methods.length - 1, (n) => fits({ ...c, methods: cheapest.slice(0, n) }));
  const maxRank = Math.max(0, ...c.methods.map((m) => (m.kind === 'lora' ? m.rank : 0)));
  const withRank = (r: number) => ({ ...c, methods: c.methods.map((m) => (m.kind === 'lora' ? { ...m, rank: Math.min(m.rank, r) } : m)) });
  const r = largestFitting(1, maxRank - 1, (x) => fits(withRank(x)));
  const activation = B !== null || T !== null
    ? [B !== null ? `the batch size to ${B}` : '', T !== null ? `the sequence length to ${T}` : ''].filter(Boolean)
    : [];
  const many = unit === 'methods' ? `train at most ${k} method${k === 1 ? '' : 's'} at once` : `use at most ${k} cells (families × learning rates) in all`;
  const state = [k !== null ? many : '', r !== null ? `lower the LoRA rank to ${r}` : ''].filter(Boolean);
  const lower = activation.length ? [`lower ${activation.join(', or ')}`] : [];
  const stateFirst = mem.byCategory.weights + mem.byCategory.gradients + mem.byCategory.optimizer > mem.byCategory.activations;
  return stateFirst ? [...state, ...lower] : [...lower, ...state];
}

function refusal(c: ExperimentConfig, base: LlamaConfig, limits: DeviceLimits, budget: number, got: Check, unit: Unit, what: string): string {
  const { mem, limit } = got;
  const tips = suggestions(c, base, limits, budget, mem, unit);
  const fix = tips.length
    ? ` To fit: ${tips.join('; or ')}.`
    : ' No single change fits: lower the batch size, the sequence length and the number of methods together.';
  if (limit) {
    const buffer = describeBuffer(mem.largestBuffer.label, c, base);
    const model = /^the model's/.test(buffer);
    return `${what} cannot run on this GPU: the largest buffer, ${buffer}, needs ${formatBytes(mem.largestBuffer.bytes)} but this GPU allows ${formatBytes(limit.bytes)} per buffer (${limit.name}).${model ? ' This base model is too large for this GPU.' : fix}`;
  }
  const state = mem.byCategory.weights + mem.byCategory.gradients + mem.byCategory.optimizer;
  const n = c.methods.length;
  const parts = `Activations (batch size ${c.batchSize} × sequence length ${c.seqLen}, for each of ${n} method${n === 1 ? '' : 's'}) take ${formatBytes(mem.byCategory.activations)}; weights, gradients and optimizer state ${formatBytes(state)}.`;
  return `${what} needs ${formatBytes(mem.totalBytes)} of GPU memory, more than the memory budget of ${formatBytes(budget)}. ${parts}${fix}`;
}

/** Whether an experiment fits the device's per-buffer limits and the memory budget; if not, why and what to lower. */
export function checkExperimentFits(config: ExperimentConfig, base: LlamaConfig, limits: DeviceLimits, budgetBytes: number): FitResult {
  const got = check(config, base, limits, budgetBytes);
  if (got.fits) return { ok: true, totalBytes: got.mem.totalBytes };
  return { ok: false, totalBytes: got.mem.totalBytes, message: refusal(config, base, limits, budgetBytes, got, 'methods', 'This experiment') };
}

/**
 * A sweep trains its groups one after another (each freed before the next), so the group that
 * needs the most decides; a refusal speaks of the largest group that does not fit. The groups come
 * from sweep/fits.ts (checkSweepFits), which keeps the sweep's schema out of this module.
 */
export function checkGroupsFit(groups: ExperimentConfig[], base: LlamaConfig, limits: DeviceLimits, budgetBytes: number): FitResult {
  const checks = groups.map((group) => ({ group, got: check(group, base, limits, budgetBytes) }));
  const largest = (list: typeof checks) => list.reduce((a, b) => (b.got.mem.totalBytes > a.got.mem.totalBytes ? b : a));
  const failing = checks.filter((c) => !c.got.fits);
  if (!failing.length) return { ok: true, totalBytes: largest(checks).got.mem.totalBytes };
  const { group, got } = largest(failing);
  const what = `A group of this sweep (${group.methods.length} cells trained together; a group holds at most ${LIMITS.methods})`;
  return { ok: false, totalBytes: got.mem.totalBytes, message: refusal(group, base, limits, budgetBytes, got, 'cells', what) };
}

/**
 * The largest inference run the analysis panel creates beside the experiment (worker/analysis-host.ts
 * modelRun: up to `rows` rows at the longest sequence, the base model as a 'full' run, one at a time).
 */
export function estimateAnalysisMemory(config: ExperimentConfig, base: LlamaConfig, rows = 8): number {
  const T = Math.max(base.seqLen, config.seqLen);
  const asRun = (m: MethodConfig | null): RunOptions => ({
    config: { ...base, seqLen: T }, batchSize: rows, seqLen: T, seed: config.seed, mode: m?.kind ?? 'full',
    lora: m?.kind === 'lora' ? { rank: m.rank, alpha: m.alpha, targets: m.targets, scaling: m.scaling, dropout: 0 } : undefined,
  });
  return Math.max(...[null, ...config.methods].map((m) => {
    const opts = asRun(m);
    return summarizeBuffers(runBuffers(opts)).totalBytes + estimateReadbacks(opts).lastLogits;
  }));
}
