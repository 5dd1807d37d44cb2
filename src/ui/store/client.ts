// The page's side of the training Worker: one Worker for the page (the engine check uses it
// too), commands as module-level actions, events routed into the zustand stores. Training
// pauses while the tab is hidden and resumes when it returns (if it was running when hidden).
// A liveness check pings the Worker every second: one that crashes or stops answering for
// HANG_MS is terminated and restarted, and the run or sweep on screen is offered a resume
// from its last checkpoint. Browser tests reach fault hooks through `window.__loraLab`.
import type { ExperimentConfig } from '../../experiment/config';
import type { AnalysisCommand, AnalysisEvent, SweepWorkerEvent, WorkerCommand, WorkerEvent } from '../../experiment/protocol';
import type { SweepConfig } from '../../experiment/sweep/config';
import type { DebugFault } from '../../experiment/protocol';
import { applyEvent, clearExperiment, markPending, removeCompare, resetExperiment, useExperiment, workerLost } from './experiment';
import { applySweepEvent, markSweepPending, resetSweep, useSweep } from './sweep';
import { ANALYSIS_EVENTS, applyAnalysisEvent, markBusy, useAnalysis } from './analysis';
import { applyBenchEvent, BENCH_EVENTS, benchLost, markBenchRunning } from './bench';
import type { BenchEvent } from '../../experiment/protocol';
import type { KernelVariantSettings } from '../../experiment/kernel-settings';
import { loadKernelVariants, storeKernelVariants } from './kernel-variants';
import { applyPretrainEvent, markPretrainPending, PRETRAIN_EVENTS, resetPretrain, usePretrain } from './pretrain';
import type { PretrainWorkerEvent } from '../../experiment/protocol';
import type { PretrainSettings } from '../../experiment/pretrain/settings';

/** A Worker that has not answered a ping for this long is taken for hung. */
export const HANG_MS = 10_000;
const PING_MS = 1_000;

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
  else if (BENCH_EVENTS.has(e.type)) applyBenchEvent(e as BenchEvent);
  else if (PRETRAIN_EVENTS.has(e.type)) applyPretrainEvent(e as PretrainWorkerEvent);
  else applyEvent(e);
}

let ping = { n: 0, outstandingSince: null as number | null };
let pinger: ReturnType<typeof setInterval> | null = null;

function startWorker(): Worker {
  const w = new Worker(new URL('../../experiment/worker/worker.ts', import.meta.url), { type: 'module' });
  w.onmessage = (ev: MessageEvent<WorkerEvent>) => {
    if (ev.data.type === 'pong') ping.outstandingSince = null;
    else route(ev.data);
  };
  // Everything in the Worker reports its errors as messages: an uncaught one means it is broken.
  w.onerror = (ev) => {
    ev.preventDefault();
    restartWorker(`The training Worker crashed (${ev.message || 'unknown error'}).`);
  };
  ping = { n: 0, outstandingSince: null };
  pinger ??= setInterval(checkAlive, PING_MS);
  return w;
}

function checkAlive(): void {
  if (!worker) return;
  const now = Date.now();
  if (ping.outstandingSince === null) {
    ping.outstandingSince = now;
    worker.postMessage({ type: 'ping', n: ++ping.n } satisfies WorkerCommand);
  } else if (now - ping.outstandingSince > HANG_MS) {
    restartWorker(`The training Worker stopped responding for ${HANG_MS / 1000} seconds.`);
  }
}

/** Replaces a crashed or hung Worker; what it trained resumes from its last checkpoint on request. */
function restartWorker(why: string): void {
  worker?.terminate();
  worker = null;
  workerLost(why);
  const sweep = useSweep.getState();
  if (sweep.state === 'running' || sweep.state === 'paused') {
    applySweepEvent({ type: 'sweep-error', message: `${why} Press Resume to continue the sweep from its last checkpoint.`, resumeId: sweep.id ?? undefined });
  }
  const busy = useAnalysis.getState().busy;
  for (const command of ['generate', 'spectra'] as const) {
    if (busy[command]) applyAnalysisEvent({ type: 'analysis-error', command, message: `${why} Try again.` });
  }
  benchLost(why);
  if (['running', 'paused'].includes(usePretrain.getState().state)) applyPretrainEvent({ type: 'pretrain-error', message: `${why} The pretraining was lost; start it again.` });
  for (const l of listeners) l({ type: 'worker-restarted', message: why });
  send({ type: 'list-runs' });
}

