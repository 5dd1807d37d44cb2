// The paper's findings 1–6 and 8, each checked against measured series (a run's methods, or a sweep's
// cells at each family's best learning rate) and written up as a Claim. Only what the numbers show
// is said: a comparison needs both sides measured, ties within SAME are "about the same", and a
// check that cannot be made yields 'not-measured' with what to run instead.

import type { DiversityPoint } from '../protocol';
import { bestPoint, firstReach, paretoFront, type LFPoint } from './front';
import {
  claim, compareSentence, fmtLr, list, num, pct, relation, signed, verdictOf,
  type Claim, type Relation, type Verdict,
} from './claims-text';

export interface SeriesEval extends LFPoint {
  targetAccuracy?: number;
  diversity?: DiversityPoint;
  rank90?: { attention: number; mlp: number; all: number };
}

/** One trained model's evaluations: a run's method or a sweep's cell. */
export interface Series {
  key: string;
  label: string;
  kind: 'full' | 'lora';
  lr: number;
  rank?: number;
  targets?: readonly string[];
  weightDecay: number;
  dropout: number;
  /** Sorted by step; step 0 is the base model. */
  evals: SeriesEval[];
  diverged: boolean;
}

/** A series reduced to its point of best target skill (the lowest held-out target loss after step 0). */
export interface Stat {
  s: Series;
  best: SeriesEval;
  /** Source loss at the best point minus the base model's; null without a base evaluation. */
  rise: number | null;
}

const isFiniteEval = (e: LFPoint) => Number.isFinite(e.targetLoss) && Number.isFinite(e.sourceLoss);

/** The base model's evaluation (step 0): the series' own, else the first other series' (every method starts from the same base). */
export function baseEval(series: readonly Series[], own?: Series): SeriesEval | null {
  for (const s of own ? [own, ...series] : series) {
    const e = s.evals.find((x) => x.step === 0 && isFiniteEval(x));
    if (e) return e;
  }
  return null;
}

export function statOf(s: Series, all: readonly Series[]): Stat | null {
  const best = bestPoint(s.evals.filter((e) => e.step > 0));
  if (!best) return null;
  const base = baseEval(all, s);
  return { s, best, rise: base ? best.sourceLoss - base.sourceLoss : null };
}

const plain = (s: Series) => s.kind === 'full' && s.weightDecay === 0 && s.dropout === 0;

/** The full fine-tuning reference: the unregularized full method that learned most (any full method if none is unregularized). */
export function pickRef(fulls: readonly Stat[]): Stat | null {
  const pool = fulls.some((f) => plain(f.s)) ? fulls.filter((f) => plain(f.s)) : fulls;
  return pool.reduce<Stat | null>((a, b) => (!a || b.best.targetLoss < a.best.targetLoss ? b : a), null);
}

const withNote = (text: string, note: string) => (note ? `${text} ${note}` : text);

function needBoth(finding: number, stats: readonly Stat[], note: string): Claim | null {
  const hasFull = stats.some((x) => x.s.kind === 'full');
  const hasLora = stats.some((x) => x.s.kind === 'lora');
  if (hasFull && hasLora) return null;
  const missing = !hasFull && !hasLora ? 'full fine-tuning and LoRA methods' : !hasFull ? 'a full fine-tuning method' : 'a LoRA method';
  return claim(finding, withNote(`Not measured: needs ${missing} with an evaluation after step 0.`, note), 'not-measured');
}

/** Finding 1: the lowest held-out target loss of each LoRA method against full fine-tuning's. */
export function learnsLess(stats: readonly Stat[], note: string): Claim {
  const missing = needBoth(1, stats, note);
  if (missing) return missing;
  const ref = pickRef(stats.filter((x) => x.s.kind === 'full'))!;
  const loras = stats.filter((x) => x.s.kind === 'lora');
  const { text, relations } = compareSentence(
    { label: ref.s.label, value: ref.best.targetLoss },
    loras.map((l) => ({ label: l.s.label, value: l.best.targetLoss })),
    { more: 'learned less than', less: 'learned more than', same: 'learned about as much as' },
    (x) => num(x), 'lowest held-out target loss; lower means more learned',
  );
  const acc = [ref, ...loras].every((x) => x.best.targetAccuracy !== undefined && Number.isFinite(x.best.targetAccuracy))
    ? ` Exact-match accuracy at those points: ${list([ref, ...loras].map((x) => `${pct(x.best.targetAccuracy!)} for ${x.s.label}`))}.`
    : '';
  return claim(1, withNote(text + acc, note), verdictOf(relations, 'more'));
}

/** Finding 2: the source-loss rise at each method's point of best target skill. */
export function forgetsLess(stats: readonly Stat[], note: string): Claim {
  const usable = stats.filter((x) => x.rise !== null);
  const missing = needBoth(2, usable, note);
  if (missing) return missing;
  const ref = pickRef(usable.filter((x) => x.s.kind === 'full'))!;
  const loras = usable.filter((x) => x.s.kind === 'lora');
  const { text, relations } = compareSentence(
    { label: ref.s.label, value: ref.rise! },
    loras.map((l) => ({ label: l.s.label, value: l.rise! })),
    { less: 'forgot less than', more: 'forgot more than', same: 'forgot about as much as' },
    (x) => signed(x), "source loss rise from the base model, at each method's lowest target loss",
  );
  return claim(2, withNote(text, note), verdictOf(relations, 'less'));
}

