// The student's predictions in the tour (issue 20, item 9), kept in localStorage so a class can come
// back to them: whether "predict first" is on (a link's `predict=1` turns it on), and each step's pick (or that it was skipped). While a
// step waits for a pick, the tour hides its reference (the charts' recorded run and the measured
// numbers); a pick or "skip" reveals it. Off (the default), nothing is hidden.
import { create } from 'zustand';
import type { PredictPick } from '../../../experiment/tour/predict';
import { replaceQuery } from '../../url';

export const PREDICT_STORAGE_KEY = 'lora-lab:predictions';

export type StepPick = PredictPick | 'skip';

export interface PredictState {
  on: boolean;
  picks: Record<string, StepPick>;
}

const PICKS = new Set<string>(['paper', 'other', 'skip']);

/** The stored state, or predictions off when there is none or it is unreadable. */
export function readPredictions(raw: string | null): PredictState {
  try {
    const v = raw ? (JSON.parse(raw) as { on?: unknown; picks?: unknown }) : {};
    const picks = v.picks && typeof v.picks === 'object' ? Object.fromEntries(Object.entries(v.picks).filter(([, p]) => PICKS.has(p as string))) : {};
    return { on: v.on === true, picks: picks as Record<string, StepPick> };
  } catch {
    return { on: false, picks: {} };
  }
}

function stored(): string | null {
  try {
    return window.localStorage.getItem(PREDICT_STORAGE_KEY);
  } catch {
    return null;
  }
}

/**
 * `predict=1` (or `0`) in the page's link turns "predict first" on (or off), as a teacher's worksheet links do;
 * null when the link says nothing (then the stored choice holds).
 */
export function predictFromLink(search: string): boolean | null {
  const v = new URLSearchParams(search).get('predict');
  if (v === null) return null;
  return !['0', 'off', 'false', 'no'].includes(v.toLowerCase());
}

function initialPredictions(): PredictState {
  if (typeof window === 'undefined') return { on: false, picks: {} };
  const s = readPredictions(stored());
  const link = predictFromLink(window.location.search);
  return link === null ? s : { ...s, on: link };
}

export const usePredict = create<PredictState>(initialPredictions);

function keep(): void {
  try {
    window.localStorage.setItem(PREDICT_STORAGE_KEY, JSON.stringify(usePredict.getState()));
  } catch {
    // Blocked or full: the picks last as long as the tab.
  }
}

/** The switch: the student's choice is stored and outranks the link's from now on, so `predict=` leaves the address. */
export function setPredictFirst(on: boolean): void {
  usePredict.setState({ on });
  keep();
  const url = new URL(window.location.href);
  if (!url.searchParams.has('predict')) return;
  url.searchParams.delete('predict');
  replaceQuery(url.search, { keepHash: true });
}

export function pickPrediction(step: string, pick: StepPick): void {
  usePredict.setState((s) => ({ picks: { ...s.picks, [step]: pick } }));
  keep();
}

export function clearPrediction(step: string): void {
  usePredict.setState((s) => {
    const { [step]: _gone, ...rest } = s.picks;
    return { picks: rest };
  });
  keep();
}

/** Whether the step's reference is hidden, waiting for a prediction. */
export function awaitsPrediction(s: PredictState, step: string): boolean {
  return s.on && !(step in s.picks);
}
