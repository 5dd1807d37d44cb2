// The page's side of the training Worker: one Worker for the page, commands as module-level
// actions, events routed into the zustand store. Training pauses while the tab is hidden and
// resumes when it returns (if it was running when hidden).
import type { ExperimentConfig } from '../../experiment/config';
import type { WorkerCommand, WorkerEvent } from '../../experiment/protocol';
import { applyEvent, clearExperiment, removeCompare, resetExperiment, useExperiment } from './experiment';

let worker: Worker | null = null;
let pausedByVisibility = false;

function send(cmd: WorkerCommand): void {
  if (!worker) {
    worker = new Worker(new URL('../../experiment/worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (ev: MessageEvent<WorkerEvent>) => applyEvent(ev.data);
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

export function terminateWorker(): void {
  worker?.terminate();
  worker = null;
  document.removeEventListener('visibilitychange', onVisibility);
}
