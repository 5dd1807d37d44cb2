// A tour run's summary computed from its curves file exactly as shipped: what `npm run tour-results`
// writes into the results file, and what summarize.test.ts recomputes from public/tour/curves/ to hold
// the two files together. Pure: the caller reads the files.
import type { TourCurves } from './curves';
import { experimentSummary, sweepSummary, withWidthClaim, type RunSummary } from './results';
import type { TourRun } from './steps';

const seedRuns = (curves: TourCurves) => curves.seeds.map((s) => ({ evals: s.evals, diverged: s.diverged }));

/**
 * The summary of a run over the seeds its curves file holds; for a run that measures finding 6 at a
 * second width (`widthOf`), `narrow` is the narrower run's curves file.
 */
export function curvesSummary(r: TourRun, curves: TourCurves, narrow: { run: TourRun; curves: TourCurves } | null): RunSummary {
  const seeds = curves.seeds.map((s) => s.seed);
  if (r.kind === 'sweep') {
    return sweepSummary(r.id, r.sweep, curves.seeds.map((s) => ({ evals: s.evals, diverged: Object.keys(s.diverged) })), seeds);
  }
  const summary = experimentSummary(r.id, r.config, seedRuns(curves), seeds);
  if (!r.widthOf) return summary;
  if (narrow?.run.kind !== 'experiment' || narrow.run.id !== r.widthOf) throw new Error(`${r.id}: its width claim needs the curves of ${r.widthOf}`);
  return withWidthClaim(summary, { config: r.config, runs: seedRuns(curves) }, { config: narrow.run.config, runs: seedRuns(narrow.curves) });
}
