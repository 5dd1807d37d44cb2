// The Worker's side of sweeps: starts a SweepRunner on the GPU context, base model and data
// assets the Worker already loaded, forwards its events to the page (wrapped, so they are not
// taken for the experiment run's), saves the sweep and a checkpoint after every evaluation in
// IndexedDB, and lists, opens, deletes and resumes saved sweeps (also after a reload, from the
// last checkpoint). Only one of a run or a sweep trains at a time: the host stops the run
// before a sweep starts, and worker.ts calls `halt` before a run starts.

import type { KernelContext } from '../../engine/index';
import type { DataAssets } from '../data/assets';
import type { HistoryStore } from '../storage/history';
import type { SavedSweep, SweepCommand, SweepEvent, WorkerCommand, WorkerEvent } from '../protocol';
import type { BaseModel } from '../run/runner';
import { SweepRunner, type SweepCheckpoint } from '../sweep/runner';
import { checkSweepFits } from '../sweep/fits';

/** What the sweep host borrows from worker.ts. */
export interface SweepHostDeps {
  post(e: WorkerEvent): void;
  context(): Promise<KernelContext>;
  assets(): Promise<DataAssets>;
  baseModel(name: string): Promise<BaseModel>;
  history(): Promise<HistoryStore>;
  /** Stops the experiment run if one is training or paused, and resolves once its loop has exited. */
  haltRun(): Promise<void>;
  /** Throws, before anything is allocated, when the sweep's largest group does not fit the device. */
  memoryBudget(): number;
}

export class SweepHost {
  private runner: SweepRunner | null = null;
  private saved: SavedSweep | null = null;
  /** The runner's training loop while it runs (null while paused or idle). */
  private loop: Promise<unknown> | null = null;

  constructor(private readonly deps: SweepHostDeps) {}

  async handle(cmd: SweepCommand): Promise<void> {
    try {
      await this.dispatch(cmd);
    } catch (e) {
      this.deps.post({ type: 'sweep-error', message: e instanceof Error ? e.message : String(e) });
    }
  }

  private async dispatch(cmd: SweepCommand): Promise<void> {
    const h = await this.deps.history();
    switch (cmd.type) {
      case 'sweep-start': {
        const now = Date.now();
        await this.launch({
          id: cmd.runId, preset: cmd.preset, sweep: cmd.sweep, createdAt: now, updatedAt: now, state: 'running',
          group: 0, groups: 0, done: 0, total: 0, methods: [], evals: [], diverged: {}, checkpointGroup: null,
        });
        break;
      }
      case 'sweep-pause':
        // Again in order: a pause sent while a start was queued pauses that sweep once it exists.
        this.runner?.pause();
        break;
      case 'sweep-resume':
        if (this.runner && this.runner.state === 'paused' && (!cmd.id || cmd.id === this.saved?.id)) {
          await this.settle(this.runner);
          if (this.runner.state === 'paused' && !this.loop) this.train(this.runner);
        }
        else if (cmd.id) await this.resumeSaved(cmd.id);
        break;
      case 'sweep-stop':
        await this.halt();
        break;
      case 'list-sweeps':
        this.deps.post({ type: 'sweeps', sweeps: await h.listSweeps() });
        break;
      case 'open-sweep': {
        const live = this.saved?.id === cmd.id ? this.saved : null;
        const sweep = live ? snapshot(live) : await h.getSweep(cmd.id);
        if (!sweep) break;
        const resumable = live ? live.state === 'paused' : sweep.state !== 'done' && (await h.sweepCheckpoint(cmd.id)) !== undefined;
        this.deps.post({ type: 'sweep-opened', sweep, resumable });
        break;
      }
      case 'delete-sweep':
        if (this.saved?.id === cmd.id) await this.halt();
        await h.deleteSweep(cmd.id);
        this.deps.post({ type: 'sweeps', sweeps: await h.listSweeps() });
        break;
    }
  }

  /** Stops the sweep (training or paused) and frees its GPU memory; resolves once its loop has exited. */
  async halt(): Promise<void> {
    const r = this.runner;
    if (!r) return;
    r.stop();
    if (this.loop) await this.loop.catch(() => undefined);
    // A paused runner is not looping, so it cannot report its own stop.
    if (r.state === 'paused' && this.saved) this.track(this.saved, { type: 'sweep-state', state: 'stopped', group: this.saved.group });
    this.dispose(r);
  }

  private dispose(r: SweepRunner): void {
    r.destroy();
    if (this.runner === r) this.runner = null;
  }

  private async launch(saved: SavedSweep, checkpoint?: SweepCheckpoint): Promise<void> {
    await this.deps.haltRun();
    await this.halt();
    this.saved = saved;
    this.deps.post({ type: 'sweep-active', id: saved.id });
    const [ctx, assets, base, h] = await Promise.all([
      this.deps.context(), this.deps.assets(), this.deps.baseModel(saved.sweep.base), this.deps.history(),
    ]);
    const fit = checkSweepFits(saved.sweep, base.config, ctx.device.limits, this.deps.memoryBudget());
    if (!fit.ok) throw new Error(fit.message);
    // Bound to its own saved sweep: a stopped runner's last events must not land on the next sweep.
    // A runner dropped with a lost device speaks for nobody.
    const r: SweepRunner = new SweepRunner(ctx, saved.sweep, base, assets, (e) => {
      if (this.runner === r) this.track(saved, e);
    });
    this.runner = r;
    if (checkpoint) await r.restore(checkpoint);
    r.afterEval = async () => {
      const c = await r.checkpoint();
      // Recorded in memory too, or the next save of the sweep would write the old value back.
      saved.checkpointGroup = c.group;
      await h.saveSweepCheckpoint(saved.id, c);
    };
    await h.saveSweep(saved);
    this.train(r);
  }

