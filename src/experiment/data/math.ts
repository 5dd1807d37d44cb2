// Math problems, generated from a seed: "Q: <question>\nA: <integer>\n", at two levels that
// test different things.
// - 'easy' (the default) is a recall split: the 55 addition facts a + b with a one-digit sum
//   and their 55 inverses (a + b) - b, each written in three wordings ("3+5=?", "What is 3+5?",
//   "What is 3 plus 5?"). Exactly one wording of each fact is held out (chosen by a hash of the
//   fact), so a held-out question text never occurs in training while its fact does, in two
//   other wordings: accuracy measures whether fine-tuning taught the facts well enough to
//   answer them in a new wording. Every answer is one byte, so one greedy step decides it.
//   (Holding out whole facts asks the 115k-parameter model to generalise the addition table,
//   which it does not do at this scale; with answers up to 18 in five wordings, one fifth held
//   out by hash, it did not even recall the facts within a few hundred steps.)
// - 'hard' is word problems with operands up to 99, multiplication, division and two-step
//   problems, split by arithmetic identity (template, operands): names, objects and wording
//   are decoration, so it tests generalisation to unseen operands.
// Every problem fits one 64-byte training window, so the runner's greedy exact-match accuracy
// sees the whole prompt. answerMask lets the loss count only answer bytes: an easy answer and
// its newline are 8% of the bytes, so whole-text loss mostly measures the (unpredictable)
// question and says little about whether the answers were learned.

import { hashString, SplitMix32 } from './rng';
import type { SplitId } from './assets';

export type MathLevel = 'easy' | 'hard';
export const MATH_LEVELS: readonly MathLevel[] = ['easy', 'hard'];
export const MATH_TEMPLATES_BY_LEVEL = {
  easy: ['add_digit', 'sub_digit'],
  hard: ['add', 'sub', 'mul', 'div', 'two_step'],
} as const;
export const MATH_TEMPLATES = [...MATH_TEMPLATES_BY_LEVEL.easy, ...MATH_TEMPLATES_BY_LEVEL.hard] as const;
export type MathTemplate = (typeof MATH_TEMPLATES)[number];

/**
 * Percent of split keys in the held-out split, per level: arithmetic identities for hard (by
 * hash); (fact, wording) pairs for easy, where exactly one of each fact's three wordings is
 * held out (110 of 330, so every held-out question has two trained wordings of its fact).
 */
export const MATH_HELDOUT_PERCENT: Record<MathLevel, number> = { easy: 100 / 3, hard: 10 };
/** Longest answer a generator can produce is 3 digits; greedy decoding may stop after this many bytes. */
export const MATH_ANSWER_MAX_BYTES = 8;
/** Every problem's text (prompt, answer, newline) fits a training window of this many bytes. */
export const MATH_MAX_TEXT_BYTES = 64;

export interface MathProblem {
  template: MathTemplate;
  /** The numbers in the question, in order of appearance. */
  operands: readonly number[];
  /** "Q: ...\nA: " — everything the model is given. */
  prompt: string;
  /** The exact answer, decimal digits only. */
  answer: string;
  /** prompt + answer + "\n": the training form. */
  text: string;
  /** Arithmetic identity "template:op1,op2,..." (always set by mathProblem; optional for hand-made problems). */
  fact?: string;
  /** Index of the wording (always set by mathProblem). */
  phrasing?: number;
  /** What decides the split: the fact for hard problems, "fact#phrasing" for easy ones. */
  key: string;
}

/** Decoration of a problem (the easy level uses only the phrasing, which is part of its split key). */
export interface MathStyle {
  name: string;
  other: string;
  item: string;
  phrasing: number;
}

const NAMES = ['Tom', 'Anna', 'Ben', 'Maria', 'Sam', 'Lily', 'Omar', 'Chen', 'Ava', 'Noah'];
const NAMES2 = ['Zoe', 'Ravi', 'Emma', 'Leo', 'Mia', 'Kofi', 'Sara', 'Jack', 'Nina', 'Yusuf'];
const ITEMS = ['apples', 'marbles', 'stickers', 'books', 'pencils', 'cookies', 'stamps', 'shells', 'cards', 'coins',
  'balloons', 'oranges', 'eggs', 'beads', 'toy cars'];

type Phrase = (s: MathStyle, o: readonly number[]) => string;

