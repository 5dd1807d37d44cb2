// zustand store of the experiment on screen: the form's settings (the one owner of "the config
// on screen": opening a saved run sets them, so Copy link shares what is shown), method infos,
// evaluation and step points, run state and messages. Worker events update it through
// `applyEvent` (a module-level action), so components only select what they render. Run events
// carry their run's id; those of any run but the one on screen (a stopped run's late words) are
// dropped.
import { create } from 'zustand';
import { DEFAULT_PRESET, PRESETS, type ExperimentConfig } from '../../experiment/config';
import type { RunSummary, SavedRun } from '../../experiment/protocol';
import { isShippedBase, shippedBasesNote } from '../../experiment/bases';
import { isSavedBaseName } from '../../experiment/storage/saved-bases';
import { decodeShare, PAGE_PARAMS } from '../../experiment/links/experiment';
import type { EvalPoint, MethodInfo, RunState, StepPoint, WorkerEvent } from '../../experiment/protocol';
import type { DevicePeak } from '../../experiment/bench/device-peak';
import { heldPublisher } from './held';

/** The settings in the form: what Start trains and what the URL (and Copy link) holds. */
export interface FormState {
  preset: string;
  config: ExperimentConfig;
  /** Problems found in the link the page was opened with. */
  linkProblems: string[];
}

/** A run that can go on from a checkpoint saved in storage. */
export interface Resumable {
  id: string;
  checkpointStep: number | null;
}

export interface ExperimentState {
  form: FormState;
  /** The config of the run on screen (null before any). */
  config: ExperimentConfig | null;
  methods: MethodInfo[];
  evals: EvalPoint[];
  lastStep: Record<string, StepPoint>;
  diverged: Record<string, number>;
  state: RunState;
  step: number;
  adapter: string;
  /** The device's measured FMA peak (null until measured, or after a new device): the status table's reference. */
  devicePeak: DevicePeak | null;
  error: string;
  /** Saved runs, newest first. */
  runs: RunSummary[];
  /** The run shown in the charts (training now, or reopened from history). */
  activeRunId: string | null;
  /** A reopened or interrupted run (lost device, restarted Worker) that has a checkpoint to resume from. */
  resumable: Resumable | null;
  /** Step of the shown run's last saved checkpoint (null: none yet). */
  checkpointStep: number | null;
  /** Saved runs drawn dashed over the shown one. */
  compare: SavedRun[];
  /** Whether results are kept (IndexedDB usable and not full): about the tab, not a run, so Start and Reset keep it. */
  storage: { ok: boolean; message: string };
  /** Pause or Stop was pressed and the Worker has not yet said the run left 'running' (it finishes the work in hand). */
  pending: Pending;
}

/** What the page asked of a training that the Worker has not confirmed yet. */
export type Pending = 'pausing' | 'stopping' | null;

/** Views whose links hold their own settings (ViewTabs' `view=`), never an experiment's. */
const OTHER_VIEWS: ReadonlySet<string> = new Set(['sweep', 'pretrain', 'bench', 'diagnostics']);

/** Whether a query is another view's (then it holds no experiment, and the experiment must not overwrite it). */
export function isOtherViewQuery(q: string): boolean {
  return OTHER_VIEWS.has(new URLSearchParams(q).get('view') ?? '');
}

/**
 * Whether a query sets up an experiment: a link with only the page's own parameters (a tour step, embed
 * mode) carries none, and a link to another view carries that view's settings.
 */
export function carriesExperiment(q: string): boolean {
  return !([...new URLSearchParams(q).keys()].every((k) => PAGE_PARAMS.has(k)) || isOtherViewQuery(q));
}

/** The page was opened with a link that sets up an experiment (read once, at load). */
export const OPENED_WITH_EXPERIMENT = typeof window !== 'undefined' && carriesExperiment(window.location.search);

/** The experiment in the page's URL (or the default preset), with any problems in the link. */
export function formFromUrl(q: string = typeof window === 'undefined' ? '' : window.location.search): FormState {
  // Read as an experiment, a query that carries none would give false "link problems".
  if (!carriesExperiment(q)) {
    return { preset: DEFAULT_PRESET, config: PRESETS[DEFAULT_PRESET].config, linkProblems: [] };
  }
  const { preset, config, problems } = decodeShare(q);
  return { preset, config, linkProblems: problems };
}

