// Math problems at both levels: correct answers, held-out disjoint from train by construction
// (no held-out question text in training at the easy level, no held-out identity at the hard
// one), every problem inside one 64-byte window, fixed evaluation sets, answer masks.
import { describe, expect, it } from 'vitest';
import { mathSource } from './domains';
import {
  allMathProblems,
  answerMask,
  constantAnswerBaseline,
  drawMathProblem,
  isCorrect,
  MATH_HELDOUT_PERCENT,
  MATH_LEVELS,
  MATH_MAX_TEXT_BYTES,
  MATH_TEMPLATES_BY_LEVEL,
  mathEvalSet,
  mathKey,
  mathLevelOf,
  mathPhrasings,
  mathProblem,
  mathProblems,
  mathSplitOf,
  mathStream,
  type MathTemplate,
} from './math';
import { SplitMix32 } from './rng';

/** Re-derives the answer from the operands, independently of the templates' solve(). */
function expected(template: string, o: readonly number[]): number {
  switch (template) {
    case 'add':
    case 'add_digit':
      return o[0] + o[1];
    case 'sub':
    case 'sub_digit':
      return o[0] - o[1];
    case 'mul':
      return o[0] * o[1];
    case 'div':
      return o[0] / o[1];
    default:
      return o[0] + o[1] - o[2];
  }
}

const SPLITS = ['train', 'heldout'] as const;

