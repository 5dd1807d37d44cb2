import { describe, expect, it } from 'vitest';
import { experimentWork, sweepWork } from '../estimate/pace';
import { expandSweep } from '../sweep/config';
import { configHash } from './results';
import { CLASSROOM, classroomRun, middleRates, TOUR_RUNS, TOUR_STEPS } from './steps';

describe('classroom variants', () => {
  it('keeps the middle learning rates, one more from the high end when the surplus is even', () => {
    expect(middleRates([1, 2, 3])).toEqual([1, 2, 3]);
    expect(middleRates([1, 2])).toEqual([1, 2]);
    expect(middleRates([1, 2, 3, 4])).toEqual([2, 3, 4]);
    expect(middleRates([1, 2, 3, 4, 5])).toEqual([2, 3, 4]);
    expect(middleRates([1, 2, 3, 4, 5, 6], 2)).toEqual([3, 4]);
  });

  it('derives a shorter run of every step without touching the shipped run', () => {
    for (const step of TOUR_STEPS) {
      const full = TOUR_RUNS[step.run];
      const before = configHash(full);
      const c = classroomRun(full);
      expect(configHash(full)).toBe(before);
      expect(configHash(c)).not.toBe(before);
      expect(c.id).toBe(`${full.id}-classroom`);
      expect(c.classroomOf).toBe(full.id);
      expect(c.measured).toBe(false);
      expect(c.kind).toBe(full.kind);
      if (c.kind === 'experiment' && full.kind === 'experiment') {
        expect(c.config.steps).toBe(CLASSROOM.steps);
        expect(c.config.evalInterval).toBe(CLASSROOM.evalInterval);
        expect({ ...c.config, steps: 0, evalInterval: 0 }).toEqual({ ...full.config, steps: 0, evalInterval: 0 });
        expect(experimentWork(c.config).methodSteps).toBeLessThan(experimentWork(full.config).methodSteps / 3);
      } else if (c.kind === 'sweep' && full.kind === 'sweep') {
        expect(c.sweep.steps).toBe(CLASSROOM.steps);
        expect(c.sweep.seed).toBe(full.sweep.seed);
        c.sweep.families.forEach((f, i) => {
          expect(f.lrs.length).toBeLessThanOrEqual(CLASSROOM.rates);
          expect(f.lrs.length).toBeGreaterThanOrEqual(Math.min(2, full.sweep.families[i].lrs.length));
          for (const lr of f.lrs) expect(full.sweep.families[i].lrs).toContain(lr);
        });
        expect(sweepWork(c.sweep).methodSteps).toBeLessThan(sweepWork(full.sweep).methodSteps / 3);
      }
    }
  });

  it('gives the learning-rate sweep one lockstep group of six around each method’s rate', () => {
    const c = classroomRun(TOUR_RUNS['lr-code']);
    if (c.kind !== 'sweep') throw new Error('a sweep');
    expect(c.sweep.families.map((f) => f.lrs)).toEqual([[1e-3, 3e-3, 1e-2], [3e-3, 1e-2, 3e-2]]);
    expect(expandSweep(c.sweep)).toHaveLength(6);
  });
});
