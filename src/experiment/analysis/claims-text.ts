// Wording shared by the claims: the claim types, the paper's figures at 7B, number formatting with
// units, and how a set of methods is compared against a reference value in one honest sentence.
// Every number that reaches a sentence passes through here, so non-finite values never do.

export type Verdict = 'agrees' | 'disagrees' | 'mixed' | 'not-measured';

export interface Claim {
  finding: number;
  title: string;
  /** The paper's figure at 7B scale. */
  paper: string;
  /** What this run or sweep measured, with its numbers. */
  measured: string;
  verdict: Verdict;
}

/** Loss differences below this (nats/byte) are reported as "about the same": evaluation noise, not an effect. */
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

export function claim(finding: number, measured: string, verdict: Verdict): Claim {
  return { finding, title: TITLES[finding], paper: PAPER[finding], measured, verdict };
}

export const num = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
export const signed = (x: number, d = 2) => (!Number.isFinite(x) ? 'n/a' : x >= 0 ? `+${x.toFixed(d)}` : `−${(-x).toFixed(d)}`);
export const pct = (x: number) => (Number.isFinite(x) ? `${Math.round(x * 100)}%` : 'n/a');

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

/** How an item compares with the reference, in the claim's direction. */
export type Relation = 'less' | 'more' | 'same';

export function relation(value: number, ref: number, tol = SAME): Relation {
  if (Math.abs(value - ref) < tol) return 'same';
  return value < ref ? 'less' : 'more';
}

export interface Compared { label: string; value: number }

/**
 * One sentence comparing items with a reference, e.g. "LoRA r=8 forgot more than Full fine-tuning here:
 * +0.62 vs +0.49 nats/byte (…)". `verb` maps a relation to its words ("forgot less than"); `show`
 * formats a value; `what` says what the numbers are. Returns the relation of each item. Two decimals
 * suffice: values at least `tol` = 0.01 apart never round to the same two-decimal text.
 */
export function compareSentence(
  ref: Compared, items: readonly Compared[], verb: Record<Relation, string>,
  show: (x: number) => string, what: string, tol = SAME,
): { text: string; relations: Relation[] } {
  const relations = items.map((it) => relation(it.value, ref.value, tol));
  if (items.length === 1) {
    const text = `${items[0].label} ${verb[relations[0]]} ${ref.label} here: ${show(items[0].value)} vs ${show(ref.value)} nats/byte (${what}).`;
    return { text, relations };
  }
  const groups = (['less', 'more', 'same'] as const)
    .map((r) => ({ r, names: items.filter((_, i) => relations[i] === r).map((i) => i.label) }))
    .filter((g) => g.names.length > 0);
  const lead = groups.map((g) => `${list(g.names)} ${verb[g.r]} ${ref.label}`).join('; ');
  const values = `${show(ref.value)} nats/byte for ${ref.label} vs ${list(items.map((i) => `${show(i.value)} for ${i.label}`))}`;
  return { text: `${groups.length > 1 ? 'Mixed: ' : ''}${lead} here: ${values} (${what}).`, relations };
}

/** agrees when every relation is the one the paper predicts, disagrees when every one is the opposite, else mixed. */
export function verdictOf(relations: readonly Relation[], expected: Exclude<Relation, 'same'>): Verdict {
  if (relations.length === 0) return 'not-measured';
  if (relations.every((r) => r === expected)) return 'agrees';
  if (relations.every((r) => r !== expected && r !== 'same')) return 'disagrees';
  return 'mixed';
}

/** A claim whose text slipped a non-finite number through is replaced: the page never shows "NaN". */
export function sane(c: Claim): Claim {
  if (/NaN|Infinity|undefined|n\/a/.test(c.measured)) {
    return { ...c, measured: 'Could not be computed from this data (some losses are not finite).', verdict: 'not-measured' };
  }
  return c;
}
