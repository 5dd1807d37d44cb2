// The sweep charts' reference against hand-worked answers: a curves file becomes the grid's cells over
// seeds (a cell that diverged in one seed counts as diverged); two seeds of a small grid give each
// learning rate's mean best target loss with error bars to the lowest and highest seed, the rank and
// module charts read every seed at the family's best rate (chosen on the mean), and the plane holds
// each cell's mean checkpoints (a cell that diverged in some seed left out) and their Pareto front.
import { describe, expect, it } from 'vitest';
import { lrSensitivity, mergeSeedCells, type SweepCellResult } from '../../../experiment/analysis/front';
import type { EvalPoint } from '../../../experiment/protocol';
import type { TourCurves } from '../../../experiment/tour/curves';
import { TOUR_RUNS } from '../../../experiment/tour/steps';
import { meanEvals, referenceCells, refLrCurves, refModuleBars, refPlane, refRank, seedCells, seedCount } from './reference';

const ALL = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'];
type Pts = Array<[number, number, number]>;
const cell = (family: string, kind: 'full' | 'lora', lr: number, evals: Pts, extra: Partial<SweepCellResult> = {}): SweepCellResult => ({
  cellId: `${family}-${lr}`, family, familyLabel: family, kind, lr, diverged: false,
  evals: evals.map(([step, targetLoss, sourceLoss]) => ({ step, targetLoss, sourceLoss })), ...extra,
});
const start: [number, number, number] = [0, 5, 2];

// Seed 1 and seed 2 of the same grid: full at 1e-3 / 1e-2, LoRA r=1 and r=8 (all modules) and r=8 attention at 1e-2.
const seed1 = [
  cell('full', 'full', 1e-3, [start, [100, 3, 2.5], [200, 2.6, 2.6]]),
  cell('full', 'full', 1e-2, [start, [100, 2.5, 2.8], [200, 2.0, 3.0]]),
  cell('r1', 'lora', 1e-2, [start, [100, 3.5, 2.2], [200, 3.2, 2.3]], { rank: 1, targets: ALL }),
  cell('r8', 'lora', 1e-2, [start, [100, 3.2, 2.3], [200, 2.9, 2.4]], { rank: 8, targets: ALL }),
  cell('att8', 'lora', 1e-2, [start, [100, 3.4, 2.2], [200, 3.1, 2.25]], { rank: 8, targets: ['q', 'k', 'v', 'o'] }),
];
const seed2 = [
  cell('full', 'full', 1e-3, [start, [100, 3.2, 2.4], [200, 2.8, 2.5]]),
  cell('full', 'full', 1e-2, [start, [100, 2.7, 2.9], [200, 2.2, 3.2]], { diverged: false }),
  cell('r1', 'lora', 1e-2, [start, [100, 3.7, 2.1], [200, 3.4, 2.2]], { rank: 1, targets: ALL }),
  cell('r8', 'lora', 1e-2, [start, [100, 3.0, 2.3], [200, 2.7, 2.6]], { rank: 8, targets: ALL }),
  cell('att8', 'lora', 1e-2, [start, [100, 3.6, 2.2], [200, 3.3, 2.35]], { rank: 8, targets: ['q', 'k', 'v', 'o'] }),
];
const cells = mergeSeedCells([seed1, seed2]);

