// When a method's training counts as diverged. A NaN/∞ loss or a skipped (non-finite) gradient
// is the obvious case, but in this engine it practically never happens at learning rates the
// schema allows (≤ 1): gradient clipping and AdamW's normalised update move each weight by at most
// about `lr` per step, so the loss stays finite even when training has plainly blown up, and an
// RMSNorm whose sum of squares overflows outputs zeros rather than NaN. Measured on the shipped
// base model (English → code, SwiftShader; see the issue-11 report of helper H-div):
// - full fine-tuning at lr 1 trains at 35–100 nats per byte from step 2 on and never comes back
//   (a uniform guess over 256 bytes scores ln 256 ≈ 5.55; the base model 5.65);
// - LoRA r=8 at lr 0.1–1 and full fine-tuning at 0.1–0.3 spike above 11 nats for at most 6 steps
//   in a row and then recover to below the base model's loss;
// - LoRA with a huge scale (α = 4096) at lr 1 overflows every activation: the output becomes the
//   uniform guess, exactly, with a gradient norm of exactly 0 on every later step.
// So a method also diverges when its training loss stays above twice the uniform guess
// ('exploded') or its gradient is exactly zero ('collapsed', a dead network) for DIVERGE_STEPS
// steps in a row: longer than any recovering spike seen, short enough to stop a dead run early.

import type { DivergenceReason, StepPoint } from '../protocol';

/** Consecutive steps a blow-up or a dead gradient must last to count as divergence. */
export const DIVERGE_STEPS = 8;
/** Training loss above this many times ln(vocabulary) counts as exploded: far worse than a uniform guess. */
export const EXPLODED_FACTOR = 2;

/** The training loss (nats per token) above which a step counts towards 'exploded'. */
export function explodedBound(vocabSize: number): number {
  return EXPLODED_FACTOR * Math.log(vocabSize);
}

/** The fields of a step the criterion reads. */
export type StepLoss = Pick<StepPoint, 'loss' | 'gradNorm'>;

/**
 * Whether a method has diverged after its latest step. `recent`: its step points, oldest first,
 * ending with the latest (only the last DIVERGE_STEPS are read); `skipped`: the engine skipped the
 * latest update because its gradient was not finite.
 */
export function divergenceReason(recent: readonly StepLoss[], skipped: boolean, vocabSize: number): DivergenceReason | null {
  const last = recent[recent.length - 1];
  if (!last) return null;
  if (skipped || !Number.isFinite(last.loss) || !Number.isFinite(last.gradNorm)) return 'non-finite';
  if (recent.length < DIVERGE_STEPS) return null;
  const window = recent.slice(-DIVERGE_STEPS);
  const bound = explodedBound(vocabSize);
  if (window.every((s) => s.loss > bound)) return 'exploded';
  // A zero gradient with a loss still above 1 nat is a dead network, not a perfect fit.
  if (window.every((s) => s.gradNorm === 0 && s.loss > 1)) return 'collapsed';
  return null;
}

/** The last `n` step points of `method` in a lockstep log (scans from the end: O(n × methods)). */
export function recentSteps(log: readonly StepPoint[], method: string, n = DIVERGE_STEPS): StepPoint[] {
  const out: StepPoint[] = [];
  for (let i = log.length - 1; i >= 0 && out.length < n; i--) if (log[i].method === method) out.push(log[i]);
  return out.reverse();
}
