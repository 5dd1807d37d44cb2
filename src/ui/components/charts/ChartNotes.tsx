// "What this run shows": for each of the paper's findings, the verdict, this run's numbers and the
// paper's figure at 7B, computed by runClaims from the run on screen (its methods, evaluations and
// divergences), so no sentence here can disagree with the charts beside it. Before the run has
// trained and been evaluated, it says what will be measured and claims nothing.
import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { claimMethodsOf, runClaims } from '../../../experiment/analysis/claims';
import { BASE_FACTS } from '../../../experiment/bases';
import type { ExperimentConfig } from '../../../experiment/config';
import { judgeFor } from '../../../experiment/tour/results';
import { useExperiment } from '../../store/experiment';
import { loadTourResults, useTour } from '../../store/tour';
import { ClaimList, PaperSource, VerdictRule } from './ClaimList';

export { PAPER_URL } from './ClaimList';

function Plan({ config }: { config: ExperimentConfig | null }) {
  const diversity = config ? config.diversity.samples > 0 : true;
  return (
    <>
      <p className="ll-hint">Nothing measured yet, so nothing claimed. Once the run has trained and been evaluated, this box compares the methods on:</p>
      <ul>
        <li><b>Learning:</b> held-out target loss at each method’s best evaluation (findings 1, 3).</li>
        <li><b>Forgetting:</b> the rise of held-out source loss over the base model at that point (findings 2–4).</li>
        {diversity && <li><b>Diversity:</b> distinct completions of one prompt among samples at each evaluation (finding 5).</li>}
        <li><b>Rank of the weight change:</b> rank@90% of ΔW per matrix (finding 6).</li>
      </ul>
    </>
  );
}

export function ChartNotes() {
  const s = useExperiment(useShallow((x) => ({ config: x.config, evals: x.evals, diverged: x.diverged })));
  const trained = s.config !== null && s.evals.some((e) => e.step > 0);
  const results = useTour((x) => x.results);
  // A one-seed run is judged against the shipped seed runs' noise: load their summary once a run has trained.
  useEffect(() => {
    if (trained) void loadTourResults();
  }, [trained]);
  const judge = s.config ? judgeFor(results, 'experiment', s.config) : undefined;
  const claims = trained ? runClaims(claimMethodsOf(s.config!), [{ evals: s.evals, diverged: s.diverged }], judge, BASE_FACTS[s.config!.base]?.dModel) : [];
  return (
    <aside className="ll-notes ll-findings" aria-labelledby="ll-notes-title" data-testid="run-findings">
      <h3 id="ll-notes-title">What this run shows</h3>
      {!trained ? <Plan config={s.config} /> : <ClaimList claims={claims} scope="run" />}
      <VerdictRule />
      <PaperSource />
    </aside>
  );
}
