// Lockstep training of several methods (full fine-tuning, LoRA variants) from the same base
// weights on identical batches, with held-out evaluation of learning (target loss, and
// accuracy for math) and forgetting (source loss) every interval, including step 0 (the base
// model). Pause, resume, stop, and exact checkpoint/restore of the whole experiment.

import {
  learningRate, TrainingRun, type KernelContext, type LlamaConfig, type LrSchedule, type RunOptions,
} from '../engine/index';
import type { ExperimentConfig, MethodConfig } from './config';
import type { DataAssets } from './data/assets';
import { Batcher, heldOutBatches, type Batch, type BatcherState } from './data/batching';
import { domainSource, type DomainSpec } from './data/domains';
import { mathEvalSet, type MathProblem } from './data/math';
import { SplitMix32 } from './data/rng';
import { addEvalExtras, evalExtrasSetup, type EvalExtrasSetup } from './eval-extras';
import { divergenceReason, recentSteps } from './divergence';
import { greedyAccuracy, heldOutLoss } from './evaluate';
import type { EvalPoint, MethodInfo, RunnerEvent, RunState, StepPoint } from './protocol';
import { methodStepFlops } from './bench/flops';

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

function toDomainSpec(d: ExperimentConfig['source'], seed: number): DomainSpec {
  return { domain: d.domain, genres: d.genres, math: d.domain === 'math' ? { seed, answerOnly: d.answerOnly, level: d.level } : undefined };
}

/** The engine options of one method (everything but the base weights); memory-check.ts sizes the same runs from it. */
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

export class ExperimentRunner {
  readonly evals: EvalPoint[] = [];
  readonly stepLog: StepPoint[] = [];
  step = 0;
  state: RunState = 'idle';
  private runs: TrainingRun[] = [];
  private diverged = new Set<string>();
  private batcher!: Batcher;
  private heldTarget!: Batch[];
  private heldSource!: Batch[];
  private mathProblems: MathProblem[] | null = null;
  private schedule: LrSchedule;
  private pauseRequested = false;
  private stopRequested = false;
  /** Awaited after every evaluation, before training goes on (e.g. to save a checkpoint). */
  afterEval: (() => Promise<void>) | null = null;

  constructor(
    private readonly ctx: KernelContext,
    readonly config: ExperimentConfig,
    private readonly base: BaseModel,
    private readonly assets: DataAssets,
    private readonly emit: (e: RunnerEvent) => void = () => {},
  ) {
    this.schedule = { kind: config.schedule.kind, lr: 1, warmupSteps: config.schedule.warmupSteps, totalSteps: config.steps };
  }

  async init(): Promise<void> {
    const c = this.config;
    const train = domainSource(this.assets, toDomainSpec(c.target, c.seed), 'train');
    this.batcher = new Batcher(train, { batchSize: c.batchSize, seqLen: c.seqLen, seed: c.seed });
    this.heldTarget = heldOutBatches(domainSource(this.assets, toDomainSpec(c.target, 0), 'heldout'), c.batchSize, c.seqLen, c.evalBatches);
    this.heldSource = heldOutBatches(domainSource(this.assets, toDomainSpec(c.source, 0), 'heldout'), c.batchSize, c.seqLen, c.evalBatches);
    if (c.target.domain === 'math') this.mathProblems = mathEvalSet(c.evalBatches * c.batchSize, c.target.level);
    for (const m of c.methods) this.runs.push(await TrainingRun.create(this.ctx, { ...methodRunOptions(m, c, this.base.config), baseParams: this.base.params }));
    this.emit({ type: 'run-start', config: c, methods: this.methodInfo() });
  }

