// The Worker's side of the experiment run: one run at a time (start, pause, resume, step once,
// stop, resume a saved run, delete), its events tagged with its id and saved as it trains, a
// checkpoint after every evaluation, and a lost GPU device answered by keeping everything saved
// and offering a resume. Commands arrive one at a time through the Worker's command queue;
// the training loop runs detached (it must not hold the queue), and pause and stop also act at
// once so they reach a loop that is running.
// A run on the student's own text (a 'custom' target) gets it from the custom-text store by its
// SHA-256 before anything else happens; a missing text is an error that says to paste it again.

import type { KernelContext } from '../../engine/index';
import type { ExperimentConfig } from '../config';
import type { DataAssets } from '../data/assets';
import { customTextMissingMessage, type CustomTextAssets } from '../data/custom-text';
import { sha256Hex } from '../data/sha256';
import { customTextsInUse, withCustomText, type CustomTextStore } from '../storage/custom-texts';
import type { HistoryStore } from '../storage/history';
import type { RunnerEvent, SavedRun, WorkerCommand, WorkerEvent } from '../protocol';
import { ExperimentRunner, type BaseModel, type ExperimentCheckpoint } from '../run/runner';
import { checkExperimentFits } from '../run/memory-check';

export interface RunHostDeps {
  post(e: WorkerEvent): void;
  context(): Promise<KernelContext>;
  assets(): Promise<DataAssets>;
  baseModel(name: string): Promise<BaseModel>;
  history(): Promise<HistoryStore>;
  /** Stops a sweep that trains or is paused (one thing trains at a time); resolves once its loop has exited. */
  haltSweep(): Promise<void>;
  /** The GPU memory a run may take, in bytes (memory-check.ts DEFAULT_MEMORY_BUDGET unless the page set one). */
  memoryBudget(): number;
  /** Holds the run for this tab (null: another tab holds it); the returned function lets go. */
  lockRun(id: string): Promise<(() => void) | null>;
  /** Students' own target texts (null or absent: no storage, so only a text sent with Start is known). */
  customTexts?(): Promise<Pick<CustomTextStore, 'get' | 'put' | 'delete'> | null>;
}

/** The text a Start carries (see protocol.ts), kept in memory for the run even when storage fails. */
type CarriedText = { name: string; sha256: string; bytes: Uint8Array };

export type RunCommand = Extract<WorkerCommand, {
  type: 'start' | 'pause' | 'resume' | 'step-once' | 'stop' | 'list-runs' | 'open-run' | 'compare-run' | 'resume-run' | 'delete-run';
}>;

const RUN_COMMANDS = new Set<string>(['start', 'pause', 'resume', 'step-once', 'stop', 'list-runs', 'open-run', 'compare-run', 'resume-run', 'delete-run']);

export function isRunCommand(cmd: WorkerCommand): cmd is RunCommand {
  return RUN_COMMANDS.has(cmd.type);
}

/** An error about one run: the page shows it only while that run is on screen. */
export class RunError extends Error {
  constructor(readonly runId: string, message: string) {
    super(message);
  }
}

const delay = (ms: number) => new Promise((done) => setTimeout(done, ms));

export class RunHost {
  /** The run this Worker holds (training, paused, or finished and kept for analysis and export). */
  runner: ExperimentRunner | null = null;
  saved: SavedRun | null = null;
  /** The runner's training loop while it runs; it never rejects (failures are reported inside). */
  private loop: Promise<void> | null = null;
  private release: (() => void) | null = null;
  private runnerCtx: KernelContext | null = null;

  constructor(private readonly deps: RunHostDeps) {}

  /** pause and stop act at once (they only set flags), so they reach a loop that is running. */
  interrupt(cmd: WorkerCommand): void {
    if (cmd.type === 'pause') this.runner?.pause();
    else if (cmd.type === 'stop') this.runner?.stop();
  }

  /** One queued command. Errors reach the page tagged with the run they concern. */
  async handle(cmd: RunCommand): Promise<void> {
    try {
      await this.dispatch(cmd);
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const runId = e instanceof RunError ? e.runId : 'runId' in cmd ? cmd.runId : 'id' in cmd ? cmd.id : cmd.type === 'list-runs' ? undefined : this.saved?.id;
      this.deps.post({ type: 'error', message, runId });
    }
  }

