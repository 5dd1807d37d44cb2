// Does greedy exact-match accuracy score what the teacher-forced answer loss scores? A tiny
// model is fine-tuned briefly on the real math training stream (answer-only targets, windows
// from the Batcher), then, on the real held-out evaluation set:
// - teacher forcing: prompt + answer + "\n" at the start of a row, one forward pass of the full
//   (B·T, V) logits; a problem is right when the argmax at every answer byte and the newline is
//   that byte;
// - greedy decoding (greedyAnswers / greedyAccuracy: zero padding after the prompt, only the
//   last position read back).
// Greedy equals teacher forcing while every byte is right, so the two must agree problem by
// problem. The answer loss from the engine's loss kernel must also equal -log softmax of
// those logits at the same positions, and training windows must show the model the same
// context as the evaluation: "Q: " at position 0, prompt bytes identical to the evaluation
// prompt, answer right after "A: ".
import { describe, expect, it } from 'vitest';
import { initModelParams, TrainingRun } from '../../engine/index';
import { testContext } from '../../engine/testing/gpu';
import { Batcher } from '../data/batching';
import { mathSource } from '../data/domains';
import { answerMask, isCorrect, mathEvalSet, type MathProblem } from '../data/math';
import { greedyAccuracy, greedyAnswers } from './evaluate';

const cfg = { vocabSize: 256, dModel: 32, nLayers: 1, nHeads: 2, nKvHeads: 1, ffnDim: 64, seqLen: 64, tieEmbeddings: true };
const [B, T] = [8, 64];
const enc = new TextEncoder();

async function trainedRun(steps: number): Promise<TrainingRun> {
  const { ctx } = await testContext();
  const run = await TrainingRun.create(ctx, {
    config: cfg, batchSize: B, seqLen: T, mode: 'full', seed: 1, baseParams: initModelParams(cfg, 5).flat,
  });
  const batcher = new Batcher(mathSource('train', { answerOnly: true, bytes: 1 << 15 }), { batchSize: B, seqLen: T, seed: 3 });
  for (let s = 0; s < steps; s++) await run.step({ ...batcher.next(), lr: 1e-2 });
  return run;
}

interface TeacherForced {
  /** Argmax right at every answer byte and the final newline. */
  right: boolean[];
  /** -log p of each answer byte and newline, per problem, from the logits. */
  nll: number[][];
  tokens: Int32Array; // (B, T)
  targets: Int32Array; // (B, T): the answer bytes and newline only
}

/** Teacher-forced scoring of up to B problems from the full logits of one forward pass. */
async function teacherForced(run: TrainingRun, group: readonly MathProblem[]): Promise<TeacherForced> {
  const tokens = new Int32Array(B * T);
  const targets = new Int32Array(B * T).fill(-1);
  group.forEach((p, b) => {
    const text = enc.encode(p.text);
    tokens.set(text.subarray(0, T), b * T);
    // the prediction of byte k comes from position k - 1
    for (let k = enc.encode(p.prompt).length; k < text.length; k++) targets[b * T + k - 1] = text[k];
  });
  const logits = await run.logits(tokens); // (B·T, V)
  const V = cfg.vocabSize;
  const right: boolean[] = [];
  const nll: number[][] = [];
  group.forEach((_, b) => {
    let ok = true;
    const rowNll: number[] = [];
    for (let t = 0; t < T; t++) {
      const y = targets[b * T + t];
      if (y < 0) continue;
      const row = logits.subarray((b * T + t) * V, (b * T + t + 1) * V);
      let best = 0;
      for (let v = 1; v < V; v++) if (row[v] > row[best]) best = v;
      ok &&= best === y;
      const max = row[best];
      let z = 0;
      for (let v = 0; v < V; v++) z += Math.exp(row[v] - max);
      rowNll.push(Math.log(z) + max - row[y]);
    }
    right.push(ok);
    nll.push(rowNll);
  });
  return { right, nll, tokens, targets };
}

describe('greedy accuracy and teacher-forced answer loss', () => {
  it('agree problem by problem on the held-out set after a short fine-tune, and the loss kernel matches the logits', async () => {
    const run = await trainedRun(40);
    const problems = mathEvalSet(64);
    const greedy = await greedyAnswers(run, problems, cfg.vocabSize);
    const forced: boolean[] = [];
    for (let i = 0; i < problems.length; i += B) {
      const group = problems.slice(i, i + B);
      const tf = await teacherForced(run, group);
      forced.push(...tf.right);
      // the engine's answer loss over the same targets is the mean of -log softmax of those logits
      const flat = tf.nll.flat();
      const { loss, nValid } = await run.evaluate(tf.tokens, tf.targets);
      expect(nValid).toBe(flat.length);
      expect(loss).toBeCloseTo(flat.reduce((a, b) => a + b, 0) / flat.length, 4);
    }
    const exact = problems.map((p, i) => greedy[i] === `${p.answer}\n`);
    expect(exact).toEqual(forced);
    // extractAnswer's leniency (trimming, no newline) changes nothing here
    expect(problems.map((p, i) => isCorrect(p, greedy[i]))).toEqual(exact);
    const nRight = forced.filter(Boolean).length;
    expect(await greedyAccuracy(run, problems, cfg.vocabSize)).toBeCloseTo(nRight / problems.length, 12);
    // not vacuous: the model answers some problems right and some wrong
    expect(nRight).toBeGreaterThan(0);
    expect(nRight).toBeLessThan(problems.length);
    run.destroy();
  });

  it('training windows give the model the evaluation context: "Q: " at position 0, the same prompt bytes, the answer after "A: "', () => {
    const source = mathSource('train', { answerOnly: true, bytes: 1 << 14 });
    const batcher = new Batcher(source, { batchSize: B, seqLen: T, seed: 1 });
    const heldPrompts = new Set(mathEvalSet(1000).map((p) => p.prompt));
    const promptForm = /^Q: [^\n]*\?\nA: $/;
    for (let s = 0; s < 20; s++) {
      const { tokens, targets } = batcher.next();
      for (let b = 0; b < B; b++) {
        const row = Uint8Array.from(tokens.subarray(b * T, (b + 1) * T));
        const text = new TextDecoder().decode(row);
        expect(text.startsWith('Q: ')).toBe(true);
        // every complete problem in the window (all but the last, which the window may cut) has the
        // evaluation's prompt form, then one digit and a newline
        const whole = text.split(/(?<=\n)(?=Q: )/).slice(0, -1);
        expect(whole.length).toBeGreaterThan(1);
        for (const p of whole) {
          const cut = p.indexOf('\nA: ') + 4;
          expect(p.slice(0, cut)).toMatch(promptForm);
          expect(p.slice(cut)).toMatch(/^\d\n$/);
          expect(heldPrompts.has(p.slice(0, cut))).toBe(false);
        }
        // answer-only targets: exactly the predictions of the answer bytes and the newline
        const next = new Uint8Array([...row.subarray(1), targets[(b + 1) * T - 1] < 0 ? 0 : targets[(b + 1) * T - 1]]);
        const mask = answerMask(new Uint8Array([row[0], ...next]));
        for (let t = 0; t < T - 1; t++) expect(targets[b * T + t] >= 0, `row ${b} t ${t}`).toBe(mask[t + 1] === 1);
      }
    }
  });
});
