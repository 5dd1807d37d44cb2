// Sweeps: a grid of method families (full fine-tuning, LoRA at some rank and target modules, with
// their regularizers) × learning rates, trained as lockstep groups of at most LIMITS.methods cells,
// one group after another, all from the same base weights on the same batches. A cell is one
// (family, learning rate); its evaluations carry the cell id as EvalPoint.method, so every chart
// and analysis of a single experiment also works on a sweep. The SweepRunner pauses, resumes and
// checkpoints like the ExperimentRunner it drives, so a sweep resumes exactly after a reload.

import { z } from 'zod';
import type { KernelContext } from '../../engine/index';
import {
  ConfigError, configIssues, experimentSchema, fullMethodSchema, LIMITS, loraMethodSchema,
  type ExperimentConfig, type MethodConfig,
} from '../config';
import type { SweepCellResult } from '../analysis/front';
import type { DataAssets } from '../data/assets';
import type { EvalPoint, MethodInfo, RunnerEvent, RunState } from '../protocol';
import { ExperimentRunner, type BaseModel, type ExperimentCheckpoint } from '../run/runner';

export type { SweepCellResult } from '../analysis/front';

export const LIMITS_SWEEP = {
  /** 9: three module sets × three ranks (the modules × ranks grid of finding 8). */
  families: 9,
  lrs: 8,
  /** 8 groups of 6: on the shipped model, minutes on a laptop GPU at the presets' 200 steps. */
  cells: 48,
} as const;

/** Family ids are one shorter than method ids need, so `${family}-${i}` is always a valid method id. */
const familyId = z.string().regex(/^[a-z0-9_-]{1,20}$/, 'family ids are 1-20 lowercase letters, digits, - or _');
const lrs = z
  .array(fullMethodSchema.shape.lr)
  .min(1, 'a family needs at least one learning rate')
  .max(LIMITS_SWEEP.lrs, `a family has at most ${LIMITS_SWEEP.lrs} learning rates`);
/** Leaves room in a cell's label for " @ <lr>". */
const familyLabel = z.string().max(32).optional();

export const fullFamilySchema = fullMethodSchema.omit({ id: true, lr: true, label: true }).extend({ id: familyId, label: familyLabel, lrs });
export const loraFamilySchema = loraMethodSchema.omit({ id: true, lr: true, label: true }).extend({ id: familyId, label: familyLabel, lrs });
export const familySchema = z.discriminatedUnion('kind', [fullFamilySchema, loraFamilySchema]);

const E = experimentSchema.shape;
export const sweepSchema = z
  .object({
    version: E.version, base: E.base, source: E.source, target: E.target, steps: E.steps, batchSize: E.batchSize,
    seqLen: E.seqLen, schedule: E.schedule, maxGradNorm: E.maxGradNorm, seed: E.seed, evalInterval: E.evalInterval,
    evalBatches: E.evalBatches, diversity: E.diversity,
    families: z
      .array(familySchema)
      .min(1, 'a sweep needs at least one family')
      .max(LIMITS_SWEEP.families, `a sweep has at most ${LIMITS_SWEEP.families} families`),
  })
  .superRefine((s, ctx) => {
    const ids = new Set<string>();
    s.families.forEach((f, i) => {
      if (ids.has(f.id)) ctx.addIssue({ code: 'custom', path: ['families', i, 'id'], message: `duplicate family id "${f.id}"` });
      ids.add(f.id);
      const seen = new Set<number>();
      f.lrs.forEach((lr, j) => {
        if (seen.has(lr)) ctx.addIssue({ code: 'custom', path: ['families', i, 'lrs', j], message: `learning rate ${lr} is listed twice in family "${f.id}"` });
        seen.add(lr);
      });
    });
    const cells = s.families.reduce((n, f) => n + f.lrs.length, 0);
    if (cells > LIMITS_SWEEP.cells) {
      ctx.addIssue({ code: 'custom', path: ['families'], message: `${cells} runs (families × learning rates) is more than the limit ${LIMITS_SWEEP.cells}` });
    }
  });

export type SweepConfig = z.infer<typeof sweepSchema>;
export type SweepInput = z.input<typeof sweepSchema>;
export type SweepFamily = z.infer<typeof familySchema>;

/** One (family, learning rate) of the grid: one method of one group. */
export interface SweepCell {
  id: string;
  family: string;
  familyLabel: string;
  lr: number;
  method: MethodConfig;
}