interface TemplateDef {
  level: MathLevel;
  draw(rng: SplitMix32): number[];
  solve(o: readonly number[]): number;
  phrasings: readonly Phrase[];
  /** Every identity of a small template, so an evaluation set can take all its held-out problems. */
  all?: () => number[][];
}

// The easy facts: a + b with a one-digit sum (55 pairs), so every answer is a single byte and
// one greedy step decides it; sub_digit uses the same pairs as (a + b) - b.
const digitPairs = (): number[][] => {
  const out: number[][] = [];
  for (let a = 0; a <= 9; a++) for (let b = 0; a + b <= 9; b++) out.push([a, b]);
  return out;
};
const DIGIT_PAIRS = digitPairs();
const drawDigitPair = (r: SplitMix32): number[] => [...DIGIT_PAIRS[r.int(DIGIT_PAIRS.length)]];

// Three wordings per easy fact, close enough that a held-out wording's two trained wordings
// carry its fact: the symbolic form, the same inside a question, and the operation as a word.
const DEFS: Record<MathTemplate, TemplateDef> = {
  add_digit: {
    level: 'easy',
    draw: drawDigitPair,
    solve: ([a, b]) => a + b,
    phrasings: [
      (_, [a, b]) => `${a}+${b}=?`,
      (_, [a, b]) => `What is ${a}+${b}?`,
      (_, [a, b]) => `What is ${a} plus ${b}?`,
    ],
    all: digitPairs,
  },
  // the inverse of add_digit: (a + b) - b, so every answer is one digit too
  sub_digit: {
    level: 'easy',
    draw: (r) => {
      const [a, b] = drawDigitPair(r);
      return [a + b, b];
    },
    solve: ([a, b]) => a - b,
    phrasings: [
      (_, [a, b]) => `${a}-${b}=?`,
      (_, [a, b]) => `What is ${a}-${b}?`,
      (_, [a, b]) => `What is ${a} minus ${b}?`,
    ],
    all: () => digitPairs().map(([a, b]) => [a + b, b]),
  },
  add: {
    level: 'hard',
    draw: (r) => [r.range(2, 99), r.range(2, 99)],
    solve: ([a, b]) => a + b,
    phrasings: [
      (s, [a, b]) => `${s.name} has ${a} ${s.item} and buys ${b} more. How many now?`,
      (s, [a, b]) => `${s.name} found ${a} ${s.item} and ${b} more. How many in all?`,
    ],
  },
  sub: {
    level: 'hard',
    draw: (r) => {
      const a = r.range(10, 99);
      return [a, r.range(2, a - 1)];
    },
    solve: ([a, b]) => a - b,
    phrasings: [
      (s, [a, b]) => `${s.name} has ${a} ${s.item}, gives ${s.other} ${b}. How many left?`,
      (s, [a, b]) => `A box has ${a} ${s.item}. ${s.name} takes ${b}. How many left?`,
    ],
  },
  mul: {
    level: 'hard',
    draw: (r) => [r.range(2, 15), r.range(2, 15)],
    solve: ([a, b]) => a * b,
    phrasings: [
      (s, [a, b]) => `${s.name} has ${a} bags of ${b} ${s.item}. How many ${s.item}?`,
      (s, [a, b]) => `${s.name} buys ${a} packs of ${b} ${s.item}. How many in all?`,
    ],
  },
  div: {
    level: 'hard',
    draw: (r) => {
      const each = r.range(2, 15);
      const groups = r.range(2, 9);
      return [each * groups, groups];
    },
    solve: ([total, groups]) => total / groups,
    phrasings: [
      (s, [t, g]) => `${t} ${s.item} are shared by ${g} friends. How many each?`,
      (s, [t, g]) => `${s.name} puts ${t} ${s.item} in ${g} boxes. How many per box?`,
    ],
  },
  two_step: {
    level: 'hard',
    draw: (r) => {
      const a = r.range(10, 60);
      const b = r.range(2, 40);
      return [a, b, r.range(2, a + b - 1)];
    },
    solve: ([a, b, c]) => a + b - c,
    phrasings: [
      (s, [a, b, c]) => `${s.name} had ${a} ${s.item}, got ${b}, lost ${c}. How many now?`,
      (s, [a, b, c]) => `A shop had ${a} ${s.item}, got ${b}, sold ${c}. How many now?`,
    ],
  },
};

/** The level a template belongs to. */
export function mathLevelOf(template: MathTemplate): MathLevel {
  return DEFS[template].level;
}

