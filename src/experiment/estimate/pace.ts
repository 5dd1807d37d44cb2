// How long a run or sweep will take on this device, from what this device measured before.
// The unit that transfers across configs is the cost of one method for one step (milliseconds
// per method-step, at a base / batch / sequence length) and of one method's evaluation (per
// method-evaluation, at the evaluation settings); an experiment or a sweep is a count of each
// (`experimentWork`, `sweepWork`). A record measured at another batch or sequence length is scaled
// by tokens per step (and says so); another base model is never guessed from: its time is
// "unknown until a first step runs". Pure: the page keeps the records (ui/store/pace.ts).

import type { ExperimentConfig } from '../config';
import type { SweepConfig } from '../sweep/config';

/** The settings a measured speed belongs to. */
export interface WorkShape {
  base: string;
  batchSize: number;
  seqLen: number;
  evalBatches: number;
  /** Diversity sampling at every evaluation (samples × bytes; 0 samples: off). */
  samples: number;
  length: number;
  /** Math exact-match accuracy is measured at every evaluation (greedy decoding). */
  math: boolean;
}

/** What a run trains: method-steps and method-evaluations at one shape. */
export interface Work {
  shape: WorkShape;
  methodSteps: number;
  methodEvals: number;
}

/** A device's measured speed at one shape (the newest run measured there). */
export interface SpeedRecord {
  shape: WorkShape;
  /** Wall time of lockstep steps per method (the runner's groupMs over the methods stepping). */
  msPerMethodStep: number;
  /** Everything else (evaluations, checkpoints, setup) per method-evaluation; null before an evaluation. */
  msPerMethodEval: number | null;
  methodSteps: number;
  methodEvals: number;
  /** ISO date of the measurement. */
  measuredAt: string;
  /** The adapter it ran on ('' when not known): a record from another GPU is not used. */
  adapter: string;
}

/** Evaluation points after step `after` up to `steps` (step 0, the base model, counts when after < 0). */
export function evalPoints(steps: number, interval: number, after = -1): number {
  let n = 0;
  for (let s = Math.max(0, after + 1); s <= steps; s++) if (s === 0 || s % interval === 0 || s === steps) n++;
  return n;
}

type Shared = Pick<ExperimentConfig, 'base' | 'batchSize' | 'seqLen' | 'evalBatches' | 'diversity' | 'target'>;

export function shapeOf(c: Shared): WorkShape {
  return {
    base: c.base, batchSize: c.batchSize, seqLen: c.seqLen, evalBatches: c.evalBatches,
    samples: c.diversity.samples, length: c.diversity.samples > 0 ? c.diversity.length : 0, math: c.target.domain === 'math',
  };
}

/**
 * An experiment's work from step `done` on, with `evaluated` method-evaluations already received
 * (0, 0: the whole run, the base model's evaluation included). Counting evaluations received, not
 * steps, keeps the evaluation that follows the last step in the time left until it has arrived.
 */
export function experimentWork(c: ExperimentConfig, done = 0, evaluated = 0): Work {
  const m = c.methods.length;
  return {
    shape: shapeOf(c),
    methodSteps: m * Math.max(0, c.steps - done),
    methodEvals: Math.max(0, m * evalPoints(c.steps, c.evalInterval) - evaluated),
  };
}

/** A sweep's work: every cell trains all steps and evaluates at every point (each group evaluates its base model). */
export function sweepWork(s: SweepConfig): Work {
  // One cell per (family, learning rate), as expandSweep lays them out (not imported: the first screen stays small).
  const cells = s.families.reduce((n, f) => n + f.lrs.length, 0);
  return { shape: shapeOf(s), methodSteps: cells * s.steps, methodEvals: cells * evalPoints(s.steps, s.evalInterval) };
}

const sameEval = (a: WorkShape, b: WorkShape) =>
  a.evalBatches === b.evalBatches && a.samples === b.samples && a.length === b.length && a.math === b.math;
