// Which seeds of a tour run's curves file are a reference for the run as the page defines it now: the
// seeds recorded with exactly its config (compared by SHA-256, seed by seed, as `npm run tour-results`
// writes them). A file of another run, or one recorded before the run's settings changed, is no
// reference for it: comparing a student's run with it would compare unlike with like.
import type { TourCurves } from './curves';
import { configHash } from './results';
import { seededRun, type TourRun } from './steps';

/** The curves of the matching seeds, or a sentence saying why there are none. */
export function matchingCurves(curves: TourCurves, run: TourRun): TourCurves | string {
  if (curves.run !== run.id || curves.kind !== run.kind) return `the file holds the run “${curves.run}”, not “${run.id}”`;
  const seeds = curves.seeds.filter((s) => s.configHash === configHash(seededRun(run, s.seed)));
  if (seeds.length === 0) return 'it was recorded with other settings than the run’s';
  return { ...curves, seeds };
}
