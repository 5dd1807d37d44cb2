// zustand store of the running experiment: method infos, evaluation and step points, run
// state and messages. Worker events update it through `applyEvent` (a module-level action),
// so components only select what they render.
import { create } from 'zustand';
import type { ExperimentConfig } from '../../experiment/config';
import type { RunSummary, SavedRun } from '../../experiment/history';
import type { EvalPoint, MethodInfo, RunState, StepPoint, WorkerEvent } from '../../experiment/protocol';

export interface ExperimentState {
  config: ExperimentConfig | null;
  methods: MethodInfo[];
  evals: EvalPoint[];
  lastStep: Record<string, StepPoint>;
  diverged: Record<string, number>;
  state: RunState;
  step: number;
  adapter: string;
  error: string;
  /** Saved runs, newest first. */
  runs: RunSummary[];
  /** The run shown in the charts (training now, or reopened from history). */
  activeRunId: string | null;
  /** A reopened run that stopped before finishing and has a checkpoint to resume from. */
  resumable: SavedRun | null;
  /** Saved runs drawn dashed over the shown one. */
  compare: SavedRun[];
}

const initial: ExperimentState = {
  config: null, methods: [], evals: [], lastStep: {}, diverged: {}, state: 'idle', step: 0, adapter: '', error: '',
  runs: [], activeRunId: null, resumable: null, compare: [],
};

export const useExperiment = create<ExperimentState>(() => initial);

export function resetExperiment(config: ExperimentConfig): void {
  const { adapter, runs, compare } = useExperiment.getState();
  useExperiment.setState({ ...initial, config, adapter, runs, compare, state: 'running' });
}

/** Back to an empty page (the current run is stopped by the caller). */
export function clearExperiment(): void {
  const { adapter, runs, compare } = useExperiment.getState();
  useExperiment.setState({ ...initial, adapter, runs, compare });
}

export function removeCompare(id: string): void {
  useExperiment.setState((s) => ({ compare: s.compare.filter((r) => r.id !== id) }));
}

export function applyEvent(e: WorkerEvent): void {
  const set = useExperiment.setState;
  switch (e.type) {
    case 'ready':
      set({ adapter: `${e.adapter}${e.software ? ' (CPU emulation: slow)' : ''}` });
      break;
    case 'run-start':
      set({ methods: e.methods, config: e.config });
      break;
    case 'eval':
      set((s) => ({ evals: [...s.evals, e.point] }));
      break;
    case 'step':
      set((s) => ({ lastStep: { ...s.lastStep, [e.point.method]: e.point }, step: e.point.step }));
      break;
    case 'diverged':
      set((s) => ({ diverged: { ...s.diverged, [e.method]: e.step } }));
      break;
    case 'state':
      set({ state: e.state, step: e.step });
      break;
    case 'error':
      set({ state: 'error', error: e.message });
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
      set({
        config: r.config, methods: r.methods, evals: r.evals, lastStep: {}, diverged: {}, step: r.step, error: '',
        state: interrupted && e.resumable ? 'paused' : r.state === 'running' ? 'stopped' : r.state,
        activeRunId: r.id, resumable: interrupted && e.resumable ? r : null,
      });
      break;
    }
    default:
      break;
  }
}