const sameStep = (a: WorkShape, b: WorkShape) => a.base === b.base && a.batchSize === b.batchSize && a.seqLen === b.seqLen;
const tokens = (s: WorkShape) => s.batchSize * s.seqLen;
/** Held-out tokens one evaluation reads (target and source): what an evaluation's forward passes scale with. */
const evalTokens = (s: WorkShape) => 2 * s.evalBatches * s.batchSize * s.seqLen;

export interface Estimate {
  seconds: number;
  /** 'same': measured at these settings; 'scaled': another batch, sequence or evaluation size, scaled by tokens. */
  basis: 'same' | 'scaled';
  /** The evaluation cost comes from a run with other evaluation extras (diversity or math), or none was measured. */
  evalGuessed: boolean;
  record: SpeedRecord;
}

/**
 * The expected wall time of `work` from the records (newest first): the record at the same step
 * shape (else the same base, scaled by tokens per step), and for evaluations the record with the
 * same evaluation settings (else one of the same base, scaled by held-out tokens: then extras such
 * as diversity sampling are guessed). Null when nothing of this base was measured on this adapter.
 */
export function estimate(work: Work, records: readonly SpeedRecord[], adapter = ''): Estimate | null {
  const usable = records.filter((r) => r.shape.base === work.shape.base && (!adapter || !r.adapter || r.adapter === adapter));
  const step = usable.find((r) => sameStep(r.shape, work.shape)) ?? usable[0];
  if (!step) return null;
  const stepMs = step.msPerMethodStep * (tokens(work.shape) / tokens(step.shape));
  const evals = usable.filter((r) => r.msPerMethodEval !== null);
  const ev = evals.find((r) => sameStep(r.shape, work.shape) && sameEval(r.shape, work.shape)) ?? evals.find((r) => sameEval(r.shape, work.shape)) ?? evals[0];
  let evalMs: number;
  let evalGuessed = false;
  if (ev) {
    evalMs = ev.msPerMethodEval! * (evalTokens(work.shape) / evalTokens(ev.shape));
    evalGuessed = !sameEval(ev.shape, work.shape) && (ev.shape.samples !== work.shape.samples || ev.shape.length !== work.shape.length || ev.shape.math !== work.shape.math);
  } else {
    // No evaluation measured yet: held-out forward passes cost about a third of a training step per batch.
    evalMs = (step.msPerMethodStep / tokens(step.shape)) * evalTokens(work.shape) / 3;
    evalGuessed = true;
  }
  const same = sameStep(step.shape, work.shape) && (!ev || sameEval(ev.shape, work.shape));
  return { seconds: (work.methodSteps * stepMs + work.methodEvals * evalMs) / 1000, basis: same ? 'same' : 'scaled', evalGuessed, record: step };
}

/** The newest record first, replacing one of the same shape; at most `keep`. */
export function addRecord(records: readonly SpeedRecord[], r: SpeedRecord, keep = 12): SpeedRecord[] {
  const key = JSON.stringify(r.shape);
  return [r, ...records.filter((x) => JSON.stringify(x.shape) !== key)].slice(0, keep);
}

/** "about 40 s", "about 14 min", "about 1.8 h". */
export function durationText(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return 'unknown';
  if (seconds < 60) return `about ${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 5400) return `about ${Math.max(1, Math.round(seconds / 60))} min`;
  return `about ${(seconds / 3600).toFixed(1)} h`;
}

/** "5 Dec" from an ISO date (the day a speed was measured). */
function dayText(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso.slice(0, 10) : d.toLocaleDateString('en-GB', { day: 'numeric', month: 'short' });
}

/** What a Start button says before starting: the estimate and what it rests on, or that it is unknown. */
export function estimateText(e: Estimate | null): string {
  if (!e) return 'unknown on this device until a first step runs';
  const r = e.record;
  const how = e.basis === 'same' ? '' : ' at other settings, scaled by tokens';
  const guess = e.evalGuessed ? '; evaluation time guessed' : '';
  return `${durationText(e.seconds)} on this device (measured ${dayText(r.measuredAt)}${how}: ` +
    `${Math.round(r.msPerMethodStep)} ms per method-step${guess})`;
}
