// The reference drawn from a tour run's curves: mean, lowest and highest seed per method and step,
// with non-finite values and a diverged method's values from its divergence on left out; rows keyed
// for the charts; mean paths on the plane; only seeds recorded with the run's own config; the legend's
// words. (A sweep's cells over seeds: ui/views/sweep/reference.test.ts.)
import { describe, expect, it } from 'vitest';
import type { EvalPoint } from '../protocol';
import type { SeedCurves, TourCurves } from './curves';
import { configHash } from './results';
import { bandKey, keptEvals, mergeRows, referenceLabel, referencePaths, referenceRows, referenceStats, refKey, seedSpread } from './reference';
import { matchingCurves } from './reference-match';
import { seededRun, TOUR_RUNS } from './steps';

const ev = (method: string, step: number, targetLoss: number, sourceLoss = 2, extra: Partial<EvalPoint> = {}): EvalPoint => ({ method, step, targetLoss, sourceLoss, ...extra });
const run = TOUR_RUNS['english-code'];
const seed = (n: number, evals: EvalPoint[], diverged: Record<string, number> = {}): SeedCurves => ({ seed: n, configHash: configHash(seededRun(run, n)), evals, diverged });
const curves = (seeds: SeedCurves[], over: Partial<TourCurves> = {}): TourCurves => ({ version: 1, run: 'english-code', kind: 'experiment', seeds, ...over });

const two = curves([
  seed(1, [ev('full', 0, 5, 1.8), ev('full', 20, 3, 2.0), ev('r8', 0, 5, 1.8), ev('r8', 20, 4, 1.9)]),
  seed(2, [ev('full', 0, 5, 1.8), ev('full', 20, 2, 2.2), ev('r8', 0, 5, 1.8), ev('r8', 20, NaN, NaN)]),
]);

describe('tour reference', () => {
  it('spreads finite values only', () => {
    expect(seedSpread([1, 3, NaN, Infinity])).toEqual({ mean: 2, min: 1, max: 3, n: 2 });
    expect(seedSpread([NaN])).toBeNull();
  });

  it('gives mean, lowest and highest per method and step, skipping non-finite values', () => {
    const s = referenceStats(two, (e) => e.targetLoss);
    expect([...s.keys()]).toEqual(['full', 'r8']);
    expect(s.get('full')).toEqual([{ step: 0, mean: 5, min: 5, max: 5, n: 2 }, { step: 20, mean: 2.5, min: 2, max: 3, n: 2 }]);
    expect(s.get('r8')![1]).toEqual({ step: 20, mean: 4, min: 4, max: 4, n: 1 });
  });

  it("leaves out a diverged method's evaluations from the step it diverged at", () => {
    const s = seed(1, [ev('full', 0, 5), ev('full', 20, 4), ev('full', 40, 30), ev('full', 60, 30), ev('r8', 40, 3)], { full: 40 });
    expect(keptEvals(s).map((e) => `${e.method}@${e.step}`)).toEqual(['full@0', 'full@20', 'r8@40']);
    const stats = referenceStats(curves([s, seed(2, [ev('full', 40, 2)])]), (e) => e.targetLoss);
    expect(stats.get('full')!.find((p) => p.step === 40)).toEqual({ step: 40, mean: 2, min: 2, max: 2, n: 1 });
  });

  it('keys chart rows by method: the mean and a [min, max] band', () => {
    const rows = referenceRows(two, (e) => e.sourceLoss);
    expect(rows).toHaveLength(2);
    expect(rows[1].step).toBe(20);
    expect(rows[1][refKey('full')]).toBeCloseTo(2.1);
    expect(rows[1][bandKey('full')]).toEqual([2.0, 2.2]);
    expect(rows[1][refKey('r8')]).toBe(1.9);
    // A metric the run did not record gives no rows.
    expect(referenceRows(two, (e) => e.diversity?.entropy)).toEqual([]);
    // Extras such as diversity are read the same way.
    const d = { distinctShare: 1, distinct1: 1, distinct2: 1, distinct3: 1, entropy: 2, samples: [] };
    const withD = curves([seed(1, [ev('full', 0, 5, 2, { diversity: d })]), seed(2, [ev('full', 0, 5, 2, { diversity: { ...d, entropy: 1 } })])]);
    expect(referenceRows(withD, (e) => e.diversity?.entropy)).toEqual([{ step: 0, [refKey('full')]: 1.5, [bandKey('full')]: [1, 2] }]);
  });

  it("joins a run's rows and the reference's by step", () => {
    const merged = mergeRows([{ step: 20, full: 1 }, { step: 0, full: 5 }], [{ step: 0, 'ref:full': 5 }, { step: 40, 'ref:full': 3 }]);
    expect(merged).toEqual([{ step: 0, full: 5, 'ref:full': 5 }, { step: 20, full: 1 }, { step: 40, 'ref:full': 3 }]);
  });

  it('draws mean paths on the learn–forget plane where both losses have a mean', () => {
    const p = referencePaths(two);
    expect(p.get('full')).toEqual([{ step: 0, targetLoss: 5, sourceLoss: 1.8 }, { step: 20, targetLoss: 2.5, sourceLoss: 2.1 }]);
    expect(p.get('r8')!.map((x) => x.step)).toEqual([0, 20]);
  });

  it("keeps only the seeds recorded with the run's own config", () => {
    const kept = matchingCurves(two, run);
    expect(typeof kept === 'string' ? kept : kept.seeds.map((s) => s.seed)).toEqual([1, 2]);
    const stale = curves([two.seeds[0], { ...two.seeds[1], configHash: '0'.repeat(64) }]);
    expect((matchingCurves(stale, run) as TourCurves).seeds.map((s) => s.seed)).toEqual([1]);
    expect(matchingCurves(curves([{ ...two.seeds[0], configHash: '0'.repeat(64) }]), run)).toMatch(/other settings/);
    expect(matchingCurves(curves(two.seeds, { run: 'lr-code' }), run)).toMatch(/“lr-code”, not “english-code”/);
    // A seed's hash is its own: seed 2's curves under seed 1's hash are not seed 1's.
    expect(matchingCurves(curves([{ ...two.seeds[1], seed: 3 }]), run)).toMatch(/other settings/);
  });

  it('names the reference by its length, base and seeds', () => {
    expect(referenceLabel(two, run)).toBe('reference: 200 steps, base “base”, 2 seeds');
    expect(referenceLabel(curves([two.seeds[0]]), run)).toBe('reference: 200 steps, base “base”, 1 seed');
  });
});
