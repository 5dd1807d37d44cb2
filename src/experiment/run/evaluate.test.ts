// greedyAccuracy (which reads back only each row's last-position logits) against an oracle
// that decodes greedily from the full (B·T, V) logits: answers that grow past the window,
// more problems than rows, and a known share of problems whose answer the oracle produced.
import { describe, expect, it } from 'vitest';
import { initModelParams, TrainingRun } from '../../engine/index';
import { testContext } from '../../engine/testing/gpu';
import { extractAnswer, MATH_ANSWER_MAX_BYTES, MATH_TEMPLATES, type MathProblem } from '../data/math';
import { greedyAccuracy } from './evaluate';

const cfg = { vocabSize: 256, dModel: 16, nLayers: 1, nHeads: 2, nKvHeads: 1, ffnDim: 32, seqLen: 16, tieEmbeddings: true };
const [B, T] = [3, 14];

/** Greedy continuation of one prompt from full logits, up to a newline or the answer limit. */
async function oracle(run: TrainingRun, prompt: string): Promise<string> {
  const row = Array.from(new TextEncoder().encode(prompt));
  const out: number[] = [];
  for (let s = 0; s < MATH_ANSWER_MAX_BYTES; s++) {
    const tokens = new Int32Array(B * T);
    const w = row.slice(-T);
    tokens.set(w);
    const logits = await run.logits(tokens); // (B·T, V)
    const o = (w.length - 1) * cfg.vocabSize;
    let best = 0;
    for (let v = 1; v < cfg.vocabSize; v++) if (logits[o + v] > logits[o + best]) best = v;
    row.push(best);
    out.push(best);
    if (best === 10) break;
  }
  return new TextDecoder().decode(new Uint8Array(out));
}

describe('greedyAccuracy', () => {
  it('scores exactly the problems whose answer the full-logits greedy decoder produces', async () => {
    const { ctx } = await testContext();
    const run = await TrainingRun.create(ctx, {
      config: cfg, batchSize: B, seqLen: T, mode: 'full', seed: 1, baseParams: initModelParams(cfg, 9).flat,
    });
    const prompts = ['Q: 1+2\nA: ', 'Q: 12+34\nA: ', 'Q: 7*8\nA: ', 'Q: 100-1\nA: ', 'Q: 9\nA: '];
    const problems: MathProblem[] = [];
    for (const [i, prompt] of prompts.entries()) {
      const said = extractAnswer(await oracle(run, prompt));
      // Even problems expect what the model says; odd ones an answer it cannot give.
      const answer = i % 2 === 0 ? said : `${said}\n?`;
      problems.push({ template: MATH_TEMPLATES[0], operands: [], prompt, answer, text: prompt + answer + '\n', key: `t:${i}` });
    }
    expect(await greedyAccuracy(run, problems, cfg.vocabSize)).toBeCloseTo(3 / 5, 12);
    run.destroy();
  });
});