/** Finding 4: regularized full fine-tuning (weight decay or dropout) against LoRA, by forgetting at the best target point. */
export function regularizers(stats: readonly Stat[], note: string): Claim {
  const regs = stats.filter((x) => x.s.kind === 'full' && !plain(x.s) && x.rise !== null);
  const loras = stats.filter((x) => x.s.kind === 'lora' && x.rise !== null);
  if (regs.length === 0) {
    return claim(4, withNote('Not measured: add a full fine-tuning method with weight decay or dropout (e.g. dropout 0.1) beside a LoRA method.', note), 'not-measured');
  }
  if (loras.length === 0) return claim(4, withNote('Not measured: needs a LoRA method to compare the regularized full fine-tuning with.', note), 'not-measured');
  const relations: Relation[] = [];
  const parts = regs.map((r) => {
    const how = [r.s.weightDecay > 0 ? `weight decay ${r.s.weightDecay}` : '', r.s.dropout > 0 ? `dropout ${r.s.dropout}` : ''].filter(Boolean).join(', ');
    const c = compareSentence(
      { label: `${r.s.label} (${how})`, value: r.rise! },
      loras.map((l) => ({ label: l.s.label, value: l.rise! })),
      { less: 'forgot less than', more: 'forgot more than', same: 'forgot about as much as' },
      (x) => signed(x), "source loss rise at each method's lowest target loss",
    );
    relations.push(...c.relations);
    return c.text;
  });
  const ref = pickRef(stats.filter((x) => x.s.kind === 'full' && plain(x.s) && x.rise !== null));
  const plainText = ref ? ` Unregularized, ${ref.s.label} rose ${signed(ref.rise!)} nats/byte.` : '';
  return claim(4, withNote(parts.join(' ') + plainText, note), verdictOf(relations, 'less'));
}

interface Reach { s: Series; step: number; sourceLoss: number }

/** Among the series of one kind, the one with the lowest source loss when it first reached the level. */
function leastForgetting(series: readonly Series[], kind: 'full' | 'lora', level: number): Reach | null {
  let best: Reach | null = null;
  for (const s of series) {
    if (s.kind !== kind) continue;
    const hit = firstReach(s.evals, level);
    if (hit && (!best || hit.sourceLoss < best.sourceLoss)) best = { s, ...hit };
  }
  return best;
}

/**
 * Finding 3: the Pareto front of every checkpoint after step 0 (diverged methods included: their
 * checkpoints are real models), and the forgetting of each kind at equal learning. The level is the
 * best LoRA's target loss, or the best full method's when no full method got that far: the lowest
 * level both kinds reached. Forgetting within max(0.02, 10%) nats/byte counts as one curve.
 */
export function oneCurve(series: readonly Series[], note: string): Claim {
  const pts = series.flatMap((s) => s.evals.filter((e) => e.step > 0 && isFiniteEval(e)).map((e) => ({ ...e, kind: s.kind })));
  const bl = bestPoint(pts.filter((p) => p.kind === 'lora'));
  const bf = bestPoint(pts.filter((p) => p.kind === 'full'));
  const base = baseEval(series);
  if (!bl || !bf) return claim(3, withNote('Not measured: needs checkpoints of both full fine-tuning and LoRA after step 0.', note), 'not-measured');
  const level = Math.max(bl.targetLoss, bf.targetLoss);
  if (base && level >= base.targetLoss) return claim(3, withNote("Not measured: no method got below the base model's target loss.", note), 'not-measured');
  const front = paretoFront(pts);
  const onFront = front.filter((p) => p.kind === 'lora').length;
  const frontText = `${onFront} of the ${front.length} checkpoints on the learn–forget Pareto front (of all ${pts.length} after step 0) ${onFront === 1 ? 'is' : 'are'} LoRA's.`;
  const f = leastForgetting(series, 'full', level);
  const l = leastForgetting(series, 'lora', level);
  if (!f || !l) return claim(3, withNote(frontText, note), 'not-measured');
  const rise = (x: number) => (base ? x - base.sourceLoss : x);
  const shown = (x: number) => (base ? `a source rise of ${signed(rise(x))}` : `a source loss of ${num(x)}`);
  const whose = bl.targetLoss >= bf.targetLoss ? "the best LoRA's" : "the best full fine-tuning's, since no full method reached the best LoRA's";
  const tol = Math.max(0.02, 0.1 * Math.max(Math.abs(rise(f.sourceLoss)), Math.abs(rise(l.sourceLoss))));
  const diff = l.sourceLoss - f.sourceLoss;
  const equal = `At equal learning (held-out target loss ${num(level)} nats/byte, ${whose}), ${f.s.label} first got there at step ${Math.round(f.step)} with ${shown(f.sourceLoss)}, ${l.s.label} at step ${Math.round(l.step)} with ${shown(l.sourceLoss)} nats/byte`;
  const [verdict, tail]: [Verdict, string] = Math.abs(diff) <= tol
    ? ['agrees', `: about the same forgetting (within ${num(tol)} nats/byte), so both lie on one curve there.`]
    : diff > 0
      ? ['disagrees', ": full fine-tuning forgot less for the same learning, a better trade-off than LoRA's there: not one shared curve."]
      : ['disagrees', ": LoRA forgot less for the same learning, a better trade-off than full fine-tuning's there: not one shared curve."];
  return claim(3, withNote(`${frontText} ${equal}${tail}`, note), verdict);
}

