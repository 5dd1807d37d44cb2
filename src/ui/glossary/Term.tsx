// A mention of a glossary term: a button in the sentence (dotted underline) that opens a popover
// with the definition and a way to the whole glossary. Keyboard: Tab reaches it, Enter or Space
// opens it, Escape or a click elsewhere closes it (the browser's popover behaviour). The popover's
// words are rendered only while it is open, so a sentence's text is the sentence itself.
// <GlossaryText> links the first mention of each term in a sentence that comes as a string.
import { Fragment, useId, useRef, type ReactNode } from 'react';
import { GLOSSARY, splitTerms, type TermId } from './terms';
import { openGlossary } from './GlossaryPanel';
import { usePopoverOpen } from './usePopoverOpen';
import './glossary.css';

export function Term({ id, children }: { id: TermId; children?: ReactNode }) {
  const entry = GLOSSARY[id];
  const popId = `ll-term-${useId().replace(/[^\w-]/g, '')}`;
  const pop = useRef<HTMLSpanElement>(null);
  const open = usePopoverOpen(pop);
  return (
    <>
      <button type="button" className="ll-term" popoverTarget={popId} data-term={id}>{children ?? entry.term}</button>
      <span ref={pop} id={popId} popover="auto" className="ll-term-pop" data-testid="term-popover">
        {open && (
          <>
            <dfn>{entry.term}</dfn>: {entry.definition}{' '}
            <button type="button" className="ll-link" onClick={() => openGlossary(id)}>All terms</button>
          </>
        )}
      </span>
    </>
  );
}

/** A sentence from a string, with the first mention of each glossary term linked. */
export function GlossaryText({ text }: { text: string }) {
  return (
    <>
      {splitTerms(text).map((p, i) => (typeof p === 'string' ? <Fragment key={i}>{p}</Fragment> : <Term key={i} id={p.id}>{p.text}</Term>))}
    </>
  );
}