/** "families.1 (r8).lrs.0: ..." rather than "families.1.lrs.0: ...", when the family has a valid id. */
function sweepIssues(error: z.ZodError, input: unknown): string[] {
  const families = (input as { families?: unknown } | null)?.families;
  return configIssues(error).map((line, i) => {
    const path = error.issues[i].path;
    if (path[0] !== 'families' || typeof path[1] !== 'number' || !Array.isArray(families)) return line;
    const id = (families[path[1]] as { id?: unknown } | null)?.id;
    if (typeof id !== 'string' || !familyId.safeParse(id).success) return line;
    return line.replace(`families.${path[1]}`, `families.${path[1]} (${id})`);
  });
}

export function parseSweep(input: unknown): SweepConfig {
  const r = sweepSchema.safeParse(input);
  if (!r.success) throw new ConfigError(sweepIssues(r.error, input));
  return r.data;
}

const ALL_TARGETS = loraMethodSchema.shape.targets.element.options;
const ATTENTION = ['q', 'k', 'v', 'o'];
const MLP = ['gate', 'up', 'down'];
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && b.every((x) => a.includes(x));

/** A learning rate as labels show it: 3e-4, 1e-2, 2.5e-3. */
export function formatLr(x: number): string {
  return x.toExponential().replace('e+', 'e');
}

/** A name for a family without a label: what sets it apart (rank, modules, regularizers). */
export function defaultFamilyLabel(f: SweepFamily): string {
  const parts: string[] = [];
  if (f.kind === 'full') parts.push('Full FT');
  else {
    parts.push(`LoRA r=${f.rank}`);
    if (sameSet(f.targets, ATTENTION)) parts.push('attention');
    else if (sameSet(f.targets, MLP)) parts.push('MLP');
    else if (!sameSet(f.targets, ALL_TARGETS)) parts.push(f.targets.join(','));
    if (f.alpha !== 2 * f.rank) parts.push(`α=${f.alpha}`);
    if (f.scaling === 'rslora') parts.push('rsLoRA');
  }
  if (f.weightDecay > 0) parts.push(`wd ${f.weightDecay}`);
  if (f.dropout > 0) parts.push(`dropout ${f.dropout}`);
  return parts.join(' ').slice(0, 32);
}

/** Every cell, family by family, learning rates in the family's order. */
export function expandSweep(s: SweepConfig): SweepCell[] {
  return s.families.flatMap((f) => {
    const { id: family, label, lrs: rates, ...rest } = f;
    const name = label ?? defaultFamilyLabel(f);
    return rates.map((lr, i) => {
      const id = `${family}-${i}`;
      const method = { ...structuredClone(rest), id, label: `${name} @ ${formatLr(lr)}`.slice(0, 48), lr } as MethodConfig;
      return { id, family, familyLabel: name, lr, method };
    });
  });
}

/** The experiment every group shares: all settings of the sweep but its families. */
function sharedSettings(s: SweepConfig): Omit<ExperimentConfig, 'methods'> {
  const { families: _families, ...rest } = s;
  return structuredClone(rest);
}

/** Cells in order, in chunks of at most LIMITS.methods: one lockstep experiment each, same base, seed and batches. */
export function sweepGroups(s: SweepConfig): ExperimentConfig[] {
  const cells = expandSweep(s);
  const groups: ExperimentConfig[] = [];
  for (let i = 0; i < cells.length; i += LIMITS.methods) {
    groups.push({ ...sharedSettings(s), methods: cells.slice(i, i + LIMITS.methods).map((c) => c.method) });
  }
  return groups;
}

/** Each cell's evaluations (by step) with what describes its family, for the analysis in analysis/front.ts. */
export function cellResults(s: SweepConfig, evals: readonly EvalPoint[], diverged: ReadonlySet<string>): SweepCellResult[] {
  const byCell = new Map<string, EvalPoint[]>();
  for (const e of evals) {
    const list = byCell.get(e.method);
    if (list) list.push(e);
    else byCell.set(e.method, [e]);
  }
  return expandSweep(s).map((c) => {
    const m = c.method;
    const own = [...(byCell.get(c.id) ?? [])].sort((a, b) => a.step - b.step);
    const result: SweepCellResult = {
      cellId: c.id, family: c.family, familyLabel: c.familyLabel, kind: m.kind, lr: c.lr,
      weightDecay: m.weightDecay, dropout: m.dropout, diverged: diverged.has(c.id),
      evals: own.map((e) => ({
        step: e.step, targetLoss: e.targetLoss, sourceLoss: e.sourceLoss,
        ...(e.targetAccuracy !== undefined ? { targetAccuracy: e.targetAccuracy } : {}),
      })),
    };
    if (m.kind === 'lora') Object.assign(result, { rank: m.rank, targets: [...m.targets] });
    return result;
  });
}

