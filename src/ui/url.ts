// The one module that writes the page's address. The experiment form, the Sweep view, the view
// tabs, the tour's step and a tour run's grid all keep their state in the query; each goes through
// replaceQuery, so no view adds a history entry per keystroke (replaceState, never pushState) and
// a test can check that nothing else writes the URL (url.test.ts).

/** Replaces the address's query (a leading '?' is optional; empty drops it), keeping the path and the history state. */
export function replaceQuery(query: URLSearchParams | string, opts: { keepHash?: boolean } = {}): void {
  const q = query.toString().replace(/^\?/, '');
  const { pathname, hash } = window.location;
  window.history.replaceState(window.history.state, '', `${pathname}${q ? `?${q}` : ''}${opts.keepHash ? hash : ''}`);
}
