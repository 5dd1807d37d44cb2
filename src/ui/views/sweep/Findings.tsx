// "What this sweep shows": for each of the paper's claims that a sweep can test, the verdict,
// this sweep's numbers and the paper's figure at 7B, all computed by sweepClaims from the cells
// on screen, so no sentence here can disagree with the charts beside it.
import { sweepClaims, type Verdict } from '../../../experiment/analysis/claims';
import type { SweepCellResult } from '../../../experiment/analysis/front';
import { PAPER_URL } from '../../components/charts/ChartNotes';

const VERDICT: Record<Verdict, string> = {
  agrees: 'Agrees with the paper',
  disagrees: 'Disagrees with the paper',
  mixed: 'Mixed',
  'not-measured': 'Not measured by this sweep',
};

export function Findings({ cells }: { cells: SweepCellResult[] }) {
  const claims = sweepClaims(cells);
  return (
    <aside className="ll-notes ll-findings" aria-labelledby="sweep-findings-title" data-testid="sweep-findings">
      <h3 id="sweep-findings-title">What this sweep shows</h3>
      {claims.length === 0 ? (
        <p className="ll-hint">Nothing to compare yet: the findings appear as the sweep’s runs are evaluated.</p>
      ) : (
        <ul>
          {claims.map((c) => (
            <li key={`${c.finding}-${c.title}`} data-verdict={c.verdict}>
              <b>Finding {c.finding}: {c.title}.</b> <span className={`ll-verdict ll-${c.verdict}`}>{VERDICT[c.verdict]}.</span>{' '}
              {c.measured}
              <br /><span className="ll-paper">Paper (7B): {c.paper}</span>
            </li>
          ))}
        </ul>
      )}
      <p className="ll-hint">
        From Biderman et al. 2024, <a href={PAPER_URL} target="_blank" rel="noreferrer">“LoRA Learns Less and Forgets Less”</a>.
        At this toy scale an effect can be weaker, missing or reversed; the verdicts come from the numbers measured here.
      </p>
    </aside>
  );
}
