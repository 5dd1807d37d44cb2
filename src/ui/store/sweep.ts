// zustand store of the sweep on screen: its grid, the methods and evaluations of every cell so
// far, progress (cell-steps and time left), state, and the saved sweeps; and the grid in the
// Sweep view's form (what Start trains and the URL holds), like the experiment store's form.
// The form is filled from the page's link when the Sweep view first opens (the link codecs are
// not in the first screen's download), and by a tour step or a reopened sweep after that. Worker events reach it
// through `applySweepEvent` (routed by client.ts); events of a sweep that is not the one on
// screen are ignored, so a stopped sweep's last words cannot overwrite a new one.
import { create } from 'zustand';
import type { SavedSweep, SweepSummary } from '../../experiment/protocol';
import type { EvalPoint, MethodInfo, RunState, SweepWorkerEvent } from '../../experiment/protocol';
import type { SweepConfig } from '../../experiment/sweep/config';
import type { SweepEvent } from '../../experiment/protocol';
import type { Pending } from './experiment';

export interface SweepProgress {
  group: number;
  groups: number;
  /** Cell-steps trained and in all. */
  done: number;
  total: number;
  etaSeconds: number | null;
}

export interface SweepState {
  /** The sweep on screen (training now, or reopened from the saved ones). */
  id: string | null;
  sweep: SweepConfig | null;
  preset: string;
  methods: MethodInfo[];
  evals: EvalPoint[];
  /** Cell id → step at which it diverged. */
  diverged: Record<string, number>;
  progress: SweepProgress | null;
  state: RunState;
  error: string;
  /** Saved sweeps, newest first. */
  saved: SweepSummary[];
  /** A reopened sweep that stopped before finishing and has a checkpoint to resume from. */
  resumable: string | null;
  /** Pause or Stop was pressed and the Worker has not yet said the sweep left 'running'. */
  pending: Pending;
  /** The grid in the form, with its preset and the problems of the link it came from; null until the Sweep view opens. */
  form: SweepForm | null;
}

export interface SweepForm {
  preset: string;
  sweep: SweepConfig;
  /** What the opening link held that could not be used (shown until the page reloads). */
  problems: string[];
}

const initial: SweepState = {
  id: null, sweep: null, preset: '', methods: [], evals: [], diverged: {}, progress: null, state: 'idle', error: '',
  saved: [], resumable: null, pending: null, form: null,
};

export const useSweep = create<SweepState>(() => initial);

/** A new sweep on screen, about to start. */
export function resetSweep(id: string, sweep: SweepConfig, preset: string): void {
  const { saved, form } = useSweep.getState();
  useSweep.setState({ ...initial, saved, form, id, sweep, preset, state: 'running' });
}

/** Puts a grid in the form (the link problems of the opening link stay). */
export function setSweepForm(preset: string, sweep: SweepConfig): void {
  useSweep.setState((s) => ({ form: { problems: s.form?.problems ?? [], preset, sweep } }));
}

/** Fills the form from a link when it is still empty (the Sweep view's first opening); returns the form. */
export function initSweepForm(fromLink: () => SweepForm): SweepForm {
  const { form } = useSweep.getState();
  if (form) return form;
  const next = fromLink();
  useSweep.setState({ form: next });
  return next;
}

/** Pause or Stop was pressed: shown at once, until the Worker's next sweep state (not 'running'). */
export function markSweepPending(pending: Exclude<Pending, null>): void {
  useSweep.setState({ pending });
}

function progressOf(s: SavedSweep): SweepProgress | null {
  return s.total > 0 ? { group: s.group, groups: s.groups, done: s.done, total: s.total, etaSeconds: null } : null;
}

function applyRunnerEvent(e: SweepEvent): void {
  const set = useSweep.setState;
  switch (e.type) {
    case 'sweep-start':
      set({ sweep: e.sweep });
      break;
    case 'run-start':
      set((s) => ({ methods: [...s.methods.filter((m) => !e.methods.some((n) => n.id === m.id)), ...e.methods] }));
      break;
    case 'eval':
      set((s) => ({ evals: [...s.evals, e.point] }));
      break;
    case 'diverged':
      set((s) => ({ diverged: { ...s.diverged, [e.method]: e.step } }));
      break;
    case 'sweep-progress':
      set({ progress: { group: e.group, groups: e.groups, done: e.done, total: e.total, etaSeconds: e.etaSeconds } });
      break;
    case 'sweep-state':
      set((s) => ({ state: e.state, resumable: null, pending: e.state === 'running' ? s.pending : null, progress: e.state === 'done' && s.progress ? { ...s.progress, done: s.progress.total, etaSeconds: 0 } : s.progress }));
      break;
    default:
      break;
  }
}

export function applySweepEvent(e: SweepWorkerEvent): void {
  const set = useSweep.setState;
  switch (e.type) {
    case 'sweep-event':
      if (e.id === useSweep.getState().id) applyRunnerEvent(e.event);
      break;
    case 'sweep-active':
      if (useSweep.getState().id !== e.id) set({ id: e.id });
      break;
    case 'sweeps':
      set({ saved: e.sweeps });
      break;
    case 'sweep-opened': {
      const w = e.sweep;
      const cur = useSweep.getState();
      // A reply to "open" that arrives after a sweep was started must not replace the one training.
      if (cur.state === 'running') break;
      const interrupted = w.state === 'running' || w.state === 'paused' || w.state === 'stopped' || w.state === 'error';
      set({
        id: w.id, sweep: w.sweep, preset: w.preset, methods: w.methods, evals: w.evals, diverged: w.diverged, error: '',
        progress: progressOf(w),
        state: interrupted && e.resumable ? 'paused' : w.state === 'running' ? 'stopped' : w.state,
        resumable: interrupted && e.resumable ? w.id : null, pending: null,
      });
      break;
    }
    case 'sweep-error':
      // A sweep that can go on from its checkpoint (lost device, restarted Worker) waits paused for Resume.
      set(e.resumeId ? { state: 'paused', error: e.message, resumable: e.resumeId, pending: null } : { state: 'error', error: e.message, pending: null });
      break;
  }
}
