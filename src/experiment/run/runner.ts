// Lockstep training of several methods (full fine-tuning, LoRA variants) from the same base
// weights on identical batches, with held-out evaluation of learning (target loss, and
// accuracy for math) and forgetting (source loss) every interval, including step 0 (the base
// model). Pause, resume, stop, and exact checkpoint/restore of the whole experiment.
// A lockstep step of all methods is one GPU submit, and run() keeps a few steps queued ahead of
// their readback (`lookahead`) so the GPU never waits for JavaScript; the queue drains at every
// evaluation point, pause, stop and the last step, so evaluations, checkpoints and the step
// counter are exactly those of a run without lookahead.

import {
  learningRate, StepTimer, submitLockstep, TrainingRun,
  type KernelContext, type LlamaConfig, type LrSchedule, type RunOptions, type StepResult,
} from '../../engine/index';
import type { ExperimentConfig, MethodConfig } from '../config';
import type { DataAssets } from '../data/assets';
import { Batcher, heldOutBatches, type Batch, type BatcherState } from '../data/batching';
import { domainSource, type DomainSpec } from '../data/domains';
import { customTextFor, type CustomTextAssets } from '../data/custom-text';
import { mathEvalSet, type MathProblem } from '../data/math';
import { SplitMix32 } from '../data/rng';
import { addEvalExtras, evalExtrasSetup, type EvalExtrasSetup } from './eval-extras';
import { divergenceReason, recentSteps } from './divergence';
import { greedyAccuracy, heldOutLoss } from './evaluate';
import { Playback, PlaybackControls } from './playback';
import type { EvalPoint, MethodInfo, RunnerEvent, RunState, StepPoint } from '../protocol';
import { methodStepFlops } from '../bench/flops';

export interface BaseModel {
  config: LlamaConfig;
  params: Float32Array;
}

export interface ExperimentCheckpoint {
  config: ExperimentConfig;
  step: number;
  batcher: BatcherState;
  methods: Record<string, { params: Float32Array; m: Float32Array; v: Float32Array; step: number; diverged: boolean }>;
  evals: EvalPoint[];
  steps: StepPoint[];
}

function toDomainSpec(d: ExperimentConfig['target'], seed: number, assets: CustomTextAssets = {}): DomainSpec {
  // A custom text comes from the assets by its hash; a missing one fails here, before anything is allocated.
  if (d.domain === 'custom') return { domain: 'custom', custom: customTextFor(assets, d) };
  return { domain: d.domain, genres: d.genres, math: d.domain === 'math' ? { seed, answerOnly: d.answerOnly, level: d.level } : undefined };
}

/** The engine options of one method (everything but the base weights); run/memory-check.ts sizes the same runs from it. */
export function methodRunOptions(m: MethodConfig, cfg: ExperimentConfig, base: LlamaConfig): RunOptions {
  return {
    config: { ...base, seqLen: Math.max(base.seqLen, cfg.seqLen) },
    batchSize: cfg.batchSize, seqLen: cfg.seqLen, seed: cfg.seed, label: m.id,
    mode: m.kind,
    lora: m.kind === 'lora' ? { rank: m.rank, alpha: m.alpha, targets: m.targets, scaling: m.scaling, dropout: m.dropout } : undefined,
    // Full fine-tuning's dropout sits on every projection input; LoRA's goes through `lora` above.
    dropout: m.kind === 'full' ? m.dropout : undefined,
    optimizer: { weightDecay: m.weightDecay, maxGradNorm: cfg.maxGradNorm },
  };
}

/** A lockstep step submitted and not yet read back. */
interface QueuedStep {
  step: number;
  /** Indices of the methods it steps (those not diverged when it was submitted). */
  methods: number[];
  tokens: number;
  submittedAt: number;
  results: Promise<StepResult[]>;
}

export interface RunnerOptions {
  /** Lockstep steps run() queues behind the one being read back (default 2; 0 = submit, wait, then the next). */
  lookahead?: number;
  /** Time each method's pass with GPU timestamp queries where the device has them (default true; else FLOP shares). */
  timestamps?: boolean;
  /**
   * At most this much work (in ms, judged by the last lockstep step's wall time) is queued behind
   * the step being read back (default 1000; Infinity = always `lookahead` steps, also before any
   * step was timed). Queueing ahead saves the GPU the readback round trip, well under a
   * millisecond to a few; a step that takes seconds (a software adapter) gains nothing from it,
   * while a pause would wait for every queued step.
   */
  maxQueuedMs?: number;
}

export const DEFAULT_LOOKAHEAD = 2;
export const DEFAULT_MAX_QUEUED_MS = 1000;

