// A tour step's "predict first" box (issue 20, item 9): with predict-first on, the step's question
// and its two answers come before the reference; a pick (or "skip") reveals the reference and says
// whether the data on the page matched, in the words of the step's verdict (predict.ts). Off, the
// box is not shown; the switch sits in the tour's footer.
import { useShallow } from 'zustand/react/shallow';
import { answerOf, matchOf, PREDICTIONS, revealText, type PredictPick } from '../../../experiment/tour/predict';
import type { TourStep } from '../../../experiment/tour/steps';
import { useTour } from '../../store/tour';
import { clearPrediction, pickPrediction, setPredictFirst, usePredict } from './predict-store';

export function Predict({ step }: { step: TourStep }) {
  const { on, pick } = usePredict(useShallow((s) => ({ on: s.on, pick: s.picks[step.id] })));
  const results = useTour((s) => s.results);
  const p = PREDICTIONS[step.id];
  if (!on || !p) return null;
  const order: PredictPick[] = p.first === 'paper' ? ['paper', 'other'] : ['other', 'paper'];
  const answer = answerOf(step, results);
  let body;
  if (pick === undefined) {
    body = (
      <>
        <div className="ll-tour-predict-picks" role="group" aria-labelledby="ll-tour-predict-q">
          {order.map((k) => (
            <button key={k} type="button" onClick={() => pickPrediction(step.id, k)} data-testid={`predict-${k}`}>{p[k]}</button>
          ))}
        </div>
        <p className="ll-hint">
          The reference run is hidden from the charts and the measured numbers until you pick.{' '}
          <button type="button" className="ll-link" onClick={() => pickPrediction(step.id, 'skip')} data-testid="predict-skip">Skip the prediction and show the reference</button>
        </p>
      </>
    );
  } else if (pick === 'skip') {
    body = (
      <p className="ll-hint" data-testid="predict-result" data-match="skipped">
        You skipped this prediction.{' '}
        <button type="button" className="ll-link" onClick={() => clearPrediction(step.id)}>Predict after all</button>
      </p>
    );
  } else {
    const match = answer ? matchOf(pick, answer) : 'not-measured';
    body = (
      <p data-testid="predict-result" data-match={match} className={`ll-tour-predict-result ll-match-${match}`}>
        {answer ? revealText(p, pick, answer) : results ? 'The results file has no numbers for this step’s run: nothing to check your prediction against.' : 'Loading the stored numbers…'}{' '}
        <button type="button" className="ll-link" onClick={() => clearPrediction(step.id)}>Predict again</button>
      </p>
    );
  }
  return (
    <section className="ll-tour-predict" aria-labelledby="ll-tour-predict-title" data-testid="tour-predict" data-state={pick === undefined ? 'ask' : 'revealed'}>
      <h4 id="ll-tour-predict-title">Predict first</h4>
      <p id="ll-tour-predict-q">{p.question}</p>
      {body}
    </section>
  );
}

/** The footer's switch for predict-first. */
export function PredictSwitch() {
  const on = usePredict((s) => s.on);
  return (
    <label className="ll-tour-predict-switch">
      <input type="checkbox" checked={on} onChange={(e) => setPredictFirst(e.target.checked)} data-testid="predict-mode" />{' '}
      Predict first (class mode)
    </label>
  );
}
