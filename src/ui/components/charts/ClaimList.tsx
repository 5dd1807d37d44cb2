// One list of the paper's findings as verdicts with this page's numbers and the paper's figure
// at 7B, shared by the run's and the sweep's findings boxes (the claims themselves come from
// runClaims / sweepClaims), plus the source line under it.
import type { Claim, Verdict } from '../../../experiment/analysis/claims';

export const PAPER_URL = 'https://arxiv.org/abs/2405.09673';

const VERDICT: Record<Exclude<Verdict, 'not-measured'>, string> = {
  agrees: 'Agrees with the paper',
  disagrees: 'Disagrees with the paper',
  mixed: 'Mixed',
};

/** `scope` names what was measured ("run", "sweep") in the not-measured verdict. */
export function ClaimList({ claims, scope }: { claims: readonly Claim[]; scope: string }) {
  return (
    <ul>
      {claims.map((c) => (
        <li key={`${c.finding}-${c.title}`} data-verdict={c.verdict} data-finding={c.finding}>
          <b>Finding {c.finding}: {c.title}.</b>{' '}
          <span className={`ll-verdict ll-${c.verdict}`}>{c.verdict === 'not-measured' ? `Not measured by this ${scope}` : VERDICT[c.verdict]}.</span>{' '}
          {c.measured}
          <br /><span className="ll-paper">Paper (7B): {c.paper}</span>
        </li>
      ))}
    </ul>
  );
}

export function PaperSource() {
  return (
    <p className="ll-hint">
      From Biderman et al. 2024, <a href={PAPER_URL} target="_blank" rel="noreferrer">“LoRA Learns Less and Forgets Less”</a>.
      At this toy scale an effect can be weaker, missing or reversed; the verdicts come from the numbers measured here.
    </p>
  );
}