function send(cmd: WorkerCommand): void {
  if (!worker) {
    worker = startWorker();
    document.addEventListener('visibilitychange', onVisibility);
    // A new Worker (first command, or a restart) starts with the Diagnostics view's kernel setting.
    worker.postMessage({ type: 'set-kernel-variants', variants: loadKernelVariants() } satisfies WorkerCommand);
  }
  worker.postMessage(cmd);
}

/** Keeps the kernel-variant setting and hands it to the Worker for what it builds next. */
export function setKernelVariants(s: KernelVariantSettings): void {
  storeKernelVariants(s);
  send({ type: 'set-kernel-variants', variants: s });
}

/** Fault hooks for browser tests: only when the page was started with `window.__LORALAB_FAULTS__ = true`. */
function installTestHooks(): void {
  const w = window as unknown as { __LORALAB_FAULTS__?: boolean; __loraLab?: unknown };
  if (!w.__LORALAB_FAULTS__) return;
  w.__loraLab = {
    fault: (fault: DebugFault, bytes?: number) => send({ type: 'debug-fault', fault, bytes }),
    hangMs: HANG_MS,
  };
}
if (typeof window !== 'undefined') installTestHooks();

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

/**
 * Asks for the device's FMA peak before training starts (the Worker runs commands in order, so the
 * measurement does not share the GPU with the run); once per device.
 */
function ensureDevicePeak(): void {
  if (!useExperiment.getState().devicePeak) send({ type: 'measure-peak' });
}

export const runActions = {
  /** `customText`: the student's own target text when config.target is 'custom' (the Worker stores it with the run). */
  start(config: ExperimentConfig, preset: string, customText?: { name: string; sha256: string; bytes: Uint8Array }): void {
    const runId = newRunId();
    resetExperiment(config, runId);
    ensureDevicePeak();
    send({ type: 'start', config, preset, runId, ...(customText ? { customText } : {}) });
  },
  // Pause and Stop say so on the page at once; the Worker's next state clears it (it finishes the work in hand first).
  pause(): void {
    markPending('pausing');
    send({ type: 'pause' });
  },
  resume(): void {
    const { resumable } = useExperiment.getState();
    ensureDevicePeak();
    if (resumable) send({ type: 'resume-run', id: resumable.id });
    else send({ type: 'resume' });
  },
  stepOnce: () => send({ type: 'step-once' }),
  stop(): void {
    markPending('stopping');
    send({ type: 'stop' });
  },
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
  deleteRun(id: string): void {
    // Deleting the run on screen ends it: the charts clear and nothing can resume or save it again.
    if (useExperiment.getState().activeRunId === id) clearExperiment();
    send({ type: 'delete-run', id });
  },
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
  pause(): void {
    markSweepPending('pausing');
    send({ type: 'sweep-pause' });
  },
  resume(): void {
    const { resumable, id } = useSweep.getState();
    send({ type: 'sweep-resume', id: resumable ?? id ?? undefined });
  },
  /** Restores a saved sweep from its last checkpoint and trains on. */
  resumeSaved: (id: string) => send({ type: 'sweep-resume', id }),
  stop(): void {
    markSweepPending('stopping');
    send({ type: 'sweep-stop' });
  },
  list: () => send({ type: 'list-sweeps' }),
  open: (id: string) => send({ type: 'open-sweep', id }),
  delete: (id: string) => send({ type: 'delete-sweep', id }),
};

/** Pretraining a base in the tab, and the bases saved in this browser. */
export const pretrainActions = {
  start(settings: PretrainSettings): void {
    const runId = newRunId();
    resetPretrain(runId);
    send({ type: 'pretrain-start', settings, runId });
  },
  stop(): void {
    markPretrainPending('stopping');
    send({ type: 'pretrain-stop' });
  },
  pause(): void {
    markPretrainPending('pausing');
    send({ type: 'pretrain-pause' });
  },
  resume: () => send({ type: 'pretrain-resume' }),
  list: () => send({ type: 'list-bases' }),
  delete: (id: string) => send({ type: 'delete-base', id }),
};

/** The benchmark suite in the page's Worker (it pauses whatever trains). */
export const benchActions = {
  run(quick: boolean): void {
    markBenchRunning();
    send({ type: 'bench', quick });
  },
};

