// Known-answer tests of the learn–forget analysis: Pareto fronts, best points, equal-learning
// interpolation and learning-rate sensitivity, on hand-built points whose answers are worked out here.
import { describe, expect, it } from 'vitest';
import {
  bestPerFamily, bestPoint, defaultEqualLevel, equalLearning, firstReach, lrSensitivity, paretoFront,
  type LFPoint, type SweepCellResult,
} from './front';

const p = (step: number, targetLoss: number, sourceLoss: number, id = ''): LFPoint & { id: string } => ({ step, targetLoss, sourceLoss, id });

describe('paretoFront', () => {
  it('drops dominated points and sorts by target loss', () => {
    const pts = [p(1, 3, 1, 'a'), p(2, 2, 2, 'b'), p(3, 1, 3, 'c'), p(4, 2.5, 2.5, 'dominated by b'), p(5, 3, 3, 'dominated by all')];
    expect(paretoFront(pts).map((x) => x.id)).toEqual(['c', 'b', 'a']);
  });

  it('keeps exact duplicates on the front but drops a point tied on one axis and worse on the other', () => {
    const pts = [p(1, 2, 2, 'a'), p(2, 2, 2, 'a2'), p(3, 2, 2.5, 'same target, more forgetting'), p(4, 2.5, 2, 'same source, less learning')];
    expect(paretoFront(pts).map((x) => x.id)).toEqual(['a', 'a2']);
  });

  it('ignores non-finite points', () => {
    const pts = [p(1, NaN, 0, 'nan'), p(2, 1, Infinity, 'inf'), p(3, 2, 2, 'ok'), p(4, 3, 1, 'ok2')];
    expect(paretoFront(pts).map((x) => x.id)).toEqual(['ok', 'ok2']);
    expect(paretoFront([])).toEqual([]);
  });
});

describe('bestPoint', () => {
  it('takes the lowest finite target loss, the earliest step on ties', () => {
    expect(bestPoint([p(0, 5, 1), p(20, 2, 2), p(10, 2, 3), p(30, NaN, 1)])).toEqual(p(10, 2, 3));
    expect(bestPoint([p(0, NaN, 1)])).toBeNull();
  });
});

describe('firstReach', () => {
  const evals = [p(0, 5, 2), p(10, 4, 2.2), p(20, 2, 2.6), p(30, 3, 2.4), p(40, 1, 3)];

  it('returns an evaluation that hits the level exactly', () => {
    expect(firstReach(evals, 4)).toEqual({ step: 10, sourceLoss: 2.2 });
  });

  it('interpolates step and source loss between the evaluations around the crossing', () => {
    // 4 → 2 between steps 10 and 20; level 3 is halfway: step 15, source (2.2 + 2.6) / 2.
    const r = firstReach(evals, 3)!;
    expect(r.step).toBeCloseTo(15, 12);
    expect(r.sourceLoss).toBeCloseTo(2.4, 12);
    // level 3.5 is a quarter of the way: step 12.5, source 2.3.
    const q = firstReach(evals, 3.5)!;
    expect(q.step).toBeCloseTo(12.5, 12);
    expect(q.sourceLoss).toBeCloseTo(2.3, 12);
  });

  it('takes the first of several crossings', () => {
    // 2.5 is crossed between 10 and 20 (first) and again between 30 and 40.
    expect(firstReach(evals, 2.5)!.step).toBeCloseTo(17.5, 12);
  });

  it('returns null when the level is never reached', () => {
    expect(firstReach(evals, 0.5)).toBeNull();
    expect(firstReach([], 1)).toBeNull();
    expect(firstReach(evals, NaN)).toBeNull();
  });

  it('sorts by step and skips non-finite evaluations', () => {
    const shuffled = [p(20, 2, 3), p(10, NaN, 9), p(0, 4, 2)];
    // Crossing of 3 interpolated between steps 0 and 20: halfway, source 2.5.
    const r = firstReach(shuffled, 3)!;
    expect(r.step).toBeCloseTo(10, 12);
    expect(r.sourceLoss).toBeCloseTo(2.5, 12);
  });

  it('returns the first evaluation when it is already at the level', () => {
    expect(firstReach(evals, 6)).toEqual({ step: 0, sourceLoss: 2 });
  });
});