  /**
   * Starts the training loop, detached (it must not hold the Worker's command queue); a finished or stopped runner
   * frees its GPU memory. The loop's promise never rejects: a failure is reported here.
   */
  private train(r: SweepRunner): void {
    const loop: Promise<void> = r.run().then(
      () => undefined,
      (e) => {
        if (this.runner === r) this.deps.post({ type: 'sweep-error', message: e instanceof Error ? e.message : String(e) });
      },
    ).finally(() => {
      if (this.loop === loop) this.loop = null;
      if (r.state !== 'paused') this.dispose(r);
    });
    this.loop = loop;
  }

  /** Resolves once no training loop runs (a started or resumed sweep trains detached from its command). */
  async idle(): Promise<void> {
    while (this.loop) await this.loop;
  }

  /** Waits for a pause on its way to land. */
  private async settle(r: SweepRunner): Promise<void> {
    if (this.loop && r.pausing) await this.loop;
  }

  /** sweep-pause and sweep-stop set their flag at once, so they reach a loop that is running. */
  interrupt(cmd: WorkerCommand): void {
    if (cmd.type === 'sweep-pause') this.runner?.pause();
    else if (cmd.type === 'sweep-stop') this.runner?.stop();
  }

  /** The GPU device is gone: drop the runner without waiting for its loop; the saved sweep resumes from its checkpoint. */
  onDeviceLost(reason: string): void {
    const r = this.runner;
    const saved = this.saved;
    if (!r || !saved) return;
    const active = r.state === 'running' || r.state === 'paused';
    this.runner = null;
    this.loop = null;
    r.stop();
    if (!active) return;
    saved.state = 'stopped';
    const copy = snapshot(saved);
    this.deps.history().then((h) => h.saveSweep(copy)).catch(() => undefined);
    this.deps.post({
      type: 'sweep-error',
      message: `The GPU device was lost (${reason}). The sweep is saved up to its last checkpoint: press Resume to continue from there on a new device.`,
      resumeId: saved.checkpointGroup !== null ? saved.id : undefined,
    });
  }

  private async resumeSaved(id: string): Promise<void> {
    const h = await this.deps.history();
    const [saved, checkpoint] = await Promise.all([h.getSweep(id), h.sweepCheckpoint(id)]);
    if (!saved) throw new Error('That saved sweep no longer exists.');
    if (!checkpoint) throw new Error('That sweep has no checkpoint yet; start it again instead.');
    // Evaluations after the checkpoint are trained again, so they are dropped here.
    saved.evals = [...checkpoint.evals];
    saved.diverged = Object.fromEntries(Object.entries(saved.diverged).filter(([cell]) => checkpoint.diverged.includes(cell)));
    saved.group = checkpoint.group;
    saved.state = 'paused';
    this.deps.post({ type: 'sweep-opened', sweep: snapshot(saved), resumable: true });
    await this.launch(saved, checkpoint);
  }

  /** Forwards a runner event to the page and keeps the saved sweep in step with it. */
  private track(saved: SavedSweep, e: SweepEvent): void {
    // Per-step events are many and the sweep view does not draw them.
    if (e.type === 'step') return;
    this.deps.post({ type: 'sweep-event', id: saved.id, event: e });
    if (!applyToSaved(saved, e)) return;
    const copy = snapshot(saved);
    this.deps.history().then((h) => h.saveSweep(copy)).catch((err) => this.deps.post({ type: 'sweep-error', message: `Could not save the sweep: ${err}` }));
  }
}

/** A copy that later changes to the live sweep cannot reach (saves are asynchronous). */
function snapshot(s: SavedSweep): SavedSweep {
  return { ...s, evals: [...s.evals], methods: [...s.methods], diverged: { ...s.diverged } };
}

/** Updates the saved sweep from an event; returns whether it is worth writing to IndexedDB now. */
export function applyToSaved(saved: SavedSweep, e: SweepEvent): boolean {
  switch (e.type) {
    case 'sweep-start':
      saved.groups = e.groups;
      return true;
    case 'run-start':
      saved.methods = [...saved.methods.filter((m) => !e.methods.some((n) => n.id === m.id)), ...e.methods];
      return true;
    case 'eval':
      saved.evals.push(e.point);
      return true;
    case 'diverged':
      saved.diverged[e.method] = e.step;
      return true;
    case 'sweep-progress':
      // Written with the next evaluation or state change, not at every step.
      Object.assign(saved, { group: e.group, groups: e.groups, done: e.done, total: e.total });
      return false;
    case 'sweep-state':
      saved.state = e.state;
      saved.group = e.group;
      return true;
    default:
      return false;
  }
}