/** The arithmetic identity "template:op1,op2,...". */
export function mathKey(template: MathTemplate, operands: readonly number[]): string {
  return `${template}:${operands.join(',')}`;
}

/** Number of wordings a template has. */
export function mathPhrasings(template: MathTemplate): number {
  return DEFS[template].phrasings.length;
}

/**
 * What decides a problem's split: the arithmetic identity at the hard level (wording is
 * decoration), the identity and the wording at the easy level (a recall split).
 */
export function mathSplitKey(template: MathTemplate, operands: readonly number[], phrasing = 0): string {
  const fact = mathKey(template, operands);
  return DEFS[template].level === 'easy' ? `${fact}#${phrasing % mathPhrasings(template)}` : fact;
}

/** The split a problem belongs to, from its split key alone (see mathSplitKey). */
export function mathSplitOf(template: MathTemplate, operands: readonly number[], phrasing = 0): SplitId {
  const fact = mathKey(template, operands);
  if (DEFS[template].level === 'easy') {
    // one wording per fact, chosen by the fact's hash: never all of a fact's wordings
    const n = mathPhrasings(template);
    return phrasing % n === hashString(fact) % n ? 'heldout' : 'train';
  }
  return hashString(fact) % 100 < MATH_HELDOUT_PERCENT.hard ? 'heldout' : 'train';
}

