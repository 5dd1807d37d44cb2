// Extra metrics the runner takes at every evaluation, beside the held-out losses: the diversity
// of sampled completions of one fixed prompt (the paper's finding 5) and the mean rank@90% of
// each method's weight change ΔW = W_now − W_base (finding 6). Kept cheap so evaluations stay
// fast: one prompt, no intruder dimensions, and LoRA's ΔW comes straight from its adapters
// (scale·B·A, exactly what merging adds to W) rather than from a merged copy of the model.

import {
  generate, loraDelta, loraLayout, loraParamName, loraScale, mergeLora, modelLayout, PROJECTIONS, unpack, weightName,
  type LlamaConfig, type Projection, type TrainingRun,
} from '../../engine/index';
import { diversityStats } from '../analysis/diversity';
import { rankFor, singularValues } from '../analysis/spectra';
import type { ExperimentConfig, MethodConfig } from '../config';
import { DOC_SEPARATOR, decode } from '../data/tokenizer';
import type { DiversityPoint, EvalPoint } from '../protocol';

const ATTENTION: readonly Projection[] = ['q', 'k', 'v', 'o'];

/** Completions kept as text on each EvalPoint (the page shows a few; the stats use all). */
export const DIVERSITY_SHOWN = 4;

const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x09 || b === 0x0d;

/**
 * The diversity prompt: the first bytes of a held-out text (document separators and leading
 * whitespace skipped), cut just after a whitespace byte between `min` and `max` bytes so the
 * model starts on a fresh word; without one, `max` bytes backed off to a UTF-8 character boundary.
 */
export function diversityPrompt(bytes: Uint8Array, min = 16, max = 24): number[] {
  let start = 0;
  while (start < bytes.length && (isSpace(bytes[start]) || bytes[start] === DOC_SEPARATOR)) start++;
  let end = start;
  while (end < bytes.length && end - start < max && bytes[end] !== DOC_SEPARATOR) end++;
  for (let i = end; i - start >= min; i--) if (isSpace(bytes[i - 1])) return Array.from(bytes.subarray(start, i));
  // 0b10xxxxxx bytes continue a UTF-8 character: do not end the prompt inside one.
  while (end - start > 1 && end < bytes.length && bytes[end] >> 6 === 2) end--;
  return Array.from(bytes.subarray(start, end));
}

/** The sampling seed of the per-evaluation diversity samples: the experiment's seed, salted so it differs from the batches'. */
export function diversitySeed(seed: number): number {
  return (seed ^ 0x5eed_d1f5) >>> 0;
}

/** `samples` completions of one prompt at the config's temperature and length (no top-k / top-p), and their diversity. */
export async function sampleDiversity(
  run: TrainingRun, prompt: readonly number[], opts: ExperimentConfig['diversity'], seed: number,
): Promise<DiversityPoint> {
  const gens = await generate(run, Array.from({ length: opts.samples }, () => [...prompt]), {
    temperature: opts.temperature, topK: 0, topP: 1, maxTokens: opts.length, seed,
  });
  const texts = gens.map((g) => decode(g.tokens));
  return { ...diversityStats(texts, gens.map((g) => g.entropies)), samples: texts.slice(0, DIVERSITY_SHOWN) };
}

/** ΔW (out, in) of every projection matrix of a method, in float64; null where the matrix did not change (LoRA: not a target). */
export function projectionDeltas(
  cfg: LlamaConfig, base: Map<string, Float32Array>, method: MethodConfig, trainable: Map<string, Float32Array>,
): Array<{ name: string; kind: 'attention' | 'mlp'; rows: number; cols: number; delta: Float64Array | null }> {
  const layout = modelLayout(cfg);
  const out = [];
  for (let l = 0; l < cfg.nLayers; l++) {
    for (const p of PROJECTIONS) {
      const name = weightName(l, p);
      const [rows, cols] = layout.byName.get(name)!.shape;
      const kind = ATTENTION.includes(p) ? 'attention' as const : 'mlp' as const;
      let delta: Float64Array | null = null;
      if (method.kind === 'full') {
        const now = trainable.get(name)!;
        const w0 = base.get(name)!;
        delta = Float64Array.from(now, (v, i) => v - w0[i]);
      } else if (method.targets.includes(p)) {
        const A = trainable.get(loraParamName(l, p, 'A'))!; // (r, in)
        const B = trainable.get(loraParamName(l, p, 'B'))!; // (out, r)
        delta = Float64Array.from(loraDelta(A, B, rows, cols, method.rank, loraScale(method)));
      }
      out.push({ name, kind, rows, cols, delta });
    }
  }
  return out;
}

