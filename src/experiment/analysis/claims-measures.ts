// Findings 5 (diversity of generations) and 6 (rank of the weight change), read from the optional
// measurements a run's evaluations carry (EvalPoint.diversity, EvalPoint.rank90), over seeds and
// through the noise rule. A measure that sits at its bound for every model (e.g. every completion
// distinct) cannot move and is left out, saying so; diversity is compared at the end and at equal
// learning (entropy only there: at the end it mostly says how little a method learned).

import {
  claim, list, num, numberOf, pct, spreadText, verdictOf, type Claim, type ClaimNumber,
} from './claims-text';
import { commonLevel, ctxOf, pickRef, withNote, type Judge, type NoiseKey, type Series, type SeriesEval, type Stat } from './claims-findings';
import { compare, spreadOf, type Decision, type Spread } from './noise';

type DivKey = 'distinctShare' | 'distinct1' | 'distinct2' | 'similarity' | 'entropy';
interface Measure { key: DivKey; name: string; noise: NoiseKey; floor: number; sign: 1 | -1; show: (x: number) => string; bound?: number; atEnd: boolean }
const MEASURES: readonly Measure[] = [
  { key: 'distinctShare', name: 'distinct completions', noise: 'distinct', floor: 1e-9, sign: 1, show: pct, bound: 0.98, atEnd: true },
  { key: 'distinct1', name: 'distinct-1 (words)', noise: 'distinct1', floor: 0.01, sign: 1, show: (x) => num(x), bound: 0.98, atEnd: true },
  { key: 'distinct2', name: 'distinct-2 (word bigrams)', noise: 'distinct2', floor: 0.01, sign: 1, show: (x) => num(x), bound: 0.98, atEnd: true },
  { key: 'similarity', name: 'self-similarity (byte 4-grams shared between samples; lower is more diverse)', noise: 'similarity', floor: 0.005, sign: -1, show: (x) => num(x, 3), atEnd: true },
  { key: 'entropy', name: 'mean per-byte entropy (nats)', noise: 'entropy', floor: 0.01, sign: 1, show: (x) => num(x), atEnd: false },
];

const has = (e: SeriesEval) => e.diversity !== undefined;
const lastWith = (evals: readonly SeriesEval[], ok: (e: SeriesEval) => boolean) => [...evals].reverse().find((e) => e.step > 0 && ok(e)) ?? null;

/** Per seed, the evaluation a view reads: the last one with diversity, or the first at or below a target level. */
type Pick = (evals: readonly SeriesEval[]) => SeriesEval | null;
const atEnd: Pick = (evals) => lastWith(evals, has);
const atLevel = (level: number): Pick => (evals) => evals.find((e) => e.step > 0 && has(e) && e.targetLoss <= level) ?? null;

function valuesOf(s: Series, pick: Pick, key: DivKey): Spread | null {
  const v: number[] = [];
  for (const evals of s.seeds) {
    const e = pick(evals);
    const x = e?.diversity?.[key];
    if (x === undefined) return null;
    v.push(x);
  }
  return spreadOf(v);
}

/** The base model's value of a measure, per seed (every method starts from the same base). */
function baseValues(series: readonly Series[], key: DivKey): Spread | null {
  const n = Math.max(...series.map((s) => s.seeds.length));
  const v: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = series.map((s) => s.seeds[i]?.find((e) => e.step === 0 && has(e))?.diversity?.[key]).find((y) => y !== undefined);
    if (x !== undefined) v.push(x);
  }
  return spreadOf(v);
}

/** A measure every model holds at its bound (every sample distinct, say) cannot show a difference. */
function saturated(m: Measure, series: readonly Series[]): boolean {
  if (m.bound === undefined) return false;
  return series.every((s) => s.seeds.every((evals) => evals.every((e) => !has(e) || e.diversity![m.key]! >= m.bound!)));
}

interface View { words: string; lines: string[]; decisions: Decision[]; numbers: ClaimNumber[] }

const REL_WORDS: Record<Decision, string> = { more: 'more diverse', less: 'less diverse', 'within-noise': 'within noise' };

/**
 * How each LoRA compared with the reference, each relation said once: "against Full fine-tuning: LoRA r=1
 * and LoRA r=8 more diverse, LoRA r=64 within noise", or "every LoRA within noise" when they all agree.
 */
export function relationsText(ref: string, labels: readonly string[], rels: readonly Decision[]): string {
  const order: Decision[] = ['more', 'less', 'within-noise'];
  const groups = order.map((rel) => ({ rel, who: labels.filter((_, i) => rels[i] === rel) })).filter((g) => g.who.length > 0);
  if (groups.length === 1 && labels.length > 1) return `against ${ref}: every LoRA ${REL_WORDS[groups[0].rel]}`;
  return `against ${ref}: ${groups.map((g) => `${list(g.who)} ${REL_WORDS[g.rel]}`).join(', ')}`;
}

