// Learning-rate schedules, one convention everywhere: a schedule is a shape, the factor (0..1] a
// peak rate is multiplied by at each step (linear warmup, then constant or cosine decay to a floor);
// a step's rate is the peak times that factor (learningRate). The runner multiplies each method's
// own rate, the pretraining loop its recipe's, the exported recipe's train.py the same way.

export interface LrSchedule {
  kind: 'constant' | 'cosine';
  warmupSteps: number;
  /** Total steps (cosine decays over the steps after warmup). */
  totalSteps: number;
  /** Cosine floor as a fraction of the peak (default 0.1). */
  minRatio?: number;
}

/** The schedule's factor of the peak rate at a 1-based step. */
export function lrFactor(s: LrSchedule, step: number): number {
  if (s.warmupSteps > 0 && step <= s.warmupSteps) return step / s.warmupSteps;
  if (s.kind === 'constant') return 1;
  const span = Math.max(1, s.totalSteps - s.warmupSteps);
  const progress = Math.min(1, Math.max(0, (step - s.warmupSteps) / span));
  const floor = s.minRatio ?? 0.1;
  return floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
}

/** The learning rate at a 1-based step: `rate` (the peak) times the schedule's factor. */
export function learningRate(rate: number, s: LrSchedule, step: number): number {
  return rate * lrFactor(s, step);
}
