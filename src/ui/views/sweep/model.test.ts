// The sweep view's derivations against hand-worked answers: names of target-module sets,
// which comparisons a grid allows, the rank and module charts' points, and number formats.
import { describe, expect, it } from 'vitest';
import type { SweepCellResult } from '../../../experiment/analysis/front';
import type { SweepConfig } from '../../../experiment/sweep/config';
import { fmtEta, fmtLr, moduleBars, parseLrList, planePoints, rankPoints, sweepVaries, targetsName } from './model';

const cell = (family: string, kind: 'full' | 'lora', lr: number, evals: Array<[number, number, number]>, extra: Partial<SweepCellResult> = {}): SweepCellResult => ({
  cellId: `${family}-${lr}`, family, familyLabel: family, kind, lr, diverged: false,
  evals: evals.map(([step, targetLoss, sourceLoss]) => ({ step, targetLoss, sourceLoss })), ...extra,
});

const ALL = ['q', 'k', 'v', 'o', 'gate', 'up', 'down'];
const grid = (families: Array<{ kind: 'full' | 'lora'; rank?: number; targets?: string[] }>) =>
  ({ families: families.map((f, i) => ({ id: `f${i}`, lrs: [1e-3], ...f })) }) as unknown as SweepConfig;

describe('sweep view model', () => {
  it('names the paper’s target-module sets in any order', () => {
    expect(targetsName(['o', 'v', 'k', 'q'])).toBe('Attention');
    expect(targetsName(['down', 'gate', 'up'])).toBe('MLP');
    expect(targetsName(ALL)).toBe('All');
    expect(targetsName(['q', 'v'])).toBe('q,v');
  });

  it('shows the rank charts only for several ranks and the module charts only for several sets at one rank', () => {
    expect(sweepVaries(grid([{ kind: 'full' }, { kind: 'lora', rank: 4, targets: ALL }]))).toEqual({ rank: false, targets: false });
    expect(sweepVaries(grid([{ kind: 'lora', rank: 2, targets: ALL }, { kind: 'lora', rank: 8, targets: ALL }]))).toEqual({ rank: true, targets: false });
    expect(sweepVaries(grid([{ kind: 'lora', rank: 2, targets: ALL }, { kind: 'lora', rank: 8, targets: ['q', 'k', 'v', 'o'] }]))).toEqual({ rank: true, targets: false });
    expect(sweepVaries(grid([{ kind: 'lora', rank: 4, targets: ['gate', 'up', 'down'] }, { kind: 'lora', rank: 4, targets: ['q', 'k', 'v', 'o'] }]))).toEqual({ rank: false, targets: true });
    expect(sweepVaries(null)).toEqual({ rank: false, targets: false });
  });

  it('rank points use each LoRA family’s last finite evaluation, sorted by rank; full is left out', () => {
    const best = [
      cell('r8', 'lora', 1e-2, [[0, 5, 1.8], [2, 3, 2.0], [4, NaN, NaN]], { rank: 8, targets: ALL }),
      cell('full', 'full', 1e-3, [[0, 5, 1.8], [4, 2, 2.5]]),
      cell('r2', 'lora', 3e-2, [[0, 5, 1.8], [4, 3.5, 1.9]], { rank: 2, targets: ALL }),
    ];
    expect(rankPoints(best).map((p) => [p.family, p.rank, p.targetLoss, p.sourceLoss])).toEqual([['r2', 2, 3.5, 1.9], ['r8', 8, 3, 2.0]]);
  });

  it('module bars compare sets at a shared rank, at the point of best target loss, with the source rise over the base', () => {
    const best = [
      cell('att', 'lora', 1e-2, [[0, 5, 1.75], [2, 3.0, 2.0], [4, 3.2, 2.25]], { rank: 4, targets: ['q', 'k', 'v', 'o'] }),
      cell('mlp', 'lora', 1e-2, [[0, 5, 1.75], [2, 2.5, 2.5]], { rank: 4, targets: ['gate', 'up', 'down'] }),
      cell('lone', 'lora', 1e-2, [[0, 5, 1.75], [2, 2.0, 2.0]], { rank: 16, targets: ALL }),
    ];
    const bars = moduleBars(best, 1.75);
    expect(bars.map((b) => [b.name, b.bestTarget, b.sourceRise])).toEqual([['Attention r=4', 3.0, 0.25], ['MLP r=4', 2.5, 0.75]]);
    expect(moduleBars(best, null)[0].sourceRise).toBeNull();
  });

  it('the plane leaves out step 0 and non-finite checkpoints', () => {
    const pts = planePoints([cell('full', 'full', 1e-3, [[0, 5, 1.8], [2, 3, 2], [4, Infinity, 2]])]);
    expect(pts.map((p) => [p.step, p.targetLoss])).toEqual([[2, 3]]);
    expect(pts[0].label).toBe('full @ 1e-3');
  });

  it('formats learning rates and time left', () => {
    expect([0.003, 0.01, 0.0025, 1e-4, 0.1].map(fmtLr)).toEqual(['3e-3', '1e-2', '2.5e-3', '1e-4', '1e-1']);
    expect(fmtEta(42.4)).toBe('about 42 s left');
    expect(fmtEta(150)).toBe('about 3 min left');
    expect(fmtEta(null)).toBe('estimating time left…');
  });

  it('reads a list of learning rates, refusing anything that is not a positive number', () => {
    expect(parseLrList('1e-3, 3e-3 0.01')).toEqual([0.001, 0.003, 0.01]);
    expect(parseLrList('1e-3, abc')).toBeNull();
    expect(parseLrList('0, 1e-3')).toBeNull();
    expect(parseLrList('  ')).toBeNull();
  });
});
