// The page's view switch: the experiment (one run, several methods), a sweep (a grid of
// runs), pretraining a base, the benchmark and the diagnostics (the engine check). The URL says which (`view=sweep`;
// no `view` is the experiment), and each view owns
// the rest of the query while it is shown, so switching remembers the query the other view
// left behind and puts it back (replaceState: switching adds no history entries).
import { useEffect, type KeyboardEvent, type ReactNode } from 'react';
import './sweep.css';
import { replaceQuery } from '../../url';

export type View = 'experiment' | 'sweep' | 'pretrain' | 'bench' | 'diagnostics';

export function viewFromUrl(): View {
  const v = new URLSearchParams(window.location.search).get('view');
  return v === 'sweep' || v === 'pretrain' || v === 'bench' || v === 'diagnostics' ? v : 'experiment';
}

/** The query each view last had, so switching back restores its settings. */
const left: Record<View, string> = {
  experiment: '', sweep: '?view=sweep', pretrain: '?view=pretrain', bench: '?view=bench', diagnostics: '?view=diagnostics',
};

/** The query a view holds: the address bar's while it is shown, the one it left behind otherwise. */
export function viewQuery(v: View, shown: View): string {
  return v === shown ? window.location.search : left[v];
}

const TABS: ReadonlyArray<readonly [View, string]> = [
  ['experiment', 'Experiment'], ['sweep', 'Sweep'], ['pretrain', 'Pretrain'], ['bench', 'Benchmark'], ['diagnostics', 'Diagnostics'],
];

/** The mounted tabs' switch, for links elsewhere on the page (null while no tabs are shown). */
let switchTo: ((v: View) => void) | null = null;

/** Switches the mounted tabs to `to` as a click on its tab would; false when no tabs are shown. */
export function showView(to: View): boolean {
  if (!switchTo) return false;
  switchTo(to);
  return true;
}

/**
 * A link to another view that switches tabs in place (a run in progress keeps training); with no tabs
 * mounted, or opened in a new tab, it is an ordinary link.
 */
export function ViewLink({ to, children }: { to: View; children: ReactNode }) {
  return (
    <a
      href={left[to] || '?'}
      onClick={(e) => {
        if (!switchTo || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        switchTo(to);
        window.scrollTo(0, 0);
      }}
    >
      {children}
    </a>
  );
}

export function ViewTabs({ view, onChange }: { view: View; onChange: (v: View) => void }) {
  const go = (next: View) => {
    if (next === view) return;
    left[view] = window.location.search;
    // Before the next view mounts: it reads its settings from the URL.
    replaceQuery(left[next]);
    onChange(next);
  };
  useEffect(() => {
    switchTo = go;
    return () => {
      switchTo = null;
    };
  });
  // Arrow keys move between tabs (the WAI-ARIA tabs pattern); Tab leaves the list from the selected one.
  const onKey = (e: KeyboardEvent) => {
    const i = TABS.findIndex(([v]) => v === view);
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    e.preventDefault();
    const next = TABS[(i + step + TABS.length) % TABS.length][0];
    go(next);
    requestAnimationFrame(() => document.getElementById(`ll-tab-${next}`)?.focus());
  };
  return (
    <div className="ll-tabs" role="tablist" aria-label="Views" onKeyDown={onKey}>
      {TABS.map(([v, name]) => (
        <button
          key={v} id={`ll-tab-${v}`} type="button" role="tab" aria-selected={v === view} tabIndex={v === view ? 0 : -1}
          onClick={() => go(v)}
        >{name}</button>
      ))}
    </div>
  );
}
