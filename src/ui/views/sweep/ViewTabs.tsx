// The page's view switch: the experiment (one run, several methods) or a sweep (a grid of
// runs). The URL says which (`view=sweep`; no `view` is the experiment), and each view owns
// the rest of the query while it is shown, so switching remembers the query the other view
// left behind and puts it back (replaceState: switching adds no history entries).
import { useEffect, type ReactNode } from 'react';
import './sweep.css';

export type View = 'experiment' | 'sweep' | 'bench';

export function viewFromUrl(): View {
  const v = new URLSearchParams(window.location.search).get('view');
  return v === 'sweep' || v === 'bench' ? v : 'experiment';
}

/** The query each view last had, so switching back restores its settings. */
const left: Record<View, string> = { experiment: '', sweep: '?view=sweep', bench: '?view=bench' };

const TABS: ReadonlyArray<readonly [View, string]> = [['experiment', 'Experiment'], ['sweep', 'Sweep'], ['bench', 'Benchmark']];

/** The mounted tabs' switch, for links elsewhere on the page (null while no tabs are shown). */
let switchTo: ((v: View) => void) | null = null;

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
    window.history.replaceState(null, '', `${window.location.pathname}${left[next]}`);
    onChange(next);
  };
  useEffect(() => {
    switchTo = go;
    return () => {
      switchTo = null;
    };
  });
  return (
    <>
      <div className="ll-tabs" role="tablist" aria-label="Views">
        {TABS.map(([v, name]) => (
          <button key={v} type="button" role="tab" aria-selected={v === view} onClick={() => go(v)}>{name}</button>
        ))}
      </div>
      <p className="ll-tabs-note">
        <b>Experiment</b>: several methods side by side in one run. <b>Sweep</b>: a grid of methods × learning rates, to compare each
        method at its best learning rate. One thing trains at a time: starting one stops the other. <b>Benchmark</b>: this
        GPU’s speed with the engine’s kernels.
      </p>
    </>
  );
}
