// The paper's findings 1–4 and 8, each checked against measured series (a run's methods, or a sweep's
// cells at each family's best learning rate), over every seed measured, and written up as a Claim.
// Every comparison goes through the noise rule (noise.ts): a difference counts only beyond the
// seed-to-seed range. Findings 2 and 4 are judged in two views, at each method's point of best
// target skill and at equal learning, and agree only when both do; each view says how much every
// method learned beside how much it forgot.

import type { DiversityPoint } from '../protocol';
import { bestPoint, firstReach, paretoFront, type LFPoint } from './front';
import {
  bothViews, claim, compareSentence, fmtLr, list, num, numberOf, pct, spreadText, verdictOf,
  type Claim, type ClaimNumber, type NoiseContext, type Verbs,
} from './claims-text';
import { compare, spreadOf, type Decision, type Spread } from './noise';

export interface SeriesEval extends LFPoint {
  targetAccuracy?: number;
  diversity?: DiversityPoint;
  rank90?: { attention: number; mlp: number; all: number; share?: number };
}

/** One trained model's evaluations over seeds: a run's method or a sweep's cell. */
export interface Series {
  key: string;
  label: string;
  kind: 'full' | 'lora';
  lr: number;
  rank?: number;
  targets?: readonly string[];
  weightDecay: number;
  dropout: number;
  /** One list per seed, each sorted by step; step 0 is the base model. */
  seeds: SeriesEval[][];
  /** Diverged in at least one seed. */
  diverged: boolean;
}

/** A series reduced to its point of best target skill (the lowest held-out target loss after step 0), per seed. */
export interface Stat {
  s: Series;
  target: Spread;
  /** Source loss at each seed's best point minus that seed's base model; null without base evaluations. */
  rise: Spread | null;
  accuracy: Spread | null;
}

/** The shipped noise estimates a claim may need, by measure (see tour/results.ts); empty when none. */
export type NoiseTable = Partial<Record<NoiseKey, number>>;
export type NoiseKey = 'target' | 'rise' | 'equal' | 'slope' | 'rank90' | 'distinct' | 'distinct1' | 'distinct2' | 'similarity' | 'entropy';

/** What a claim needs to judge its differences: the shipped estimates and where they come from. */
export interface Judge {
  noise: NoiseTable;
  from: string;
}

export const NO_JUDGE: Judge = { noise: {}, from: 'the shipped seed runs' };

export const ctxOf = (j: Judge, key: NoiseKey, floor?: number): NoiseContext => ({ shipped: j.noise[key] ?? null, from: j.from, floor });

const isFiniteEval = (e: LFPoint) => Number.isFinite(e.targetLoss) && Number.isFinite(e.sourceLoss);

/** The base model's evaluation (step 0) of seed i: the series' own, else another series' (every method starts from the same base). */
export function baseEval(series: readonly Series[], seed: number, own?: Series): SeriesEval | null {
  for (const s of own ? [own, ...series] : series) {
    const e = s.seeds[seed]?.find((x) => x.step === 0 && isFiniteEval(x));
    if (e) return e;
  }
  return null;
}

export function statOf(s: Series, all: readonly Series[]): Stat | null {
  const target: number[] = [];
  const rise: number[] = [];
  const acc: number[] = [];
  s.seeds.forEach((evals, i) => {
    const best = bestPoint(evals.filter((e) => e.step > 0));
    if (!best) return;
    target.push(best.targetLoss);
    const base = baseEval(all, i, s);
    if (base) rise.push(best.sourceLoss - base.sourceLoss);
    if (best.targetAccuracy !== undefined) acc.push(best.targetAccuracy);
  });
  const t = spreadOf(target);
  if (!t) return null;
  return { s, target: t, rise: rise.length === target.length ? spreadOf(rise) : null, accuracy: acc.length === target.length ? spreadOf(acc) : null };
}

const plain = (s: Series) => s.kind === 'full' && s.weightDecay === 0 && s.dropout === 0;

/** The full fine-tuning reference: the unregularized full method that learned most (any full method if none is unregularized). */
export function pickRef(fulls: readonly Stat[]): Stat | null {
  const pool = fulls.some((f) => plain(f.s)) ? fulls.filter((f) => plain(f.s)) : fulls;
  return pool.reduce<Stat | null>((a, b) => (!a || b.target.mean < a.target.mean ? b : a), null);
}

export const withNote = (text: string, note: string) => (note ? `${text} ${note}` : text);

function needBoth(finding: number, stats: readonly Stat[], note: string): Claim | null {
  const hasFull = stats.some((x) => x.s.kind === 'full');
  const hasLora = stats.some((x) => x.s.kind === 'lora');
  if (hasFull && hasLora) return null;
  const missing = !hasFull && !hasLora ? 'full fine-tuning and LoRA methods' : !hasFull ? 'a full fine-tuning method' : 'a LoRA method';
  return claim(finding, withNote(`Not measured: needs ${missing} with an evaluation after step 0.`, note), 'not-measured');
}

