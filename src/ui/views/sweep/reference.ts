// What the sweep charts draw of a recorded tour sweep (its cells over seeds, from the curves file:
// referenceCells): the same derivations as for a student's sweep (model.ts, analysis/front.ts), made
// once per seed and summarised as the mean over seeds with the lowest and highest seed. Each family's
// best learning rate is chosen on the mean over seeds (bestPerFamily), then read in every seed at that
// rate. Cells that diverged in some seed are left out of the curves and the plane (a learning rate
// that blew up is not a usable setting). Pure, so it is tested without React.
import {
  bestPerFamily, bestPoint, bestTargets, lrSensitivity, mergeSeedCells, paretoFront, seedEvals, type LFPoint, type SweepCellResult,
} from '../../../experiment/analysis/front';
import { cellResults } from '../../../experiment/sweep/cells';
import type { SweepConfig } from '../../../experiment/sweep/config';
import type { TourCurves } from '../../../experiment/tour/curves';
import { seedSpread, type SeedSpread } from '../../../experiment/tour/reference';
import { fullReferences, moduleBars, planePoints, rankPoints } from './model';

/** A mean over seeds as a chart point: the value, and the error bar's distances down to the lowest seed and up to the highest. */
export interface RefValue { mean: number; err: [number, number]; n: number }

const refValue = (s: SeedSpread | null): RefValue | null => (s ? { mean: s.mean, err: [s.mean - s.min, s.max - s.mean], n: s.n } : null);

/** A recorded sweep's cells with every seed's evaluations (analysis/front.ts reads them per seed). */
export function referenceCells(curves: TourCurves, sweep: SweepConfig): SweepCellResult[] {
  return mergeSeedCells(curves.seeds.map((s) => cellResults(sweep, s.evals, new Set(Object.keys(s.diverged)))));
}

/** How many seeds the cells hold. */
export const seedCount = (cells: readonly SweepCellResult[]) => Math.max(1, ...cells.map((c) => seedEvals(c).length));

/** One seed's cells, as a one-seed sweep would have them. */
export function seedCells(cells: readonly SweepCellResult[], k: number): SweepCellResult[] {
  return cells.map((c) => ({ ...c, evals: seedEvals(c)[k] ?? [], seeds: undefined }));
}

export interface RefLrCurve {
  family: string;
  label: string;
  /** The family's best rate on the mean over seeds (null when every cell diverged). */
  bestLr: number | null;
  /** By learning rate: each seed's lowest target loss, and the source loss at that point. */
  points: Array<{ lr: number; bestTarget: RefValue; sourceAtBest: RefValue }>;
}

/** The learning-rate charts' curves over seeds. */
export function refLrCurves(cells: readonly SweepCellResult[]): RefLrCurve[] {
  return lrSensitivity(cells).map((curve) => {
    const group = cells.filter((c) => c.family === curve.family && !c.diverged).sort((a, b) => a.lr - b.lr);
    const points = group.flatMap((c) => {
      const bestTarget = refValue(seedSpread(bestTargets(c)));
      const sourceAtBest = refValue(seedSpread(seedEvals(c).map((e) => bestPoint(e)?.sourceLoss ?? NaN)));
      return bestTarget && sourceAtBest ? [{ lr: c.lr, bestTarget, sourceAtBest }] : [];
    });
    return { family: curve.family, label: curve.label, bestLr: curve.bestLr, points };
  });
}

/** Rows of per-seed tables joined by family, with the spread of each numeric field named in `fields`. */
function bySeedFamily<T extends { family: string }, K extends keyof T>(perSeed: readonly (readonly T[])[], fields: readonly K[]): Array<T & Record<`${K & string}Ref`, RefValue>> {
  const first = perSeed[0] ?? [];
  return first.flatMap((row) => {
    const same = perSeed.map((rows) => rows.find((r) => r.family === row.family));
    const out: Record<string, unknown> = { ...row };
    for (const f of fields) {
      const v = refValue(seedSpread(same.map((r) => (typeof r?.[f] === 'number' ? (r[f] as number) : NaN))));
      if (!v) return [];
      out[`${String(f)}Ref`] = v;
      out[f as string] = v.mean;
    }
    return [out as T & Record<`${K & string}Ref`, RefValue>];
  });
}

/** The rank charts over seeds: LoRA families at their best rate, at their last evaluation; full fine-tuning's levels. */
export function refRank(cells: readonly SweepCellResult[]) {
  const best = bestPerFamily(cells);
  const perSeed = Array.from({ length: seedCount(cells) }, (_, k) => seedCells(best, k));
  return {
    points: bySeedFamily(perSeed.map(rankPoints), ['targetLoss', 'sourceLoss']),
    fulls: bySeedFamily(perSeed.map(fullReferences), ['targetLoss', 'sourceLoss']),
  };
}

/** The target-module charts over seeds (source rise above the base model's source loss). */
export function refModuleBars(cells: readonly SweepCellResult[], baseSource: number | null) {
  const best = bestPerFamily(cells);
  const perSeed = Array.from({ length: seedCount(cells) }, (_, k) => moduleBars(seedCells(best, k), baseSource));
  return bySeedFamily(perSeed, baseSource === null ? ['bestTarget'] : ['bestTarget', 'sourceRise']);
}

/** Each step's mean over seeds of a cell's losses (steps where every seed has finite losses). */
export function meanEvals(c: SweepCellResult): LFPoint[] {
  const all = seedEvals(c);
  const steps = [...new Set(all.flatMap((e) => e.map((p) => p.step)))].sort((a, b) => a - b);
  return steps.flatMap((step) => {
    const at = all.map((e) => e.find((p) => p.step === step));
    if (at.some((p) => !p || !Number.isFinite(p.targetLoss) || !Number.isFinite(p.sourceLoss))) return [];
    const mean = (k: 'targetLoss' | 'sourceLoss') => at.reduce((a, p) => a + p![k], 0) / at.length;
    return [{ step, targetLoss: mean('targetLoss'), sourceLoss: mean('sourceLoss') }];
  });
}

/** The plane over seeds: every cell's mean checkpoints after step 0, and their Pareto front. */
export function refPlane(cells: readonly SweepCellResult[]) {
  const kept = cells.filter((c) => !c.diverged).map((c) => ({ ...c, evals: meanEvals(c), seeds: undefined }));
  const points = planePoints(kept);
  return { points, front: paretoFront(points) };
}
