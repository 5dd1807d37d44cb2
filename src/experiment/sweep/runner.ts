// The sweep runner: trains a sweep's lockstep groups one after another (each an ExperimentRunner,
// destroyed before the next starts), forwards their events with the cell id as EvalPoint.method so
// every chart and analysis of a single experiment also works on a sweep, reports progress in
// cell-steps with a time left, and pauses, resumes and checkpoints like the runner it drives
// (run/playback.ts holds their one pause/stop state machine), so a sweep resumes exactly after a reload.

import type { KernelContext } from '../../engine/index';
import type { ExperimentConfig } from '../config';
import type { DataAssets } from '../data/assets';
import type { EvalPoint, MethodInfo, RunnerEvent, RunState, SweepEvent } from '../protocol';
import { Playback, PlaybackControls } from '../run/playback';
import { ExperimentRunner, type BaseModel, type ExperimentCheckpoint } from '../run/runner';
import { expandSweep, parseSweep, sweepGroups, type SweepCell, type SweepConfig } from './config';


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

export class SweepRunner extends PlaybackControls {
  readonly sweep: SweepConfig;
  readonly cells: SweepCell[];
  readonly groups: ExperimentConfig[];
  readonly evals: EvalPoint[] = [];
  readonly methods: MethodInfo[] = [];
  readonly diverged = new Set<string>();
  /** Pause, stop and the sweep's state: the experiment runner's state machine. */
  protected readonly playback = new Playback((state) => this.emit({ type: 'sweep-state', state, group: this.group }));
  /** Awaited after each evaluation, before training goes on (the Worker and the CLI save a checkpoint). */
  afterEval: (() => Promise<void>) | null = null;
  private group = 0;
  private current: ExperimentRunner | null = null;
  private announced = false;
  /** The pace of this run() call, for the ETA: cell-steps done and when it started. */
  private pace = { startMs: 0, cellSteps: 0 };

  constructor(
    private readonly ctx: KernelContext,
    sweep: SweepConfig,
    private readonly base: BaseModel,
    private readonly assets: DataAssets,
    private readonly emit: (e: SweepEvent) => void = () => {},
  ) {
    super();
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

  /** Trains until done, paused (after the current step) or stopped; resolves when the loop exits. */
  async run(): Promise<RunState> {
    this.playback.forgetPause();
    this.pace = { startMs: performance.now(), cellSteps: 0 };
    this.announce();
    this.playback.set('running');
    this.emitProgress();
    try {
      while (this.group < this.groups.length) {
        if (this.playback.halting) return this.playback.end(false);
        await this.stepOnce();
      }
    } catch (e) {
      this.playback.set('error');
      throw e;
    }
    return this.playback.end(true);
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
    this.playback.setQuietly(this.group >= this.groups.length ? 'done' : 'paused');
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
