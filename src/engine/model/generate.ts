// Sampling completions from a training run: softmax entropy, one-token sampling (temperature,
// top-k, nucleus top-p) from a uniform number, and batched autoregressive generation that
// reads back only the last position's logits per row (TrainingRun.lastLogits).
// Randomness comes from a hash of (seed, prompt index, step), so a prompt's completion does
// not depend on which other prompts share its forward passes.

import type { TrainingRun } from './run';

export interface SamplingOptions {
  /** Softmax temperature; 0 = greedy (argmax). */
  temperature: number;
  /** Keep only the k most likely tokens; 0 = off. */
  topK: number;
  /** Keep the smallest set of most likely tokens whose probability reaches topP; 1 = off. */
  topP: number;
}

export interface GenerateOptions extends SamplingOptions {
  maxTokens: number;
  seed: number;
  /** A row stops when it samples this token (which is not included in its tokens). */
  stopToken?: number;
}

export interface Generation {
  /** Generated tokens (the prompt excluded). */
  tokens: number[];
  /** Nats of the model's own softmax (temperature 1) at each generated position. */
  entropies: number[];
}

/** Entropy in nats of softmax(logits[offset .. offset+vocab)); -Infinity logits carry no mass. */
export function softmaxEntropy(logits: Float32Array, offset: number, vocab: number): number {
  let m = -Infinity;
  for (let i = 0; i < vocab; i++) m = Math.max(m, logits[offset + i]);
  if (!Number.isFinite(m)) return Number.NaN;
  let s = 0;
  let sz = 0;
  for (let i = 0; i < vocab; i++) {
    const z = logits[offset + i] - m;
    if (z === -Infinity) continue;
    const e = Math.exp(z);
    s += e;
    sz += e * z;
  }
  // H = −Σ p·log p with p = e^z/s: log s − Σ p·z.
  return Math.log(s) - sz / s;
}

function argmax(logits: Float32Array, offset: number, vocab: number): number {
  let best = 0;
  for (let i = 1; i < vocab; i++) if (logits[offset + i] > logits[offset + best]) best = i;
  return best;
}

/**
 * One token from logits[offset .. offset+vocab): greedy at temperature 0, otherwise from
 * softmax(logits / temperature) restricted to the top-k and then the top-p nucleus.
 * u is a uniform number in [0, 1); deterministic given u.
 */
export function sampleFromLogits(
  logits: Float32Array, offset: number, vocab: number, opts: SamplingOptions, u: number,
): number {
  if (!(opts.temperature >= 0)) throw new Error(`temperature must be >= 0 (got ${opts.temperature})`);
  if (opts.temperature === 0 || opts.topK === 1) return argmax(logits, offset, vocab);
  // Most likely first; ties by token id so the order is deterministic.
  const order = Array.from({ length: vocab }, (_, i) => i)
    .sort((a, b) => logits[offset + b] - logits[offset + a] || a - b);
  const k = opts.topK > 0 ? Math.min(Math.floor(opts.topK), vocab) : vocab;
  const max = logits[offset + order[0]];
  const probs: number[] = [];
  let total = 0;
  for (let j = 0; j < k; j++) {
    const e = Math.exp((logits[offset + order[j]] - max) / opts.temperature);
    probs.push(e);
    total += e;
  }
  let keep = k;
  if (opts.topP < 1) {
    let cum = 0;
    for (let j = 0; j < k; j++) {
      cum += probs[j] / total;
      if (cum >= opts.topP) {
        keep = j + 1;
        break;
      }
    }
  }
  let kept = 0;
  for (let j = 0; j < keep; j++) kept += probs[j];
  const target = u * kept;
  let cum = 0;
  for (let j = 0; j < keep; j++) {
    cum += probs[j];
    if (target < cum) return order[j];
  }
  return order[keep - 1];
}

/** PCG-style 32-bit hash, the same permutation as the dropout masks' (shaders/lora_dropout.wgsl). */
function pcg(v: number): number {
  const state = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
  const word = Math.imul(((state >>> ((state >>> 28) + 4)) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/** Uniform in [0, 1) for (seed, prompt, step). */
function uniform(seed: number, prompt: number, step: number): number {
  return pcg(pcg(pcg(seed >>> 0) ^ prompt) ^ step) / 4294967296;
}

/** Completes every prompt (byte tokens), B rows per forward pass, reading back only the last position's logits. */
export async function generate(run: TrainingRun, prompts: number[][], opts: GenerateOptions): Promise<Generation[]> {
  if (!Number.isInteger(opts.maxTokens) || opts.maxTokens < 0) throw new Error(`maxTokens must be a non-negative integer (got ${opts.maxTokens})`);
  prompts.forEach((p, i) => {
    if (p.length === 0) throw new Error(`prompt ${i} is empty: generation needs at least one token`);
  });
  const out: Generation[] = [];
  for (let i = 0; i < prompts.length; i += run.B) {
    out.push(...(await generateGroup(run, prompts.slice(i, i + run.B), i, opts)));
  }
  return out;
}

/** Up to B prompts side by side; each row's window is its last T tokens (it slides past T). */
async function generateGroup(run: TrainingRun, prompts: number[][], first: number, opts: GenerateOptions): Promise<Generation[]> {
  const { B, T } = run;
  const V = run.cfg.vocabSize;
  const contexts = prompts.map((p) => p.slice(-T));
  const gens: Generation[] = prompts.map(() => ({ tokens: [], entropies: [] }));
  const done = prompts.map(() => opts.maxTokens === 0);
  const tokens = new Int32Array(B * T); // (B, T)
  const positions = new Int32Array(B); // (B)
  for (let step = 0; done.some((d) => !d); step++) {
    tokens.fill(0);
    positions.fill(0);
    contexts.forEach((c, b) => {
      tokens.set(c, b * T);
      positions[b] = c.length - 1;
    });
    const logits = await run.lastLogits(tokens, positions); // (B, V)
    contexts.forEach((c, b) => {
      if (done[b]) return;
      const next = sampleFromLogits(logits, b * V, V, opts, uniform(opts.seed, first + b, step));
      if (next === opts.stopToken) {
        done[b] = true;
        return;
      }
      gens[b].tokens.push(next);
      gens[b].entropies.push(softmaxEntropy(logits, b * V, V));
      c.push(next);
      if (c.length > T) c.shift();
      if (gens[b].tokens.length >= opts.maxTokens) done[b] = true;
    });
  }
  return gens;
}