/**
 * Mean rank@90% of ΔW over the attention and the MLP projections (an unchanged matrix has rank 0,
 * as in rank90Summary); null when a ΔW is not finite (a diverged method: no spectrum to speak of).
 */
export function rank90Now(
  cfg: LlamaConfig, base: Map<string, Float32Array>, method: MethodConfig, trainable: Map<string, Float32Array>,
): NonNullable<EvalPoint['rank90']> | null {
  const ranks: Record<'attention' | 'mlp', number[]> = { attention: [], mlp: [] };
  const shares: number[] = [];
  for (const d of projectionDeltas(cfg, base, method, trainable)) {
    if (d.delta && !d.delta.every(Number.isFinite)) return null;
    const r = d.delta ? rankFor(singularValues(d.delta, d.rows, d.cols), 0.9) : 0;
    ranks[d.kind].push(r);
    shares.push(r / Math.min(d.rows, d.cols)); // the matrix's full rank: what a width-64 model allows at most
  }
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  return { attention: mean(ranks.attention), mlp: mean(ranks.mlp), all: mean([...ranks.attention, ...ranks.mlp]), share: mean(shares) };
}

/** What evaluate() needs once per run: the prompt, the sampling seed and the base weights by name. */
export interface EvalExtrasSetup {
  prompt: number[];
  seed: number;
  base: Map<string, Float32Array>;
}

export function evalExtrasSetup(cfg: LlamaConfig, baseParams: Float32Array, heldOutTarget: Uint8Array, seed: number): EvalExtrasSetup {
  return { prompt: diversityPrompt(heldOutTarget), seed: diversitySeed(seed), base: unpack(modelLayout(cfg), baseParams) };
}

/** Adds diversity (when configured) and rank90 to one method's evaluation point. */
export async function addEvalExtras(
  point: EvalPoint, run: TrainingRun, method: MethodConfig, config: ExperimentConfig, setup: EvalExtrasSetup,
): Promise<void> {
  if (config.diversity.samples > 0 && setup.prompt.length > 0) {
    point.diversity = await sampleDiversity(run, setup.prompt, config.diversity, setup.seed);
  }
  if (point.step === 0) {
    point.rank90 = { attention: 0, mlp: 0, all: 0, share: 0 };
    return;
  }
  const r = rank90Now(run.cfg, setup.base, method, await run.readTrainable());
  if (r) point.rank90 = r;
}

/**
 * A LoRA method's merged weights W + scale·B·A, flat in modelLayout order (the base copied, every
 * adapted projection replaced by engine mergeLora's result); what the spectra compare with the base.
 */
export function mergedWeights(
  cfg: LlamaConfig, baseFlat: Float32Array, method: Extract<MethodConfig, { kind: 'lora' }>, adapterFlat: Float32Array,
): Float32Array {
  const layout = modelLayout(cfg);
  const base = unpack(layout, baseFlat);
  const adapters = unpack(loraLayout(cfg, method.rank, method.targets), adapterFlat);
  const out = baseFlat.slice();
  for (let l = 0; l < cfg.nLayers; l++) {
    for (const p of method.targets) {
      const t = layout.byName.get(weightName(l, p))!;
      out.set(mergeLora(cfg, base, adapters, l, p, method.rank, loraScale(method)), t.offset);
    }
  }
  return out;
}
