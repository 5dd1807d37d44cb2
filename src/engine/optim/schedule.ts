// Learning-rate schedules: linear warmup, then constant or cosine decay to a floor.

export interface LrSchedule {
  kind: 'constant' | 'cosine';
  /** Peak learning rate. */
  lr: number;
  warmupSteps: number;
  /** Total steps (cosine decays over the steps after warmup). */
  totalSteps: number;
  /** Cosine floor as a fraction of the peak (default 0.1). */
  minRatio?: number;
}

/** Learning rate for a 1-based step. */
export function learningRate(s: LrSchedule, step: number): number {
  if (s.warmupSteps > 0 && step <= s.warmupSteps) return (s.lr * step) / s.warmupSteps;
  if (s.kind === 'constant') return s.lr;
  const span = Math.max(1, s.totalSteps - s.warmupSteps);
  const progress = Math.min(1, Math.max(0, (step - s.warmupSteps) / span));
  const floor = s.minRatio ?? 0.1;
  return s.lr * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * progress)));
}