export class ExperimentRunner extends PlaybackControls {
  readonly evals: EvalPoint[] = [];
  readonly stepLog: StepPoint[] = [];
  step = 0;
  /** Pause, stop and the run's state (shared with the sweep runner). */
  protected readonly playback = new Playback((state) => this.emit({ type: 'state', state, step: this.step }));
  private runs: TrainingRun[] = [];
  private diverged = new Set<string>();
  private batcher!: Batcher;
  private heldTarget!: Batch[];
  private heldSource!: Batch[];
  private mathProblems: MathProblem[] | null = null;
  private schedule: LrSchedule;
  /** Awaited after every evaluation, before training goes on (e.g. to save a checkpoint). */
  afterEval: (() => Promise<void>) | null = null;
  /** Lockstep steps run() keeps queued behind the one being read back; read at every submit. */
  lookahead: number;
  /** The most lockstep steps that were submitted and not yet read back at one time. */
  peakInFlight = 0;
  private queue: QueuedStep[] = [];
  /** The last step submitted (equal to `step` whenever the queue is empty). */
  private submitted = 0;
  /** When the last queued step completed (performance.now()): groupMs is measured between completions. */
  private lastDone = 0;
  /** The last completed lockstep step's wall time (null until one was timed in this runner). */
  private lastGroupMs: number | null = null;
  private timer: StepTimer | null = null;
  /** Model FLOPs of one step of each method, for splitting a shared submit's time. */
  private flops: number[] = [];

  constructor(
    private readonly ctx: KernelContext,
    readonly config: ExperimentConfig,
    private readonly base: BaseModel,
    private readonly assets: DataAssets & CustomTextAssets,
    private readonly emit: (e: RunnerEvent) => void = () => {},
    private readonly options: RunnerOptions = {},
  ) {
    super();
    this.lookahead = options.lookahead ?? DEFAULT_LOOKAHEAD;
    this.schedule = { kind: config.schedule.kind, warmupSteps: config.schedule.warmupSteps, totalSteps: config.steps };
  }

  async init(): Promise<void> {
    const c = this.config;
    const train = domainSource(this.assets, toDomainSpec(c.target, c.seed, this.assets), 'train');
    this.batcher = new Batcher(train, { batchSize: c.batchSize, seqLen: c.seqLen, seed: c.seed });
    this.heldTarget = heldOutBatches(domainSource(this.assets, toDomainSpec(c.target, 0, this.assets), 'heldout'), c.batchSize, c.seqLen, c.evalBatches);
    this.heldSource = heldOutBatches(domainSource(this.assets, toDomainSpec(c.source, 0), 'heldout'), c.batchSize, c.seqLen, c.evalBatches);
    if (c.target.domain === 'math') this.mathProblems = mathEvalSet(c.evalBatches * c.batchSize, c.target.level);
    for (const m of c.methods) this.runs.push(await TrainingRun.create(this.ctx, { ...methodRunOptions(m, c, this.base.config), baseParams: this.base.params }));
    this.flops = this.runs.map((r) => methodStepFlops(r));
    if (this.options.timestamps !== false) this.timer = StepTimer.create(this.ctx.device);
    this.emit({ type: 'run-start', config: c, methods: this.methodInfo() });
  }

  methodInfo(): MethodInfo[] {
    return this.config.methods.map((m, i) => {
      const mem = this.runs[i].memory();
      return {
        id: m.id, label: m.label ?? m.id, kind: m.kind, trainableParams: mem.trainableParams, totalParams: mem.totalParams,
        memory: { weightBytes: mem.weightBytes, gradientBytes: mem.gradientBytes, optimizerBytes: mem.optimizerBytes, activationBytes: mem.activationBytes },
        dispatchesPerStep: this.runs[i].dispatchesPerStep,
        flopsPerStep: this.flops[i],
      };
    });
  }

  private extras: EvalExtrasSetup | null = null;

  /** The diversity prompt (first bytes of held-out target text: the same for every evaluation and method) and the base weights. */
  private extrasSetup(): EvalExtrasSetup {
    const c = this.config;
    this.extras ??= evalExtrasSetup(
      this.base.config, this.base.params, domainSource(this.assets, toDomainSpec(c.target, 0, this.assets), 'heldout').bytes, c.seed,
    );
    return this.extras;
  }