const initial: Omit<ExperimentState, 'form' | 'storage'> = {
  config: null, methods: [], evals: [], lastStep: {}, diverged: {}, state: 'idle', step: 0, adapter: '', devicePeak: null, error: '',
  runs: [], activeRunId: null, resumable: null, checkpointStep: null, compare: [], pending: null,
};

export const useExperiment = create<ExperimentState>(() => ({ ...initial, form: formFromUrl(), storage: { ok: true, message: '' } }));

/** Sets the form's settings (the link problems of the opening link stay until the page reloads). */
export function setForm(preset: string, config: ExperimentConfig): void {
  useExperiment.setState((s) => ({ form: { ...s.form, preset, config } }));
}

/** Pause or Stop was pressed: the page says so at once, until the Worker's next state (not 'running') arrives. */
export function markPending(pending: Exclude<Pending, null>): void {
  useExperiment.setState({ pending });
}

/** A new run on screen, about to start: only events tagged with `runId` are shown from now on. */
export function resetExperiment(config: ExperimentConfig, runId: string): void {
  dropHeldSteps();
  const { adapter, devicePeak, runs, compare } = useExperiment.getState();
  useExperiment.setState({ ...initial, config, adapter, devicePeak, runs, compare, state: 'running', activeRunId: runId });
}

/** Back to an empty page (the current run is stopped by the caller). */
export function clearExperiment(): void {
  dropHeldSteps();
  const { adapter, devicePeak, runs, compare } = useExperiment.getState();
  useExperiment.setState({ ...initial, adapter, devicePeak, runs, compare });
}

export function removeCompare(id: string): void {
  useExperiment.setState((s) => ({ compare: s.compare.filter((r) => r.id !== id) }));
}

/** The Worker crashed or hung and was replaced: the run on screen stops, resumable from its last checkpoint. */
export function workerLost(why: string): void {
  const s = useExperiment.getState();
  if (s.state !== 'running' && s.state !== 'paused') {
    if (s.state !== 'idle') useExperiment.setState({ error: why });
    return;
  }
  useExperiment.setState({ ...interruption(s, `${why} The Worker was restarted.`), pending: null });
}

/** The run on screen was cut off: paused with a resume offer when it has a checkpoint, else stopped. */
function interruption(s: ExperimentState, why: string): Partial<ExperimentState> {
  if (s.activeRunId && s.checkpointStep !== null) {
    return {
      state: 'paused', resumable: { id: s.activeRunId, checkpointStep: s.checkpointStep },
      error: `${why} Every evaluation shown is kept; press Resume to continue from the checkpoint at step ${s.checkpointStep}.`,
    };
  }
  return { state: 'stopped', resumable: null, error: `${why} No checkpoint was saved yet (the first comes with the first evaluation): press Start to train again.` };
}

/** Events that belong to one run; the page shows only the run on screen. */
const RUN_EVENTS = new Set<string>(['run-start', 'step', 'eval', 'diverged', 'state', 'checkpoint-saved']);

/** How often, at most, step events reach the store (see held.ts). */
export const STEP_PUBLISH_MS = 200;
/** The latest step point of each method, and the step, since the last publish. */
const heldSteps = heldPublisher<StepPoint, { points: Record<string, StepPoint>; step: number }>(
  STEP_PUBLISH_MS,
  (h, p) => {
    const held = h ?? { points: {}, step: p.step };
    held.points[p.method] = p;
    held.step = p.step;
    return held;
  },
  (h) => useExperiment.setState((s) => ({ lastStep: { ...s.lastStep, ...h.points }, step: h.step })),
);
/** Puts the held step points in the store now (before any other event, so the order of events is kept). */
export const flushSteps = heldSteps.flush;
/** Forgets the held step points: the run they belong to left the screen. */
const dropHeldSteps = heldSteps.drop;