describe('equalLearning and defaultEqualLevel', () => {
  const full = { key: 'full', label: 'Full', kind: 'full' as const, evals: [p(0, 5, 2), p(10, 3, 2.5), p(20, 1, 3)] };
  const lora = { key: 'r8', label: 'LoRA r=8', kind: 'lora' as const, evals: [p(0, 5, 2), p(10, 4, 2.1), p(20, 3, 2.2)] };
  const lora2 = { key: 'r1', label: 'LoRA r=1', kind: 'lora' as const, evals: [p(0, 5, 2), p(20, 4, 2.05)] };

  it('defaults to the lowest target loss any LoRA series reached', () => {
    expect(defaultEqualLevel([full, lora, lora2])).toBe(3);
    expect(defaultEqualLevel([full])).toBeNull();
  });

  it('gives each series the source loss and rise where it first reached the level', () => {
    const rows = equalLearning([full, lora, lora2], 3);
    expect(rows[0]).toEqual({ key: 'full', label: 'Full', reached: true, step: 10, sourceLoss: 2.5, sourceRise: 0.5 });
    expect(rows[1].reached).toBe(true);
    expect(rows[1].step).toBe(20);
    expect(rows[1].sourceRise).toBeCloseTo(0.2, 12);
    expect(rows[2]).toEqual({ key: 'r1', label: 'LoRA r=1', reached: false, step: null, sourceLoss: null, sourceRise: null });
  });

  it('has no rise without a step-0 evaluation', () => {
    const rows = equalLearning([{ key: 'x', label: 'x', evals: [p(10, 4, 2), p(20, 2, 3)] }], 3);
    expect(rows[0].sourceLoss).toBeCloseTo(2.5, 12);
    expect(rows[0].sourceRise).toBeNull();
  });
});

const cell = (family: string, kind: 'full' | 'lora', lr: number, best: number, diverged = false): SweepCellResult => ({
  cellId: `${family}-${lr}`, family, familyLabel: family.toUpperCase(), kind, lr, diverged,
  evals: [p(0, 5, 2), p(10, best + 0.5, 2.1), p(20, best, 2 + lr * 100)],
});

describe('lrSensitivity and bestPerFamily', () => {
  const cells = [
    cell('lora', 'lora', 1e-2, 2.4), cell('full', 'full', 1e-3, 1.8), cell('lora', 'lora', 1e-3, 2.7),
    cell('full', 'full', 3e-3, 1.6), cell('full', 'full', 1e-2, 1.0, true), cell('lora', 'lora', 3e-3, 2.5),
  ];

  it('makes one curve per family, points ordered by learning rate, best LR ignoring diverged cells', () => {
    const curves = lrSensitivity(cells);
    expect(curves.map((c) => c.family)).toEqual(['lora', 'full']);
    expect(curves[0].points.map((x) => x.lr)).toEqual([1e-3, 3e-3, 1e-2]);
    expect(curves[0].points.map((x) => x.bestTarget)).toEqual([2.7, 2.5, 2.4]);
    expect(curves[0].bestLr).toBe(1e-2);
    expect(curves[0].points[2].step).toBe(20);
    expect(curves[0].points[2].sourceAtBest).toBeCloseTo(3, 12);
    // full @ 1e-2 reached 1.0 but diverged: 3e-3 is the best usable setting.
    expect(curves[1].bestLr).toBe(3e-3);
    expect(curves[1].points[2].diverged).toBe(true);
  });

  it('picks one cell per family and drops families whose cells all diverged', () => {
    const best = bestPerFamily([...cells, cell('dead', 'full', 1e-1, 1, true)]);
    expect(best.map((c) => c.cellId)).toEqual(['lora-0.01', 'full-0.003']);
    expect(lrSensitivity([cell('dead', 'full', 1e-1, 1, true)])[0].bestLr).toBeNull();
  });

  it('gives NaN points for a cell without finite evaluations', () => {
    const empty: SweepCellResult = { ...cell('x', 'lora', 1e-3, 2), evals: [p(0, NaN, NaN)] };
    const [curve] = lrSensitivity([empty]);
    expect(curve.bestLr).toBeNull();
    expect(Number.isNaN(curve.points[0].bestTarget)).toBe(true);
  });
});