  private async evaluate(): Promise<void> {
    for (let i = 0; i < this.runs.length; i++) {
      const run = this.runs[i];
      const point: EvalPoint = {
        step: this.step, method: this.config.methods[i].id,
        targetLoss: await heldOutLoss(run, this.heldTarget), sourceLoss: await heldOutLoss(run, this.heldSource),
      };
      if (this.mathProblems) point.targetAccuracy = await greedyAccuracy(run, this.mathProblems, this.base.config.vocabSize);
      // A diverged method's samples and spectrum say nothing; its losses already show it.
      if (!this.diverged.has(point.method)) await addEvalExtras(point, run, this.config.methods[i], this.config, this.extrasSetup());
      this.evals.push(point);
      this.emit({ type: 'eval', point });
    }
  }

  /** Whether a step or a training loop is in flight (a second one at the same time would read `step` mid-update). */
  private stepping = false;

  private guarded<T>(fn: () => Promise<T>): Promise<T> {
    if (this.stepping) return Promise.reject(new Error('a training step is already in flight; steps run one at a time'));
    this.stepping = true;
    return fn().finally(() => {
      this.stepping = false;
    });
  }

  /** One lockstep step (the same batch and dropout seed for every method), submitted and read back before it returns. */
  stepOnce(): Promise<void> {
    return this.guarded(async () => {
      if (this.step >= this.config.steps) return;
      await this.evaluateBase();
      this.submitNext();
      await this.completeNext();
    });
  }

  private isEvalPoint(step: number): boolean {
    return step % this.config.evalInterval === 0 || step === this.config.steps;
  }

  /** Step 0's evaluation of the base model, once, before the first step. */
  private async evaluateBase(): Promise<void> {
    if (this.step === 0 && this.submitted === 0 && this.evals.length === 0) await this.evaluate();
  }

  /**
   * Whether another step may be queued: not past the last step, not while a pause or stop is
   * asked for, and never beyond an evaluation point (its evaluation and checkpoint must see the
   * weights of that step, so the queue drains there).
   */
  private canSubmit(): boolean {
    if (this.playback.halting || this.submitted >= this.config.steps) return false;
    return !(this.submitted > this.step && this.isEvalPoint(this.submitted));
  }

  /**
   * Encodes and submits the next lockstep step of every method that has not diverged, in one
   * submit, without waiting for it. Its batch and hyper-parameters are written to the GPU now,
   * while earlier steps may still run: the queue orders those writes after the earlier submits.
   */
  private submitNext(): void {
    const batch = this.batcher.next();
    const step = ++this.submitted;
    const dropoutSeed = new SplitMix32(this.config.seed ^ Math.imul(step, 0x9e3779b1)).nextU32();
    const methods = this.config.methods.flatMap((m, i) => (this.diverged.has(m.id) ? [] : [i]));
    const inputs = methods.map((i) => ({ ...batch, lr: learningRate(this.config.methods[i].lr, this.schedule, step), dropoutSeed }));
    const results = submitLockstep(this.ctx.device, methods.map((i) => this.runs[i]), inputs, this.timer);
    // Observed now: a failure while older steps are awaited must not surface as an unhandled rejection.
    results.catch(() => undefined);
    this.queue.push({ step, methods, tokens: batch.tokens.length, submittedAt: performance.now(), results });
    this.peakInFlight = Math.max(this.peakInFlight, this.queue.length);
  }

  /**
   * Waits for the oldest queued step, emits its step points in method order, applies the
   * divergence rule, and evaluates when it was an evaluation point. A method found diverged at
   * step k may already have steps k+1.. queued (lookahead > 0): the GPU applies them (its weights
   * move on), but their points are dropped, so its curve and its `diverged` event end at step k,
   * as with lookahead 0; only its weights (and later evaluations, which say nothing for a diverged
   * method) differ.
   */
  private async completeNext(): Promise<void> {
    const q = this.queue.shift();
    if (!q) return;
    let results: StepResult[];
    try {
      results = await q.results;
    } catch (e) {
      // The later steps' readbacks may never settle (a lost device): drop them, keep what was reported.
      this.queue = [];
      this.submitted = this.step;
      throw e;
    }
    const now = performance.now();
    const groupMs = now - Math.max(this.lastDone, q.submittedAt);
    this.lastDone = now;
    this.lastGroupMs = groupMs;
    this.step = q.step;
    const times = this.methodTimes(q.methods, results, groupMs);
    q.methods.forEach((i, k) => {
      const m = this.config.methods[i];
      if (this.diverged.has(m.id)) return;
      const r = results[k];
      const { ms, msSource } = times[k];
      const point: StepPoint = {
        step: q.step, method: m.id, loss: r.loss, gradNorm: r.gradNorm, ms, tokensPerSecond: (q.tokens * 1000) / ms, groupMs, msSource,
      };
      this.stepLog.push(point);
      this.emit({ type: 'step', point });
      const reason = divergenceReason(recentSteps(this.stepLog, m.id), r.skipped, this.base.config.vocabSize);
      if (reason) {
        this.diverged.add(m.id);
        this.emit({ type: 'diverged', method: m.id, step: q.step, loss: r.loss, reason });
      }
    });
    if (this.isEvalPoint(q.step)) {
      await this.evaluate();
      await this.afterEval?.();
    }
  }