export function applyEvent(e: WorkerEvent): void {
  const set = useExperiment.setState;
  const shown = useExperiment.getState().activeRunId;
  if (RUN_EVENTS.has(e.type) && (e as { runId: string }).runId !== shown) return;
  if (e.type === 'step') {
    heldSteps.hold(e.point);
    return;
  }
  flushSteps();
  switch (e.type) {
    case 'ready':
      // A new device (first use, or after a loss): its peak is measured again.
      set({ adapter: `${e.adapter}${e.software ? ' (CPU emulation: slow)' : ''}`, devicePeak: null });
      break;
    case 'device-peak':
      set({ devicePeak: e.peak });
      break;
    case 'run-start':
      set({ methods: e.methods, config: e.config });
      break;
    case 'eval':
      set((s) => ({ evals: [...s.evals, e.point] }));
      break;
    case 'diverged':
      set((s) => ({ diverged: { ...s.diverged, [e.method]: e.step } }));
      break;
    case 'state':
      // A 'running' that crosses a Pause on its way (the loop starting) leaves "pausing…" on screen.
      set((s) => ({ state: e.state, step: e.step, pending: e.state === 'running' ? s.pending : null }));
      break;
    case 'error':
      if (e.runId !== undefined && e.runId !== shown) break;
      // An error about no run in particular (a GPU error, a failed list) does not end the run on screen, and a
      // failed resume (another tab holds the run, no checkpoint) leaves it as it was: paused, ready to try again.
      set((s) => (e.runId === undefined || (s.state === 'paused' && s.resumable) ? { error: e.message } : { state: 'error', error: e.message, pending: null }));
      break;
    case 'checkpoint-saved':
      set({ checkpointStep: e.step });
      break;
    case 'device-lost':
      if (e.runId === null || e.runId !== shown) {
        set({ error: e.message });
        break;
      }
      set({
        state: e.checkpointStep !== null ? 'paused' : 'stopped', error: e.message, pending: null,
        checkpointStep: e.checkpointStep, resumable: e.checkpointStep !== null ? { id: e.runId, checkpointStep: e.checkpointStep } : null,
      });
      break;
    case 'storage':
      set({ storage: { ok: e.ok, message: e.message } });
      break;
    case 'runs':
      set((s) => ({ runs: e.runs, compare: s.compare.filter((c) => e.runs.some((r) => r.id === c.id)) }));
      break;
    case 'compare-loaded':
      set((s) => ({ compare: [...s.compare.filter((c) => c.id !== e.run.id), e.run] }));
      break;
    case 'active-run':
      set({ activeRunId: e.id, resumable: null });
      break;
    case 'run-opened': {
      const r = e.run;
      // A reply to "open" that arrives after a new run was started must not replace it.
      if (useExperiment.getState().state === 'running' && useExperiment.getState().activeRunId !== r.id) break;
      const interrupted = r.state === 'running' || r.state === 'paused' || r.state === 'stopped' || r.state === 'error';
      // A run from a base this page does not ship (an older or newer version of it) can be viewed, not trained on.
      // A saved base (pretrained in this browser) loads from its database; the Worker says if it is gone.
      const known = isShippedBase(r.config.base) || isSavedBaseName(r.config.base);
      const resumable = known && interrupted && e.resumable ? { id: r.id, checkpointStep: r.checkpointStep } : null;
      const error = known ? '' : `This run was trained from the base model "${r.config.base}", which this page does not have (${shippedBasesNote()}): its results are shown, but it cannot be resumed or trained again here.`;
      set((s) => ({
        config: r.config, methods: r.methods, evals: r.evals, lastStep: {}, diverged: r.diverged ?? {}, step: r.step, error,
        state: resumable ? 'paused' : interrupted ? 'stopped' : r.state,
        activeRunId: r.id, resumable, checkpointStep: r.checkpointStep, pending: null,
        // The form takes the opened run's settings: one config on screen, and Copy link shares it.
        form: known ? { ...s.form, preset: r.preset in PRESETS ? r.preset : s.form.preset, config: r.config } : s.form,
      }));
      break;
    }
    default:
      break;
  }
}
