// The Worker's analysis commands for the run on screen (live or reopened from IndexedDB), from its
// latest checkpoint plus the base model: `generate` samples completions of one prompt from the base
// model and from every method side by side, with their diversity (finding 5); `spectra` takes the
// SVD of every matrix's weight change ΔW against the base, with intruder dimensions and a Gaussian
// random matrix of the same shape and norm as a reference (finding 6). The SVDs run here, in the
// Worker, so the page stays responsive; the page only draws the results.

import { generate, TrainingRun, type KernelContext } from '../../engine/index';
import { diversityStats } from '../analysis/diversity';
import {
  cumulativeExplained, gaussianLike, rank90Summary, rankFor, singularValues, weightChangeSpectra,
} from '../analysis/spectra';
import type { ExperimentConfig, MethodConfig } from '../config';
import { hashString } from '../data/rng';
import { decode } from '../data/tokenizer';
import { mergedWeights } from '../run/eval-extras';
import type { HistoryStore } from '../storage/history';
import type {
  AnalysisCommand, GenerationsResult, MethodSpectra, ModelGenerations, ReferenceSpectrum, SpectraResult, WorkerEvent,
} from '../protocol';
import type { BaseModel, ExperimentCheckpoint, ExperimentRunner } from '../run/runner';

export const RUNTIME = 'engine (WebGPU)';
/** Intruder dimensions: the top-k singular vectors of W_tuned checked, and the |cos| below which one is new. */
export const INTRUDER_TOP_K = 10;
export const INTRUDER_THRESHOLD = 0.5;
/** Rows sampled per forward pass: bounds the analysis runs' activation memory. */
const MAX_ROWS = 8;
const MAX_PROMPT_BYTES = 512;

export interface AnalysisDeps {
  post: (e: WorkerEvent) => void;
  context: () => Promise<KernelContext>;
  baseModel: (name: string) => Promise<BaseModel>;
  history: () => Promise<HistoryStore>;
  /** The experiment run the Worker holds (training, paused or finished) and its id, if any. */
  live: () => { runner: ExperimentRunner | null; runId: string | null };
}

/** The weights to analyse: every method's trainable state at one step, and the base model. */
interface Snapshot {
  runId: string;
  config: ExperimentConfig;
  step: number;
  methods: ExperimentCheckpoint['methods'];
  base: BaseModel;
}

const yieldToEvents = () => new Promise((done) => setTimeout(done, 0));

/**
 * A runner that is not training right now gives its current weights; otherwise the checkpoint
 * saved at the last evaluation (so every method is taken at the same step).
 */
async function snapshot(deps: AnalysisDeps, runId: string | null): Promise<Snapshot> {
  const live = deps.live();
  const id = runId ?? live.runId;
  if (!id) throw new Error('No run on screen: start a run or open a saved one first.');
  let ckpt: ExperimentCheckpoint | undefined;
  if (live.runId === id && live.runner && live.runner.state !== 'running' && live.runner.step > 0) ckpt = await live.runner.checkpoint();
  ckpt ??= await (await deps.history()).checkpoint(id);
  if (!ckpt) throw new Error('This run has no checkpoint yet: one is saved at every evaluation after step 0.');
  return { runId: id, config: ckpt.config, step: ckpt.step, methods: ckpt.methods, base: await deps.baseModel(ckpt.config.base) };
}

/** An inference-only run of the base model (method null) or of a method's checkpointed weights. */
async function modelRun(ctx: KernelContext, s: Snapshot, method: MethodConfig | null, rows: number): Promise<TrainingRun> {
  const T = Math.max(s.base.config.seqLen, s.config.seqLen);
  const run = await TrainingRun.create(ctx, {
    config: { ...s.base.config, seqLen: T }, batchSize: rows, seqLen: T, seed: s.config.seed, baseParams: s.base.params,
    label: `analysis:${method?.id ?? 'base'}`, mode: method?.kind ?? 'full',
    lora: method?.kind === 'lora' ? { rank: method.rank, alpha: method.alpha, targets: method.targets, scaling: method.scaling, dropout: 0 } : undefined,
  });
  if (method) run.importState(s.methods[method.id]);
  return run;
}

function checkGenerate(cmd: Extract<AnalysisCommand, { type: 'generate' }>): number[] {
  const prompt = Array.from(new TextEncoder().encode(cmd.prompt));
  const problems: string[] = [];
  if (prompt.length === 0) problems.push('the prompt is empty');
  if (prompt.length > MAX_PROMPT_BYTES) problems.push(`the prompt is longer than ${MAX_PROMPT_BYTES} bytes`);
  if (!(cmd.temperature >= 0 && cmd.temperature <= 2)) problems.push('temperature must be in 0–2');
  if (!(Number.isInteger(cmd.topK) && cmd.topK >= 0 && cmd.topK <= 256)) problems.push('top-k must be a whole number in 0–256');
  if (!(cmd.topP > 0 && cmd.topP <= 1)) problems.push('top-p must be in (0, 1]');
  if (!(Number.isInteger(cmd.count) && cmd.count >= 1 && cmd.count <= 32)) problems.push('count must be a whole number in 1–32');
  if (!(Number.isInteger(cmd.length) && cmd.length >= 1 && cmd.length <= 128)) problems.push('length must be a whole number in 1–128');
  if (!(Number.isInteger(cmd.seed) && cmd.seed >= 0 && cmd.seed <= 0xffffffff)) problems.push('seed must be a whole number ≥ 0');
  if (problems.length) throw new Error(`Cannot generate: ${problems.join('; ')}.`);
  return prompt;
}

