// A tour run's recorded curves (curves.ts) turned into what the charts draw as the reference beside
// a student's run: per method (or sweep cell) and step, the mean over seeds with the min–max spread,
// mean paths on the learn–forget plane, and the legend's words. Pure, and it imports only types and the
// small noise module, so the charts' download stays free of the tour (which seeds belong to a run's config is decided when
// the file loads: reference-match.ts). A value is skipped when it is not finite or when its method had
// already diverged in that seed (its frozen, blown-up state is not a point of the curve).

import { spreadOf } from '../analysis/noise';
import type { EvalPoint } from '../protocol';
import type { SeedCurves, TourCurves } from './curves';
import type { TourRun } from './steps';

/** Mean, lowest and highest value over the seeds that have one, and how many did. */
export interface SeedSpread {
  mean: number;
  min: number;
  max: number;
  n: number;
}

/** The spread of the finite values (noise.ts's spreadOf, without the values themselves); null when none is finite. */
export function seedSpread(values: readonly number[]): SeedSpread | null {
  const s = spreadOf(values);
  return s && { mean: s.mean, min: s.min, max: s.max, n: s.n };
}

/** A seed's evaluations that count: before the step its method diverged at (if it did). */
export function keptEvals(seed: SeedCurves): EvalPoint[] {
  return seed.evals.filter((e) => seed.diverged[e.method] === undefined || e.step < seed.diverged[e.method]);
}

/** Per method (in the order methods first appear), per step (ascending): the spread over seeds of `pick`. */
export function referenceStats(curves: TourCurves, pick: (e: EvalPoint) => number | undefined): Map<string, Array<SeedSpread & { step: number }>> {
  const values = new Map<string, Map<number, number[]>>();
  for (const seed of curves.seeds) {
    for (const e of keptEvals(seed)) {
      const v = pick(e);
      if (v === undefined || !Number.isFinite(v)) continue;
      const bySteps = values.get(e.method) ?? new Map<number, number[]>();
      bySteps.set(e.step, [...(bySteps.get(e.step) ?? []), v]);
      values.set(e.method, bySteps);
    }
  }
  const out = new Map<string, Array<SeedSpread & { step: number }>>();
  for (const [method, bySteps] of values) {
    out.set(method, [...bySteps].sort((a, b) => a[0] - b[0]).map(([step, v]) => ({ step, ...seedSpread(v)! })));
  }
  return out;
}

/** The chart column of a method's reference mean, and of its [min, max] band. */
export const refKey = (method: string) => `ref:${method}`;
export const bandKey = (method: string) => `ref:${method}:band`;

export type ChartRow = Record<string, number | [number, number]> & { step: number };

/** One row per step: each method's mean over seeds under refKey, its [min, max] under bandKey. */
export function referenceRows(curves: TourCurves, pick: (e: EvalPoint) => number | undefined): ChartRow[] {
  const rows = new Map<number, ChartRow>();
  for (const [method, points] of referenceStats(curves, pick)) {
    for (const p of points) {
      const row = rows.get(p.step) ?? { step: p.step };
      row[refKey(method)] = p.mean;
      row[bandKey(method)] = [p.min, p.max];
      rows.set(p.step, row);
    }
  }
  return [...rows.values()].sort((a, b) => a.step - b.step);
}

/** Rows of several tables joined by their `step` (a step in only one keeps only its columns), sorted by step. */
export function mergeRows(...tables: ReadonlyArray<ReadonlyArray<Readonly<Record<string, unknown>>>>): Array<Record<string, unknown>> {
  const rows = new Map<number, Record<string, unknown>>();
  for (const r of tables.flat()) rows.set(r.step as number, { ...rows.get(r.step as number), ...r });
  return [...rows.values()].sort((x, y) => (x.step as number) - (y.step as number));
}

/** Each method's mean path on the learn–forget plane: steps where both losses have a mean over seeds. */
export function referencePaths(curves: TourCurves): Map<string, Array<{ step: number; targetLoss: number; sourceLoss: number }>> {
  const target = referenceStats(curves, (e) => e.targetLoss);
  const source = referenceStats(curves, (e) => e.sourceLoss);
  const out = new Map<string, Array<{ step: number; targetLoss: number; sourceLoss: number }>>();
  for (const [method, points] of target) {
    const src = new Map((source.get(method) ?? []).map((p) => [p.step, p.mean]));
    out.set(method, points.flatMap((p) => (src.has(p.step) ? [{ step: p.step, targetLoss: p.mean, sourceLoss: src.get(p.step)! }] : [])));
  }
  return out;
}

/** How the legend names the reference: its length, base and number of seeds. */
export function referenceLabel(curves: TourCurves, run: TourRun): string {
  const c = run.kind === 'experiment' ? run.config : run.sweep;
  const n = curves.seeds.length;
  return `reference: ${c.steps} steps, base “${c.base}”, ${n} seed${n === 1 ? '' : 's'}`;
}
