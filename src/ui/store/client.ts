// The page's side of the training Worker: one Worker for the page, commands as module-level
// actions, events routed into the zustand store. Training pauses while the tab is hidden and
// resumes when it returns (if it was running when hidden). Sweep events go to the sweep store.
import type { ExperimentConfig } from '../../experiment/config';
import type { AnalysisCommand, AnalysisEvent, SweepWorkerEvent, WorkerCommand, WorkerEvent } from '../../experiment/protocol';
import type { SweepConfig } from '../../experiment/sweep';
import { applyEvent, clearExperiment, removeCompare, resetExperiment, useExperiment } from './experiment';
import { applySweepEvent, resetSweep, useSweep } from './sweep';
import { ANALYSIS_EVENTS, applyAnalysisEvent, markBusy } from './analysis';

let worker: Worker | null = null;
let pausedByVisibility = false;
let sweepPausedByVisibility = false;

const SWEEP_EVENTS = new Set<string>(['sweep-event', 'sweeps', 'sweep-opened', 'sweep-active', 'sweep-error'] satisfies Array<SweepWorkerEvent['type']>);

const listeners = new Set<(e: WorkerEvent) => void>();

/** Extra subscribers to every Worker event (the export panel waits for its files and import results). */
export function onWorkerEvent(listener: (e: WorkerEvent) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Sends a command to the Worker (starting it if needed); the export panel's requests go through here. */
export function sendToWorker(cmd: WorkerCommand): void {
  send(cmd);
}

function route(e: WorkerEvent): void {
  for (const l of listeners) l(e);
  if (SWEEP_EVENTS.has(e.type)) applySweepEvent(e as SweepWorkerEvent);
  else if (ANALYSIS_EVENTS.has(e.type)) applyAnalysisEvent(e as AnalysisEvent);
  else applyEvent(e);
}

function send(cmd: WorkerCommand): void {
  if (!worker) {
    worker = new Worker(new URL('../../experiment/worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (ev: MessageEvent<WorkerEvent>) => route(ev.data);
    worker.onerror = (ev) => applyEvent({ type: 'error', message: ev.message || 'The training worker failed.' });
    document.addEventListener('visibilitychange', onVisibility);
  }
  worker.postMessage(cmd);
}

function onVisibility(): void {
  const { state } = useExperiment.getState();
  if (document.hidden && state === 'running') {
    pausedByVisibility = true;
    send({ type: 'pause' });
  } else if (!document.hidden && pausedByVisibility) {
    pausedByVisibility = false;
    if (useExperiment.getState().state === 'paused') send({ type: 'resume' });
  }
  if (document.hidden && useSweep.getState().state === 'running') {
    sweepPausedByVisibility = true;
    send({ type: 'sweep-pause' });
  } else if (!document.hidden && sweepPausedByVisibility) {
    sweepPausedByVisibility = false;
    if (useSweep.getState().state === 'paused') send({ type: 'sweep-resume' });
  }
}

function newRunId(): string {
  return typeof crypto !== 'undefined' && 'randomUUID' in crypto ? crypto.randomUUID() : `run-${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

export const runActions = {
  start(config: ExperimentConfig, preset: string): void {
    resetExperiment(config);
    send({ type: 'start', config, preset, runId: newRunId() });
  },
  pause: () => send({ type: 'pause' }),
  resume(): void {
    const { resumable } = useExperiment.getState();
    if (resumable) send({ type: 'resume-run', id: resumable.id });
    else send({ type: 'resume' });
  },
  stepOnce: () => send({ type: 'step-once' }),
  stop: () => send({ type: 'stop' }),
  listRuns: () => send({ type: 'list-runs' }),
  openRun: (id: string) => send({ type: 'open-run', id }),
  toggleCompare(id: string): void {
    if (useExperiment.getState().compare.some((r) => r.id === id)) removeCompare(id);
    else send({ type: 'compare-run', id });
  },
  /** Stops the current run and clears the charts. */
  reset(): void {
    const { state } = useExperiment.getState();
    if (state === 'running' || state === 'paused') send({ type: 'stop' });
    clearExperiment();
  },
  deleteRun: (id: string) => send({ type: 'delete-run', id }),
  demo: (pretrainSteps: number, steps: number) => send({ type: 'demo', pretrainSteps, steps, seed: 1 }),
};

/** Sweeps: only one of a run or a sweep trains at a time; the Worker stops the other one. */
/** Analyses of the run on screen (its latest checkpoint): sampled generations and weight-change spectra. */
export const analysisActions = {
  generate(opts: Omit<Extract<AnalysisCommand, { type: 'generate' }>, 'type' | 'runId'>): void {
    markBusy('generate');
    send({ type: 'generate', runId: useExperiment.getState().activeRunId, ...opts });
  },
  spectra(): void {
    markBusy('spectra');
    send({ type: 'spectra', runId: useExperiment.getState().activeRunId });
  },
};

export const sweepActions = {
  start(sweep: SweepConfig, preset: string): void {
    const id = newRunId();
    resetSweep(id, sweep, preset);
    send({ type: 'sweep-start', sweep, preset, runId: id });
  },
  pause: () => send({ type: 'sweep-pause' }),
  resume(): void {
    const { resumable, id } = useSweep.getState();
    send({ type: 'sweep-resume', id: resumable ?? id ?? undefined });
  },
  /** Restores a saved sweep from its last checkpoint and trains on. */
  resumeSaved: (id: string) => send({ type: 'sweep-resume', id }),
  stop: () => send({ type: 'sweep-stop' }),
  list: () => send({ type: 'list-sweeps' }),
  open: (id: string) => send({ type: 'open-sweep', id }),
  delete: (id: string) => send({ type: 'delete-sweep', id }),
};

export function terminateWorker(): void {
  worker?.terminate();
  worker = null;
  document.removeEventListener('visibilitychange', onVisibility);
}