  /**
   * Each method's own time in a shared submit: its pass's GPU time when every pass was timed,
   * else the group's wall time split by the methods' shares of the step's model FLOPs.
   */
  private methodTimes(methods: number[], results: StepResult[], groupMs: number): { ms: number; msSource: 'timestamp' | 'flop-share' }[] {
    if (results.every((r) => r.gpuMs !== undefined)) return results.map((r) => ({ ms: r.gpuMs!, msSource: 'timestamp' }));
    const total = methods.reduce((s, i) => s + this.flops[i], 0);
    return methods.map((i) => ({ ms: (groupMs * this.flops[i]) / total, msSource: 'flop-share' }));
  }

  /** How many steps to queue behind the one being read back now: `lookahead`, capped by maxQueuedMs. */
  private stepsAhead(): number {
    const wanted = Math.max(0, Math.floor(this.lookahead) || 0);
    const budget = this.options.maxQueuedMs ?? DEFAULT_MAX_QUEUED_MS;
    if (budget === Infinity) return wanted;
    // Until a step was timed, nothing is queued ahead: the first step may take seconds.
    if (this.lastGroupMs === null) return 0;
    return Math.min(wanted, Math.floor(budget / Math.max(this.lastGroupMs, 1e-3)));
  }

  /** The loop failed (the Worker's run host reports it, with the run's id). */
  markFailed(): void {
    this.playback.setQuietly('error');
  }

  /**
   * Trains until done, paused or stopped; resolves when the loop exits. Keeps up to `lookahead`
   * lockstep steps queued behind the one being read back (fewer when steps are slow: maxQueuedMs),
   * so the GPU has work while JavaScript waits for a readback. A pause or stop submits nothing more and lands after the queued steps
   * (each reported once, in order), at a step boundary.
   */
  run(): Promise<RunState> {
    this.playback.forgetPause();
    this.playback.set('running');
    return this.guarded(async () => {
      while (this.step < this.config.steps) {
        const ahead = this.stepsAhead();
        while (this.queue.length <= ahead && this.canSubmit()) {
          await this.evaluateBase();
          this.submitNext();
        }
        if (this.queue.length === 0) break;
        await this.completeNext();
      }
    }).then(() => {
      return this.playback.end(this.step >= this.config.steps);
    });
  }


  isDiverged(id: string): boolean {
    return this.diverged.has(id);
  }

  async checkpoint(): Promise<ExperimentCheckpoint> {
    // Queued steps have moved the weights and the batcher past `step`: the state would not be one step's.
    if (this.queue.length) throw new Error('checkpoint() while training steps are queued; take it after an evaluation, a pause or the end');
    const methods: ExperimentCheckpoint['methods'] = {};
    for (let i = 0; i < this.runs.length; i++) {
      const id = this.config.methods[i].id;
      methods[id] = { ...(await this.runs[i].exportState()), diverged: this.diverged.has(id) };
    }
    return {
      config: this.config, step: this.step, batcher: this.batcher.state(), methods,
      evals: this.evals.map((e) => ({ ...e })), steps: this.stepLog.map((s) => ({ ...s })),
    };
  }

  /** Restores a checkpoint taken from a runner with the same config (after init()). */
  restore(c: ExperimentCheckpoint): void {
    if (JSON.stringify(c.config) !== JSON.stringify(this.config)) throw new Error('checkpoint belongs to a different experiment config');
    this.config.methods.forEach((m, i) => {
      const s = c.methods[m.id];
      if (!s) throw new Error(`checkpoint has no state for method ${m.id}`);
      this.runs[i].importState(s);
      if (s.diverged) this.diverged.add(m.id);
    });
    this.batcher.restore(c.batcher);
    this.step = c.step;
    this.submitted = c.step;
    this.evals.splice(0, this.evals.length, ...c.evals);
    this.stepLog.splice(0, this.stepLog.length, ...c.steps);
  }

  destroy(): void {
    for (const r of this.runs) r.destroy();
    this.runs = [];
    this.timer?.destroy();
    this.timer = null;
  }
}