  private async dispatch(cmd: RunCommand): Promise<void> {
    switch (cmd.type) {
      case 'start': {
        const now = Date.now();
        await this.launch(cmd.config, {
          id: cmd.runId, preset: cmd.preset, config: cmd.config, createdAt: now, updatedAt: now, state: 'running', step: 0,
          methods: [], evals: [], checkpointStep: null,
        }, undefined, cmd.customText);
        break;
      }
      case 'pause':
        // Again in order: a pause sent while a Start was queued pauses that run once it exists.
        this.runner?.pause();
        break;
      case 'resume':
        await this.resume();
        break;
      case 'step-once':
        await this.stepOnce();
        break;
      case 'stop':
        await this.stopLoop();
        break;
      case 'list-runs':
        this.deps.post({ type: 'runs', runs: await (await this.deps.history()).list() });
        break;
      case 'open-run': {
        const h = await this.deps.history();
        const run = await h.get(cmd.id);
        if (run) this.deps.post({ type: 'run-opened', run, resumable: (await h.checkpoint(cmd.id)) !== undefined && run.state !== 'done' });
        break;
      }
      case 'compare-run': {
        const run = await (await this.deps.history()).get(cmd.id);
        if (run) this.deps.post({ type: 'compare-loaded', run });
        break;
      }
      case 'resume-run':
        await this.resumeSaved(cmd.id);
        break;
      case 'delete-run': {
        // Deleting the run this Worker holds ends it first, so nothing saves it again afterwards.
        if (this.saved?.id === cmd.id) await this.dispose();
        const h = await this.deps.history();
        const gone = await h.get(cmd.id);
        await h.delete(cmd.id);
        const left = await h.list();
        this.deps.post({ type: 'runs', runs: left });
        if (gone) await this.pruneCustomText(gone.config, left.map((r) => r.config));
        break;
      }
    }
  }

  /** Waits for a pause on its way to land, so a queued command sees the paused runner. */
  private async settle(r: ExperimentRunner): Promise<void> {
    if (this.loop && r.pausing) await this.loop;
  }

  private async resume(): Promise<void> {
    const r = this.runner;
    const run = this.saved;
    if (!r || !run) return;
    await this.settle(r);
    if (r.state !== 'paused' || this.loop) return;
    await this.deps.haltSweep();
    this.startLoop(r, run);
  }

  private async stepOnce(): Promise<void> {
    const r = this.runner;
    const run = this.saved;
    if (!r || !run) return;
    await this.settle(r);
    if (r.state !== 'paused' || this.loop) return;
    await r.stepOnce();
    if (this.runner === r) this.track(run, r, { type: 'state', state: r.step >= r.config.steps ? 'done' : 'paused', step: r.step });
  }

  /** Stops the run (training or paused) once its loop has exited; the runner is kept for analysis and export. */
  async stopLoop(): Promise<void> {
    const r = this.runner;
    const run = this.saved;
    if (!r || !run || r.state === 'done' || r.state === 'stopped' || r.state === 'error') return;
    r.stop();
    if (this.loop) await this.loop;
    // A paused runner is not looping, so it cannot report its own stop.
    if (r.state === 'paused') this.track(run, r, { type: 'state', state: 'stopped', step: r.step });
    this.letGo();
  }

  /** Another tab may resume the run from its checkpoint once this one no longer trains it. */
  private letGo(): void {
    this.release?.();
    this.release = null;
  }

  /** Stops the run, frees its GPU memory and lets go of it. */
  async dispose(): Promise<void> {
    await this.stopLoop();
    this.runner?.destroy();
    this.runner = null;
    this.runnerCtx = null;
    this.saved = null;
    this.letGo();
  }

  private startLoop(r: ExperimentRunner, run: SavedRun): void {
    const loop: Promise<void> = r.run().then(
      () => undefined,
      (e) => this.loopFailed(r, run, e),
    );
    this.loop = loop;
    void loop.then(() => {
      if (this.loop === loop) this.loop = null;
      if (this.runner === r && r.state !== 'paused') this.letGo();
    });
  }

  private async loopFailed(r: ExperimentRunner, run: SavedRun, e: unknown): Promise<void> {
    // A failure caused by a lost device is answered by onDeviceLost (its event can arrive a moment later).
    const ctx = this.runnerCtx;
    if (ctx) await Promise.race([ctx.device.lost, delay(500)]);
    if (this.runner !== r) return;
    r.markFailed();
    this.track(run, r, { type: 'state', state: 'error', step: r.step });
    this.deps.post({ type: 'error', message: e instanceof Error ? e.message : String(e), runId: run.id });
  }

  /** Deletes a deleted run's custom text once no other saved run or sweep refers to it. */
  private async pruneCustomText(config: ExperimentConfig, others: ExperimentConfig[]): Promise<void> {
    if (config.target.domain !== 'custom' || !this.deps.customTexts) return;
    const sweeps = await (await this.deps.history()).listSweeps();
    const inUse = customTextsInUse([...others, ...sweeps.map((s) => s.sweep)]);
    if (inUse.has(config.target.sha256)) return;
    await (await this.deps.customTexts())?.delete(config.target.sha256);
  }

  /**
   * The data assets with the run's custom target text: the one Start carried (stored first, so the run is saved
   * with its text) or the one in the store. Before anything is stopped or allocated, so a missing text changes nothing.
   */
  private async customAssets(config: ExperimentConfig, runId: string, carried?: CarriedText): Promise<CustomTextAssets> {
    const t = config.target;
    if (t.domain !== 'custom') return {};
    const store = this.deps.customTexts ? await this.deps.customTexts() : null;
    if (carried && carried.sha256 === t.sha256 && sha256Hex(carried.bytes) === t.sha256) {
      // A full or missing store does not stop the run; only a reload would then need the text again.
      await store?.put(carried).catch(() => undefined);
      return { customTexts: new Map([[t.sha256, { name: t.name, bytes: carried.bytes }]]) };
    }
    try {
      return await withCustomText({}, config, store);
    } catch (e) {
      throw new RunError(runId, e instanceof Error ? e.message : customTextMissingMessage(t));
    }
  }

