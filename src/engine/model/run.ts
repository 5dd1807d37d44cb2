// One training run on the GPU: a model's parameters (trainable, or frozen under LoRA
// adapters), gradients, AdamW state and activations, allocated once; a training step is one
// compute pass with only a handful of metric scalars read back, either submitted on its own
// (step) or encoded into a shared command buffer and read back later (encodeStep, lockstep.ts).
// Several runs can share a device (the playground trains LoRA and full fine-tuning side by
// side); they share the pipeline cache but nothing else.

import { createCheckedBuffer, numel, readF32, ScalarReader, STORAGE, writeArray, type GpuTensor } from '../gpu/buffers';
import { writeAdamwHyper } from '../kernels/adamw';
import { record, releaseDispatches, type Dispatch, type KernelContext } from '../kernels/kernel';
import { gradNormPartials } from '../kernels/reduce';
import { hash_u32 } from '../util/rng';
import { DEFAULT_ADAMW, optimizer_step, type AdamWOptions } from '../optim/adamw';
import { model_backward } from './backward';
import { checkPlanFits, planBuffers, planBytes, type BufferPlanEntry } from './buffers';
import { assertValidConfig, type LlamaConfig } from './config';
import { model_forward } from './forward';
import { initModelParams } from './init';
import { loraLayout, modelLayout, unpack, type Layout } from './layout';
import { initLoraParams, loraScale, validateLora, type LoraOptions } from './lora';
import type { ActName } from './names';
import { view, type RunTensors } from './tensors';

export interface RunOptions {
  config: LlamaConfig;
  batchSize: number;
  /** Tokens per sequence in a batch (at most config.seqLen). */
  seqLen: number;
  mode: 'full' | 'lora';
  lora?: LoraOptions;
  optimizer?: Partial<AdamWOptions>;
  /** Seeds parameter init (when no base is given), LoRA A init and default dropout masks. */
  seed: number;
  /** Base weights, flat in modelLayout order (a checkpoint); random init when absent. */
  baseParams?: Float32Array;
  label?: string;
  /**
   * Full fine-tuning only: dropout probability in [0, 1) on the input of every projection
   * (q, k, v, o, gate, up, down) while training, like LoRA's dropout; evaluation runs without.
   */
  dropout?: number;
}

export interface StepInput {
  tokens: Int32Array; // (B, T)
  targets: Int32Array; // (B, T), -1 = ignored
  lr: number;
  /** Seed of this step's LoRA dropout masks; by default derived from the run seed and step. */
  dropoutSeed?: number;
}

export interface StepResult {
  step: number;
  loss: number;
  nValid: number;
  gradNorm: number;
  clipScale: number;
  /** True when the gradient was not finite and the update was skipped. */
  skipped: boolean;
  /** GPU time of this run's pass in ms, from timestamp queries (submitLockstep with a timer); absent otherwise. */
  gpuMs?: number;
}

/**
 * The scalars every submit copies back, named once: the first four values of each tensor in
 * turn (cross_entropy_forward's ce_stats, grad_norm_clip's clip_stats; null = unused slot).
 */
const READBACK = [
  { tensor: 'ce_stats', fields: ['loss', 'nValid', 'lossSum', null] },
  { tensor: 'clip_stats', fields: ['gradNorm', 'clipScale', 'bad', null] },
] as const;

type StepStats = Record<Exclude<(typeof READBACK)[number]['fields'][number], null>, number>;

function namedStats(s: Float32Array): StepStats {
  const out: Partial<StepStats> = {};
  READBACK.forEach((r, i) => r.fields.forEach((f, j) => { if (f) out[f] = s[i * 4 + j]; }));
  return out as StepStats;
}

/** A step recorded by encodeStep: its statistics, once the encoder that holds it was submitted and ran. */
export interface PendingStep {
  readonly step: number;
  read(): Promise<StepResult>;
}

