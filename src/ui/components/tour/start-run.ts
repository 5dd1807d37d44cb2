// Starts what a tour step's button names: an experiment (the form takes its settings, so the page,
// its link and the run agree) or a sweep (its grid goes into the URL the Sweep view reads when it
// mounts). `show` switches the page to that view as its tab would.
import { encodeSweepShare } from '../../../experiment/sweep-share';
import type { TourRun } from '../../../experiment/tour/steps';
import { withEmbedParams } from '../../embed';
import { runActions, sweepActions } from '../../store/client';
import { setForm } from '../../store/experiment';
import { useSweep } from '../../store/sweep';

/**
 * Shows the view a step's run trains in. A sweep step also puts its grid in the Sweep view when no
 * sweep is on screen there (one that trains or has results is left alone), so the charts it points
 * at belong to the grid the step talks about.
 */
export function showTourRun(r: TourRun, show: (view: 'experiment' | 'sweep') => void): void {
  const search = window.location.search;
  show(r.kind);
  if (r.kind !== 'sweep' || useSweep.getState().state !== 'idle') return;
  const q = withEmbedParams(encodeSweepShare(r.sweep, r.preset), search);
  window.history.replaceState(null, '', `${window.location.pathname}?${q.toString()}`);
}

export function startTourRun(r: TourRun, show: (view: 'experiment' | 'sweep') => void): void {
  // Read before switching: the switch puts the other view's query in the address.
  const search = window.location.search;
  show(r.kind);
  if (r.kind === 'experiment') {
    setForm(r.preset, r.config);
    runActions.start(r.config, r.preset);
    return;
  }
  const q = withEmbedParams(encodeSweepShare(r.sweep, r.preset), search);
  window.history.replaceState(null, '', `${window.location.pathname}?${q.toString()}`);
  sweepActions.start(r.sweep, r.preset);
}