/** Builds one problem. Throws if the operands do not give a non-negative integer answer. */
export function mathProblem(template: MathTemplate, operands: readonly number[], style: MathStyle): MathProblem {
  const def = DEFS[template];
  const value = def.solve(operands);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${mathKey(template, operands)} has no whole answer`);
  const prompt = `Q: ${def.phrasings[style.phrasing % def.phrasings.length](style, operands)}\nA: `;
  const answer = String(value);
  const key = mathSplitKey(template, operands, style.phrasing);
  return { template, operands: [...operands], prompt, answer, text: `${prompt}${answer}\n`, fact: mathKey(template, operands), phrasing: style.phrasing % def.phrasings.length, key };
}

/** The templates of a level, or `templates` when given (tests and custom streams). */
export function mathTemplates(level: MathLevel = 'easy', templates?: readonly MathTemplate[]): readonly MathTemplate[] {
  return templates ?? MATH_TEMPLATES_BY_LEVEL[level];
}

function drawStyle(rng: SplitMix32, template: MathTemplate): MathStyle {
  return { name: rng.pick(NAMES), other: rng.pick(NAMES2), item: rng.pick(ITEMS), phrasing: rng.int(mathPhrasings(template)) };
}

/** Draws one problem of `split` (rejection sampling on the split hash). */
export function drawMathProblem(
  rng: SplitMix32,
  split: SplitId,
  templates: readonly MathTemplate[] = MATH_TEMPLATES_BY_LEVEL.easy,
): MathProblem {
  if (!templates.length) throw new Error('drawMathProblem: no templates');
  for (let tries = 0; tries < 100_000; tries++) {
    const template = rng.pick(templates);
    const operands = DEFS[template].draw(rng);
    const style = drawStyle(rng, template);
    if (mathSplitOf(template, operands, style.phrasing) !== split) continue;
    return mathProblem(template, operands, style);
  }
  throw new Error(`drawMathProblem: no ${split} problem found for templates ${templates.join(', ')}`);
}

export interface MathSetOptions {
  /** Problem set; default 'easy'. Ignored when `templates` is given. */
  level?: MathLevel;
  templates?: readonly MathTemplate[];
  /** No split key repeats (no fact at the hard level, no fact and wording at the easy level). */
  distinct?: boolean;
}

/** `count` problems of `split` from `seed`; with `distinct`, no split key repeats. */
export function mathProblems(split: SplitId, count: number, seed: number, opts: MathSetOptions = {}): MathProblem[] {
  const templates = mathTemplates(opts.level, opts.templates);
  const rng = new SplitMix32(seed);
  const out: MathProblem[] = [];
  const seen = new Set<string>();
  for (let tries = 0; out.length < count; tries++) {
    if (tries > count * 1000) throw new Error(`mathProblems: only ${out.length} distinct ${split} problems found`);
    const p = drawMathProblem(rng, split, templates);
    if (opts.distinct && seen.has(p.key)) continue;
    seen.add(p.key);
    out.push(p);
  }
  return out;
}

/** Every problem (fact and wording) of `split` for templates small enough to list (null if any is not). */
export function allMathProblems(split: SplitId, templates: readonly MathTemplate[], seed: number): MathProblem[] | null {
  if (!templates.every((t) => DEFS[t].all)) return null;
  const rng = new SplitMix32(seed);
  const out = templates.flatMap((t) => DEFS[t].all!().flatMap((o) =>
    Array.from({ length: mathPhrasings(t) }, (_, phrasing) => ({ ...drawStyle(rng, t), phrasing }))
      .filter((style) => mathSplitOf(t, o, style.phrasing) === split)
      .map((style) => mathProblem(t, o, style))));
  // Fisher-Yates, so a prefix of the list mixes templates and operands
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * The fixed held-out problems for exact-match accuracy (distinct split keys, same every run):
 * the first `count`, or every held-out problem of a level that has fewer. The English → math
 * preset asks for 64 (evaluation batches × batch size): with 32 one answer moves accuracy by
 * 3 points.
 */
export const MATH_EVAL_SEED = 0x5eed_e7a1;
export function mathEvalSet(count: number, level: MathLevel = 'easy'): MathProblem[] {
  const templates = mathTemplates(level);
  const all = allMathProblems('heldout', templates, MATH_EVAL_SEED);
  if (all) return all.slice(0, count);
  return mathProblems('heldout', count, MATH_EVAL_SEED, { templates, distinct: true });
}

/**
 * Accuracy of answering every problem with the same, best-chosen answer: the share of the
 * most common answer (the first in the set's order on ties). The floor a model's accuracy must
 * clear before it shows learning. null for an empty set.
 */
export function constantAnswerBaseline(problems: readonly MathProblem[]): { answer: string; accuracy: number } | null {
  const counts = new Map<string, number>();
  for (const p of problems) counts.set(p.answer, (counts.get(p.answer) ?? 0) + 1);
  let best: [string, number] | null = null;
  for (const e of counts) if (!best || e[1] > best[1]) best = e;
  return best && { answer: best[0], accuracy: best[1] / problems.length };
}

/** The answer a model gave: the text before the first newline, trimmed. */
export function extractAnswer(generated: string): string {
  const nl = generated.indexOf('\n');
  return (nl < 0 ? generated : generated.slice(0, nl)).trim();
}

/** Exact match of a generated continuation of `problem.prompt`. */
export function isCorrect(problem: MathProblem, generated: string): boolean {
  return extractAnswer(generated) === problem.answer;
}

const A = 0x41;
const COLON = 0x3a;
const SPACE = 0x20;
const NEWLINE = 0x0a;

/**
 * 1 for every answer byte of a problem stream, 0 elsewhere: the bytes after a line-initial
 * "A: " up to and including the newline that ends the answer. Used as a target mask
 * (answer-only loss): only predictions of these bytes are scored.
 */
export function answerMask(bytes: Uint8Array): Uint8Array {
  const mask = new Uint8Array(bytes.length);
  let lineStart = true;
  for (let i = 0; i < bytes.length; i++) {
    if (lineStart && bytes[i] === A && bytes[i + 1] === COLON && bytes[i + 2] === SPACE) {
      let j = i + 3;
      while (j < bytes.length && bytes[j] !== NEWLINE) mask[j++] = 1;
      if (j < bytes.length) mask[j] = 1;
      i = j;
      lineStart = true;
      continue;
    }
    lineStart = bytes[i] === NEWLINE;
  }
  return mask;
}

export interface MathStream {
  bytes: Uint8Array;
  /** Byte offset where each problem starts (its "Q"). */
  starts: Uint32Array;
  problems: number;
}

/** Problems of `split` from `seed`, concatenated until at least `minBytes` bytes. */
export function mathStream(
  split: SplitId,
  seed: number,
  minBytes: number,
  templates: readonly MathTemplate[] = MATH_TEMPLATES_BY_LEVEL.easy,
): MathStream {
  const rng = new SplitMix32(seed);
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [];
  const starts: number[] = [];
  let total = 0;
  while (total < minBytes) {
    const b = encoder.encode(drawMathProblem(rng, split, templates).text);
    starts.push(total);
    parts.push(b);
    total += b.length;
  }
  const bytes = new Uint8Array(total);
  parts.forEach((p, i) => bytes.set(p, starts[i]));
  return { bytes, starts: Uint32Array.from(starts), problems: parts.length };
}