function view(ref: Series, loras: readonly Series[], all: readonly Series[], pick: Pick, measures: readonly Measure[], judge: Judge, words: string): View | null {
  const lines: string[] = [];
  const decisions: Decision[] = [];
  const numbers: ClaimNumber[] = [];
  for (const m of measures) {
    const r = valuesOf(ref, pick, m.key);
    const ls = loras.map((l) => ({ l, v: valuesOf(l, pick, m.key) }));
    if (!r || ls.some((x) => !x.v)) return null;
    const base = baseValues(all, m.key);
    const ctx = ctxOf(judge, m.noise, m.floor);
    const rels = ls.map((x) => {
      const c = compare(x.v!, r, { shipped: ctx.shipped, floor: m.floor });
      const rel: Decision = c.rel === 'within-noise' ? c.rel : (c.rel === 'more') === (m.sign === 1) ? 'more' : 'less';
      decisions.push(rel);
      return rel;
    });
    const vals = [...(base ? [`base ${spreadText(base, m.show)}`] : []), `${ref.label} ${spreadText(r, m.show)}`, ...ls.map((x) => `${x.l.label} ${spreadText(x.v!, m.show)}`)];
    numbers.push(numberOf(`${ref.label} ${m.key} ${words}`, r, m.noise), ...ls.map((x) => numberOf(`${x.l.label} ${m.key} ${words}`, x.v!, m.noise)));
    lines.push(`${m.name}: ${vals.join(', ')} (${relationsText(ref.label, ls.map((x) => x.l.label), rels)})`);
  }
  return { words, lines, decisions, numbers };
}

/** Finding 5: diversity of sampled completions, at the end and at equal learning, over seeds. */
export function diversityClaim(stats: readonly Stat[], series: readonly Series[], note: string, judge: Judge): Claim {
  const measuredSeries = (s: Series) => s.seeds.every((evals) => lastWith(evals, has));
  const ref = pickRef(stats.filter((x) => x.s.kind === 'full' && measuredSeries(x.s)));
  const loras = stats.filter((x) => x.s.kind === 'lora' && measuredSeries(x.s)).map((x) => x.s);
  if (!ref || loras.length === 0) {
    const why = series.some((s) => s.seeds.some((evals) => evals.some(has)))
      ? 'needs diversity measured for both a full fine-tuning and a LoRA method.'
      : 'turn on diversity sampling (samples > 0) to sample completions at every evaluation.';
    return claim(5, withNote(`Not measured: ${why}`, note), 'not-measured');
  }
  const usable = MEASURES.filter((m) => !saturated(m, series) && [ref.s, ...loras].every((s) => valuesOf(s, atEnd, m.key)));
  const dropped = MEASURES.filter((m) => saturated(m, series)).map((m) => m.name);
  const droppedText = dropped.length ? ` Left out: ${list(dropped)}, at ${dropped.length > 1 ? 'their' : 'its'} upper bound for every model and seed, so ${dropped.length > 1 ? 'they' : 'it'} cannot move here.` : '';
  if (!usable.length) {
    return claim(5, withNote(`Not measured: every diversity measure recorded here is saturated.${droppedText} Sample more or longer completions.`, note), 'not-measured');
  }
  const end = view(ref.s, loras, series, atEnd, usable.filter((m) => m.atEnd), judge, 'at the end');
  const level = commonLevel([ref.s, ...loras]);
  const eq = level === null ? null : view(ref.s, loras, series, atLevel(level), usable, judge, 'at equal learning');
  const seeds = Math.min(...[ref.s, ...loras].map((s) => s.seeds.length));
  const how = seeds >= 2 ? `mean [min–max] over ${seeds} seeds` : `one seed, judged against ${judge.from}`;
  const parts: string[] = [];
  if (end?.lines.length) parts.push(`At each method's last evaluation: ${end.lines.join('; ')}.`);
  if (eq) parts.push(`At equal learning (each method's first evaluation at or below held-out target loss ${num(level!)}): ${eq.lines.join('; ')}.`);
  else parts.push('At equal learning: not measured (some method never reached a common level at an evaluation with samples).');
  const vEnd = end && end.decisions.length ? verdictOf(end.decisions, 'more') : 'not-measured';
  const vEq = eq ? verdictOf(eq.decisions, 'more') : 'not-measured';
  const verdict = vEnd === 'not-measured' ? vEq : vEq === 'not-measured' ? vEnd : vEnd === vEq ? vEnd : 'mixed';
  const text = `Diversity of sampled completions (${how}). ${parts.join(' ')}${droppedText}`;
  return claim(5, withNote(text, note), verdict, [...(end?.numbers ?? []), ...(eq?.numbers ?? [])]);
}

const hasRank = (e: SeriesEval) => e.rank90 !== undefined && Number.isFinite(e.rank90.all);

function rankSpread(s: Series, pick: (evals: readonly SeriesEval[]) => SeriesEval | null, key: 'all' | 'attention' | 'mlp' | 'share'): Spread | null {
  const v: number[] = [];
  for (const evals of s.seeds) {
    const x = pick(evals)?.rank90?.[key];
    if (x === undefined) return null;
    v.push(x);
  }
  return spreadOf(v);
}

