// Which recorded run the charts of a view draw as their reference: while the tour is open, its step's
// run (when it is of this view's kind: an experiment or a sweep), loaded the first time a chart asks,
// unless the student unticked "Show the reference run". It is left out, with a quiet note saying why,
// when no recorded curves exist for it or when the run on screen trains other domains (a code
// reference beside a math run would compare unlike with like).
import { useEffect, useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ExperimentConfig } from '../../../experiment/config';
import type { TourCurves } from '../../../experiment/tour/curves';
import { referenceLabel } from '../../../experiment/tour/reference';
import { TOUR_RUNS, TOUR_STEPS, type TourRun } from '../../../experiment/tour/steps';
import { useExperiment } from '../../store/experiment';
import { useSweep } from '../../store/sweep';
import { loadTourCurves, setShowReference, useTour } from '../../store/tour';
import { domainName, sameDomain } from '../controls/setup-text';

export interface ShownReference {
  run: TourRun;
  curves: TourCurves;
  /** The legend's entry: "reference: 200 steps, base “base”, 3 seeds". */
  label: string;
}

export interface ReferenceView {
  /** Shows or hides the reference (the tour store's setting). */
  setShow(on: boolean): void;
  /** The tour's step trains this view's kind of run: the checkbox is offered. */
  offered: boolean;
  show: boolean;
  run: TourRun | null;
  /** What the charts draw (null: nothing to draw, or the student cleared it). */
  ref: ShownReference | null;
  /** Why there is no reference ('' when there is one, or it is loading, or it is switched off). */
  note: string;
}

type Domains = { source: ExperimentConfig['target']; target: ExperimentConfig['target'] };

const domainsOf = (r: TourRun): Domains => (r.kind === 'experiment' ? r.config : r.sweep);

export function useTourReference(kind: 'experiment' | 'sweep'): ReferenceView {
  const t = useTour(useShallow((s) => ({ open: s.open, step: s.step, show: s.showReference, curves: s.curves })));
  // The domains of what the view shows: the run on screen, or (for an experiment) the settings in the form.
  const experiment = useExperiment((x) => x.config ?? x.form.config);
  const sweep = useSweep((x) => x.sweep);
  const onScreen: Domains | null = kind === 'experiment' ? experiment : sweep;
  const run = t.open ? TOUR_RUNS[TOUR_STEPS[t.step].run] : undefined;
  const offered = run?.kind === kind;
  useEffect(() => {
    if (offered && t.show && run) loadTourCurves(run.id);
  }, [offered, t.show, run]);
  const state = run ? t.curves[run.id] : undefined;
  const ready = state?.status === 'ready' ? state.curves : null;
  const ref = useMemo(() => (run && ready ? { run, curves: ready, label: referenceLabel(ready, run) } : null), [run, ready]);
  const setShow = setShowReference;
  if (!offered || !run) return { setShow, offered: false, show: t.show, run: null, ref: null, note: '' };
  if (!t.show) return { setShow, offered, show: false, run, ref: null, note: '' };
  if (state?.status === 'missing') return { setShow, offered, show: true, run, ref: null, note: `No reference is drawn: ${state.why}.` };
  const want = domainsOf(run);
  if (ref && onScreen && !(sameDomain(onScreen.source, want.source) && sameDomain(onScreen.target, want.target))) {
    const pair = (d: Domains) => `${domainName(d.source)} → ${domainName(d.target)}`;
    return { setShow, offered, show: true, run, ref: null, note: `No reference is drawn: it trains ${pair(want)}, the charts show ${pair(onScreen)}.` };
  }
  return { setShow, offered, show: true, run, ref, note: '' };
}
