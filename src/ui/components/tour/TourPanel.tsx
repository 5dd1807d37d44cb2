// The guided tour: a card above the experiment and sweep views with one step per finding (plus the
// setup), each with its text, the paper's number at 7B, a button that configures and starts the
// step's experiment or sweep (asking first when that would change settings the student set), what
// to look at (those charts are outlined while the step is shown), and what this playground measured.
// Closed, it is a one-line bar that starts or continues the tour.
// The whole card carries `ll-tour`, which embed mode's `hide=tour` removes.
import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { PAPER } from '../../../experiment/analysis/claims-text';
import { TOUR_RUNS, TOUR_STEPS, type TourRun } from '../../../experiment/tour/steps';
import { closeTour, gotoStep, loadTourResults, OPENED_BY_LINK, setShowReference, stepLink, syncTourUrl, useTour } from '../../store/tour';
import type { View } from '../../views/sweep/ViewTabs';
import { RunConfirm } from './RunConfirm';
import { tourRunChanges } from './start-run';
import { TourMeasured } from './TourMeasured';
import { RunButtons } from './RunButtons';
import { Predict, PredictSwitch } from './Predict';
import { awaitsPrediction, usePredict } from './predict-store';
import { ClassKit } from './ClassKit';
import { GlossaryText } from '../../glossary/Term';
import './tour.css';

/** The tour as the page loaded it (a remembered step): showing it again does not switch views. */
const AT_LOAD = { open: useTour.getState().open, step: useTour.getState().step };

const SETUP_PAPER =
  'Llama-2-7B, fine-tuned on code and on math, by continued pretraining (CPT, up to 20B tokens) and by instruction fine-tuning (IFT); ' +
  'learning measured by HumanEval and GSM8K, forgetting by HellaSwag, ARC-Challenge and WinoGrande.';

/** Scrolls to the first chart the step highlights. */
function showCharts(charts: readonly string[]): void {
  const el = charts.map((c) => document.querySelector(`.ll-chart[data-chart="${c}"]`)).find((x) => x !== null);
  el?.scrollIntoView({ behavior: 'smooth', block: 'center' });
}

function ClosedBar() {
  const { step, visited } = useTour(useShallow((s) => ({ step: s.step, visited: s.visited })));
  return (
    <aside className="ll-tour ll-tour-bar" aria-label="Guided tour">
      <span>
        <b>Guided tour:</b> the paper’s eight findings, one step each, with the experiment that tests it.
      </span>
      <button type="button" onClick={() => gotoStep(visited ? step : 0)} data-testid="tour-open">
        {visited && step > 0 ? `Continue at step ${step + 1}: ${TOUR_STEPS[step].title}` : 'Take the tour'}
      </button>
    </aside>
  );
}

interface Props {
  /** The view on screen, and a switch to the view of a step's run (as its tab would). */
  view: View;
  onView: (r: TourRun) => void;
  /** Starts a step's run with its settings, or only puts them on screen. */
  onRun: (r: TourRun) => void;
  onLoad: (r: TourRun) => void;
  /** Why the run buttons are disabled ('' when they are not). */
  busy: string;
}

