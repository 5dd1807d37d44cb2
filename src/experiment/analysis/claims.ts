// The page's honest "what this run shows": for each of the paper's eight findings, whether this run
// or sweep shows it, in a sentence with its own numbers, beside the paper's figure at 7B. Everything
// is computed from the evaluations on screen, so no sentence can be contradicted by the charts; a
// finding the data cannot speak to says what to run instead. Diverged methods are named and left
// out of the comparisons (their checkpoints still count on the learn–forget front).

import type { MethodConfig } from '../config';
import type { EvalPoint } from '../protocol';
import { bestPerFamily, type SweepCellResult } from './front';
import { claim, fmtLr, list, sane, type Claim, type Verdict } from './claims-text';
import {
  forgetsLess, learnsLess, modulesAndRank, oneCurve, regularizers, statOf, type Series, type Stat,
} from './claims-findings';
import { diversityClaim, rankClaim } from './claims-measures';
import { lrClaim } from './claims-sweep';

export type { Claim, Verdict };

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

/**
 * Claims for findings 1–8 from one run: its methods, its evaluations (EvalPoint.method = method id)
 * and the step at which each diverged method diverged.
 */
export function runClaims(
  methods: readonly ClaimMethod[], evals: readonly EvalPoint[], diverged: Readonly<Record<string, number>> = {},
): Claim[] {
  const series: Series[] = methods.map((m) => ({
    key: m.id, label: m.label, kind: m.kind, lr: m.lr, rank: m.rank, targets: m.targets,
    weightDecay: m.weightDecay ?? 0, dropout: m.dropout ?? 0,
    evals: evals.filter((e) => e.method === m.id).sort((a, b) => a.step - b.step),
    diverged: m.id in diverged,
  }));
  const gone = series.filter((s) => s.diverged);
  const note = gone.length
    ? `${list(gone.map((s) => `${s.label} diverged at step ${diverged[s.key]}`))} and ${gone.length > 1 ? 'are' : 'is'} left out.`
    : '';
  const frontNote = gone.length ? `${list(gone.map((s) => s.label))} diverged; ${gone.length > 1 ? 'their' : 'its'} checkpoints before that count too.` : '';
  const st = stats(series.filter((s) => !s.diverged), series);
  const claims = [
    learnsLess(st, note),
    forgetsLess(st, note),
    oneCurve(series, frontNote),
    regularizers(st, note),
    diversityClaim(st, series, note),
    rankClaim(st, series, note),
    claim(7, 'Not measured in a single run: run a learning-rate sweep (several learning rates per method).', 'not-measured'),
    modulesOrSweep(modulesAndRank(st, note)),
  ];
  return claims.map(sane);
}

/** A run that does not vary modules or rank points to the sweep that does. */
function modulesOrSweep(c: Claim): Claim {
  if (c.verdict !== 'not-measured') return c;
  return { ...c, measured: `${c.measured} The target-modules and rank sweeps do this.` };
}

/** Claims for findings 1–8 from a sweep's cells; findings 1, 2, 4 and 8 compare each family at its best learning rate. */
export function sweepClaims(cells: readonly SweepCellResult[]): Claim[] {
  const series: Series[] = cells.map((c) => ({
    key: c.cellId, label: `${c.familyLabel} @ ${fmtLr(c.lr)}`, kind: c.kind, lr: c.lr, rank: c.rank, targets: c.targets,
    weightDecay: c.weightDecay ?? 0, dropout: c.dropout ?? 0,
    evals: [...c.evals].sort((a, b) => a.step - b.step), diverged: c.diverged,
  }));
  const best = new Set(bestPerFamily(cells).map((c) => c.cellId));
  const families = [...new Map(cells.map((c) => [c.family, c.familyLabel])).entries()];
  const dead = families.filter(([f]) => !cells.some((c) => c.family === f && best.has(c.cellId))).map(([, label]) => label);
  const note = dead.length ? `${list(dead)} diverged (or has no evaluation) at every learning rate and ${dead.length > 1 ? 'are' : 'is'} left out.` : '';
  const st = stats(series.filter((s) => best.has(s.key)), series);
  const plainFamilies = new Set(cells.filter((c) => c.kind === 'full' && !(c.weightDecay ?? 0) && !(c.dropout ?? 0)).map((c) => c.family));
  const atBest = (c: Claim) => (c.verdict === 'not-measured' ? c : { ...c, measured: `Each family at its best learning rate. ${c.measured}` });
  const claims = [
    atBest(learnsLess(st, note)),
    atBest(forgetsLess(st, note)),
    oneCurve(series, ''),
    atBest(regularizers(st, note)),
    claim(5, 'Not measured in a sweep: run an experiment with diversity sampling on to compare the generations.', 'not-measured'),
    claim(6, "Not measured in a sweep: open a finished run's weight-change spectra.", 'not-measured'),
    lrClaim(cells, plainFamilies),
    atBest(modulesAndRank(st, note)),
  ];
  return claims.map(sane);
}
