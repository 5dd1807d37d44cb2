// Wording shared by the claims: the claim types, the paper's figures at 7B, number formatting with
// units and seed spreads, and one grammar for "these methods compared with that one" sentences.
// Every number that reaches a sentence passes through here, so non-finite values never do, and every
// verdict word comes from the verdict (the chip), never from the sentence, so none is said twice.

import { compare, type Comparison, type Decision, type Spread } from './noise';

export type Verdict = 'agrees' | 'disagrees' | 'mixed' | 'within-noise' | 'inconclusive' | 'not-measured';

/** A verdict's words on its chip, in the worksheet and in the README's table (the claim's sentence never repeats them). */
export const VERDICT_LABEL: Readonly<Record<Verdict, string>> = {
  agrees: 'Agrees with the paper',
  disagrees: 'Disagrees with the paper',
  mixed: 'Mixed',
  'within-noise': 'Within noise at this scale',
  inconclusive: 'Inconclusive',
  'not-measured': 'Not measured',
};

/** One measured number of a claim: its mean, range and seed count, for tables and the README. */
export interface ClaimNumber {
  label: string;
  mean: number;
  min: number;
  max: number;
  n: number;
  /** Which kind of number it is (a noise-table key: target, rise, equal, slope, rank90, …). */
  key?: string;
}

export interface Claim {
  finding: number;
  title: string;
  /** The paper's figure at 7B scale. */
  paper: string;
  /** What this run or sweep measured, with its numbers. */
  measured: string;
  verdict: Verdict;
  /** The numbers the verdict rests on (mean, range, seeds), in the sentence's order. */
  numbers?: ClaimNumber[];
  /** How many seeds the numbers are over (the smallest count among them). */
  seeds?: number;
}

/** Loss differences below this (nats/byte) are never counted, whatever the seeds say: evaluation resolution. */
export const SAME = 0.01;

export const TITLES: Record<number, string> = {
  1: 'LoRA learns less',
  2: 'LoRA forgets less',
  3: 'One learn–forget trade-off',
  4: 'A stronger regularizer than weight decay or dropout',
  5: 'More diverse generations',
  6: "Full fine-tuning's weight change is high-rank",
  7: 'LoRA is more sensitive to the learning rate',
  8: 'Target modules and rank',
};

/** Biderman et al. 2024 (Llama-2-7B). */
export const PAPER: Record<number, string> = {
  1: 'Full fine-tuning reaches higher target skill: code CPT HumanEval 0.263 full vs 0.175 LoRA; code IFT 0.497 vs 0.407; math IFT GSM8K 0.642 vs 0.622.',
  2: 'Source-domain score at the point of best target skill (higher = less forgetting): code CPT 0.54 full vs 0.64 LoRA; code IFT 0.45 vs 0.63; math IFT 0.57 vs 0.63.',
  3: 'Checkpoints of LoRA and full fine-tuning lie on roughly one learn–forget curve, LoRA (and lower ranks) at the learns-less, forgets-less end.',
  4: 'Full fine-tuning with weight decay or dropout still forgets more than LoRA: LoRA is the stronger regularizer.',
  5: "Full fine-tuning collapses to fewer distinct completions of a prompt; LoRA stays closer to the base model's diversity.",
  6: "Full fine-tuning's weight change needs a rank 10–100× typical LoRA ranks for 90% of its variance, growing with training; MLP matrices more than attention.",
  7: "LoRA's best learning rate is about 10× full fine-tuning's (1e-4 to 2e-4 vs 1e-5 at 7B), and LoRA is more sensitive to it.",
  8: 'Target all modules (All > MLP > Attention; the modules matter more than the rank); higher ranks learn more.',
};

export function claim(finding: number, measured: string, verdict: Verdict, numbers?: ClaimNumber[]): Claim {
  const c: Claim = { finding, title: TITLES[finding], paper: PAPER[finding], measured, verdict };
  if (numbers?.length) {
    c.numbers = numbers;
    c.seeds = Math.min(...numbers.map((x) => x.n));
  }
  return c;
}

export const num = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
export const signed = (x: number, d = 2) => (!Number.isFinite(x) ? 'n/a' : x >= 0 ? `+${x.toFixed(d)}` : `−${(-x).toFixed(d)}`);
export const pct = (x: number) => (Number.isFinite(x) ? `${Math.round(x * 100)}%` : 'n/a');

/** A spread as text: "2.40 [2.38–2.43]" over several seeds, "2.40" for one. */
export function spreadText(s: Spread, show: (x: number) => string = (x) => num(x)): string {
  return s.n >= 2 ? `${show(s.mean)} [${show(s.min)}–${show(s.max)}]` : show(s.mean);
}

export const numberOf = (label: string, s: Spread, key?: string): ClaimNumber => ({ label, mean: s.mean, min: s.min, max: s.max, n: s.n, ...(key ? { key } : {}) });

/** A learning rate as 1e-3, 3e-4, 2.5e-3. */
export function fmtLr(lr: number): string {
  if (!(lr > 0) || !Number.isFinite(lr)) return String(lr);
  const e = Math.floor(Math.log10(lr));
  let m = Number((lr / 10 ** e).toPrecision(3));
  let exp = e;
  if (m >= 10) { m /= 10; exp++; }
  return `${m}e${exp}`;
}

