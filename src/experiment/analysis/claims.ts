// The page's honest "what this run shows": for each of the paper's eight findings, whether this run
// or sweep shows it, in a sentence with its own numbers, beside the paper's figure at 7B. Everything
// is computed from the evaluations on screen, over every seed measured, and every difference is
// judged by one rule (noise.ts): it counts only beyond the seed-to-seed spread, so a verdict never
// claims more than the data shows. A finding the data cannot speak to says what to run instead.
// Diverged methods are named and left out of the comparisons (their checkpoints still count on the
// learn–forget front).

import type { MethodConfig } from '../config';
import type { EvalPoint } from '../protocol';
import { bestPerFamily, seedEvals, type SweepCellResult } from './front';
import { claim, fmtLr, list, sane, type Claim, type Verdict } from './claims-text';
import {
  forgetsLess, learnsLess, NO_JUDGE, oneCurve, regularizers, statOf, type Judge, type Series, type SeriesEval, type Stat,
} from './claims-findings';
import { modulesAndRank } from './claims-modules';
import { diversityClaim, rankClaim } from './claims-measures';
import { lrClaim } from './claims-sweep';

export type { Claim, Verdict, Judge };
export { NO_JUDGE };
export { VERDICT_LABEL } from './claims-text';

export interface ClaimMethod {
  id: string;
  label: string;
  kind: 'full' | 'lora';
  lr: number;
  rank?: number;
  targets?: string[];
  weightDecay?: number;
  dropout?: number;
}

/** One seed's run: its evaluations (EvalPoint.method = method id) and the step each diverged method diverged at. */
export interface SeedRun {
  evals: readonly EvalPoint[];
  diverged: Readonly<Record<string, number>>;
}

/** A config's methods as the claims describe them. */
export function claimMethodsOf(config: { methods: readonly MethodConfig[] }): ClaimMethod[] {
  return config.methods.map((m) => ({
    id: m.id, label: m.label ?? m.id, kind: m.kind, lr: m.lr, weightDecay: m.weightDecay, dropout: m.dropout,
    ...(m.kind === 'lora' ? { rank: m.rank, targets: [...m.targets] } : {}),
  }));
}

const stats = (contenders: readonly Series[], all: readonly Series[]): Stat[] =>
  contenders.flatMap((s) => {
    const st = statOf(s, all);
    return st ? [st] : [];
  });

const byStep = (a: { step: number }, b: { step: number }) => a.step - b.step;

/**
 * Claims for findings 1–8 from a run measured with one or more seeds: its methods and each seed's
 * evaluations. `judge` holds the shipped noise estimates a one-seed run is judged against; `width`
 * is the model's d_model (finding 6 says what rank it allows).
 */
export function runClaims(methods: readonly ClaimMethod[], runs: readonly SeedRun[], judge: Judge = NO_JUDGE, width?: number): Claim[] {
  const divergedAt = (id: string) => runs.map((r) => r.diverged[id]).filter((x) => x !== undefined);
  const series: Series[] = methods.map((m) => ({
    key: m.id, label: m.label, kind: m.kind, lr: m.lr, rank: m.rank, targets: m.targets,
    weightDecay: m.weightDecay ?? 0, dropout: m.dropout ?? 0,
    seeds: runs.map((r) => r.evals.filter((e) => e.method === m.id).sort(byStep) as SeriesEval[]),
    diverged: divergedAt(m.id).length > 0,
  }));
  const gone = series.filter((s) => s.diverged);
  const at = (s: Series) => `${s.label} diverged at step ${list(divergedAt(s.key).map(String))}${runs.length > 1 ? ` (${divergedAt(s.key).length} of ${runs.length} seeds)` : ''}`;
  const note = gone.length ? `${list(gone.map(at))} and ${gone.length > 1 ? 'are' : 'is'} left out.` : '';
  const frontNote = gone.length ? `${list(gone.map((s) => s.label))} diverged; ${gone.length > 1 ? 'their' : 'its'} checkpoints before that count too.` : '';
  const live = series.filter((s) => !s.diverged);
  const st = stats(live, series);
  const bestWords = "At each method's lowest target loss";
  const claims = [
    learnsLess(st, note, judge),
    forgetsLess(st, live, note, judge, bestWords),
    oneCurve(series, frontNote, judge),
    regularizers(st, live, note, judge, bestWords),
    diversityClaim(st, series, note, judge),
    rankClaim(st, series, note, judge, width),
    claim(7, 'Not measured in a single run: run a learning-rate sweep (several learning rates per method).', 'not-measured'),
    modulesOrSweep(modulesAndRank(st, note, judge)),
  ];
  return claims.map(sane);
}