export interface MemoryReport {
  weightBytes: number;
  gradientBytes: number;
  optimizerBytes: number;
  activationBytes: number;
  trainableParams: number;
  totalParams: number;
}

export class TrainingRun {
  readonly cfg: LlamaConfig;
  readonly mode: 'full' | 'lora';
  readonly B: number;
  readonly T: number;
  readonly modelLayout: Layout;
  readonly loraLayout: Layout | null;
  readonly optimizer: AdamWOptions;
  /** Number of completed optimizer steps. */
  stepCount = 0;
  private buffers: GPUBuffer[] = [];
  private acts = new Map<string, GpuTensor>();
  private trainDispatches: Dispatch[] = [];
  private gradDispatches: Dispatch[] = [];
  private evalDispatches: Dispatch[] = [];
  private reader!: ScalarReader;
  private tensors!: RunTensors;
  private paramsBuf!: GPUBuffer;
  private trainable!: { params: GpuTensor; grads: GpuTensor; m: GpuTensor; v: GpuTensor; layout: Layout };
  private initialParams!: Float32Array;
  private readonly plan: BufferPlanEntry[];
  /** (B, V) staging buffer of lastLogits, created on first use. */
  private rowsReadback: GPUBuffer | null = null;
  /** Serializes lastLogits calls, which share rowsReadback. */
  private rowsChain: Promise<unknown> = Promise.resolve();
  /** Full fine-tuning's projection-input dropout (0 = off). */
  readonly dropout: number;

