import { describe, expect, it } from 'vitest';
import { parseExperiment, PRESETS } from '../config';
import { SWEEP_PRESETS } from '../sweep/presets';
import { expandSweep } from '../sweep/config';
import { addRecord, durationText, estimate, estimateText, evalPoints, experimentWork, shapeOf, sweepWork, type SpeedRecord } from './pace';
import { PaceTracker, recordOf } from './tracker';

const exp = PRESETS['english-code'].config;
const shape = shapeOf(exp);
const rec = (over: Partial<SpeedRecord> = {}): SpeedRecord => ({
  shape, msPerMethodStep: 100, msPerMethodEval: 2000, methodSteps: 800, methodEvals: 44, measuredAt: '2026-12-05T10:00:00Z', adapter: '', ...over,
});

describe('work of a run', () => {
  it('counts evaluation points: the base model, every interval and the last step', () => {
    expect(evalPoints(200, 20)).toBe(11);
    expect(evalPoints(60, 10)).toBe(7);
    expect(evalPoints(50, 20)).toBe(4); // 0, 20, 40, 50
    expect(evalPoints(200, 20, 100)).toBe(5); // 120 … 200
    expect(evalPoints(200, 20, 200)).toBe(0);
  });

  it('counts an experiment in method-steps and method-evaluations, whole or from a step on', () => {
    const w = experimentWork(exp);
    expect(w.methodSteps).toBe(exp.methods.length * 200);
    expect(w.methodEvals).toBe(exp.methods.length * 11);
    // At step 150, the evaluations through step 140 received (8 rounds of 4 methods): those at 160, 180 and 200 are left.
    const rest = experimentWork(exp, 150, 8 * exp.methods.length);
    expect(rest.methodSteps).toBe(exp.methods.length * 50);
    expect(rest.methodEvals).toBe(exp.methods.length * 3);
    // The last step is done but only one method's last evaluation has arrived: three are left.
    expect(experimentWork(exp, 200, 11 * exp.methods.length - 3)).toMatchObject({ methodSteps: 0, methodEvals: 3 });
    expect(experimentWork(exp, 200, 11 * exp.methods.length).methodEvals).toBe(0);
  });

  it('counts a sweep by its cells', () => {
    const s = SWEEP_PRESETS['lr-code'].sweep;
    const w = sweepWork(s);
    expect(w.methodSteps).toBe(expandSweep(s).length * 200);
    expect(w.methodEvals).toBe(9 * 11);
    expect(w.shape.samples).toBe(0);
  });
});

describe('estimate', () => {
  it('is unknown without a record of the same base, or from another adapter', () => {
    expect(estimate(experimentWork(exp), [])).toBeNull();
    const small = parseExperiment({ ...exp, base: 'small' });
    expect(estimate(experimentWork(small), [rec()])).toBeNull();
    expect(estimate(experimentWork(exp), [rec({ adapter: 'gpu A' })], 'gpu B')).toBeNull();
    expect(estimateText(null)).toBe('unknown on this device until a first step runs');
  });

  it('adds method-steps and method-evaluations at the measured costs', () => {
    const e = estimate(experimentWork(exp), [rec()])!;
    // 4 methods: 800 method-steps × 0.1 s + 44 method-evaluations × 2 s.
    expect(e.seconds).toBeCloseTo(80 + 88, 6);
    expect(e.basis).toBe('same');
    expect(e.evalGuessed).toBe(false);
    expect(estimateText(e)).toMatch(/^about 3 min on this device \(measured 5 Dec: 100 ms per method-step\)$/);
  });

  it('scales a record at another batch by tokens, and says so', () => {
    const big = parseExperiment({ ...exp, batchSize: 16 });
    const e = estimate(experimentWork(big), [rec()])!;
    expect(e.seconds).toBeCloseTo(80 * 2 + 88 * 2, 6);
    expect(e.basis).toBe('scaled');
    expect(estimateText(e)).toMatch(/scaled by tokens/);
  });

  it('prefers the record of the same settings over a newer one of others', () => {
    const other = rec({ shape: { ...shape, batchSize: 4 }, msPerMethodStep: 10 });
    expect(estimate(experimentWork(exp), [other, rec()])!.seconds).toBeCloseTo(168, 6);
  });

  it('flags evaluation time taken from a run with other extras (a sweep without diversity sampling)', () => {
    const sweepRec = rec({ shape: shapeOf(SWEEP_PRESETS['lr-code'].sweep), msPerMethodEval: 500 });
    const e = estimate(experimentWork(exp), [sweepRec])!;
    expect(e.evalGuessed).toBe(true);
    expect(estimateText(e)).toMatch(/evaluation time guessed/);
    // Without any evaluation measured, held-out passes are taken as a third of a step per batch of tokens.
    const e2 = estimate(experimentWork(exp), [rec({ msPerMethodEval: null })])!;
    expect(e2.seconds).toBeCloseTo(80 + 44 * ((100 * 2 * 4) / 3) / 1000, 6);
  });

  it('keeps the newest record per shape', () => {
    const a = rec({ msPerMethodStep: 1 });
    const b = rec({ msPerMethodStep: 2 });
    const c = rec({ shape: { ...shape, seqLen: 32 } });
    expect(addRecord(addRecord(addRecord([], a), c), b).map((r) => r.msPerMethodStep)).toEqual([2, 100]);
    expect(addRecord([a, c], b, 1)).toHaveLength(1);
  });

  it('words durations', () => {
    expect(durationText(12.4)).toBe('about 12 s');
    expect(durationText(779)).toBe('about 13 min');
    expect(durationText(6364)).toBe('about 1.8 h');
    expect(durationText(Number.NaN)).toBe('unknown');
  });
});

describe('live pace', () => {
  it('splits the running time into lockstep steps (once per step) and the rest per evaluation, without paused time', () => {
    const t = new PaceTracker(shape, 0);
    // Setup and the base model's evaluation of 2 methods: 3 s.
    t.evaluated(1500);
    t.evaluated(3000);
    // Two lockstep steps of 2 methods, 200 ms each.
    t.step(1, 200, 3200);
    t.step(1, 200, 3200);
    t.halt(3300); // paused for a minute
    t.resume(63_300);
    t.step(2, 200, 63_500);
    t.step(2, 200, 63_500);
    const s = t.snapshot(63_500);
    expect(s).toEqual({ methodSteps: 4, methodEvals: 2, stepMs: 400, activeMs: 3500 });
    const r = recordOf(shape, s, '2026-12-05T10:00:00Z', 'x')!;
    expect(r.msPerMethodStep).toBe(100);
    expect(r.msPerMethodEval).toBe(1550);
  });

  it('has no record before a step was timed', () => {
    const t = new PaceTracker(shape, 0);
    t.evaluated(10);
    expect(recordOf(shape, t.snapshot(), '', '')).toBeNull();
  });
});