  methodInfo(): MethodInfo[] {
    return this.config.methods.map((m, i) => {
      const mem = this.runs[i].memory();
      return {
        id: m.id, label: m.label ?? m.id, kind: m.kind, trainableParams: mem.trainableParams, totalParams: mem.totalParams,
        memory: { weightBytes: mem.weightBytes, gradientBytes: mem.gradientBytes, optimizerBytes: mem.optimizerBytes, activationBytes: mem.activationBytes },
        dispatchesPerStep: this.runs[i].dispatchesPerStep,
        flopsPerStep: methodStepFlops(this.runs[i]),
      };
    });
  }

  private extras: EvalExtrasSetup | null = null;

  /** The diversity prompt (first bytes of held-out target text: the same for every evaluation and method) and the base weights. */
  private extrasSetup(): EvalExtrasSetup {
    const c = this.config;
    this.extras ??= evalExtrasSetup(
      this.base.config, this.base.params, domainSource(this.assets, toDomainSpec(c.target, 0), 'heldout').bytes, c.seed,
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

  /** Whether a step is in flight (a second one at the same time would read `step` mid-update). */
  private stepping = false;

  /** One lockstep step: the same batch and dropout seed for every method. */
  async stepOnce(): Promise<void> {
    if (this.stepping) throw new Error('a training step is already in flight; steps run one at a time');
    this.stepping = true;
    try {
      await this.stepUnguarded();
    } finally {
      this.stepping = false;
    }
  }

  private async stepUnguarded(): Promise<void> {
    if (this.step >= this.config.steps) return;
    if (this.step === 0 && this.evals.length === 0) await this.evaluate();
    const batch = this.batcher.next();
    this.step++;
    const dropoutSeed = new SplitMix32(this.config.seed ^ Math.imul(this.step, 0x9e3779b1)).nextU32();
    for (let i = 0; i < this.runs.length; i++) {
      const m = this.config.methods[i];
      if (this.diverged.has(m.id)) continue;
      const t0 = performance.now();
      const r = await this.runs[i].step({ ...batch, lr: m.lr * learningRate(this.schedule, this.step), dropoutSeed });
      const ms = performance.now() - t0;
      const point: StepPoint = { step: this.step, method: m.id, loss: r.loss, gradNorm: r.gradNorm, ms, tokensPerSecond: (batch.tokens.length * 1000) / ms };
      this.stepLog.push(point);
      this.emit({ type: 'step', point });
      const reason = divergenceReason(recentSteps(this.stepLog, m.id), r.skipped, this.base.config.vocabSize);
      if (reason) {
        this.diverged.add(m.id);
        this.emit({ type: 'diverged', method: m.id, step: this.step, loss: r.loss, reason });
      }
    }
    if (this.step % this.config.evalInterval === 0 || this.step === this.config.steps) {
      await this.evaluate();
      await this.afterEval?.();
    }
  }

  private setState(s: RunState): void {
    this.state = s;
    this.emit({ type: 'state', state: s, step: this.step });
  }

  /** Trains until done, paused or stopped; resolves when the loop exits. */
  async run(): Promise<RunState> {
    this.pauseRequested = false;
    this.setState('running');
    while (this.step < this.config.steps) {
      if (this.stopRequested) {
        this.setState('stopped');
        return this.state;
      }
      if (this.pauseRequested) {
        this.setState('paused');
        return this.state;
      }
      await this.stepOnce();
    }
    this.setState('done');
    return this.state;
  }

  pause(): void {
    this.pauseRequested = true;
  }

  /** A pause was asked for and the loop has not yet stopped for it. */
  get pausing(): boolean {
    return this.pauseRequested && this.state === 'running';
  }

  stop(): void {
    this.stopRequested = true;
  }

  isDiverged(id: string): boolean {
    return this.diverged.has(id);
  }

  async checkpoint(): Promise<ExperimentCheckpoint> {
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
    this.evals.splice(0, this.evals.length, ...c.evals);
    this.stepLog.splice(0, this.stepLog.length, ...c.steps);
  }

  destroy(): void {
    for (const r of this.runs) r.destroy();
    this.runs = [];
  }
}