  async launch(config: ExperimentConfig, run: SavedRun, checkpoint?: ExperimentCheckpoint, customText?: CarriedText): Promise<void> {
    const custom = await this.customAssets(config, run.id, customText);
    await this.deps.haltSweep();
    await this.dispose();
    const release = await this.deps.lockRun(run.id);
    if (!release) throw new RunError(run.id, 'This run is open in another tab of LoRA Lab. Close that tab (or stop the run there) and try again.');
    this.release = release;
    this.saved = run;
    this.deps.post({ type: 'active-run', id: run.id });
    const [ctx, assets, base, h] = await Promise.all([this.deps.context(), this.deps.assets(), this.deps.baseModel(config.base), this.deps.history()]);
    const r = new ExperimentRunner(ctx, config, base, { ...assets, ...custom }, (e) => this.track(run, r, e));
    this.runner = r;
    this.runnerCtx = ctx;
    try {
      // Before anything is allocated: a config the device cannot hold is refused with what to lower.
      const fit = checkExperimentFits(config, base.config, ctx.device.limits, this.deps.memoryBudget());
      if (!fit.ok) throw new Error(fit.message);
      await r.init();
      if (checkpoint) r.restore(checkpoint);
    } catch (e) {
      await this.dispose();
      throw new RunError(run.id, e instanceof Error ? e.message : String(e));
    }
    r.afterEval = async () => {
      const ckpt = await r.checkpoint();
      // A run deleted or replaced meanwhile must not be written back.
      if (this.runner !== r) return;
      // False: storage is full and the write was dropped; the last stored checkpoint is still the one to resume from.
      if ((await h.saveCheckpoint(run.id, ckpt)) === false) return;
      // Later saves of `run` (state changes) must not write the step of the last checkpoint back to null.
      run.checkpointStep = ckpt.step;
      this.deps.post({ type: 'checkpoint-saved', runId: run.id, step: ckpt.step });
    };
    await h.save(run);
    this.startLoop(r, run);
  }

  private async resumeSaved(id: string): Promise<void> {
    const h = await this.deps.history();
    const [run, ckpt] = await Promise.all([h.get(id), h.checkpoint(id)]);
    if (!run) throw new RunError(id, 'That saved run no longer exists.');
    if (!ckpt) throw new RunError(id, 'That run has no checkpoint yet; start it again instead.');
    run.evals = [...ckpt.evals];
    // A method that diverged after the checkpoint trains again from it.
    run.diverged = Object.fromEntries(Object.entries(run.diverged ?? {}).filter(([id]) => ckpt.methods[id]?.diverged));
    this.deps.post({ type: 'run-opened', run, resumable: true });
    await this.launch(run.config, run, ckpt);
  }

  /** Forwards a runner event to the page (tagged with its run) and keeps the saved run in step with it. */
  private track(run: SavedRun, r: ExperimentRunner, e: RunnerEvent): void {
    // A runner that was replaced, deleted or lost with its device speaks for nobody.
    if (this.runner !== r) return;
    this.deps.post({ ...e, runId: run.id });
    if (e.type === 'run-start') run.methods = e.methods;
    else if (e.type === 'eval') {
      run.evals.push(e.point);
      run.step = e.point.step;
    } else if (e.type === 'state') {
      run.state = e.state;
      run.step = e.step;
    } else if (e.type === 'diverged') {
      run.diverged = { ...run.diverged, [e.method]: e.step };
    } else return;
    this.saveSnapshot(run);
  }

  private saveSnapshot(run: SavedRun): void {
    const snapshot = { ...run, evals: [...run.evals] };
    this.deps.history().then((h) => h.save(snapshot)).catch((err) => this.deps.post({ type: 'error', message: `Could not save the run: ${err}`, runId: run.id }));
  }

  /**
   * The GPU device is gone. The runner's buffers went with it: drop it without waiting for its loop (a readback may
   * never settle), keep the saved run and its last checkpoint, and tell the page it can resume from there.
   */
  onDeviceLost(reason: string): void {
    const r = this.runner;
    const run = this.saved;
    const active = r !== null && run !== null && (r.state === 'running' || r.state === 'paused');
    this.runner = null;
    this.loop = null;
    this.runnerCtx = null;
    this.letGo();
    this.saved = null;
    r?.stop();
    if (active && run) {
      run.state = 'stopped';
      this.saveSnapshot(run);
    }
    const where = active && run
      ? run.checkpointStep !== null
        ? ` Every evaluation shown is kept. Press Resume to continue each method from its checkpoint at step ${run.checkpointStep} on a new device.`
        : ' No checkpoint had been saved yet (the first comes with the first evaluation): press Start to train again.'
      : ' A new device is requested at the next command.';
    this.deps.post({
      type: 'device-lost', message: `The GPU device was lost (${reason}).${where}`,
      runId: active && run ? run.id : null, checkpointStep: active && run ? run.checkpointStep : null,
    });
  }
}