  private constructor(private readonly ctx: KernelContext, readonly opts: RunOptions, readonly seed: number) {
    assertValidConfig(opts.config);
    this.cfg = opts.config;
    this.mode = opts.mode;
    this.B = opts.batchSize;
    this.T = opts.seqLen;
    if (!Number.isInteger(this.B) || this.B < 1) throw new Error(`batchSize must be a positive integer (got ${this.B})`);
    if (!Number.isInteger(this.T) || this.T < 1 || this.T > this.cfg.seqLen) {
      throw new Error(`seqLen must be an integer in [1, ${this.cfg.seqLen}] (got ${this.T})`);
    }
    if (this.mode === 'lora') {
      if (!opts.lora) throw new Error('LoRA mode needs lora options');
      const errs = validateLora(opts.lora);
      if (errs.length) throw new Error(`Invalid LoRA options: ${errs.join('; ')}`);
    }
    this.dropout = opts.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout < 1)) throw new Error(`dropout must be in [0, 1) (got ${this.dropout})`);
    if (this.dropout > 0 && this.mode !== 'full') {
      throw new Error('RunOptions.dropout is for full fine-tuning; LoRA runs use lora.dropout');
    }
    this.optimizer = { ...DEFAULT_ADAMW, ...opts.optimizer };
    this.modelLayout = modelLayout(this.cfg);
    this.loraLayout = this.mode === 'lora' ? loraLayout(this.cfg, opts.lora!.rank, opts.lora!.targets) : null;
    if (opts.baseParams && opts.baseParams.length !== this.modelLayout.totalElements) {
      throw new Error(
        `baseParams has ${opts.baseParams.length} values; this config's layout needs ${this.modelLayout.totalElements}`,
      );
    }
    this.plan = planBuffers({
      cfg: this.cfg, B: this.B, T: this.T, lora: this.mode === 'lora' ? opts.lora! : null, dropout: this.dropout,
    });
  }

  static async create(ctx: KernelContext, opts: RunOptions): Promise<TrainingRun> {
    const run = new TrainingRun(ctx, opts, opts.seed >>> 0);
    await run.allocate();
    return run;
  }

  private alloc(bytes: number, label: string, checks: Promise<void>[]): GPUBuffer {
    const { buffer, checked } = createCheckedBuffer(this.ctx.device, {
      size: Math.max(16, Math.ceil(bytes / 16) * 16), usage: STORAGE.storage, label,
    });
    checks.push(checked);
    this.buffers.push(buffer);
    return buffer;
  }

  private async allocate(): Promise<void> {
    const device = this.ctx.device;
    const trainLayout = this.loraLayout ?? this.modelLayout;
    const partialsN = Math.max(1, gradNormPartials(trainLayout.totalElements, this.ctx));
    checkPlanFits(device.limits, [
      { name: 'parameters', bytes: this.modelLayout.totalElements * 4 },
      { name: 'trainable parameters', bytes: trainLayout.totalElements * 4 },
      ...this.plan.map((e) => ({ name: e.name, bytes: numel(e.shape) * 4 })),
    ]);
    this.initialParams = this.opts.baseParams ?? initModelParams(this.cfg, this.seed).flat;
    const checks: Promise<void>[] = [];
    const label = this.opts.label ?? this.mode;
    this.paramsBuf = this.alloc(this.modelLayout.totalElements * 4, `${label}:params`, checks);
    writeArray(device, this.paramsBuf, 0, this.initialParams);
    const whole = (buffer: GPUBuffer, layout: Layout, name: string): GpuTensor => ({
      buffer, offset: 0, byteLength: layout.totalElements * 4, shape: [layout.totalElements], dtype: 'f32', label: name,
    });
    let gradsBuf: GPUBuffer | null = null;
    let loraParams: GPUBuffer | null = null;
    let loraGrads: GPUBuffer | null = null;
    if (this.loraLayout) {
      loraParams = this.alloc(this.loraLayout.totalElements * 4, `${label}:lora`, checks);
      writeArray(device, loraParams, 0, initLoraParams(this.cfg, this.opts.lora!, hash_u32(this.seed, 0x10a)).flat);
      loraGrads = this.alloc(this.loraLayout.totalElements * 4, `${label}:lora_grads`, checks);
      this.trainable = {
        params: whole(loraParams, this.loraLayout, 'lora'), grads: whole(loraGrads, this.loraLayout, 'lora_grads'),
        m: whole(this.alloc(this.loraLayout.totalElements * 4, `${label}:m`, checks), this.loraLayout, 'm'),
        v: whole(this.alloc(this.loraLayout.totalElements * 4, `${label}:v`, checks), this.loraLayout, 'v'),
        layout: this.loraLayout,
      };
    } else {
      gradsBuf = this.alloc(this.modelLayout.totalElements * 4, `${label}:grads`, checks);
      this.trainable = {
        params: whole(this.paramsBuf, this.modelLayout, 'params'), grads: whole(gradsBuf, this.modelLayout, 'grads'),
        m: whole(this.alloc(this.modelLayout.totalElements * 4, `${label}:m`, checks), this.modelLayout, 'm'),
        v: whole(this.alloc(this.modelLayout.totalElements * 4, `${label}:v`, checks), this.modelLayout, 'v'),
        layout: this.modelLayout,
      };
    }
    for (const e of this.plan) {
      const byteLength = numel(e.shape) * 4;
      const buffer = this.alloc(byteLength, `${label}:${e.name}`, checks);
      this.acts.set(e.name, { buffer, offset: 0, byteLength, shape: e.shape, dtype: e.dtype, label: e.name });
    }
    const partials: GpuTensor = {
      buffer: this.alloc(partialsN * 4, `${label}:partials`, checks), offset: 0, byteLength: partialsN * 4,
      shape: [partialsN], dtype: 'f32', label: 'partials',
    };
    await Promise.all(checks);

    const lora = this.mode === 'lora' ? this.opts.lora! : null;
    const act = (n: ActName) => {
      const t = this.acts.get(n);
      if (!t) throw new Error(`no activation named ${n}`);
      return t;
    };
    this.tensors = {
      cfg: this.cfg, B: this.B, T: this.T, lora, loraScale: lora ? loraScale(lora) : 0, dropout: this.dropout, act,
      param: (n) => view(this.paramsBuf, this.modelLayout, n, 'param'),
      grad: (n) => (gradsBuf ? view(gradsBuf, this.modelLayout, n, 'grad') : null),
      loraParam: (n) => view(loraParams!, this.loraLayout!, n, 'lora'),
      loraGrad: (n) => view(loraGrads!, this.loraLayout!, n, 'lora_grad'),
    };
    const forwardTrain = await model_forward(this.ctx, this.tensors, true);
    const backward = await model_backward(this.ctx, this.tensors);
    const optim = await optimizer_step(this.ctx, {
      ...this.trainable, partials, clipStats: act('clip_stats'), hyper: act('hyper'),
      n: this.trainable.layout.totalElements, maxGradNorm: this.optimizer.maxGradNorm,
    });
    this.gradDispatches = [...forwardTrain, ...backward];
    this.trainDispatches = [...forwardTrain, ...backward, ...optim];
    this.evalDispatches = await model_forward(this.ctx, this.tensors, false);
    this.reader = new ScalarReader(device, READBACK.length * 4);
  }

  /** Dispatches recorded for one training step (forward, backward, clipping, AdamW). */
  get dispatchesPerStep(): number {
    return this.trainDispatches.length;
  }

  private writeBatch(tokens: Int32Array, targets: Int32Array): void {
    const n = this.B * this.T;
    if (tokens.length !== n || targets.length !== n) {
      throw new Error(`batch must hold B×T = ${this.B}×${this.T} = ${n} tokens and targets (got ${tokens.length}, ${targets.length})`);
    }
    writeArray(this.ctx.device, this.acts.get('tokens')!.buffer, 0, tokens);
    writeArray(this.ctx.device, this.acts.get('targets')!.buffer, 0, targets);
  }

  /**
   * Records `dispatches` as one compute pass (timed when `timestampWrites` is given) followed by
   * the copy of the step statistics into a free ScalarReader slot; read the slot after submit.
   */
  private recordPass(enc: GPUCommandEncoder, dispatches: Dispatch[], timestampWrites?: GPUComputePassTimestampWrites): number {
    const pass = enc.beginComputePass(timestampWrites ? { timestampWrites } : undefined);
    record(pass, dispatches);
    pass.end();
    return this.reader.record(enc, READBACK.map((r) => this.acts.get(r.tensor)!));
  }

  private async submit(dispatches: Dispatch[]): Promise<StepStats> {
    const enc = this.ctx.device.createCommandEncoder({ label: this.opts.label ?? this.mode });
    const slot = this.recordPass(enc, dispatches);
    this.ctx.device.queue.submit([enc.finish()]);
    return namedStats(await this.reader.read(slot));
  }

  /**
   * Records one optimizer step (forward, backward, clipping, AdamW) into `enc` without submitting
   * it; several runs' steps can share one encoder and one submit (see lockstep.ts). The step's
   * inputs (batch, dropout seed, AdamW hyper-parameters) are written NOW with queue.writeBuffer.
   * That is safe while earlier steps of this run are still executing: the queue runs writeBuffer
   * and submit in call order, so the write lands after every earlier-submitted step has read the
   * old values and before this step's commands run. The one thing it forbids is encoding two
   * steps of the same run before submitting the first (the second write would overwrite the
   * first's inputs): submit `enc` before encoding this run's next step. Call `read()` only after
   * `enc` was submitted; steps can be read in any order and need not be read before the next
   * is encoded (each holds its own readback slot).
   */
  encodeStep(enc: GPUCommandEncoder, input: StepInput, timestampWrites?: GPUComputePassTimestampWrites): PendingStep {
    this.writeBatch(input.tokens, input.targets);
    const step = this.stepCount + 1;
    const seed = input.dropoutSeed ?? hash_u32(this.seed, step);
    this.ctx.device.queue.writeBuffer(this.acts.get('seeds')!.buffer, 0, new Uint32Array([seed >>> 0, 0, 0, 0]));
    writeAdamwHyper(this.ctx.device, this.acts.get('hyper')!, { ...this.optimizer, lr: input.lr, step });
    this.stepCount = step;
    const slot = this.recordPass(enc, this.trainDispatches, timestampWrites);
    return {
      step,
      read: async () => {
        const s = namedStats(await this.reader.read(slot));
        return { step, loss: s.loss, nValid: s.nValid, gradNorm: s.gradNorm, clipScale: s.clipScale, skipped: s.bad !== 0 };
      },
    };
  }

  /** One optimizer step: forward, backward, clipping and AdamW in a single submit, awaited. */
  async step(input: StepInput): Promise<StepResult> {
    const enc = this.ctx.device.createCommandEncoder({ label: this.opts.label ?? this.mode });
    const pending = this.encodeStep(enc, input);
    this.ctx.device.queue.submit([enc.finish()]);
    return pending.read();
  }

  /** Steps (or evaluations) submitted whose statistics have not been read back yet. */
  get readbacksInFlight(): number {
    return this.reader.inFlight;
  }

  /** The most readbacks this run had in flight at once: above 1 when steps were queued ahead. */
  get peakReadbacksInFlight(): number {
    return this.reader.peakInFlight;
  }

  /** Forward and backward only (no update): leaves gradients in place for inspection. */
  async computeGradients(tokens: Int32Array, targets: Int32Array, dropoutSeed = 0): Promise<number> {
    this.writeBatch(tokens, targets);
    this.ctx.device.queue.writeBuffer(this.acts.get('seeds')!.buffer, 0, new Uint32Array([dropoutSeed >>> 0, 0, 0, 0]));
    return (await this.submit(this.gradDispatches)).loss;
  }

  /** Mean loss on a batch without dropout and without touching any parameter. */
  async evaluate(tokens: Int32Array, targets: Int32Array): Promise<{ loss: number; nValid: number }> {
    this.writeBatch(tokens, targets);
    const s = await this.submit(this.evalDispatches);
    return { loss: s.loss, nValid: s.nValid };
  }

  /** Logits (B·T, V) of a batch (evaluation mode); generation wants lastLogits, which reads back B·V. */
  async logits(tokens: Int32Array): Promise<Float32Array> {
    await this.evaluate(tokens, new Int32Array(tokens.length).fill(-1));
    return readF32(this.ctx.device, this.acts.get('logits')!);
  }

  /**
   * Logits of one position per row, (B, V), evaluation mode: one forward pass, then only the
   * B requested rows are copied off the GPU (generation needs the last position, not B·T·V).
   */
  async lastLogits(tokens: Int32Array /* (B, T) */, positions: Int32Array /* (B) */): Promise<Float32Array> {
    if (positions.length !== this.B) throw new Error(`lastLogits: need ${this.B} positions (got ${positions.length})`);
    for (const p of positions) {
      if (!Number.isInteger(p) || p < 0 || p >= this.T) throw new Error(`lastLogits: position ${p} outside [0, ${this.T})`);
    }
    const next = this.rowsChain.then(() => this.readRows(tokens, positions));
    this.rowsChain = next.catch(() => undefined);
    return next;
  }

  private async readRows(tokens: Int32Array, positions: Int32Array): Promise<Float32Array> {
    const device = this.ctx.device;
    const V = this.cfg.vocabSize;
    this.writeBatch(tokens, new Int32Array(tokens.length).fill(-1));
    if (!this.rowsReadback) {
      this.rowsReadback = device.createBuffer({ size: this.B * V * 4, usage: STORAGE.readback, label: 'last-logits' });
      this.buffers.push(this.rowsReadback);
    }
    const staging = this.rowsReadback;
    const logits = this.acts.get('logits')!; // (B·T, V)
    const enc = device.createCommandEncoder({ label: `${this.opts.label ?? this.mode}:last-logits` });
    const pass = enc.beginComputePass();
    record(pass, this.evalDispatches);
    pass.end();
    positions.forEach((pos, b) => {
      enc.copyBufferToBuffer(logits.buffer, logits.offset + (b * this.T + pos) * V * 4, staging, b * V * 4, V * 4);
    });
    device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const out = new Float32Array(staging.getMappedRange().slice(0));
    staging.unmap();
    return out;
  }

  /** Per-position losses of the last evaluated batch (0 where the target was ignored). */
  lastLosses(): Promise<Float32Array> {
    return readF32(this.ctx.device, this.acts.get('losses')!);
  }

  async readBaseParams(): Promise<Map<string, Float32Array>> {
    return unpack(this.modelLayout, await this.readBaseFlat());
  }

  /** Base weights, flat in modelLayout order: a checkpoint another run can start from. */
  readBaseFlat(): Promise<Float32Array> {
    return this.readFlat(this.paramsBuf, this.modelLayout);
  }

  /** Trainable tensors (all weights in full fine-tuning, the adapters under LoRA). */
  async readTrainable(): Promise<Map<string, Float32Array>> {
    return unpack(this.trainable.layout, await readF32(this.ctx.device, this.trainable.params));
  }

  /** Gradients of the trainable tensors from the last step or computeGradients. */
  async readGradients(): Promise<Map<string, Float32Array>> {
    return unpack(this.trainable.layout, await readF32(this.ctx.device, this.trainable.grads));
  }

  private readFlat(buffer: GPUBuffer, layout: Layout): Promise<Float32Array> {
    return readF32(this.ctx.device, {
      buffer, offset: 0, byteLength: layout.totalElements * 4, shape: [layout.totalElements], dtype: 'f32', label: 'flat',
    });
  }

  /** The base weights this run started from (flat, modelLayout order). */
  get startingParams(): Float32Array {
    return this.initialParams;
  }

  /** Full optimizer state, for checkpoints: trainable weights, AdamW moments and step count. */
  async exportState(): Promise<{ params: Float32Array; m: Float32Array; v: Float32Array; step: number }> {
    const d = this.ctx.device;
    const [params, m, v] = await Promise.all([
      readF32(d, this.trainable.params), readF32(d, this.trainable.m), readF32(d, this.trainable.v),
    ]);
    return { params, m, v, step: this.stepCount };
  }

  importState(s: { params: Float32Array; m: Float32Array; v: Float32Array; step: number }): void {
    const n = this.trainable.layout.totalElements;
    for (const [k, a] of Object.entries({ params: s.params, m: s.m, v: s.v })) {
      if (a.length !== n) throw new Error(`importState: ${k} has ${a.length} values, expected ${n}`);
    }
    const d = this.ctx.device;
    writeArray(d, this.trainable.params.buffer, 0, s.params);
    writeArray(d, this.trainable.m.buffer, 0, s.m);
    writeArray(d, this.trainable.v.buffer, 0, s.v);
    this.stepCount = s.step;
  }

  memory(): MemoryReport {
    const f = 4;
    const base = this.modelLayout.paramCount;
    const trainable = this.trainable.layout.paramCount;
    // LoRA's merged weights (W + s·B·A, rebuilt every forward pass) are weights, as memory-estimate.ts counts them.
    const merged = planBytes(this.plan.filter((e) => e.name === 'lora_merged'), ['scratch']);
    return {
      weightBytes: (base + (this.loraLayout ? trainable : 0)) * f + merged,
      gradientBytes: trainable * f,
      optimizerBytes: 2 * trainable * f,
      activationBytes: planBytes(this.plan, ['activation', 'scratch']) - merged,
      trainableParams: trainable,
      totalParams: base + (this.loraLayout ? trainable : 0),
    };
  }

  destroy(): void {
    // trainDispatches holds the forward/backward dispatches of gradDispatches too.
    releaseDispatches(this.trainDispatches);
    releaseDispatches(this.evalDispatches);
    this.trainDispatches = [];
    this.gradDispatches = [];
    this.evalDispatches = [];
    for (const b of this.buffers) b.destroy();
    this.buffers = [];
    this.reader?.destroy();
  }
}
