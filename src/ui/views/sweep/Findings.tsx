// "What this sweep shows": for each of the paper's claims that a sweep can test, the verdict,
// this sweep's numbers and the paper's figure at 7B, all computed by sweepClaims from the cells
// on screen, so no sentence here can disagree with the charts beside it.
import { sweepClaims } from '../../../experiment/analysis/claims';
import type { SweepCellResult } from '../../../experiment/analysis/front';
import { ClaimList, PaperSource } from '../../components/charts/ClaimList';

export function Findings({ cells }: { cells: SweepCellResult[] }) {
  const claims = sweepClaims(cells);
  return (
    <aside className="ll-notes ll-findings" aria-labelledby="sweep-findings-title" data-testid="sweep-findings">
      <h3 id="sweep-findings-title">What this sweep shows</h3>
      {claims.length === 0 ? (
        <p className="ll-hint">Nothing to compare yet: the findings appear as the sweep’s runs are evaluated.</p>
      ) : <ClaimList claims={claims} scope="sweep" />}
      <PaperSource />
    </aside>
  );
}
