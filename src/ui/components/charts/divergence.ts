// What the charts, the status table and the divergence note do with a diverged method (pure, so
// it is tested without React): which of its evaluations to draw, an axis range that the blow-up
// cannot flatten, and the note's sentences, computed from which method diverged, where, with what
// loss and learning rate, so none of them can disagree with the data on screen.
import { DIVERGE_STEPS, explodedBound } from '../../../experiment/run/divergence';
import type { EvalPoint } from '../../../experiment/protocol';

/** Byte-level models: every base model has 256 byte values. */
export const VOCAB = 256;

/**
 * The evaluations worth drawing: a diverged method's up to and including the first at or after
 * the step it diverged (the state it stopped in), not the identical repeats of its frozen weights
 * after that; and never a NaN or infinite value of `key`.
 */
export function drawnEvals(
  evals: readonly EvalPoint[], diverged: Readonly<Record<string, number>>, key?: 'targetLoss' | 'sourceLoss',
): EvalPoint[] {
  const stopped = new Set<string>();
  return evals.filter((e) => {
    if (key && !Number.isFinite(e[key])) return false;
    const at = diverged[e.method];
    if (at === undefined) return true;
    if (stopped.has(e.method)) return false;
    if (e.step >= at) stopped.add(e.method);
    return true;
  });
}

/**
 * A loss axis range [lo, hi] (padded 5%) that holds every value except a diverged method's values
 * above the blow-up bound (they run off the top, clipped); null when nothing is left to fit.
 */
export function lossDomain(points: ReadonlyArray<{ value: number; diverged: boolean }>): [number, number] | null {
  const bound = explodedBound(VOCAB);
  const kept = points.filter((p) => Number.isFinite(p.value) && (!p.diverged || p.value <= bound)).map((p) => p.value);
  if (kept.length === 0) return null;
  const lo = Math.min(...kept);
  const hi = Math.max(...kept);
  const pad = Math.max((hi - lo) * 0.05, 0.01);
  return [Math.max(0, lo - pad), hi + pad];
}

/** "(diverged at step N)" after a diverged method's label in legends. */
export function seriesLabel(label: string, divergedAt: number | undefined): string {
  return divergedAt === undefined ? label : `${label} (diverged at step ${divergedAt})`;
}

const list = (xs: string[]) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);
const fmtLoss = (v: number) => (Number.isNaN(v) ? 'NaN' : Number.isFinite(v) ? v.toFixed(2) : v > 0 ? '∞' : '−∞');

export interface DivergedMethod {
  label: string;
  kind: 'full' | 'lora';
  /** Unknown when the run's config is not on screen. */
  lr?: number;
  step: number;
  /** Its last training step (the one that diverged), when the page saw it. */
  last?: { step: number; loss: number; gradNorm: number };
}

/** What happened to the loss (or gradient), from the last training step's numbers. */
function what(m: DivergedMethod): string {
  const s = m.last;
  if (!s || s.step !== m.step) return '';
  if (!Number.isFinite(s.loss)) return `: its training loss became ${fmtLoss(s.loss)}`;
  if (!Number.isFinite(s.gradNorm)) return `: its gradient became ${fmtLoss(s.gradNorm)}`;
  const bound = explodedBound(VOCAB);
  if (s.loss > bound) {
    return `: its training loss stayed above ${bound.toFixed(2)} nats per byte (twice a uniform guess over ${VOCAB} byte values, ` +
      `ln ${VOCAB} ≈ ${Math.log(VOCAB).toFixed(2)}) for ${DIVERGE_STEPS} steps in a row and reached ${fmtLoss(s.loss)}`;
  }
  if (s.gradNorm === 0) {
    return `: its gradient has been exactly zero for ${DIVERGE_STEPS} steps in a row (its activations overflowed, so the model ` +
      `gives every byte the same probability) at a training loss of ${fmtLoss(s.loss)}`;
  }
  return `, at a training loss of ${fmtLoss(s.loss)}`;
}

/**
 * The note's sentences for one diverged method. `others`: labels of the methods still training
 * (or that trained to the end, when `finished`).
 */
export function divergenceMessage(m: DivergedMethod, others: string[], finished: boolean): string[] {
  const out = [`${m.label} diverged at step ${m.step}${what(m)}.`];
  const rate = m.lr === undefined ? 'Its learning rate' : `Its learning rate, ${m.lr},`;
  out.push(`${rate} is too high for it in this setting, so its training stopped there.`);
  if (others.length === 0) out.push('Every method has diverged: nothing is left training.');
  else if (finished) out.push(`Only its training stopped: ${list(others)} trained on to the end on the same batches.`);
  else out.push(`Only its training stopped: ${list(others)} ${others.length > 1 ? 'go' : 'goes'} on training on the same batches.`);
  if (m.kind === 'lora') {
    out.push(
      'This is what the paper’s finding 7 is about: LoRA is more sensitive to the learning rate than full fine-tuning ' +
      '(and wants a higher one, roughly 10× full fine-tuning’s best at 7B), so its rate must be tuned, not guessed. ' +
      'Try a lower one, or sweep the rate in the Sweep tab.',
    );
  } else {
    out.push(
      'Here it is full fine-tuning, not LoRA, that diverged. In the paper (finding 7) LoRA is the more sensitive of the two ' +
      'to the learning rate and wants a higher one, roughly 10× full fine-tuning’s best: a rate chosen for LoRA can be far ' +
      'too high for full fine-tuning. Each method needs its own rate; the Sweep tab measures how sensitive each one is.',
    );
  }
  return out;
}