/** "a", "a and b", "a, b and c". */
export function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/** "was" / "were" for a subject of `count` things. */
export const be = (count: number) => (count === 1 ? 'was' : 'were');

/** How an item compares with the reference, in the claim's direction. */
export type Relation = 'less' | 'more' | 'same';

/** Plain comparison of two single values with a tolerance (no seeds): for integer-like measures. */
export function relation(value: number, ref: number, tol = SAME): Relation {
  if (Math.abs(value - ref) < tol) return 'same';
  return value < ref ? 'less' : 'more';
}

/** Where a comparison's noise came from, said once per sentence. */
export interface NoiseContext {
  /** The shipped noise estimate of this measure for this setup (range over the tour's seeds), if any. */
  shipped: number | null;
  /** Where the estimate comes from, e.g. "the tour's 3 seeds of this setup". */
  from: string;
  floor?: number;
}

export interface Compared { label: string; value: Spread }

/**
 * Verbs for a comparison beyond the noise, past tense so no verb agrees with its subject; each takes
 * the reference after it ("forgot less than Full fine-tuning"). A difference within the noise is
 * always said the same way ("differed from … by less than the noise"), never as a tie.
 */
export interface Verbs { less: string; more: string }

/** The words saying how a sentence's numbers were judged: seeds and their range, a shipped estimate, or nothing. */
export function basisText(cs: readonly Comparison[], items: readonly Compared[], ctx: NoiseContext): string {
  const ns = [...new Set(items.map((i) => i.value.n))].sort((a, b) => a - b);
  if (cs.some((c) => c.basis === 'none')) return 'one seed and no noise estimate for it, so no difference can count';
  if (cs.some((c) => c.basis === 'shipped')) {
    return `one seed, so a difference counts only beyond the seed-to-seed range of ${ctx.from} (${num(ctx.shipped ?? NaN)})`;
  }
  const n = ns.length === 1 ? `${ns[0]} seeds` : `${list(ns.map(String))} seeds`;
  return `mean [min–max] over ${n}; a difference counts only beyond the larger range`;
}

/**
 * One sentence comparing items with a reference under the noise rule, e.g. "LoRA r=8 forgot more than
 * Full fine-tuning: +0.62 [+0.60–+0.65] vs +0.49 [...] nats/byte (what; how judged)." Items that differ
 * by less than the noise are said to differ "within noise". Returns each item's decision.
 */
export function compareSentence(
  ref: Compared, items: readonly Compared[], verbs: Verbs, show: (x: number) => string, what: string, ctx: NoiseContext,
): { text: string; decisions: Decision[]; comparisons: Comparison[] } {
  const comparisons = items.map((it) => compare(it.value, ref.value, { shipped: ctx.shipped, floor: ctx.floor ?? SAME }));
  const decisions = comparisons.map((c) => c.rel);
  const groups = (['less', 'more', 'within-noise'] as const)
    .map((r) => ({ r, names: items.filter((_, i) => decisions[i] === r).map((i) => i.label) }))
    .filter((g) => g.names.length > 0);
  const none = comparisons.some((c) => c.basis === 'none');
  const lead = groups.map((g) => g.r !== 'within-noise' ? `${list(g.names)} ${verbs[g.r]} ${ref.label}`
    : none ? `${list(g.names)} could not be told apart from ${ref.label}`
      : `${list(g.names)} differed from ${ref.label} by less than the noise`).join('; ');
  const sh = (s: Spread) => spreadText(s, show);
  const values = items.length === 1
    ? `${sh(items[0].value)} vs ${sh(ref.value)}`
    : `${sh(ref.value)} for ${ref.label} vs ${list(items.map((i) => `${sh(i.value)} for ${i.label}`))}`;
  const basis = basisText(comparisons, [ref, ...items], ctx);
  return { text: `${lead}: ${values} nats/byte (${what}; ${basis}).`, decisions, comparisons };
}

/**
 * The verdict of a set of decisions against the paper's expected direction: agrees / disagrees only
 * when every one is beyond the noise and points the paper's way / the other way; within noise when
 * none is beyond it; mixed otherwise.
 */
export function verdictOf(decisions: readonly Decision[], expected: 'less' | 'more'): Verdict {
  if (decisions.length === 0) return 'not-measured';
  if (decisions.every((d) => d === expected)) return 'agrees';
  if (decisions.every((d) => d !== expected && d !== 'within-noise')) return 'disagrees';
  if (decisions.every((d) => d === 'within-noise')) return 'within-noise';
  return 'mixed';
}

/** Two views of one finding (e.g. at the best learning rate and at equal learning): agrees only if both do. */
export function bothViews(a: Verdict, b: Verdict): Verdict {
  if (a === 'not-measured') return b;
  if (b === 'not-measured') return a;
  return a === b ? a : 'mixed';
}

/** A claim whose text slipped a non-finite number through is replaced: the page never shows "NaN". */
export function sane(c: Claim): Claim {
  if (/NaN|Infinity|undefined|n\/a/.test(c.measured)) {
    return { ...c, measured: 'Could not be computed from this data (some losses are not finite).', verdict: 'not-measured' };
  }
  return c;
}