const lastRank = (evals: readonly SeriesEval[]) => lastWith(evals, hasRank);
const firstRank = (evals: readonly SeriesEval[]) => evals.find((e) => e.step > 0 && hasRank(e)) ?? null;

/** Finding 6: rank needed for 90% of the weight change's energy, full fine-tuning against the LoRA updates, over seeds. */
export function rankClaim(stats: readonly Stat[], series: readonly Series[], note: string, judge: Judge, width?: number): Claim {
  const ref = pickRef(stats.filter((x) => x.s.kind === 'full' && rankSpread(x.s, lastRank, 'all')));
  if (!ref) {
    const why = series.some((s) => s.seeds.some((evals) => evals.some(hasRank)))
      ? 'needs the weight-change rank of a full fine-tuning method.'
      : 'needs the weight-change spectra at each evaluation (rank@90%); open the spectra of a finished run instead.';
    return claim(6, withNote(`Not measured: ${why}`, note), 'not-measured');
  }
  const ctx = ctxOf(judge, 'rank90', 0.5);
  const cmp = (a: Spread, b: Spread) => compare(a, b, { shipped: ctx.shipped, floor: 0.5 });
  const last = { all: rankSpread(ref.s, lastRank, 'all')!, attention: rankSpread(ref.s, lastRank, 'attention')!, mlp: rankSpread(ref.s, lastRank, 'mlp')! };
  const first = rankSpread(ref.s, firstRank, 'all')!;
  const share = rankSpread(ref.s, lastRank, 'share');
  const lastStep = Math.max(...ref.s.seeds.map((evals) => lastRank(evals)?.step ?? 0));
  const firstStep = Math.min(...ref.s.seeds.map((evals) => firstRank(evals)?.step ?? 0));
  const r1 = (s: Spread) => spreadText(s, (x) => num(x, 1));
  const loras = stats.filter((x) => x.s.kind === 'lora' && x.s.rank !== undefined)
    .flatMap((x) => { const v = rankSpread(x.s, lastRank, 'all'); return v ? [{ label: x.s.label, r: x.s.rank!, v }] : []; });
  const numbers: ClaimNumber[] = [numberOf(`${ref.s.label} rank@90%`, last.all, 'rank90'), ...loras.map((l) => numberOf(`${l.label} rank@90%`, l.v, 'rank90'))];
  const parts = [`At step ${lastStep}, ${ref.s.label}'s weight change needs rank ${r1(last.all)} for 90% of its energy (mean over matrices; attention ${r1(last.attention)}, MLP ${r1(last.mlp)})` +
    (share ? `, ${spreadText(share, pct)} of each matrix's full rank` : '')];
  const decisions: Decision[] = [];
  if (loras.length) {
    const top = loras.reduce((a, b) => (b.v.mean > a.v.mean ? b : a));
    const high = cmp(last.all, top.v).rel;
    decisions.push(high);
    const word = high === 'more' ? 'more than' : high === 'less' ? 'less than' : 'within the noise of';
    parts[0] += `, ${word} the most any LoRA update used here (${list(loras.map((l) => `${l.label} ${r1(l.v)}`))}; a LoRA update has rank at most r).`;
    const small = loras.filter((l) => width === undefined || l.r < width).reduce<(typeof loras)[number] | null>((a, b) => (!a || b.r < a.r ? b : a), null);
    if (width !== undefined && small) {
      parts.push(`Against a nominal LoRA rank: ${num(last.all.mean / small.r, 1)}× ${small.label}'s r. The paper's 10–100× cannot appear at this width: the matrices are at most ${width} wide, so no rank exceeds ${width} (${num(width / small.r, 0)}× r=${small.r} at most), and r=${width} is already full rank.`);
    }
  } else parts[0] += '. No LoRA method to compare with.';
  const grew = ref.s.seeds.every((evals) => evals.filter(hasRank).filter((e) => e.step > 0).length >= 2) ? cmp(last.all, first).rel : null;
  if (grew) {
    decisions.push(grew);
    parts.push(`From step ${firstStep} it ${grew === 'more' ? 'grew' : grew === 'less' ? 'shrank' : 'changed by less than the noise'} (from ${r1(first)}).`);
  }
  const mlp = cmp(last.mlp, last.attention).rel;
  decisions.push(mlp);
  parts.push(`MLP matrices needed ${mlp === 'more' ? 'more than' : mlp === 'less' ? 'less than' : 'as much as, within the noise,'} attention matrices.`);
  const seeds = last.all.n;
  parts.push(seeds >= 2 ? `(Mean [min–max] over ${seeds} seeds; a difference counts beyond the larger range and half a rank.)` : `(One seed; judged against ${judge.from}.)`);
  return claim(6, withNote(parts.join(' '), note), verdictOf(decisions, 'more'), numbers);
}
