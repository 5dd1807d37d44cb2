// The whole glossary in one panel (a popover along the page's right edge): every term with its
// definition, from terms.ts. The top bar's "Glossary" button opens it, and so does "All terms" in
// any term's popover, scrolled to that term. Escape or the Close button closes it. Its entries are
// rendered only while it is open, like the terms' popovers.
import { useRef } from 'react';
import { GLOSSARY, termAnchor, TERM_IDS, type TermId } from './terms';
import { usePopoverOpen } from './usePopoverOpen';
import './glossary.css';

export const GLOSSARY_PANEL_ID = 'll-glossary';

/** Opens the panel at one term and puts the focus on it (a term's "All terms" button). */
export function openGlossary(id?: TermId): void {
  const panel = document.getElementById(GLOSSARY_PANEL_ID);
  if (!panel) return;
  if (!panel.matches(':popover-open')) panel.showPopover();
  const entry = id ? document.getElementById(termAnchor(id)) : null;
  (entry ?? panel.querySelector('h2'))?.scrollIntoView({ block: 'start' });
  (entry ?? panel.querySelector<HTMLElement>('h2'))?.focus();
}

/** The top bar's button. */
export function GlossaryButton() {
  return <button type="button" className="ll-glossary-open" popoverTarget={GLOSSARY_PANEL_ID}>Glossary</button>;
}

export function GlossaryPanel() {
  const ref = useRef<HTMLDivElement>(null);
  const open = usePopoverOpen(ref);
  return (
    <div ref={ref} id={GLOSSARY_PANEL_ID} popover="auto" role="dialog" aria-labelledby="ll-glossary-title" className="ll-glossary" data-testid="glossary">
      {open && (
        <>
          <div className="ll-glossary-head">
            <h2 id="ll-glossary-title" tabIndex={-1}>Glossary</h2>
            <button type="button" popoverTarget={GLOSSARY_PANEL_ID} popoverTargetAction="hide">Close</button>
          </div>
          <p className="ll-hint">The words this page uses, in plain terms. A dotted underline on the page opens one of them.</p>
          <dl>
            {TERM_IDS.map((id) => {
              const e: { term: string; definition: string; more?: string } = GLOSSARY[id];
              return (
                <div key={id} className="ll-glossary-entry">
                  <dt><dfn id={termAnchor(id)} tabIndex={-1}>{e.term}</dfn></dt>
                  <dd>
                    {e.definition}
                    {e.more && <span className="ll-hint ll-glossary-more">{e.more}</span>}
                  </dd>
                </div>
              );
            })}
          </dl>
        </>
      )}
    </div>
  );
}