describe('math problems', () => {
  it('have the fixed prompt/answer format and correct integer answers at both levels', () => {
    for (const level of MATH_LEVELS) {
      for (const split of SPLITS) {
        for (const p of mathProblems(split, 2000, 7, { level })) {
          expect(p.prompt).toMatch(/^Q: [^\n]+\?\nA: $/);
          expect(p.answer).toMatch(/^\d+$/);
          expect(p.text).toBe(`${p.prompt}${p.answer}\n`);
          expect(Number(p.answer)).toBe(expected(p.template, p.operands));
          // every operand appears in the question, in order
          const nums = p.prompt.match(/\d+/g)!.map(Number);
          expect(nums).toEqual([...p.operands]);
          expect(mathSplitOf(p.template, p.operands, p.phrasing)).toBe(split);
          expect(mathLevelOf(p.template)).toBe(level);
        }
      }
    }
  });

  it('easy: one operation on single digits with a one-digit answer, in three wordings', () => {
    const facts = new Set<string>();
    const keys = new Set<string>();
    const wordings = new Set<string>();
    for (const split of SPLITS) {
      for (const p of mathProblems(split, 6000, 11)) {
        const [a, b] = p.operands;
        expect(b).toBeLessThanOrEqual(9);
        expect(a).toBeLessThanOrEqual(9);
        // one answer byte: greedy decoding decides the answer in one step
        expect(p.answer).toMatch(/^\d$/);
        expect(p.fact).toBe(`${p.template}:${a},${b}`);
        facts.add(p.fact!);
        keys.add(p.key);
        wordings.add(p.prompt.replace(/\d+/g, '#'));
      }
    }
    // 55 addition facts a + b <= 9 and their 55 inverses, three wordings each
    expect(facts.size).toBe(110);
    expect(keys.size).toBe(330);
    expect([...wordings].sort()).toEqual([
      'Q: #+#=?\nA: ', 'Q: #-#=?\nA: ',
      'Q: What is # minus #?\nA: ', 'Q: What is # plus #?\nA: ',
      'Q: What is #+#?\nA: ', 'Q: What is #-#?\nA: ',
    ]);
  });

  it('examples: the easy form, and the wording of a hard problem is decoration around the arithmetic', () => {
    const style = { name: 'Tom', other: 'Zoe', item: 'apples', phrasing: 0 };
    expect(mathProblem('add_digit', [6, 3], style).text).toBe('Q: 6+3=?\nA: 9\n');
    expect(mathProblem('add_digit', [6, 3], { ...style, phrasing: 2 }).text).toBe('Q: What is 6 plus 3?\nA: 9\n');
    expect(mathProblem('sub_digit', [9, 2], { ...style, phrasing: 1 }).text).toBe('Q: What is 9-2?\nA: 7\n');
    expect(mathProblem('sub_digit', [9, 2], { ...style, phrasing: 2 }).text).toBe('Q: What is 9 minus 2?\nA: 7\n');
    // an easy problem's split key is its fact and wording; a hard one's is its fact alone
    expect(mathProblem('sub_digit', [9, 2], { ...style, phrasing: 2 }).key).toBe('sub_digit:9,2#2');
    expect(mathProblem('add', [17, 25], { ...style, phrasing: 1 }).key).toBe('add:17,25');
    const p = mathProblem('add', [17, 25], style);
    expect(p.text).toBe('Q: Tom has 17 apples and buys 25 more. How many now?\nA: 42\n');
    expect(p.key).toBe('add:17,25');
    expect(mathProblem('two_step', [30, 12, 5], { ...style, phrasing: 1 }).text).toBe('Q: A shop had 30 apples, got 12, sold 5. How many now?\nA: 37\n');
    expect(() => mathProblem('div', [7, 2], style)).toThrow(/no whole answer/);
    expect(() => mathProblem('sub_digit', [3, 5], style)).toThrow(/no whole answer/);
  });

  it('fit one 64-byte window (prompt, answer and newline), even with the longest decorations', () => {
    expect(MATH_MAX_TEXT_BYTES).toBe(64);
    const bytes = (t: string) => new TextEncoder().encode(t).length;
    for (const level of MATH_LEVELS) {
      for (const split of SPLITS) for (const p of mathProblems(split, 5000, 3, { level })) expect(bytes(p.text), p.text).toBeLessThanOrEqual(64);
    }
    // the largest operands and answers each template can draw, with the longest name, other and item
    const worst: Array<[MathTemplate, number[]]> = [
      ['add', [99, 99]], ['sub', [99, 2]], ['mul', [15, 15]], ['div', [135, 9]], ['two_step', [60, 40, 2]], ['two_step', [60, 40, 99]],
      ['add_digit', [9, 0]], ['sub_digit', [9, 9]],
    ];
    for (const [t, o] of worst) {
      for (let phrasing = 0; phrasing < mathPhrasings(t); phrasing++) {
        const p = mathProblem(t, o, { name: 'Maria', other: 'Yusuf', item: 'balloons', phrasing });
        expect(bytes(p.text), p.text).toBeLessThanOrEqual(64);
      }
    }
    expect(bytes(mathProblem('sub_digit', [9, 9], { name: '', other: '', item: '', phrasing: 0 }).text)).toBe(14);
  });

  it('never put a held-out question text in training, whatever the seeds, at either level', () => {
    for (const level of MATH_LEVELS) {
      const keys = { train: new Set<string>(), heldout: new Set<string>() };
      const facts = { train: new Set<string>(), heldout: new Set<string>() };
      const prompts = { train: new Set<string>(), heldout: new Set<string>() };
      for (const seed of [1, 2, 3, 0xdeadbeef]) {
        for (const split of SPLITS) {
          for (const p of mathProblems(split, 3000, seed, { level })) {
            keys[split].add(p.key);
            facts[split].add(p.fact!);
            prompts[split].add(p.prompt);
          }
        }
      }
      expect([...keys.heldout].filter((k) => keys.train.has(k))).toEqual([]);
      expect([...prompts.heldout].filter((k) => prompts.train.has(k))).toEqual([]);
      const sharedFacts = [...facts.heldout].filter((f) => facts.train.has(f));
      // hard: no held-out arithmetic identity is ever trained on (generalisation)
      if (level === 'hard') expect(sharedFacts).toEqual([]);
      // easy: every held-out fact is trained on in other wordings (recall)
      else expect(sharedFacts.length).toBe(facts.heldout.size);
      for (const t of MATH_TEMPLATES_BY_LEVEL[level]) expect([...keys.heldout].some((k) => k.startsWith(`${t}:`)), t).toBe(true);
    }
    expect(mathKey('two_step', [1, 2, 3])).toBe('two_step:1,2,3');
  });

  it('hold out about the stated share of identities', () => {
    let held = 0;
    for (let a = 2; a <= 99; a++) for (let b = 2; b <= 99; b++) if (mathSplitOf('add', [a, b]) === 'heldout') held++;
    expect(held / (98 * 98)).toBeGreaterThan((MATH_HELDOUT_PERCENT.hard - 2) / 100);
    expect(held / (98 * 98)).toBeLessThan((MATH_HELDOUT_PERCENT.hard + 2) / 100);
    // easy: exactly one of each fact's three wordings, all three wordings used
    const heldWordings = new Set<number>();
    for (let a = 0; a <= 9; a++) {
      for (let b = 0; a + b <= 9; b++) {
        for (const [t, o] of [['add_digit', [a, b]], ['sub_digit', [a + b, b]]] as const) {
          const held = [0, 1, 2].filter((w) => mathSplitOf(t, o, w) === 'heldout');
          expect(held, `${t}:${o}`).toHaveLength(1);
          heldWordings.add(held[0]);
        }
      }
    }
    expect(heldWordings.size).toBe(3);
    expect(MATH_HELDOUT_PERCENT.easy).toBeCloseTo(100 / 3, 12);
  });

  it('are deterministic per seed and respect a template subset', () => {
    expect(mathProblems('train', 50, 42)).toEqual(mathProblems('train', 50, 42));
    expect(mathProblems('train', 50, 42)).not.toEqual(mathProblems('train', 50, 43));
    expect(mathProblems('train', 50, 42, { level: 'hard' })).not.toEqual(mathProblems('train', 50, 42));
    const rng = new SplitMix32(5);
    for (let i = 0; i < 100; i++) expect(drawMathProblem(rng, 'heldout', ['mul']).template).toBe('mul');
  });

  it('give a fixed, distinct held-out evaluation set at each level', () => {
    const hard = mathEvalSet(200, 'hard');
    expect(hard).toEqual(mathEvalSet(200, 'hard'));
    expect(new Set(hard.map((p) => p.key)).size).toBe(200);
    expect(hard.every((p) => mathSplitOf(p.template, p.operands) === 'heldout' && mathLevelOf(p.template) === 'hard')).toBe(true);
    // easy: all of its held-out (fact, wording) pairs when asked for more, a fixed prefix otherwise
    const all = mathEvalSet(1000);
    const heldKeys = new Set<string>();
    for (let a = 0; a <= 9; a++) {
      for (let b = 0; a + b <= 9; b++) {
        for (let w = 0; w < 3; w++) {
          if (mathSplitOf('add_digit', [a, b], w) === 'heldout') heldKeys.add(`add_digit:${a},${b}#${w}`);
          if (mathSplitOf('sub_digit', [a + b, b], w) === 'heldout') heldKeys.add(`sub_digit:${a + b},${b}#${w}`);
        }
      }
    }
    expect(new Set(all.map((p) => p.key))).toEqual(heldKeys);
    expect(all).toHaveLength(110);
    expect(mathEvalSet(100)).toEqual(all.slice(0, 100));
    expect(mathEvalSet(32)).toEqual(all.slice(0, 32));
    expect(mathEvalSet(64, 'hard')).toEqual(hard.slice(0, 64));
    expect(new Set(mathEvalSet(32).map((p) => p.template))).toEqual(new Set(['add_digit', 'sub_digit']));
    expect(new Set(mathEvalSet(64).map((p) => p.key.split('#')[1])).size).toBe(3);
    expect(allMathProblems('heldout', ['add', 'add_digit'], 1)).toBeNull();
  });

  it('streams of a level hold only that level, and no held-out question text is in the training stream', () => {
    const heldKeys = new Set(mathEvalSet(1000).map((p) => p.prompt));
    const easy = new TextDecoder().decode(mathSource('train', { seed: 9, bytes: 100_000 }).bytes);
    const easyProblems = easy.split(/(?<=\n)(?=Q: )/);
    for (const t of easyProblems) {
      expect(t).toMatch(/^Q: [^\n]*\d[^\n]+\d[^\n]*\?\nA: \d\n$/);
      expect(heldKeys.has(t.slice(0, t.indexOf('A: ') + 3))).toBe(false);
    }
    expect(easyProblems.length).toBeGreaterThan(3000);
    const hard = mathSource('heldout', { level: 'hard', bytes: 20_000 });
    expect(hard.name).toBe('math/heldout (hard)');
    expect(new TextDecoder().decode(hard.bytes)).toMatch(/How many/);
  });

  it('give the constant-answer baseline: the most common answer\'s share', () => {
    const style = { name: '', other: '', item: '', phrasing: 0 };
    const set = [[3, 5], [4, 4], [2, 6], [1, 1], [0, 2]].map((o) => mathProblem('add_digit', o, style));
    // answers 8, 8, 8, 2, 2
    expect(constantAnswerBaseline(set)).toEqual({ answer: '8', accuracy: 0.6 });
    expect(constantAnswerBaseline([])).toBeNull();
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
