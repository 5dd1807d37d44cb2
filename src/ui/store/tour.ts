// zustand store of the guided tour: whether it is open, the step shown, and the results file's
// numbers. A `?tour=<step>` link opens that step; otherwise the step a student last looked at comes
// back from localStorage (a blocked or broken storage just starts the tour from the beginning).
// The shown step is mirrored in the URL's `tour` parameter, so a copied address opens it again.
// A run's recorded curves (the charts' reference) are fetched when a chart first asks for them.
import { create } from 'zustand';
import { parseTourCurves, tourCurvesPath, type TourCurves } from '../../experiment/tour/curves';
import { matchingCurves } from '../../experiment/tour/reference-match';
import { parseTourResults, TOUR_RESULTS_PATH, type TourResults } from '../../experiment/tour/results';
import { TOUR_RUNS, TOUR_STEPS } from '../../experiment/tour/steps';
import { replaceQuery } from '../url';

const KEY = 'lora-lab:tour';

export interface TourState {
  open: boolean;
  /** Index into TOUR_STEPS. */
  step: number;
  /** Whether the student has moved through the tour before (then the closed bar offers to continue). */
  visited: boolean;
  results: TourResults | null;
  /** Why the results file could not be used (shown instead of its numbers). */
  resultsError: string;
  /** Whether the charts draw the step's recorded run beside the student's (the checkbox "Show the reference run"). */
  showReference: boolean;
  /** Each run's recorded curves once asked for: loading, the seeds that match its config, or why there are none. */
  curves: Record<string, CurvesState>;
}

export type CurvesState = { status: 'loading' } | { status: 'ready'; curves: TourCurves } | { status: 'missing'; why: string };

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

/** The saved position, or null when there is none or it is unreadable. */
export function readSaved(raw: string | null): { step: number; open: boolean } | null {
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as { step?: unknown; open?: unknown };
    const i = TOUR_STEPS.findIndex((s) => s.id === v.step);
    return i >= 0 ? { step: i, open: v.open === true } : null;
  } catch {
    return null;
  }
}

/** Whether the page was opened with a `?tour=<step>` link (then the tour may pick the view; a remembered step may not). */
export const OPENED_BY_LINK = typeof window !== 'undefined' && TOUR_STEPS.some((s) => s.id === new URLSearchParams(window.location.search).get('tour'));

function initial(): Pick<TourState, 'open' | 'step' | 'visited'> {
  const q = typeof window === 'undefined' ? null : new URLSearchParams(window.location.search).get('tour');
  const linked = TOUR_STEPS.findIndex((s) => s.id === q);
  if (linked >= 0) return { open: true, step: linked, visited: true };
  const saved = readSaved(storage()?.getItem(KEY) ?? null);
  return saved ? { ...saved, visited: true } : { open: false, step: 0, visited: false };
}

export const useTour = create<TourState>(() => ({ ...initial(), results: null, resultsError: '', showReference: true, curves: {} }));

function remember(): void {
  const { step, open } = useTour.getState();
  try {
    storage()?.setItem(KEY, JSON.stringify({ step: TOUR_STEPS[step].id, open }));
  } catch {
    // Storage full or blocked: the tour still works, it just will not remember the step.
  }
  syncTourUrl();
}

/** Puts the shown step in the address (`tour=`), or takes it out when the tour is closed. */
export function syncTourUrl(): void {
  const { step, open } = useTour.getState();
  const url = new URL(window.location.href);
  if (url.searchParams.get('tour') === (open ? TOUR_STEPS[step].id : null)) return;
  if (open) url.searchParams.set('tour', TOUR_STEPS[step].id);
  else url.searchParams.delete('tour');
  replaceQuery(url.search, { keepHash: true });
}

export function gotoStep(i: number): void {
  useTour.setState({ step: Math.max(0, Math.min(TOUR_STEPS.length - 1, i)), open: true, visited: true });
  remember();
}

export function closeTour(): void {
  useTour.setState({ open: false });
  remember();
}

/** The address of one step's link (the page's address with only `tour` set, and `predict=1` when asked). */
export function stepLink(id: string, predict = false): string {
  const url = new URL(window.location.href);
  url.search = '';
  url.searchParams.set('tour', id);
  if (predict) url.searchParams.set('predict', '1');
  return url.toString();
}

let loading: Promise<void> | null = null;

/** Fetches and validates the results file once. */
export function loadTourResults(): Promise<void> {
  loading ??= fetch(`${import.meta.env.BASE_URL}${TOUR_RESULTS_PATH}`)
    .then(async (r) => {
      if (!r.ok) throw new Error(`the tour's results file could not be loaded (HTTP ${r.status})`);
      const text = await r.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new Error("the tour's results file is not JSON");
      }
      useTour.setState({ results: parseTourResults(json), resultsError: '' });
    })
    .catch((e: unknown) => useTour.setState({ resultsError: e instanceof Error ? e.message : String(e) }));
  return loading;
}

export function setShowReference(on: boolean): void {
  useTour.setState({ showReference: on });
}

const setCurves = (run: string, state: CurvesState) => useTour.setState((s) => ({ curves: { ...s.curves, [run]: state } }));

/**
 * Fetches, validates and keeps a run's curves once (a run the tour does not measure has none). Any
 * failure (no file, a web page in its place, a file for other settings) only leaves the reference out:
 * the charts say so quietly, the tour works on.
 */
export function loadTourCurves(run: string): void {
  if (useTour.getState().curves[run]) return;
  const r = TOUR_RUNS[run];
  if (!r?.measured) {
    setCurves(run, { status: 'missing', why: 'no recorded run ships for it' });
    return;
  }
  setCurves(run, { status: 'loading' });
  const path = tourCurvesPath(run);
  fetch(`${import.meta.env.BASE_URL}${path}`)
    .then(async (res) => {
      if (!res.ok) throw new Error(`${path} is not on this server (HTTP ${res.status})`);
      let json: unknown;
      try {
        json = JSON.parse(await res.text());
      } catch {
        throw new Error(`${path} is not on this server`);
      }
      const kept = matchingCurves(parseTourCurves(json), r);
      setCurves(run, typeof kept === 'string' ? { status: 'missing', why: kept } : { status: 'ready', curves: kept });
    })
    .catch((e: unknown) => setCurves(run, { status: 'missing', why: e instanceof Error ? e.message : String(e) }));
}

// A student who arrives by a step's link and leaves is remembered at that step too.
if (OPENED_BY_LINK) remember();
// A page that opens on a step fetches its recorded run at once, so the first charts already draw it.
if (typeof window !== 'undefined' && useTour.getState().open) loadTourCurves(TOUR_STEPS[useTour.getState().step].run);
