// Held-out evaluation of a run: mean next-byte loss over fixed batches of a domain's
// held-out split (no dropout, no parameter change), weighted by the scored targets; and
// exact-match accuracy of greedy answers to held-out math problems.

import type { TrainingRun } from '../../engine/index';
import type { Batch } from '../data/batching';
import { isCorrect, MATH_ANSWER_MAX_BYTES, type MathProblem } from '../data/math';

export async function heldOutLoss(run: TrainingRun, batches: readonly Batch[]): Promise<number> {
  let sum = 0;
  let n = 0;
  for (const b of batches) {
    const r = await run.evaluate(b.tokens, b.targets);
    sum += r.loss * r.nValid;
    n += r.nValid;
  }
  return n > 0 ? sum / n : Number.NaN;
}

/**
 * Exact-match accuracy of greedy answers (see greedyAnswers): the share of problems whose
 * greedy continuation isCorrect.
 */
export async function greedyAccuracy(
  run: TrainingRun,
  problems: readonly MathProblem[],
  vocab: number,
): Promise<number> {
  const answers = await greedyAnswers(run, problems, vocab);
  const correct = problems.filter((p, i) => isCorrect(p, answers[i])).length;
  return problems.length ? correct / problems.length : Number.NaN;
}

/**
 * Greedy continuation of each problem's prompt: each prompt sits at the start of a row
 * (training windows start at a problem too), and the model extends all rows one byte per
 * forward pass until a newline (kept in the result) or the answer length limit.
 */
export async function greedyAnswers(
  run: TrainingRun,
  problems: readonly MathProblem[],
  vocab: number,
): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < problems.length; i += run.B) {
    const group = problems.slice(i, i + run.B);
    const rows = group.map((p) => Array.from(new TextEncoder().encode(p.prompt)));
    const answers = await extendRows(run, rows, vocab);
    out.push(...answers.map((a) => new TextDecoder().decode(new Uint8Array(a))));
  }
  return out;
}

/** Extends up to B rows greedily in place; returns the bytes each row got (newline included). */
async function extendRows(run: TrainingRun, rows: number[][], vocab: number): Promise<number[][]> {
  const { B, T } = run;
  const answers = rows.map(() => [] as number[]);
  const done = rows.map(() => false);
  for (let step = 0; step < MATH_ANSWER_MAX_BYTES && done.some((d) => !d); step++) {
    const tokens = new Int32Array(B * T); // (B, T)
    const positions = new Int32Array(B); // (B): each row's last token
    rows.forEach((r, b) => {
      r.slice(-T).forEach((v, t) => (tokens[b * T + t] = v));
      positions[b] = Math.max(0, Math.min(r.length, T) - 1);
    });
    // Only the B next-token rows come off the GPU, not the whole (B·T, V) block.
    const logits = await run.lastLogits(tokens, positions); // (B, V)
    rows.forEach((r, b) => {
      if (done[b]) return;
      const next = argmax(logits, b * vocab, vocab);
      r.push(next);
      answers[b].push(next);
      if (next === 10) done[b] = true;
    });
  }
  return answers;
}

function argmax(a: Float32Array, offset: number, n: number): number {
  let best = 0;
  for (let i = 1; i < n; i++) if (a[offset + i] > a[offset + best]) best = i;
  return best;
}
