// "What to look for": the paper's main findings in a sentence each, with a link to the paper,
// so a student knows what to compare in the charts (and that a toy model may differ).
export const PAPER_URL = 'https://arxiv.org/abs/2405.09673';

export function ChartNotes() {
  return (
    <aside className="ll-notes" aria-labelledby="ll-notes-title">
      <h3 id="ll-notes-title">What to look for</h3>
      <ul>
        <li><b>LoRA learns less:</b> full fine-tuning usually reaches a lower target loss.</li>
        <li><b>LoRA forgets less:</b> its source loss rises less.</li>
        <li><b>One trade-off:</b> in learn vs forget, the methods tend to share one curve, with LoRA (and lower ranks) at the “learns less, forgets less” end.</li>
      </ul>
      <p className="ll-hint">
        From Biderman et al. 2024, <a href={PAPER_URL} target="_blank" rel="noreferrer">“LoRA Learns Less and Forgets Less”</a> (7B models).
        At this toy scale an effect can be weaker or missing: the charts show only what was measured.
      </p>
    </aside>
  );
}