const LEARN: Verbs = { more: 'learned less than', less: 'learned more than' };
const FORGET: Verbs = { less: 'forgot less than', more: 'forgot more than' };

/** Finding 1: the lowest held-out target loss of each LoRA method against full fine-tuning's. */
export function learnsLess(stats: readonly Stat[], note: string, judge: Judge): Claim {
  const missing = needBoth(1, stats, note);
  if (missing) return missing;
  const ref = pickRef(stats.filter((x) => x.s.kind === 'full'))!;
  const loras = stats.filter((x) => x.s.kind === 'lora');
  const { text, decisions } = compareSentence(
    { label: ref.s.label, value: ref.target }, loras.map((l) => ({ label: l.s.label, value: l.target })),
    LEARN, (x) => num(x), 'lowest held-out target loss; lower means more learned', ctxOf(judge, 'target'),
  );
  const accs = [ref, ...loras];
  const acc = accs.every((x) => x.accuracy)
    ? ` Exact-match accuracy at those points: ${list(accs.map((x) => `${spreadText(x.accuracy!, pct)} for ${x.s.label}`))}.`
    : '';
  const numbers = accs.map((x) => numberOf(`${x.s.label} target loss`, x.target, 'target'));
  return claim(1, withNote(text + acc, note), verdictOf(decisions, 'more'), numbers);
}

/**
 * The common equal-learning level of a set of series: the highest of their best target losses over
 * every seed, so every seed of every series reached it. null when one never got below its base.
 */
export function commonLevel(series: readonly Series[]): number | null {
  let level = -Infinity;
  for (const s of series) for (const evals of s.seeds) {
    const b = bestPoint(evals.filter((e) => e.step > 0));
    if (!b) return null;
    level = Math.max(level, b.targetLoss);
  }
  return Number.isFinite(level) ? level : null;
}

interface Reached { step: Spread; rise: Spread; interpolated: boolean }

/** Each seed's step and source rise when it first reached the level (interpolated between evaluations). */
export function reachOf(s: Series, all: readonly Series[], level: number): Reached | null {
  const steps: number[] = [];
  const rises: number[] = [];
  let interpolated = false;
  for (let i = 0; i < s.seeds.length; i++) {
    const hit = firstReach(s.seeds[i], level);
    const base = baseEval(all, i, s);
    if (!hit || !base) return null;
    if (!s.seeds[i].some((e) => e.step === hit.step)) interpolated = true;
    steps.push(hit.step);
    rises.push(hit.sourceLoss - base.sourceLoss);
  }
  const step = spreadOf(steps);
  const rise = spreadOf(rises);
  return step && rise ? { step, rise, interpolated } : null;
}

/** "step ≈ 85 (interpolated between evaluations)" or "step 100": the step at which a level was reached. */
export function stepText(r: Reached): string {
  const s = r.step.n >= 2 ? `${Math.round(r.step.mean)} [${Math.round(r.step.min)}–${Math.round(r.step.max)}]` : String(Math.round(r.step.mean));
  return r.interpolated ? `≈ step ${s}` : `step ${s}`;
}

/**
 * The equal-learning view of forgetting: every series' source rise when it first reached the common
 * level, each LoRA (or `items`) against the reference. `null` when a series never reached it.
 */
function equalView(
  ref: Stat, items: readonly Stat[], all: readonly Series[], judge: Judge,
): { text: string; decisions: Decision[]; numbers: ClaimNumber[] } | null {
  const level = commonLevel([ref.s, ...items.map((x) => x.s)]);
  if (level === null) return null;
  const r = reachOf(ref.s, all, level);
  const its = items.map((x) => ({ x, r: reachOf(x.s, all, level) }));
  if (!r || its.some((i) => !i.r)) return null;
  const { text, decisions } = compareSentence(
    { label: ref.s.label, value: r.rise }, its.map((i) => ({ label: i.x.s.label, value: i.r!.rise })),
    FORGET, (x) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`, 'source loss rise from the base model', ctxOf(judge, 'equal'),
  );
  const interp = [r, ...its.map((i) => i.r!)].some((x) => x.interpolated) ? ', interpolated between evaluations' : '';
  const when = `${ref.s.label} at ${stepText(r)}, ${list(its.map((i) => `${i.x.s.label} at ${stepText(i.r!)}`))}`;
  const every = r.rise.n >= 2 ? 'every seed of these methods' : 'all these methods';
  const lead = `At equal learning (held-out target loss ${num(level)} nats/byte, the lowest level ${every} reached${interp}: ${when}): `;
  const numbers = [numberOf(`${ref.s.label} rise at equal learning`, r.rise, 'equal'), ...its.map((i) => numberOf(`${i.x.s.label} rise at equal learning`, i.r!.rise, 'equal'))];
  return { text: lead + text, decisions, numbers };
}

/** The best-point view: forgetting at each method's lowest target loss, with how much each learned there. */
function bestView(ref: Stat, items: readonly Stat[], judge: Judge): { text: string; decisions: Decision[]; numbers: ClaimNumber[] } {
  const { text, decisions } = compareSentence(
    { label: ref.s.label, value: ref.rise! }, items.map((l) => ({ label: l.s.label, value: l.rise! })),
    FORGET, (x) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`, "source loss rise from the base model at each method's lowest target loss", ctxOf(judge, 'rise'),
  );
  const learned = ` How much each had learned there (held-out target loss): ${list([ref, ...items].map((x) => `${spreadText(x.target)} for ${x.s.label}`))} nats/byte.`;
  const numbers = [ref, ...items].map((x) => numberOf(`${x.s.label} rise at best`, x.rise!, 'rise'));
  return { text: text + learned, decisions, numbers };
}