async function generations(deps: AnalysisDeps, cmd: Extract<AnalysisCommand, { type: 'generate' }>): Promise<GenerationsResult> {
  const t0 = performance.now();
  const prompt = checkGenerate(cmd);
  const s = await snapshot(deps, cmd.runId);
  const ctx = await deps.context();
  const settings = { temperature: cmd.temperature, topK: cmd.topK, topP: cmd.topP, count: cmd.count, length: cmd.length, seed: cmd.seed };
  const models: ModelGenerations[] = [];
  for (const m of [null, ...s.config.methods]) {
    const head = { id: m?.id ?? 'base', label: m ? m.label ?? m.id : 'Base model', kind: m?.kind ?? 'base', runtime: RUNTIME } as const;
    if (m && s.methods[m.id]?.diverged) {
      models.push({ ...head, completions: [], stats: diversityStats([], []), diverged: true });
      continue;
    }
    const run = await modelRun(ctx, s, m, Math.min(cmd.count, MAX_ROWS));
    try {
      // The same seed for every model: differences come from the weights, not the dice.
      const gens = await generate(run, Array.from({ length: cmd.count }, () => [...prompt]), { ...settings, maxTokens: cmd.length });
      const texts = gens.map((g) => decode(g.tokens));
      models.push({ ...head, completions: texts, stats: diversityStats(texts, gens.map((g) => g.entropies)), diverged: false });
    } finally {
      run.destroy();
    }
    await yieldToEvents();
  }
  return { runId: s.runId, step: s.step, prompt: cmd.prompt, settings, models, ms: performance.now() - t0 };
}

function methodSpectra(s: Snapshot, m: MethodConfig): MethodSpectra {
  const head = {
    id: m.id, label: m.label ?? m.id, kind: m.kind,
    ...(m.kind === 'lora' ? { rank: m.rank, targets: [...m.targets] } : {}),
  };
  const state = s.methods[m.id];
  const tuned = m.kind === 'full' ? state.params : mergedWeights(s.base.config, s.base.params, m, state.params);
  // A non-finite ΔW has no spectrum (and would stall the SVD's iteration).
  if (state.diverged || !tuned.every(Number.isFinite)) {
    return { ...head, spectra: [], summary: { attention: 0, mlp: 0, all: 0 }, intruders: { attention: 0, mlp: 0, all: 0 }, diverged: true };
  }
  const spectra = weightChangeSpectra(s.base.config, s.base.params, tuned, {
    includeEmbeddings: m.kind === 'full', intruderTopK: INTRUDER_TOP_K, intruderThreshold: INTRUDER_THRESHOLD,
  });
  const sum = (kind: string) => spectra.filter((x) => x.kind === kind).reduce((n, x) => n + x.intruders, 0);
  const intruders = { attention: sum('attention'), mlp: sum('mlp'), all: sum('attention') + sum('mlp') };
  return { ...head, spectra, summary: rank90Summary(spectra), intruders, diverged: false };
}

/** For every matrix of the reference method (the first full fine-tuning, else the first method): a random matrix of its shape and ΔW norm. */
export function referenceSpectra(methods: readonly MethodSpectra[], seed: number): ReferenceSpectrum[] {
  const ok = methods.filter((m) => !m.diverged);
  const ref = ok.find((m) => m.kind === 'full') ?? ok[0];
  if (!ref) return [];
  return ref.spectra.map((x) => {
    const g = gaussianLike(x.rows, x.cols, x.frobenius, (seed ^ hashString(x.name)) >>> 0);
    const sv = singularValues(g, x.rows, x.cols);
    return {
      name: x.name, rows: x.rows, cols: x.cols, frobenius: x.frobenius, normOf: ref.id,
      singular: Array.from(sv), explained: Array.from(cumulativeExplained(sv)), rank90: rankFor(sv, 0.9),
    };
  });
}

async function spectra(deps: AnalysisDeps, runId: string | null): Promise<SpectraResult> {
  const t0 = performance.now();
  const s = await snapshot(deps, runId);
  const methods: MethodSpectra[] = [];
  for (const m of s.config.methods) {
    methods.push(methodSpectra(s, m));
    await yieldToEvents();
  }
  return {
    runId: s.runId, step: s.step, methods, references: referenceSpectra(methods, s.config.seed),
    intruderTopK: INTRUDER_TOP_K, intruderThreshold: INTRUDER_THRESHOLD, ms: performance.now() - t0,
  };
}

/** Runs analysis commands one at a time (they share the GPU queue and the Worker's thread with training). */
export class AnalysisHost {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: AnalysisDeps) {}

  handle(cmd: AnalysisCommand): Promise<void> {
    const job = this.chain.then(async () => {
      try {
        if (cmd.type === 'generate') this.deps.post({ type: 'generations', result: await generations(this.deps, cmd) });
        else this.deps.post({ type: 'spectra', result: await spectra(this.deps, cmd.runId) });
      } catch (e) {
        this.deps.post({ type: 'analysis-error', command: cmd.type, message: e instanceof Error ? e.message : String(e) });
      }
    });
    this.chain = job;
    return job;
  }
}