// ---- running ---------------------------------------------------------------------------------

export type SweepEvent =
  | RunnerEvent
  | { type: 'sweep-start'; sweep: SweepConfig; cells: SweepCell[]; groups: number }
  /**
   * done/total in cell-steps (a group of n cells at step k has done n·k); group is the running group's index
   * (groups once done); the ETA comes from the pace measured since run() was last called (null before a step).
   */
  | { type: 'sweep-progress'; group: number; groups: number; done: number; total: number; etaSeconds: number | null }
  | { type: 'sweep-state'; state: RunState; group: number };

/** Where a sweep got to: `evals` holds every evaluation so far (finished groups and the running one). */
export interface SweepCheckpoint {
  sweep: SweepConfig;
  /** The group that is training (or next to train); groups.length when the sweep is done. */
  group: number;
  evals: EvalPoint[];
  diverged: string[];
  methods: MethodInfo[];
  /** The running group's exact state; null between groups. */
  current: ExperimentCheckpoint | null;
}

export class SweepRunner {
  readonly sweep: SweepConfig;
  readonly cells: SweepCell[];
  readonly groups: ExperimentConfig[];
  readonly evals: EvalPoint[] = [];
  readonly methods: MethodInfo[] = [];
  readonly diverged = new Set<string>();
  state: RunState = 'idle';
  /** Awaited after each evaluation, before training goes on (the Worker and the CLI save a checkpoint). */
  afterEval: (() => Promise<void>) | null = null;
  private group = 0;
  private current: ExperimentRunner | null = null;
  private announced = false;
  private pauseRequested = false;
  private stopRequested = false;
  /** The pace of this run() call, for the ETA: cell-steps done and when it started. */
  private pace = { startMs: 0, cellSteps: 0 };

  constructor(
    private readonly ctx: KernelContext,
    sweep: SweepConfig,
    private readonly base: BaseModel,
    private readonly assets: DataAssets,
    private readonly emit: (e: SweepEvent) => void = () => {},
  ) {
    // Normalised once, so group configs (and the checkpoints' copies of them) compare equal after a reload.
    this.sweep = parseSweep(sweep);
    this.cells = expandSweep(this.sweep);
    this.groups = sweepGroups(this.sweep);
  }

  /** The group that is training (or next to train); groups.length once done. */
  get groupIndex(): number {
    return this.group;
  }

  /** Cell-steps done and in all: done counts a diverged cell's skipped steps too, so the bar always ends full. */
  progress(): { done: number; total: number } {
    const steps = this.sweep.steps;
    let done = 0;
    for (let g = 0; g < Math.min(this.group, this.groups.length); g++) done += steps * this.groups[g].methods.length;
    if (this.current) done += this.current.step * this.current.config.methods.length;
    return { done, total: steps * this.cells.length };
  }

  private forward = (e: RunnerEvent): void => {
    if (e.type === 'eval') this.evals.push(e.point);
    else if (e.type === 'diverged') this.diverged.add(e.method);
    else if (e.type === 'run-start') {
      const fresh = new Set(e.methods.map((m) => m.id));
      const kept = this.methods.filter((m) => !fresh.has(m.id));
      this.methods.splice(0, this.methods.length, ...kept, ...e.methods);
    }
    this.emit(e);
  };

  /** The running group's runner, created (and its base model evaluated at the first step) on demand. */
  private async groupRunner(): Promise<ExperimentRunner> {
    if (this.current) return this.current;
    const r = new ExperimentRunner(this.ctx, this.groups[this.group], this.base, this.assets, this.forward);
    r.afterEval = () => this.afterEval?.() ?? Promise.resolve();
    await r.init();
    this.current = r;
    return r;
  }

  private announce(): void {
    if (this.announced) return;
    this.announced = true;
    this.emit({ type: 'sweep-start', sweep: this.sweep, cells: this.cells, groups: this.groups.length });
  }