export function TourPanel({ view, onView, onRun, onLoad, busy }: Props) {
  const { open, step: i } = useTour(useShallow((s) => ({ open: s.open, step: s.step })));
  const [copied, setCopied] = useState('');
  // A run that would change settings the student set waits for their answer.
  const [ask, setAsk] = useState<{ run: TourRun; changes: string[] } | null>(null);
  const request = (r: TourRun) => {
    const changes = tourRunChanges(r, view);
    if (changes.length) setAsk({ run: r, changes });
    else onRun(r);
  };
  const answer = (act: ((r: TourRun) => void) | null) => () => {
    if (ask && act) act(ask.run);
    setAsk(null);
  };
  const step = TOUR_STEPS[i];
  useEffect(() => {
    void loadTourResults();
  }, []);
  const run = TOUR_RUNS[step.run];
  // Moving to a step (or opening its link) shows the view its charts are in; only when the step changes,
  // so the tabs still switch freely. On load only a tour link picks the view: a step remembered from an
  // earlier visit must not take over the experiment link the student just opened.
  useEffect(() => {
    if (!OPENED_BY_LINK && open === AT_LOAD.open && i === AT_LOAD.step) return;
    if (open && (run.kind !== view || run.kind === 'sweep')) onView(run);
  }, [open, i]);
  // Switching views rewrites the query; the step goes back into it (before the views' own effects, which keep it).
  useEffect(syncTourUrl, [view, open, i]);
  // The step's charts are outlined (theme.css) while the tour is open.
  useEffect(() => {
    const root = document.documentElement;
    if (open) root.dataset.tourLook = step.look.charts.join(' ');
    else delete root.dataset.tourLook;
    return () => {
      delete root.dataset.tourLook;
    };
  }, [open, step]);
  useEffect(() => {
    setCopied('');
    setAsk(null);
  }, [i]);
  // Predict first: the step's reference stays off the charts until the student picks (or skips); then it comes back.
  const hidden = usePredict((s) => open && awaitsPrediction(s, step.id));
  const predictOn = usePredict((s) => s.on);
  const wasHidden = useRef(false);
  useEffect(() => {
    if (hidden) setShowReference(false);
    else if (wasHidden.current) setShowReference(true);
    wasHidden.current = hidden;
  }, [hidden]);
  if (!open) return <ClosedBar />;
  // With "predict first" on, the copied link turns it on for whoever opens it.
  const copy = () => {
    const link = stepLink(step.id, predictOn);
    navigator.clipboard?.writeText(link).then(() => setCopied('Link copied'), () => setCopied(link));
  };
  return (
    <section className="ll-tour ll-tour-card" aria-labelledby="ll-tour-title" data-testid="tour" data-step={step.id}>
      <nav className="ll-tour-nav" aria-label="Tour steps">
        <span className="ll-tour-count">Step {i + 1} of {TOUR_STEPS.length}</span>
        <ol>
          {TOUR_STEPS.map((s, k) => (
            <li key={s.id}>
              <a
                href={stepLink(s.id)} aria-current={k === i ? 'step' : undefined} title={s.title}
                onClick={(e) => {
                  e.preventDefault();
                  gotoStep(k);
                }}
              >{s.finding ?? '•'}</a>
            </li>
          ))}
        </ol>
        <button type="button" className="ll-tour-close" onClick={closeTour} aria-label="Close the tour">Close</button>
      </nav>
      <div className="ll-tour-body">
        <div className="ll-tour-text">
          <h3 id="ll-tour-title">{step.title}</h3>
          {step.text.map((p) => <p key={p.slice(0, 40)}><GlossaryText text={p} /></p>)}
          <p className="ll-paper"><b>Paper (Llama-2-7B):</b> <GlossaryText text={step.finding === null ? SETUP_PAPER : PAPER[step.finding]} /></p>
          <Predict step={step} />
          <RunButtons run={run} onRun={request} busy={busy} />
          <p>
            <b>Look at:</b> <GlossaryText text={step.look.what} />{' '}
            <button type="button" className="ll-link" onClick={() => showCharts(step.look.charts)}>Show me the chart</button>
          </p>
        </div>
        <TourMeasured step={step} onRun={request} busy={busy} hidden={hidden} />
      </div>
      {ask && <RunConfirm {...ask} busy={busy} onStart={answer(onRun)} onLoad={answer(onLoad)} onCancel={answer(null)} />}
      <div className="ll-tour-foot">
        <button type="button" onClick={() => gotoStep(i - 1)} disabled={i === 0}>← Previous</button>
        <button type="button" onClick={() => gotoStep(i + 1)} disabled={i === TOUR_STEPS.length - 1}>Next →</button>
        <button type="button" className="ll-link" onClick={copy}>Copy a link to this step</button>
        {copied && <span className="ll-hint" role="status">{copied}</span>}
        <PredictSwitch />
        <ClassKit />
      </div>
    </section>
  );
}