const MODULE_ORDER = ['all', 'mlp', 'attention'] as const; // the paper's order, most learning first
const SETS: Record<(typeof MODULE_ORDER)[number], readonly string[]> = {
  attention: ['q', 'k', 'v', 'o'], mlp: ['gate', 'up', 'down'], all: ['q', 'k', 'v', 'o', 'gate', 'up', 'down'],
};
function moduleSet(targets: readonly string[] | undefined): (typeof MODULE_ORDER)[number] | null {
  if (!targets) return null;
  for (const k of MODULE_ORDER) if (SETS[k].length === targets.length && SETS[k].every((t) => targets.includes(t))) return k;
  return null;
}
const moduleName = (t: readonly string[] | undefined) => {
  const s = moduleSet(t);
  return s === 'all' ? 'All' : s === 'mlp' ? 'MLP' : s === 'attention' ? 'Attention' : (t ?? []).join(',');
};

function groupBy<T>(xs: readonly T[], key: (x: T) => string): T[][] {
  const m = new Map<string, T[]>();
  for (const x of xs) m.set(key(x), [...(m.get(key(x)) ?? []), x]);
  return [...m.values()];
}

/** Finding 8: target modules at equal rank, and rank at equal modules, by the lowest target loss. */
export function modulesAndRank(stats: readonly Stat[], note: string): Claim {
  const loras = stats.filter((x) => x.s.kind === 'lora' && x.s.rank !== undefined);
  const relations: Relation[] = [];
  const parts: string[] = [];
  const spreads = { modules: 0, rank: 0 };
  const lossAt = (x: Stat) => `${num(x.best.targetLoss)}${x.s.lr ? ` (lr ${fmtLr(x.s.lr)})` : ''}`;
  for (const g of groupBy(loras, (x) => String(x.s.rank))) {
    if (new Set(g.map((x) => moduleName(x.s.targets))).size < 2) continue;
    const sorted = [...g].sort((a, b) => a.best.targetLoss - b.best.targetLoss);
    for (const a of g) for (const b of g) {
      const ia = MODULE_ORDER.indexOf(moduleSet(a.s.targets)!);
      const ib = MODULE_ORDER.indexOf(moduleSet(b.s.targets)!);
      if (ia >= 0 && ib >= 0 && ia < ib) relations.push(relation(a.best.targetLoss, b.best.targetLoss));
    }
    spreads.modules = Math.max(spreads.modules, sorted[sorted.length - 1].best.targetLoss - sorted[0].best.targetLoss);
    parts.push(`At rank ${g[0].s.rank}, lowest target loss by modules: ${sorted.map((x) => `${moduleName(x.s.targets)} ${lossAt(x)}`).join(', ')} nats/byte.`);
  }
  for (const g of groupBy(loras, (x) => [...(x.s.targets ?? [])].sort().join(','))) {
    if (new Set(g.map((x) => x.s.rank)).size < 2) continue;
    const sorted = [...g].sort((a, b) => a.s.rank! - b.s.rank!);
    for (let i = 1; i < sorted.length; i++) if (sorted[i].s.rank! > sorted[i - 1].s.rank!) relations.push(relation(sorted[i].best.targetLoss, sorted[i - 1].best.targetLoss));
    const losses = g.map((x) => x.best.targetLoss);
    spreads.rank = Math.max(spreads.rank, Math.max(...losses) - Math.min(...losses));
    parts.push(`With ${moduleName(g[0].s.targets)} modules, lowest target loss by rank: ${sorted.map((x) => `r=${x.s.rank} ${lossAt(x)}`).join(', ')} nats/byte.`);
  }
  if (parts.length === 0) {
    return claim(8, withNote('Not measured: compare LoRA target modules (Attention / MLP / All) at one rank, or several ranks with the same modules.', note), 'not-measured');
  }
  if (spreads.modules > 0 && spreads.rank > 0) {
    relations.push(relation(spreads.rank, spreads.modules));
    parts.push(`Changing the modules moved the target loss by up to ${num(spreads.modules)} nats/byte, changing the rank by up to ${num(spreads.rank)}.`);
  }
  const v = verdictOf(relations, 'less');
  const summary = !relations.length ? "The paper's ordering does not cover these module sets."
    : v === 'agrees' ? 'As in the paper.' : v === 'disagrees' ? "The opposite of the paper's ordering."
      : relations.every((r) => r === 'same') ? 'No clear differences (within 0.01 nats/byte).' : 'Only partly as in the paper.';
  return claim(8, withNote([...parts, summary].join(' '), note), relations.length ? v : 'mixed');
}