describe('sweep reference', () => {
  it("turns a curves file into the grid's cells over seeds", () => {
    const lr = TOUR_RUNS['lr-code'];
    if (lr.kind !== 'sweep') throw new Error('lr-code is a sweep');
    const ev = (method: string, step: number, targetLoss: number): EvalPoint => ({ method, step, targetLoss, sourceLoss: 2 });
    const seedEvals = (k: number): EvalPoint[] => lr.sweep.families.flatMap((f) => f.lrs.flatMap((_, i) => [
      ev(`${f.id}-${i}`, 0, 5), ev(`${f.id}-${i}`, 100, 3 - i * 0.1 + k * 0.05), ev(`${f.id}-${i}`, 200, 3.5),
    ]));
    const sc: TourCurves = {
      version: 1, run: 'lr-code', kind: 'sweep',
      seeds: [1, 2].map((k) => ({ seed: k, configHash: 'f'.repeat(64), evals: seedEvals(k), diverged: (k === 2 ? { 'r8-4': 100 } : {}) as Record<string, number> })),
    };
    const cells = referenceCells(sc, lr.sweep);
    expect(cells.map((c) => c.cellId)).toEqual(['full-0', 'full-1', 'full-2', 'full-3', 'r8-0', 'r8-1', 'r8-2', 'r8-3', 'r8-4']);
    expect(cells[0].seeds).toHaveLength(2);
    expect(cells.find((c) => c.cellId === 'r8-4')!.diverged).toBe(true);
    const full = lrSensitivity(cells)[0];
    expect(full.points[1].bestTargets[0]).toBeCloseTo(2.95);
    expect(full.points[1].bestTargets[1]).toBeCloseTo(3.0);
    expect(full.points[1].bestTarget).toBeCloseTo(2.975);
  });

  it('splits the cells back into seeds', () => {
    expect(seedCount(cells)).toBe(2);
    expect(seedCells(cells, 1)[0].evals[2].targetLoss).toBe(2.8);
    expect(seedCells(cells, 1)[0].seeds).toBeUndefined();
  });

  it("gives each learning rate's mean best target loss and the seeds' range as error bars", () => {
    const [full] = refLrCurves(cells);
    expect(full.bestLr).toBe(1e-2);
    expect(full.points.map((p) => p.lr)).toEqual([1e-3, 1e-2]);
    expect(full.points[1].bestTarget.mean).toBeCloseTo(2.1);
    expect(full.points[1].bestTarget.err[0]).toBeCloseTo(0.1);
    expect(full.points[1].bestTarget.err[1]).toBeCloseTo(0.1);
    // The source loss at each seed's own point of best learning.
    expect(full.points[1].sourceAtBest.mean).toBeCloseTo(3.1);
    expect(full.points[0].sourceAtBest.n).toBe(2);
  });

  it('leaves a cell that diverged in some seed out of the curves and the plane', () => {
    const gone = mergeSeedCells([seed1, seed2.map((c) => (c.cellId === 'full-0.01' ? { ...c, diverged: true } : c))]);
    expect(refLrCurves(gone)[0].points.map((p) => p.lr)).toEqual([1e-3]);
    expect(refPlane(gone).points.some((p) => p.cell === 'full-0.01')).toBe(false);
  });

  it('reads the rank charts at each family’s best rate, in every seed', () => {
    const { points, fulls } = refRank(cells);
    expect(points.map((p) => [p.family, p.rank])).toEqual([['r1', 1], ['r8', 8], ['att8', 8]]);
    const r8 = points.find((p) => p.family === 'r8')!;
    expect(r8.targetLoss).toBeCloseTo(2.8);
    expect(r8.targetLossRef.err.map((x) => Number(x.toFixed(3)))).toEqual([0.1, 0.1]);
    expect(r8.sourceLoss).toBeCloseTo(2.5);
    expect(fulls).toHaveLength(1);
    expect(fulls[0].targetLoss).toBeCloseTo(2.1); // the 1e-2 cell: best on the mean over seeds
  });

  it('compares module sets at equal rank over seeds, as a rise above the base model', () => {
    const bars = refModuleBars(cells, 2);
    expect(bars.map((b) => b.name)).toEqual(['All r=8', 'Attention r=8']);
    expect(bars[1].bestTarget).toBeCloseTo(3.2);
    expect(bars[1].sourceRise).toBeCloseTo(0.3);
    expect(refModuleBars(cells, null)[0].sourceRise).toBeNull();
  });

  it('draws the plane from mean checkpoints, with their front', () => {
    expect(meanEvals(cells[0])).toEqual([{ step: 0, targetLoss: 5, sourceLoss: 2 }, { step: 100, targetLoss: 3.1, sourceLoss: 2.45 }, { step: 200, targetLoss: 2.7, sourceLoss: 2.55 }]);
    const { points, front } = refPlane(cells);
    expect(points).toHaveLength(10);
    expect(points.every((p) => p.step > 0)).toBe(true);
    expect(front[0].cell).toBe('full-0.01');
    for (let i = 1; i < front.length; i++) expect(front[i].sourceLoss).toBeLessThan(front[i - 1].sourceLoss);
  });
});
