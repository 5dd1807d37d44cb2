// What a tour step's buttons do to the page. Showing a step switches to the view its run trains in;
// a sweep step also puts its grid in the Sweep view when no sweep is on screen there. Its run button
// first asks `tourRunChanges` what the run would change in the settings on screen (the experiment's
// form, the Sweep view's grid): nothing, and it starts; otherwise the tour lists the changes and the
// student picks starting, loading the settings only, or keeping theirs. An experiment's settings go
// into the form (so the page, its link and the run agree); a sweep's grid into the sweep store's form
// (and the URL, which the Sweep view keeps from that form). `show` switches the page to a view as its tab would.
import { encodeSweepShare, sweepFromQuery } from '../../../experiment/links/sweep';
import type { TourRun } from '../../../experiment/tour/steps';
import { withEmbedParams } from '../../embed';
import { runActions, sweepActions } from '../../store/client';
import { setForm, useExperiment } from '../../store/experiment';
import { setSweepForm, useSweep } from '../../store/sweep';
import { viewQuery, type View } from '../../views/sweep/ViewTabs';
import { experimentChanges, sweepChanges } from './changes';
import { replaceQuery } from '../../url';

type Show = (view: 'experiment' | 'sweep') => void;

/** Switches to the run's view; a sweep's grid replaces the one in the Sweep view's form. */
function load(r: TourRun, show: Show): void {
  // Read before switching: the switch puts the other view's query in the address.
  const search = window.location.search;
  show(r.kind);
  if (r.kind === 'experiment') {
    setForm(r.preset, r.config);
    return;
  }
  setSweepForm(r.preset, r.sweep);
  replaceQuery(withEmbedParams(encodeSweepShare(r.sweep, r.preset), search));
}

/**
 * Shows the view a step's run trains in. A sweep step also puts its grid in the Sweep view when no
 * sweep is on screen there (one that trains or has results is left alone), so the charts it points
 * at belong to the grid the step talks about.
 */
export function showTourRun(r: TourRun, show: Show): void {
  if (r.kind === 'sweep' && useSweep.getState().state === 'idle') load(r, show);
  else show(r.kind);
}

/** What starting `r` would change in the settings on screen (`view`: the view shown now); empty when nothing. */
export function tourRunChanges(r: TourRun, view: View): string[] {
  if (r.kind === 'experiment') return experimentChanges(useExperiment.getState().form.config, r.config);
  return sweepChanges(useSweep.getState().form?.sweep ?? sweepFromQuery(viewQuery('sweep', view)).sweep, r.sweep);
}

/** Puts the step's settings on screen without starting (the student presses Start when ready). */
export function loadTourRun(r: TourRun, show: Show): void {
  load(r, show);
}

export function startTourRun(r: TourRun, show: Show): void {
  load(r, show);
  if (r.kind === 'experiment') runActions.start(r.config, r.preset);
  else sweepActions.start(r.sweep, r.preset);
}
