// zustand store of the analyses of the run on screen: the last sampled generations and weight-change
// spectra the Worker computed, whether one is in progress, and its error. Results carry their run's
// id, so a panel shows them only while that run is on screen.
import { create } from 'zustand';
import type { AnalysisEvent, GenerationsResult, SpectraResult } from '../../experiment/protocol';

type Kind = 'generate' | 'spectra';

export interface AnalysisState {
  generations: GenerationsResult | null;
  spectra: SpectraResult | null;
  busy: Record<Kind, boolean>;
  error: Record<Kind, string>;
}

export const useAnalysis = create<AnalysisState>(() => ({
  generations: null, spectra: null, busy: { generate: false, spectra: false }, error: { generate: '', spectra: '' },
}));

export const ANALYSIS_EVENTS: ReadonlySet<string> = new Set(['generations', 'spectra', 'analysis-error'] satisfies Array<AnalysisEvent['type']>);

export function markBusy(kind: Kind): void {
  useAnalysis.setState((s) => ({ busy: { ...s.busy, [kind]: true }, error: { ...s.error, [kind]: '' } }));
}

export function applyAnalysisEvent(e: AnalysisEvent): void {
  const set = useAnalysis.setState;
  switch (e.type) {
    case 'generations':
      set((s) => ({ generations: e.result, busy: { ...s.busy, generate: false } }));
      break;
    case 'spectra':
      set((s) => ({ spectra: e.result, busy: { ...s.busy, spectra: false } }));
      break;
    case 'analysis-error':
      set((s) => ({ busy: { ...s.busy, [e.command]: false }, error: { ...s.error, [e.command]: e.message } }));
      break;
  }
}
