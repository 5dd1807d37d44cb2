// One list of the paper's findings as verdicts with this page's numbers and the paper's figure
// at 7B, shared by the run's and the sweep's findings boxes (the claims themselves come from
// runClaims / sweepClaims), plus the source line under it. Glossary terms in the sentences are linked.
import { VERDICT_LABEL, type Claim } from '../../../experiment/analysis/claims';

export { VERDICT_LABEL };
import { VERDICT_RULE } from '../../../experiment/analysis/noise';
import { GlossaryText } from '../../glossary/Term';

export const PAPER_URL = 'https://arxiv.org/abs/2405.09673';


/** `scope` names what was measured ("run", "sweep") in the not-measured verdict. */
export function ClaimList({ claims, scope }: { claims: readonly Claim[]; scope: string }) {
  return (
    <ul>
      {claims.map((c) => (
        <li key={`${c.finding}-${c.title}`} data-verdict={c.verdict} data-finding={c.finding}>
          <b>Finding {c.finding}: {c.title}.</b>{' '}
          <span className={`ll-verdict ll-${c.verdict}`}>{c.verdict === 'not-measured' ? `Not measured by this ${scope}` : VERDICT_LABEL[c.verdict]}.</span>{' '}
          <GlossaryText text={c.measured} />
          <br /><span className="ll-paper">Paper (7B): <GlossaryText text={c.paper} /></span>
        </li>
      ))}
    </ul>
  );
}

/** "How verdicts are decided": the noise rule in words, folded away until asked for. */
export function VerdictRule() {
  return (
    <details className="ll-verdict-rule" data-testid="verdict-rule">
      <summary>How verdicts are decided</summary>
      <p className="ll-hint"><GlossaryText text={VERDICT_RULE} /></p>
    </details>
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