/** Finding 2: forgetting of each LoRA against full fine-tuning, at the best point and at equal learning. */
export function forgetsLess(stats: readonly Stat[], all: readonly Series[], note: string, judge: Judge, bestWords: string): Claim {
  const usable = stats.filter((x) => x.rise !== null);
  const missing = needBoth(2, usable, note);
  if (missing) return missing;
  const ref = pickRef(usable.filter((x) => x.s.kind === 'full'))!;
  const loras = usable.filter((x) => x.s.kind === 'lora');
  return twoViews(2, ref, loras, all, note, judge, bestWords);
}

function twoViews(finding: number, ref: Stat, items: readonly Stat[], all: readonly Series[], note: string, judge: Judge, bestWords: string): Claim {
  const best = bestView(ref, items, judge);
  const eq = equalView(ref, items, all, judge);
  const vBest = verdictOf(best.decisions, 'less');
  const vEq = eq ? verdictOf(eq.decisions, 'less') : 'not-measured';
  const parts = [`${bestWords}: ${best.text}`];
  if (eq) parts.push(eq.text);
  else parts.push('At equal learning: not measured (a method never got below the base model in some seed).');
  const verdict = bothViews(vBest, vEq);
  if (vBest !== 'not-measured' && vEq !== 'not-measured' && vBest !== vEq) {
    parts.push(`The two views differ (${viewWord(vBest)} at the best point, ${viewWord(vEq)} at equal learning), so the finding is mixed here.`);
  }
  return claim(finding, withNote(parts.join(' '), note), verdict, [...best.numbers, ...(eq?.numbers ?? [])]);
}

const viewWord = (v: string) => (v === 'agrees' ? 'as in the paper' : v === 'disagrees' ? 'the opposite of the paper' : v === 'within-noise' ? 'within noise' : 'mixed');