  private emitProgress(): void {
    const { done, total } = this.progress();
    const elapsed = (performance.now() - this.pace.startMs) / 1000;
    const etaSeconds = this.pace.cellSteps > 0 ? (elapsed / this.pace.cellSteps) * (total - done) : null;
    this.emit({ type: 'sweep-progress', group: this.group, groups: this.groups.length, done, total, etaSeconds });
  }

  /** One lockstep step of the running group; a finished group frees its GPU memory before the next one starts. */
  async stepOnce(): Promise<void> {
    if (this.group >= this.groups.length) return;
    this.announce();
    const r = await this.groupRunner();
    if (r.step < r.config.steps) {
      await r.stepOnce();
      this.pace.cellSteps += r.config.methods.length;
    }
    if (r.step >= r.config.steps) {
      r.destroy();
      this.current = null;
      this.group++;
    }
    this.emitProgress();
  }

  private setState(s: RunState): RunState {
    this.state = s;
    this.emit({ type: 'sweep-state', state: s, group: this.group });
    return s;
  }

  /** Trains until done, paused (after the current step) or stopped; resolves when the loop exits. */
  async run(): Promise<RunState> {
    this.pauseRequested = false;
    this.pace = { startMs: performance.now(), cellSteps: 0 };
    this.announce();
    this.setState('running');
    this.emitProgress();
    try {
      while (this.group < this.groups.length) {
        if (this.stopRequested) return this.setState('stopped');
        if (this.pauseRequested) return this.setState('paused');
        await this.stepOnce();
      }
    } catch (e) {
      this.setState('error');
      throw e;
    }
    return this.setState('done');
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

  async checkpoint(): Promise<SweepCheckpoint> {
    return {
      sweep: this.sweep, group: this.group, evals: this.evals.map((e) => ({ ...e })), diverged: [...this.diverged],
      methods: this.methods.map((m) => ({ ...m })), current: this.current ? await this.current.checkpoint() : null,
    };
  }

  /** Continues from a checkpoint of the same sweep (taken by any SweepRunner, e.g. before a reload). */
  async restore(c: SweepCheckpoint): Promise<void> {
    if (JSON.stringify(parseSweep(c.sweep)) !== JSON.stringify(this.sweep)) throw new Error('checkpoint belongs to a different sweep');
    if (!Number.isInteger(c.group) || c.group < 0 || c.group > this.groups.length) throw new Error(`checkpoint group ${c.group} is not in this sweep`);
    this.current?.destroy();
    this.current = null;
    this.group = c.group;
    this.evals.splice(0, this.evals.length, ...c.evals.map((e) => ({ ...e })));
    this.methods.splice(0, this.methods.length, ...c.methods.map((m) => ({ ...m })));
    this.diverged.clear();
    for (const id of c.diverged) this.diverged.add(id);
    if (c.current && this.group < this.groups.length) {
      const r = await this.groupRunner();
      r.restore(c.current);
    }
    this.state = this.group >= this.groups.length ? 'done' : 'paused';
  }

  destroy(): void {
    this.current?.destroy();
    this.current = null;
  }
}

// ---- checkpoints as JSON (the CLI's --resume) ------------------------------------------------

const F32 = '__f32';
const NUM = '__num';

function toBase64(v: Float32Array): string {
  const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}

function fromBase64(text: string): Float32Array {
  const bin = atob(text);
  const out = new Float32Array(bin.length >> 2);
  const bytes = new Uint8Array(out.buffer);
  for (let i = 0; i < bytes.length; i++) bytes[i] = bin.charCodeAt(i);
  return out;
}

/**
 * JSON text of a checkpoint that parses back to an equal one: Float32Arrays as base64 of their
 * little-endian bytes, and non-finite numbers (a diverged cell's losses) as strings, which plain
 * JSON would turn into null.
 */
export function sweepCheckpointToJson(c: SweepCheckpoint): string {
  return JSON.stringify(c, (_k, v: unknown) => {
    if (v instanceof Float32Array) return { [F32]: toBase64(v) };
    if (typeof v === 'number' && !Number.isFinite(v)) return { [NUM]: String(v) };
    return v;
  });
}

export function sweepCheckpointFromJson(text: string): SweepCheckpoint {
  return JSON.parse(text, (_k, v: unknown) => {
    if (!v || typeof v !== 'object') return v;
    const o = v as Record<string, unknown>;
    if (typeof o[F32] === 'string') return fromBase64(o[F32]);
    if (typeof o[NUM] === 'string') return Number(o[NUM]);
    return v;
  }) as SweepCheckpoint;
}
