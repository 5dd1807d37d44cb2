// The live pace of one training (a run or a sweep), from its events as they arrive: the lockstep
// steps' own wall time (the runner's groupMs, counted once per lockstep step) per method-step, and
// all the rest of the time it was running (evaluations, checkpoints, a group's setup) per
// method-evaluation. Paused time does not count. The clock is passed in, so tests drive it; the
// page feeds it performance.now() (ui/store/pace.ts) and turns a snapshot into a SpeedRecord.

import type { SpeedRecord, WorkShape } from './pace';

export interface PaceSnapshot {
  methodSteps: number;
  methodEvals: number;
  /** Wall time of the lockstep steps, summed. */
  stepMs: number;
  /** Time running, summed (steps, evaluations and everything between). */
  activeMs: number;
}

export class PaceTracker {
  private methodSteps = 0;
  private methodEvals = 0;
  private stepMs = 0;
  private activeMs = 0;
  /** When the clock last started (null while paused or stopped). */
  private since: number | null;
  /** The lockstep step last counted (a sweep's groups count steps from 1 again: any change is a new step). */
  private lastStep = -1;

  constructor(readonly shape: WorkShape, now: number) {
    this.since = now;
  }

  /** A method's step point (every method of a lockstep step carries the same groupMs). */
  step(step: number, groupMs: number | undefined, now: number): void {
    this.tick(now);
    this.methodSteps++;
    if (step !== this.lastStep && groupMs !== undefined && Number.isFinite(groupMs)) this.stepMs += groupMs;
    this.lastStep = step;
  }

  /** One method's evaluation finished. */
  evaluated(now: number): void {
    this.tick(now);
    this.methodEvals++;
  }

  /** The training left 'running' (paused, stopped, done, failed): the time since counts, then the clock stops. */
  halt(now: number): void {
    this.tick(now);
    this.since = null;
  }

  resume(now: number): void {
    this.tick(now);
    this.since ??= now;
  }

  private tick(now: number): void {
    if (this.since === null) return;
    this.activeMs += Math.max(0, now - this.since);
    this.since = now;
  }

  snapshot(now?: number): PaceSnapshot {
    if (now !== undefined) this.tick(now);
    return { methodSteps: this.methodSteps, methodEvals: this.methodEvals, stepMs: this.stepMs, activeMs: this.activeMs };
  }
}

/** The speed a snapshot measured (null before any step was timed). */
export function recordOf(shape: WorkShape, s: PaceSnapshot, measuredAt: string, adapter: string): SpeedRecord | null {
  if (s.methodSteps === 0 || s.stepMs <= 0) return null;
  const lockstep = s.stepMs / s.methodSteps;
  const rest = Math.max(0, s.activeMs - s.stepMs);
  return {
    shape, msPerMethodStep: lockstep, msPerMethodEval: s.methodEvals > 0 ? rest / s.methodEvals : null,
    methodSteps: s.methodSteps, methodEvals: s.methodEvals, measuredAt, adapter,
  };
}