/** A run that does not vary modules or rank points to the sweep that does. */
function modulesOrSweep(c: Claim): Claim {
  if (c.verdict !== 'not-measured') return c;
  return { ...c, measured: `${c.measured} The target-modules and rank sweeps do this.` };
}

/**
 * Claims for findings 1–8 from a sweep's cells (each carrying every seed's evaluations, see
 * mergeSeedCells); findings 1, 2, 4 and 8 compare each family at its best learning rate (lowest mean
 * target loss over the seeds), and 2 and 4 also at equal learning.
 */
export function sweepClaims(cells: readonly SweepCellResult[], judge: Judge = NO_JUDGE): Claim[] {
  const series: Series[] = cells.map((c) => ({
    key: c.cellId, label: `${c.familyLabel} @ ${fmtLr(c.lr)}`, kind: c.kind, lr: c.lr, rank: c.rank, targets: c.targets,
    weightDecay: c.weightDecay ?? 0, dropout: c.dropout ?? 0,
    seeds: seedEvals(c).map((evals) => [...evals].sort(byStep)), diverged: c.diverged,
  }));
  const best = new Set(bestPerFamily(cells).map((c) => c.cellId));
  const families = [...new Map(cells.map((c) => [c.family, c.familyLabel])).entries()];
  const dead = families.filter(([f]) => !cells.some((c) => c.family === f && best.has(c.cellId))).map(([, label]) => label);
  const note = dead.length ? `${list(dead)} diverged (or has no evaluation) at every learning rate and ${dead.length > 1 ? 'are' : 'is'} left out.` : '';
  const bestSeries = series.filter((s) => best.has(s.key));
  const st = stats(bestSeries, series);
  const plainFamilies = new Set(cells.filter((c) => c.kind === 'full' && !(c.weightDecay ?? 0) && !(c.dropout ?? 0)).map((c) => c.family));
  // A grid with one rate per family has no best rate to pick: say which rate it is, not "its best".
  const rates = new Map<string, Set<number>>();
  for (const c of cells) rates.set(c.family, (rates.get(c.family) ?? new Set()).add(c.lr));
  const single = [...rates.values()].every((r) => r.size === 1);
  const shared = new Set(cells.map((c) => c.lr));
  const bestWords = !single ? "At each family's best learning rate"
    : shared.size === 1 ? `At the grid's one learning rate, ${fmtLr([...shared][0])}, for every family (not each family's own best)`
      : "At each family's one learning rate in this grid (not necessarily its best)";
  const atBest = (c: Claim) => (c.verdict === 'not-measured' ? c : { ...c, measured: `${single ? bestWords : 'Each family at its best learning rate'}. ${c.measured}` });
  const claims = [
    atBest(learnsLess(st, note, judge)),
    forgetsLess(st, bestSeries, note, judge, bestWords),
    oneCurve(series, '', judge),
    regularizers(st, bestSeries, note, judge, bestWords),
    claim(5, 'Not measured in a sweep: run an experiment with diversity sampling on to compare the generations.', 'not-measured'),
    claim(6, "Not measured in a sweep: open a finished run's weight-change spectra.", 'not-measured'),
    lrClaim(cells, plainFamilies, judge),
    atBest(modulesAndRank(st, note, judge)),
  ];
  return claims.map(sane);
}
