// The learn–forget plane: Pareto fronts of checkpoints, each method's point of best target skill,
// the equal-learning comparison (the source loss each method had when it first reached a target-loss
// level, interpolated between evaluations) and learning-rate sensitivity over a sweep's cells.
// Pure functions over evaluation points; lower target loss (learning) and lower source loss (less
// forgetting) are both better. Non-finite points (a diverged method) are skipped, never compared.

/** One evaluation on the learn–forget plane. */
export interface LFPoint {
  step: number;
  targetLoss: number;
  sourceLoss: number;
}

/** One cell of a sweep (a method family at one learning rate) and its evaluations. */
export interface SweepCellResult {
  cellId: string;
  family: string;
  familyLabel: string;
  kind: 'full' | 'lora';
  rank?: number;
  targets?: string[];
  weightDecay?: number;
  dropout?: number;
  lr: number;
  /** The first seed's evaluations (the only seed's, for a run of one seed). */
  evals: LFPoint[];
  /** Every seed's evaluations, the first being `evals`; absent for one seed. */
  seeds?: LFPoint[][];
  diverged: boolean;
}

/** A cell's evaluations, one list per seed. */
export const seedEvals = (c: SweepCellResult): LFPoint[][] => c.seeds ?? [c.evals];

/** Each seed's lowest target loss, the base model's step 0 included (NaN for a seed without a finite evaluation). */
export function bestTargets(c: SweepCellResult): number[] {
  return seedEvals(c).map((evals) => bestPoint(evals)?.targetLoss ?? NaN);
}

/** The mean over seeds of the lowest target loss; NaN when some seed has none. */
export function meanBestTarget(c: SweepCellResult): number {
  const v = bestTargets(c);
  return v.reduce((a, b) => a + b, 0) / v.length;
}

export interface LrCurve {
  family: string;
  label: string;
  kind: 'full' | 'lora';
  /** The learning rate of the family's best cell (see bestPerFamily); null when every cell diverged or has no finite evaluation. */
  bestLr: number | null;
  /**
   * One point per cell, by learning rate: bestTarget is the mean over seeds of the lowest target loss
   * (bestTargets each seed's), sourceAtBest and step the first seed's. NaN where a cell has no finite evaluation.
   */
  points: Array<{ lr: number; bestTarget: number; bestTargets: number[]; sourceAtBest: number; step: number; diverged: boolean }>;
}

export interface EqualLearningRow {
  key: string;
  label: string;
  reached: boolean;
  step: number | null;
  sourceLoss: number | null;
  /** sourceLoss minus the series' own step-0 (base model) source loss; null without a step-0 evaluation. */
  sourceRise: number | null;
}

const finite = (p: LFPoint) => Number.isFinite(p.step) && Number.isFinite(p.targetLoss) && Number.isFinite(p.sourceLoss);

/**
 * Non-dominated points (lower target loss and lower source loss are both better), sorted by targetLoss
 * ascending; non-finite points ignored. A point is dominated when another is no worse on both axes and
 * better on one, so exact duplicates of a front point are all kept (neither dominates the other).
 */
export function paretoFront<T extends LFPoint>(points: readonly T[]): T[] {
  const sorted = points.filter(finite).sort((a, b) => a.targetLoss - b.targetLoss || a.sourceLoss - b.sourceLoss);
  const front: T[] = [];
  for (const p of sorted) {
    const last = front[front.length - 1];
    if (!last || p.sourceLoss < last.sourceLoss) front.push(p);
    else if (p.sourceLoss === last.sourceLoss && p.targetLoss === last.targetLoss) front.push(p);
  }
  return front;
}

/** The evaluation with the lowest finite target loss (earliest on ties): the paper's "point of best target skill". */
export function bestPoint<T extends LFPoint>(evals: readonly T[]): T | null {
  let best: T | null = null;
  for (const e of evals) {
    if (!finite(e)) continue;
    if (!best || e.targetLoss < best.targetLoss || (e.targetLoss === best.targetLoss && e.step < best.step)) best = e;
  }
  return best;
}

/** The step-0 (base model) evaluation with finite losses, if any. */
export function basePoint<T extends LFPoint>(evals: readonly T[]): T | null {
  return evals.find((e) => e.step === 0 && finite(e)) ?? null;
}

/**
 * First time target loss <= level (evals sorted by step), step and sourceLoss linearly interpolated
 * between the two evaluations around the crossing; null if never reached. Non-finite evaluations are
 * skipped, so a crossing is interpolated between the finite evaluations on either side of it.
 */
