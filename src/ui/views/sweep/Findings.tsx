// "What this sweep shows": for each of the paper's claims that a sweep can test, the verdict,
// this sweep's numbers and the paper's figure at 7B, all computed by sweepClaims from the cells
// on screen, so no sentence here can disagree with the charts beside it.
import { useEffect } from 'react';
import { sweepClaims } from '../../../experiment/analysis/claims';
import type { SweepCellResult } from '../../../experiment/analysis/front';
import { judgeFor } from '../../../experiment/tour/results';
import { ClaimList, PaperSource, VerdictRule } from '../../components/charts/ClaimList';
import { useSweep } from '../../store/sweep';
import { loadTourResults, useTour } from '../../store/tour';

export function Findings({ cells }: { cells: SweepCellResult[] }) {
  const sweep = useSweep((s) => s.sweep);
  const results = useTour((s) => s.results);
  // A one-seed sweep is judged against the shipped seed runs' noise.
  useEffect(() => {
    if (cells.length) void loadTourResults();
  }, [cells.length]);
  const claims = sweepClaims(cells, sweep ? judgeFor(results, 'sweep', sweep) : undefined);
  return (
    <aside className="ll-notes ll-findings" aria-labelledby="sweep-findings-title" data-testid="sweep-findings">
      <h3 id="sweep-findings-title">What this sweep shows</h3>
      {claims.length === 0 ? (
        <p className="ll-hint">Nothing to compare yet: the findings appear as the sweep’s runs are evaluated.</p>
      ) : <ClaimList claims={claims} scope="sweep" />}
      <VerdictRule />
      <PaperSource />
    </aside>
  );
}
