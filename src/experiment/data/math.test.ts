// Math problems: correct answers, held-out disjoint from train by construction, answer masks.
import { describe, expect, it } from 'vitest';
import {
  answerMask,
  drawMathProblem,
  isCorrect,
  MATH_HELDOUT_PERCENT,
  MATH_TEMPLATES,
  mathEvalSet,
  mathKey,
  mathProblem,
  mathProblems,
  mathSplitOf,
  mathStream,
} from './math';
import { SplitMix32 } from './rng';

/** Re-derives the answer from the operands, independently of the templates' solve(). */
function expected(template: string, o: readonly number[]): number {
  switch (template) {
    case 'add':
      return o[0] + o[1];
    case 'sub':
      return o[0] - o[1];
    case 'mul':
      return o[0] * o[1];
    case 'div':
      return o[0] / o[1];
    default:
      return o[0] + o[1] - o[2];
  }
}

describe('math problems', () => {
  it('have the fixed prompt/answer format and correct integer answers', () => {
    for (const split of ['train', 'heldout'] as const) {
      for (const p of mathProblems(split, 2000, 7)) {
        expect(p.prompt).toMatch(/^Q: [^\n]+\?\nA: $/);
        expect(p.answer).toMatch(/^\d+$/);
        expect(p.text).toBe(`${p.prompt}${p.answer}\n`);
        expect(Number(p.answer)).toBe(expected(p.template, p.operands));
        // every operand appears in the question, in order
        const nums = p.prompt.match(/\d+/g)!.map(Number);
        expect(nums).toEqual([...p.operands]);
        expect(mathSplitOf(p.template, p.operands)).toBe(split);
      }
    }
  });

  it('example: the wording is decoration around the arithmetic', () => {
    const p = mathProblem('add', [17, 25], { name: 'Tom', other: 'Zoe', item: 'apples', phrasing: 0 });
    expect(p.text).toBe('Q: Tom has 17 apples and buys 25 more. How many apples does Tom have now?\nA: 42\n');
    expect(p.key).toBe('add:17,25');
    expect(() => mathProblem('div', [7, 2], { name: 'Tom', other: 'Zoe', item: 'apples', phrasing: 0 })).toThrow(/no whole answer/);
  });

  it('never put the same (template, operands) in both splits, whatever the seeds', () => {
    const keys = { train: new Set<string>(), heldout: new Set<string>() };
    for (const seed of [1, 2, 3, 0xdeadbeef]) {
      for (const split of ['train', 'heldout'] as const) {
        for (const p of mathProblems(split, 3000, seed)) keys[split].add(p.key);
      }
    }
    const shared = [...keys.heldout].filter((k) => keys.train.has(k));
    expect(shared).toEqual([]);
    expect(keys.heldout.size).toBeGreaterThan(500);
    // every template has held-out problems, and the held-out share of identities is about MATH_HELDOUT_PERCENT
    for (const t of MATH_TEMPLATES) expect([...keys.heldout].some((k) => k.startsWith(`${t}:`)), t).toBe(true);
    let held = 0;
    for (let a = 2; a <= 99; a++) for (let b = 2; b <= 99; b++) if (mathSplitOf('add', [a, b]) === 'heldout') held++;
    expect(held / (98 * 98)).toBeGreaterThan((MATH_HELDOUT_PERCENT - 2) / 100);
    expect(held / (98 * 98)).toBeLessThan((MATH_HELDOUT_PERCENT + 2) / 100);
    expect(mathKey('two_step', [1, 2, 3])).toBe('two_step:1,2,3');
  });

  it('are deterministic per seed and respect a template subset', () => {
    expect(mathProblems('train', 50, 42)).toEqual(mathProblems('train', 50, 42));
    expect(mathProblems('train', 50, 42)).not.toEqual(mathProblems('train', 50, 43));
    const rng = new SplitMix32(5);
    for (let i = 0; i < 100; i++) expect(drawMathProblem(rng, 'heldout', ['mul']).template).toBe('mul');
  });

  it('give a fixed, distinct held-out evaluation set', () => {
    const a = mathEvalSet(200);
    expect(a).toEqual(mathEvalSet(200));
    expect(new Set(a.map((p) => p.key)).size).toBe(200);
    expect(a.every((p) => mathSplitOf(p.template, p.operands) === 'heldout')).toBe(true);
  });

  it('score exact-match greedy answers', () => {
    const p = mathProblem('mul', [6, 7], { name: 'Ava', other: 'Leo', item: 'cards', phrasing: 1 });
    expect(isCorrect(p, '42\nQ: next')).toBe(true);
    expect(isCorrect(p, ' 42')).toBe(true);
    expect(isCorrect(p, '420\n')).toBe(false);
    expect(isCorrect(p, '4')).toBe(false);
  });
});

describe('answer mask and streams', () => {
  it('marks exactly the answer digits and the newline after "A: "', () => {
    const text = 'Q: How many? A: no\nA: 42\nQ: x\nA: 7\n';
    const mask = answerMask(new TextEncoder().encode(text));
    const marked = [...text].filter((_, i) => mask[i] === 1).join('');
    expect(marked).toBe('42\n7\n');
    expect(mask[text.indexOf('42')]).toBe(1);
    expect(mask[text.indexOf('42') - 1]).toBe(0);
  });

  it('agrees with the problems it was built from', () => {
    const s = mathStream('train', 3, 5000);
    expect(s.bytes.length).toBeGreaterThanOrEqual(5000);
    expect(s.starts.length).toBe(s.problems);
    const text = new TextDecoder().decode(s.bytes);
    const mask = answerMask(s.bytes);
    const problems = text.split(/(?<=\n)(?=Q: )/);
    expect(problems).toHaveLength(s.problems);
    let pos = 0;
    problems.forEach((p, i) => {
      expect(s.starts[i]).toBe(pos);
      const answerStart = pos + p.indexOf('\nA: ') + 4;
      for (let j = pos; j < pos + p.length; j++) expect(mask[j]).toBe(j >= answerStart ? 1 : 0);
      pos += p.length;
    });
  });
});
