// zustand store of the benchmark page: whether the suite runs, its latest progress line, the
// report it returned (the page's table and the JSON download) or why it failed.
import { create } from 'zustand';
import type { BenchEvent, BenchProgress, BenchReport } from '../../experiment/protocol';

export interface BenchState {
  status: 'idle' | 'running' | 'done' | 'error';
  progress: BenchProgress | null;
  report: BenchReport | null;
  error: string;
}

export const useBench = create<BenchState>(() => ({ status: 'idle', progress: null, report: null, error: '' }));

export const BENCH_EVENTS: ReadonlySet<string> = new Set(['bench-progress', 'bench-result', 'bench-error'] satisfies Array<BenchEvent['type']>);

export function markBenchRunning(): void {
  useBench.setState({ status: 'running', progress: null, error: '' });
}

export function applyBenchEvent(e: BenchEvent): void {
  switch (e.type) {
    case 'bench-progress':
      useBench.setState({ progress: e.progress });
      break;
    case 'bench-result':
      useBench.setState({ status: 'done', report: e.report, progress: null });
      break;
    case 'bench-error':
      useBench.setState({ status: 'error', error: e.message, progress: null });
      break;
  }
}

/** The Worker was replaced mid-run: the suite is gone with it. */
export function benchLost(why: string): void {
  if (useBench.getState().status === 'running') applyBenchEvent({ type: 'bench-error', message: `${why} Run the benchmark again.` });
}
