// The curves file's text and parser: what tour-results writes reads back as the same curves (non-finite
// losses and each seed's training time included), and a damaged file is refused with its first problem.
import { describe, expect, it } from 'vitest';
import { compactEval, parseTourCurves, tourCurvesJson, type TourCurves } from './curves';

const hash = 'a'.repeat(64);
const curves: TourCurves = {
  version: 1, run: 'lr-code-small', kind: 'sweep',
  seeds: [
    { seed: 1, configHash: hash, seconds: 5460, diverged: {}, evals: [{ method: 'full-1', step: 0, targetLoss: 5.27512, sourceLoss: 1.90123 }] },
    { seed: 2, configHash: hash, diverged: { 'r8-4': 40 }, evals: [{ method: 'r8-4', step: 40, targetLoss: NaN, sourceLoss: Infinity }] },
  ],
};

describe('tour curves file', () => {
  it('reads back what it writes: NaN and Infinity losses, and a seed with or without its training time', () => {
    const back = parseTourCurves(JSON.parse(tourCurvesJson(curves)));
    expect(back.seeds[0]).toEqual(curves.seeds[0]);
    expect(back.seeds[1].seconds).toBeUndefined();
    expect(back.seeds[1].evals[0].targetLoss).toBeNaN();
    expect(back.seeds[1].evals[0].sourceLoss).toBe(Infinity);
  });

  it('writes whole seconds and one evaluation per line', () => {
    const text = tourCurvesJson({ ...curves, seeds: [{ ...curves.seeds[0], seconds: 12.6 }] });
    expect(text).toContain('"seconds":13,');
    expect(text.split('\n').filter((l) => l.includes('"method"'))).toHaveLength(1);
  });

  it('refuses a file with no seeds, a bad hash or a negative time, naming where', () => {
    expect(() => parseTourCurves({ ...curves, seeds: [] })).toThrow(/seeds/);
    expect(() => parseTourCurves({ ...curves, seeds: [{ ...curves.seeds[0], configHash: 'x' }] })).toThrow(/seeds\.0\.configHash/);
    expect(() => parseTourCurves({ ...curves, seeds: [{ ...curves.seeds[0], seconds: -1 }] })).toThrow(/seeds\.0\.seconds/);
  });

  it('keeps losses to 5 decimals and drops sample texts', () => {
    const e = compactEval({
      method: 'full', step: 20, targetLoss: 2.123456789, sourceLoss: 1.9,
      diversity: { distinctShare: 1, distinct1: 0.8, distinct2: 1, distinct3: 1, entropy: 1.812345678, samples: ['abc'] },
    });
    expect(e.targetLoss).toBe(2.12346);
    expect(e.diversity?.entropy).toBe(1.81235);
    expect(e.diversity?.samples).toEqual([]);
  });
});