/** Finding 4: regularized full fine-tuning (weight decay or dropout) against LoRA, in both views. */
export function regularizers(stats: readonly Stat[], all: readonly Series[], note: string, judge: Judge, bestWords: string): Claim {
  const regs = stats.filter((x) => x.s.kind === 'full' && !plain(x.s) && x.rise !== null);
  const loras = stats.filter((x) => x.s.kind === 'lora' && x.rise !== null);
  if (regs.length === 0) {
    return claim(4, withNote('Not measured: add a full fine-tuning method with weight decay or dropout (e.g. dropout 0.1) beside a LoRA method.', note), 'not-measured');
  }
  if (loras.length === 0) return claim(4, withNote('Not measured: needs a LoRA method to compare the regularized full fine-tuning with.', note), 'not-measured');
  // The LoRA that learned most is the one the paper's claim is about; each regularized method is compared with it.
  const lora = loras.reduce((a, b) => (b.target.mean < a.target.mean ? b : a));
  const claims = regs.map((r) => twoViews(4, r, [lora], all, '', judge, bestWords));
  // LoRA is the item, the regularized method the reference: LoRA forgetting less is the paper's direction.
  const verdict = claims.map((c) => c.verdict).reduce((a, b) => bothViews(a, b));
  const ref = pickRef(stats.filter((x) => x.s.kind === 'full' && plain(x.s) && x.rise !== null));
  const plainText = ref ? ` Unregularized, ${ref.s.label} rose ${spreadText(ref.rise!, (x) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`)} nats/byte at its lowest target loss ${spreadText(ref.target)}.` : '';
  return claim(4, withNote(claims.map((c) => c.measured).join(' ') + plainText, note), verdict, claims.flatMap((c) => c.numbers ?? []));
}

interface Reach { s: Series; r: Reached }

/** Among the series of one kind, the one with the lowest mean source rise when every seed first reached the level. */
function leastForgetting(series: readonly Series[], kind: 'full' | 'lora', level: number): Reach | null {
  let best: Reach | null = null;
  for (const s of series) {
    if (s.kind !== kind) continue;
    const r = reachOf(s, series, level);
    if (r && (!best || r.rise.mean < best.r.rise.mean)) best = { s, r };
  }
  return best;
}

/**
 * Finding 3: LoRA's share of the Pareto front of every checkpoint after step 0 (per seed; diverged
 * methods included, their checkpoints are real models), and at equal learning the least forgetting
 * of each kind. One curve: the two differ by no more than the noise, and by at most max(0.02, 10%).
 */
export function oneCurve(series: readonly Series[], note: string, judge: Judge): Claim {
  const n = Math.min(...series.map((s) => s.seeds.length));
  const fronts: Array<{ lora: number; all: number }> = [];
  for (let i = 0; i < n; i++) {
    const pts = series.flatMap((s) => s.seeds[i].filter((e) => e.step > 0 && isFiniteEval(e)).map((e) => ({ ...e, kind: s.kind })));
    if (!pts.some((p) => p.kind === 'lora') || !pts.some((p) => p.kind === 'full')) {
      return claim(3, withNote('Not measured: needs checkpoints of both full fine-tuning and LoRA after step 0.', note), 'not-measured');
    }
    const front = paretoFront(pts);
    fronts.push({ lora: front.filter((p) => p.kind === 'lora').length, all: front.length });
  }
  const frontText = fronts.length === 1
    ? `${fronts[0].lora} of the ${fronts[0].all} checkpoints on the learn–forget Pareto front ${fronts[0].lora === 1 ? 'is' : 'are'} LoRA's.`
    : `LoRA's checkpoints on the learn–forget Pareto front, seed by seed: ${list(fronts.map((f) => `${f.lora} of ${f.all}`))}.`;
  const fulls = series.filter((s) => s.kind === 'full');
  const loras = series.filter((s) => s.kind === 'lora');
  // The level: the lowest target loss that some full and some LoRA series reached in every seed.
  const bestLevel = (ss: readonly Series[]) => Math.min(...ss.map((s) => commonLevel([s]) ?? Infinity));
  const level = Math.max(bestLevel(fulls), bestLevel(loras));
  const f = Number.isFinite(level) ? leastForgetting(series, 'full', level) : null;
  const l = Number.isFinite(level) ? leastForgetting(series, 'lora', level) : null;
  if (!f || !l) return claim(3, withNote(`${frontText} No level of learning was reached by both kinds in every seed.`, note), 'not-measured');
  const c = compare(l.r.rise, f.r.rise, { shipped: judge.noise.equal ?? null, floor: 0.02 });
  const tol = Math.max(0.02, 0.1 * Math.max(Math.abs(f.r.rise.mean), Math.abs(l.r.rise.mean)));
  const sh = (s: Spread) => spreadText(s, (x) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`);
  const equal = `At equal learning (held-out target loss ${num(level)} nats/byte, the lowest level both kinds reached in every seed), ` +
    `${f.s.label} first got there at ${stepText(f.r)} with a source rise of ${sh(f.r.rise)}, ${l.s.label} at ${stepText(l.r)} with ${sh(l.r.rise)} nats/byte`;
  const seeds = Math.min(f.r.rise.n, l.r.rise.n);
  const how = seeds >= 2 ? ` (mean [min–max] over ${seeds} seeds)` : '';
  let verdict: Claim['verdict'];
  let tail: string;
  if (c.basis === 'none') {
    verdict = 'within-noise';
    tail = ': with one seed and no noise estimate, whether they lie on one curve cannot be told.';
  } else if (c.rel === 'within-noise') {
    verdict = Math.abs(c.diff) <= tol ? 'agrees' : 'within-noise';
    tail = verdict === 'agrees'
      ? `: the same forgetting within the noise (${num(c.noise)}), so both lie on one curve there.`
      : `: a difference of ${num(Math.abs(c.diff))} that is within the noise (${num(c.noise)}) but too large to call one curve.`;
  } else {
    verdict = 'disagrees';
    tail = c.rel === 'more'
      ? `: full fine-tuning forgot less for the same learning, beyond the noise (${num(c.noise)}): a better trade-off than LoRA's there, not one shared curve.`
      : `: LoRA forgot less for the same learning, beyond the noise (${num(c.noise)}): a better trade-off than full fine-tuning's there, not one shared curve.`;
  }
  return claim(3, withNote(`${frontText} ${equal}${how}${tail}`, note), verdict, [numberOf(`${f.s.label} rise at equal learning`, f.r.rise, 'equal'), numberOf(`${l.s.label} rise at equal learning`, l.r.rise, 'equal')]);
}

export { fmtLr };
