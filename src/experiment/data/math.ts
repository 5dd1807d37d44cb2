// Math word problems, generated from a seed: "Q: <question>\nA: <integer>\n". The split of a
// problem is a hash of its arithmetic identity (template, operands) — names, objects and
// wording are decoration — so a held-out problem can never appear in training, whatever the
// seeds. The runner scores exact-match accuracy of a greedy answer on held-out problems;
// answerMask lets the loss count only answer bytes.

import { hashString, SplitMix32 } from './rng';
import type { SplitId } from './assets';

export const MATH_TEMPLATES = ['add', 'sub', 'mul', 'div', 'two_step'] as const;
export type MathTemplate = (typeof MATH_TEMPLATES)[number];

/** Percent of (template, operands) identities reserved for the held-out split. */
export const MATH_HELDOUT_PERCENT = 10;
/** Longest answer a generator can produce is 3 digits; greedy decoding may stop after this many bytes. */
export const MATH_ANSWER_MAX_BYTES = 8;

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
  /** Arithmetic identity "template:op1,op2,...": decides the split. */
  key: string;
}

/** Decoration of a problem, independent of its split. */
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
  draw(rng: SplitMix32): number[];
  solve(o: readonly number[]): number;
  phrasings: readonly Phrase[];
}

const DEFS: Record<MathTemplate, TemplateDef> = {
  add: {
    draw: (r) => [r.range(2, 99), r.range(2, 99)],
    solve: ([a, b]) => a + b,
    phrasings: [
      (s, [a, b]) => `${s.name} has ${a} ${s.item} and buys ${b} more. How many ${s.item} does ${s.name} have now?`,
      (s, [a, b]) => `${s.name} found ${a} ${s.item} on Monday and ${b} ${s.item} on Tuesday. How many ${s.item} did ${s.name} find in all?`,
    ],
  },
  sub: {
    draw: (r) => {
      const a = r.range(10, 99);
      return [a, r.range(2, a - 1)];
    },
    solve: ([a, b]) => a - b,
    phrasings: [
      (s, [a, b]) => `${s.name} has ${a} ${s.item} and gives ${b} of them to ${s.other}. How many ${s.item} does ${s.name} have left?`,
      (s, [a, b]) => `There are ${a} ${s.item} in a box. ${s.name} takes out ${b}. How many ${s.item} are still in the box?`,
    ],
  },
  mul: {
    draw: (r) => [r.range(2, 15), r.range(2, 15)],
    solve: ([a, b]) => a * b,
    phrasings: [
      (s, [a, b]) => `${s.name} has ${a} bags with ${b} ${s.item} in each bag. How many ${s.item} does ${s.name} have?`,
      (s, [a, b]) => `${s.name} buys ${a} packs of ${s.item}. Each pack holds ${b} ${s.item}. How many ${s.item} does ${s.name} buy?`,
    ],
  },
  div: {
    draw: (r) => {
      const each = r.range(2, 15);
      const groups = r.range(2, 9);
      return [each * groups, groups];
    },
    solve: ([total, groups]) => total / groups,
    phrasings: [
      (s, [t, g]) => `${s.name} shares ${t} ${s.item} equally among ${g} friends. How many ${s.item} does each friend get?`,
      (s, [t, g]) => `${s.name} puts ${t} ${s.item} into ${g} boxes, the same number in each box. How many ${s.item} are in each box?`,
    ],
  },
  two_step: {
    draw: (r) => {
      const a = r.range(10, 60);
      const b = r.range(2, 40);
      return [a, b, r.range(2, a + b - 1)];
    },
    solve: ([a, b, c]) => a + b - c,
    phrasings: [
      (s, [a, b, c]) => `${s.name} has ${a} ${s.item}, buys ${b} more and then gives ${c} to ${s.other}. How many ${s.item} does ${s.name} have now?`,
      (s, [a, b, c]) => `A shop had ${a} ${s.item}. It got ${b} more and then sold ${c}. How many ${s.item} does the shop have now?`,
    ],
  },
};

export function mathKey(template: MathTemplate, operands: readonly number[]): string {
  return `${template}:${operands.join(',')}`;
}

/** The split a problem belongs to, from its arithmetic identity alone. */
export function mathSplitOf(template: MathTemplate, operands: readonly number[]): SplitId {
  return hashString(mathKey(template, operands)) % 100 < MATH_HELDOUT_PERCENT ? 'heldout' : 'train';
}

/** Builds one problem. Throws if the operands do not give a non-negative integer answer. */
export function mathProblem(template: MathTemplate, operands: readonly number[], style: MathStyle): MathProblem {
  const def = DEFS[template];
  const value = def.solve(operands);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${mathKey(template, operands)} has no whole answer`);
  const prompt = `Q: ${def.phrasings[style.phrasing % def.phrasings.length](style, operands)}\nA: `;
  const answer = String(value);
  return { template, operands: [...operands], prompt, answer, text: `${prompt}${answer}\n`, key: mathKey(template, operands) };
}

/** Draws one problem of `split` (rejection sampling on the split hash). */
export function drawMathProblem(rng: SplitMix32, split: SplitId, templates: readonly MathTemplate[] = MATH_TEMPLATES): MathProblem {
  if (!templates.length) throw new Error('drawMathProblem: no templates');
  for (let tries = 0; tries < 100_000; tries++) {
    const template = rng.pick(templates);
    const operands = DEFS[template].draw(rng);
    if (mathSplitOf(template, operands) !== split) continue;
    const style = { name: rng.pick(NAMES), other: rng.pick(NAMES2), item: rng.pick(ITEMS), phrasing: rng.int(2) };
    return mathProblem(template, operands, style);
  }
  throw new Error(`drawMathProblem: no ${split} problem found for templates ${templates.join(', ')}`);
}

/** `count` problems of `split` from `seed`; with `distinct`, no arithmetic identity repeats. */
export function mathProblems(
  split: SplitId,
  count: number,
  seed: number,
  opts: { templates?: readonly MathTemplate[]; distinct?: boolean } = {},
): MathProblem[] {
  const rng = new SplitMix32(seed);
  const out: MathProblem[] = [];
  const seen = new Set<string>();
  for (let tries = 0; out.length < count; tries++) {
    if (tries > count * 1000) throw new Error(`mathProblems: only ${out.length} distinct ${split} problems found`);
    const p = drawMathProblem(rng, split, opts.templates);
    if (opts.distinct && seen.has(p.key)) continue;
    seen.add(p.key);
    out.push(p);
  }
  return out;
}

/** The fixed held-out problems for exact-match accuracy (distinct, same every run). */
export const MATH_EVAL_SEED = 0x5eed_e7a1;
export function mathEvalSet(count: number, templates?: readonly MathTemplate[]): MathProblem[] {
  return mathProblems('heldout', count, MATH_EVAL_SEED, { templates, distinct: true });
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
  templates: readonly MathTemplate[] = MATH_TEMPLATES,
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
