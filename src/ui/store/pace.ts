// The device's measured training speed, kept across visits: every run and sweep trained in this
// tab is timed from its Worker events (experiment/estimate/tracker.ts) and, at each evaluation and
// when it stops, saved in localStorage as a SpeedRecord of its settings. The Start buttons and the
// tour's run buttons estimate from these records before anything starts; while a run trains, its
// own live pace gives the time left. Storage blocked or full: the records live in memory only.
import { create } from 'zustand';
import type { ExperimentConfig } from '../../experiment/config';
import { addRecord, estimate, experimentWork, shapeOf, type Estimate, type SpeedRecord, type Work } from '../../experiment/estimate/pace';
import { PaceTracker, recordOf } from '../../experiment/estimate/tracker';
import type { RunState, WorkerEvent } from '../../experiment/protocol';
import { onWorkerEvent } from './client';
import { useExperiment } from './experiment';
import { useSweep } from './sweep';

export const PACE_STORAGE_KEY = 'lora-lab:speed';

interface Live {
  /** The run's or sweep's id. */
  id: string;
  kind: 'experiment' | 'sweep';
  record: SpeedRecord | null;
  /** Milliseconds it has been running (paused time left out): what it took, once it finished. */
  activeMs: number;
}

export interface PaceState {
  /** Measured speeds, newest first. */
  records: SpeedRecord[];
  /** The training timed now (its latest measurement), or null. */
  live: Live | null;
}

function readRecords(): SpeedRecord[] {
  try {
    const raw = window.localStorage.getItem(PACE_STORAGE_KEY);
    const v = raw ? (JSON.parse(raw) as unknown) : [];
    return Array.isArray(v) ? v.filter((r: Partial<SpeedRecord>) => typeof r?.msPerMethodStep === 'number' && r.msPerMethodStep > 0 && typeof r.shape === 'object') as SpeedRecord[] : [];
  } catch {
    return [];
  }
}

export const usePace = create<PaceState>(() => ({ records: typeof window === 'undefined' ? [] : readRecords(), live: null }));

function save(r: SpeedRecord | null): void {
  if (!r) return;
  const records = addRecord(usePace.getState().records, r);
  usePace.setState({ records });
  try {
    window.localStorage.setItem(PACE_STORAGE_KEY, JSON.stringify(records));
  } catch {
    // Blocked or full: estimates still work in this tab.
  }
}

/** The adapter in words (the page's 'ready' event), so a record from another GPU is not used. */
const adapterNow = () => useExperiment.getState().adapter.replace(/ \(CPU emulation: slow\)$/, '');

let timed: { id: string; kind: Live['kind']; tracker: PaceTracker } | null = null;
/** Evaluations seen since the last save (saving at every one would write storage per method). */
let unsaved = 0;
/** When the live pace was last published (performance.now()). */
let lastPublished = -Infinity;

function snapshotRecord(now: number): SpeedRecord | null {
  if (!timed) return null;
  return recordOf(timed.tracker.shape, timed.tracker.snapshot(now), new Date().toISOString(), adapterNow());
}

function publish(now: number): void {
  if (!timed) return;
  const snap = timed.tracker.snapshot(now);
  usePace.setState({ live: { id: timed.id, kind: timed.kind, record: recordOf(timed.tracker.shape, snap, new Date().toISOString(), adapterNow()), activeMs: snap.activeMs } });
}

type Fed =
  | { type: 'start'; config: Pick<ExperimentConfig, 'base' | 'batchSize' | 'seqLen' | 'evalBatches' | 'diversity' | 'target'> }
  | { type: 'step'; step: number; groupMs?: number }
  | { type: 'eval' }
  | { type: 'state'; state: RunState | 'running' };

/** One event of the training `id`, in the tracker's words. */
export function feedPace(id: string, kind: Live['kind'], e: Fed, now = performance.now()): void {
  if (e.type === 'start') {
    // A sweep announces each group with its own run-start: one tracker for the whole sweep.
    if (timed?.id === id) return;
    // From the click on Start when this page saw it: loading the base and building the runs is part of the wait.
    const from = clicked.get(id) ?? now;
    clicked.clear();
    timed = { id, kind, tracker: new PaceTracker(shapeOf(e.config), Math.min(from, now)) };
    unsaved = 0;
    publish(now);
    return;
  }
  if (!timed || timed.id !== id) return;
  const t = timed.tracker;
  if (e.type === 'step') t.step(e.step, e.groupMs, now);
  else if (e.type === 'eval') {
    t.evaluated(now);
    // Saved once an evaluation round of a few methods is in, and at every later one.
    if (++unsaved >= 4) {
      unsaved = 0;
      save(snapshotRecord(now));
    }
  } else if (e.state === 'running') t.resume(now);
  else {
    t.halt(now);
    save(snapshotRecord(now));
  }
  // A tiny config streams hundreds of steps a second: the time left is re-published at most twice a
  // second for steps (every other event at once), so the page does not re-render per step for it.
  if (e.type === 'step' && now - lastPublished < 500) return;
  lastPublished = now;
  publish(now);
}

function route(e: WorkerEvent): void {
  switch (e.type) {
    case 'run-start':
      feedPace(e.runId, 'experiment', { type: 'start', config: e.config });
      break;
    case 'step':
      feedPace(e.runId, 'experiment', { type: 'step', step: e.point.step, groupMs: e.point.groupMs });
      break;
    case 'eval':
      feedPace(e.runId, 'experiment', { type: 'eval' });
      break;
    case 'state':
      feedPace(e.runId, 'experiment', { type: 'state', state: e.state });
      break;
    case 'sweep-event': {
      const x = e.event;
      if (x.type === 'sweep-start') feedPace(e.id, 'sweep', { type: 'start', config: x.sweep });
      else if (x.type === 'step') feedPace(e.id, 'sweep', { type: 'step', step: x.point.step, groupMs: x.point.groupMs });
      else if (x.type === 'eval') feedPace(e.id, 'sweep', { type: 'eval' });
      else if (x.type === 'sweep-state') feedPace(e.id, 'sweep', { type: 'state', state: x.state });
      break;
    }
    default:
      break;
  }
}

/** When Start was pressed for a run or sweep id (the stores take the new id at once, before the Worker answers). */
const clicked = new Map<string, number>();

let installed = false;

/** Starts timing every training the Worker reports (once per page). */
export function installPace(): void {
  if (installed || typeof window === 'undefined') return;
  installed = true;
  onWorkerEvent(route);
  useExperiment.subscribe((s, prev) => {
    if (s.activeRunId && s.activeRunId !== prev.activeRunId && s.state === 'running') clicked.set(s.activeRunId, performance.now());
  });
  useSweep.subscribe((s, prev) => {
    if (s.id && s.id !== prev.id && s.state === 'running') clicked.set(s.id, performance.now());
  });
}

/** The expected wall time of `work` on this device from its records (null: nothing measured at this base). */
export function estimateWork(work: Work, records: readonly SpeedRecord[] = usePace.getState().records): Estimate | null {
  return estimate(work, records, adapterNow());
}

/**
 * Seconds left of the experiment on screen at step `step`, with `evaluated` method-evaluations
 * received: from its own live pace once a step was timed (the records of this device before
 * that), null while nothing is known.
 */
export function experimentSecondsLeft(
  config: ExperimentConfig, step: number, evaluated: number, live: Live | null, records: readonly SpeedRecord[],
): number | null {
  const own = live?.kind === 'experiment' && live.record ? [live.record] : [];
  const e = estimate(experimentWork(config, step, evaluated), [...own, ...records], own.length ? '' : adapterNow());
  return e ? e.seconds : null;
}