export function firstReach(evals: readonly LFPoint[], level: number): { step: number; sourceLoss: number } | null {
  if (!Number.isFinite(level)) return null;
  const pts = evals.filter(finite).sort((a, b) => a.step - b.step);
  for (let i = 0; i < pts.length; i++) {
    const b = pts[i];
    if (b.targetLoss > level) continue;
    const a = pts[i - 1];
    if (!a || b.targetLoss === level) return { step: b.step, sourceLoss: b.sourceLoss };
    // a is above the level (else we would have returned at a), b at or below: the crossing lies between.
    const f = (a.targetLoss - level) / (a.targetLoss - b.targetLoss);
    return { step: a.step + f * (b.step - a.step), sourceLoss: a.sourceLoss + f * (b.sourceLoss - a.sourceLoss) };
  }
  return null;
}

/** For a target-loss level, the source loss each series had when it first reached it. */
export function equalLearning(
  series: ReadonlyArray<{ key: string; label: string; evals: LFPoint[] }>,
  level: number,
): EqualLearningRow[] {
  return series.map(({ key, label, evals }) => {
    const hit = firstReach(evals, level);
    const base = basePoint(evals);
    return {
      key,
      label,
      reached: hit !== null,
      step: hit ? hit.step : null,
      sourceLoss: hit ? hit.sourceLoss : null,
      sourceRise: hit && base ? hit.sourceLoss - base.sourceLoss : null,
    };
  });
}

/** Default level for the equal-learning comparison: the lowest target loss reached by any LoRA series (null if none). */
export function defaultEqualLevel(series: ReadonlyArray<{ kind: 'full' | 'lora'; evals: LFPoint[] }>): number | null {
  let level: number | null = null;
  for (const s of series) {
    if (s.kind !== 'lora') continue;
    const b = bestPoint(s.evals);
    if (b && (level === null || b.targetLoss < level)) level = b.targetLoss;
  }
  return level;
}

/** Families in the order their first cell appears. */
function byFamily(cells: readonly SweepCellResult[]): SweepCellResult[][] {
  const groups = new Map<string, SweepCellResult[]>();
  for (const c of cells) {
    const g = groups.get(c.family);
    if (g) g.push(c);
    else groups.set(c.family, [c]);
  }
  return [...groups.values()];
}

/**
 * The cell with the lowest best target loss (mean over seeds) among the cells that did not diverge
 * (earliest in the family on ties): a learning rate that blew up is not a usable setting, whatever
 * it reached before.
 */
function bestCell(cells: readonly SweepCellResult[]): SweepCellResult | null {
  let best: SweepCellResult | null = null;
  let bestLoss = Infinity;
  for (const c of cells) {
    if (c.diverged) continue;
    const m = meanBestTarget(c);
    if (Number.isFinite(m) && m < bestLoss) {
      best = c;
      bestLoss = m;
    }
  }
  return best;
}

/** One curve per family (in the order families first appear), points by learning rate. */
export function lrSensitivity(cells: readonly SweepCellResult[]): LrCurve[] {
  return byFamily(cells).map((group) => {
    const best = bestCell(group);
    const points = [...group]
      .sort((a, b) => a.lr - b.lr)
      .map((c) => {
        const b = bestPoint(c.evals);
        const mean = meanBestTarget(c);
        return {
          lr: c.lr, bestTarget: Number.isFinite(mean) ? mean : NaN, bestTargets: bestTargets(c),
          sourceAtBest: b?.sourceLoss ?? NaN, step: b?.step ?? NaN, diverged: c.diverged,
        };
      });
    return { family: group[0].family, label: group[0].familyLabel, kind: group[0].kind, bestLr: best ? best.lr : null, points };
  });
}

/**
 * Per family, the cell with the lowest best target loss (cells that diverged are not candidates);
 * families whose every cell diverged or has no finite evaluation are left out.
 */
export function bestPerFamily(cells: readonly SweepCellResult[]): SweepCellResult[] {
  return byFamily(cells).flatMap((g) => {
    const b = bestCell(g);
    return b ? [b] : [];
  });
}

/**
 * One grid's cells over several seeds: each seed's cells (the same grid, as cellResults gives them)
 * merged into one list whose cells carry every seed's evaluations (`seeds`; `evals` is the first
 * seed's). A cell counts as diverged when it diverged in any seed.
 */
export function mergeSeedCells(bySeed: ReadonlyArray<readonly SweepCellResult[]>): SweepCellResult[] {
  if (bySeed.length === 0) return [];
  if (bySeed.length === 1) return [...bySeed[0]];
  return bySeed[0].map((c) => {
    const same = bySeed.map((cells) => cells.find((x) => x.cellId === c.cellId));
    if (same.some((x) => !x)) throw new Error(`mergeSeedCells: cell ${c.cellId} is missing from a seed (different grids?)`);
    return { ...c, seeds: same.map((x) => x!.evals), diverged: same.some((x) => x!.diverged) };
  });
}
