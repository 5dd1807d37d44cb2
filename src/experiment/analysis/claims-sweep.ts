// Finding 7 (LoRA is more sensitive to the learning rate and wants a higher one) from a sweep's
// learning-rate grid over seeds: each family's best learning rate (lowest mean target loss over the
// seeds), how fast the best target loss worsens one grid step away from it (per decade of learning
// rate, per seed, judged by the noise rule), and whether a best learning rate sits at the edge of its
// grid: then the true best may lie beyond it, and the verdict is "inconclusive: widen the grid".

import { lrSensitivity, type LrCurve, type SweepCellResult } from './front';
import { claim, fmtLr, list, numberOf, spreadText, type Claim, type ClaimNumber } from './claims-text';
import { ctxOf, type Judge } from './claims-findings';
import { compare, spreadOf, type Decision, type Spread } from './noise';

type Edge = 'bottom' | 'top' | null;

interface CurveFacts {
  c: LrCurve;
  best: LrCurve['points'][number];
  edge: Edge;
  /** Per seed, the mean rise of the best target loss per decade towards the grid neighbours that did not diverge. */
  slope: Spread | null;
  /** Neighbouring learning rates that diverged. */
  divergedNext: number[];
  /** Each seed's own best learning rate (the lowest target loss of that seed alone). */
  seedBest: number[];
}

function facts(c: LrCurve): CurveFacts | null {
  if (c.bestLr === null || c.points.length < 2) return null;
  const i = c.points.findIndex((p) => p.lr === c.bestLr);
  const best = c.points[i];
  const edge: Edge = i === 0 ? 'bottom' : i === c.points.length - 1 ? 'top' : null;
  const seeds = best.bestTargets.length;
  const perSeed: number[] = [];
  const divergedNext: number[] = [];
  const neighbours = [c.points[i - 1], c.points[i + 1]].filter((n): n is LrCurve['points'][number] => n !== undefined);
  for (const n of neighbours) if (n.diverged || !Number.isFinite(n.bestTarget)) divergedNext.push(n.lr);
  const usable = neighbours.filter((n) => !divergedNext.includes(n.lr));
  for (let s = 0; s < seeds; s++) {
    if (!usable.length) break;
    const rises = usable.map((n) => (n.bestTargets[s] - best.bestTargets[s]) / Math.abs(Math.log10(n.lr / best.lr)));
    perSeed.push(rises.reduce((a, b) => a + b, 0) / rises.length);
  }
  const seedBest = Array.from({ length: seeds }, (_, s) => {
    const ok = c.points.filter((p) => !p.diverged && Number.isFinite(p.bestTargets[s]));
    return ok.reduce((a, b) => (b.bestTargets[s] < a.bestTargets[s] ? b : a), ok[0])?.lr ?? NaN;
  });
  return { c, best, edge, slope: spreadOf(perSeed), divergedNext, seedBest };
}

/** Does LoRA want a higher learning rate than full fine-tuning in every seed? Within noise when the seeds disagree. */
function higher(l: CurveFacts, f: CurveFacts): Decision {
  const n = Math.min(l.seedBest.length, f.seedBest.length);
  const rel = Array.from({ length: n }, (_, s) => Math.sign(l.seedBest[s] - f.seedBest[s]));
  if (rel.every((r) => r > 0)) return 'more';
  if (rel.every((r) => r < 0)) return 'less';
  return 'within-noise';
}

/** Is LoRA more sensitive (target loss worsens faster away from its best LR)? Divergence next to the best counts as very sensitive. */
function steeper(l: CurveFacts, f: CurveFacts, judge: Judge): Decision | null {
  const ld = l.divergedNext.length > 0;
  const fd = f.divergedNext.length > 0;
  if (ld !== fd) return ld ? 'more' : 'less';
  if (!l.slope || !f.slope) return null;
  const ctx = ctxOf(judge, 'slope', 0.01);
  return compare(l.slope, f.slope, { shipped: ctx.shipped, floor: ctx.floor }).rel;
}

/** "widen the grid upwards for LoRA r=8 (above 1e-1)" for a best learning rate at an edge. */
function widen(x: CurveFacts): string {
  const lrs = x.c.points.map((p) => p.lr);
  return x.edge === 'top' ? `upwards for ${x.c.label} (above ${fmtLr(lrs[lrs.length - 1])})` : `downwards for ${x.c.label} (below ${fmtLr(lrs[0])})`;
}

const perDecade = (s: Spread) => spreadText(s);

function describe(x: CurveFacts): string {
  const lrs = x.c.points.map((p) => p.lr);
  const seeds = x.seedBest.length >= 2 && new Set(x.seedBest).size > 1 ? ` (seed by seed ${list(x.seedBest.map(fmtLr))})` : '';
  const edge = x.edge ? `, at the ${x.edge} edge of its grid ${fmtLr(lrs[0])}–${fmtLr(lrs[lrs.length - 1])}` : '';
  return `${x.c.label} ${fmtLr(x.best.lr)}${edge}${seeds}`;
}

function steepText(x: CurveFacts): string {
  const parts: string[] = [];
  if (x.slope) parts.push(`${perDecade(x.slope)} nats/byte per decade for ${x.c.label}`);
  if (x.divergedNext.length) parts.push(`${x.c.label} diverged at ${list(x.divergedNext.map(fmtLr))}`);
  return parts.join(', ');
}

/** Finding 7, from the cells of a sweep; `plainFamilies` are the full families without weight decay or dropout. */
export function lrClaim(cells: readonly SweepCellResult[], plainFamilies: ReadonlySet<string>, judge: Judge): Claim {
  const all = lrSensitivity(cells).map(facts).filter((x): x is CurveFacts => x !== null);
  const fulls = all.filter((x) => x.c.kind === 'full');
  const pool = fulls.some((x) => plainFamilies.has(x.c.family)) ? fulls.filter((x) => plainFamilies.has(x.c.family)) : fulls;
  const f = pool.reduce<CurveFacts | null>((a, b) => (!a || b.best.bestTarget < a.best.bestTarget ? b : a), null);
  const loras = all.filter((x) => x.c.kind === 'lora');
  if (!f || loras.length === 0) {
    return claim(7, 'Not measured: sweep at least two learning rates for a full fine-tuning family and a LoRA family (with at least one that does not diverge).', 'not-measured');
  }
  const seeds = f.best.bestTargets.length;
  const over = seeds >= 2 ? `, mean over ${seeds} seeds` : '';
  const ratios = loras.map((l) => `${(l.best.lr / f.best.lr).toPrecision(2)}× for ${l.c.label}`);
  const lead = `Best learning rate (lowest held-out target loss${over}): ${list([f, ...loras].map(describe))}; LoRA's over full fine-tuning's: ${list(ratios)}.`;
  const higherIn = (l: CurveFacts) => {
    const n = Math.min(l.seedBest.length, f.seedBest.length);
    const k = Array.from({ length: n }, (_, i) => l.seedBest[i] > f.seedBest[i]).filter(Boolean).length;
    return `it wanted a higher learning rate in ${k} of ${n} seeds, so the seeds do not agree`;
  };
  const how = seeds >= 2 ? 'mean [min–max] over the seeds' : 'one seed';
  const steep = `One grid step from the best learning rate, the best target loss rose by ${list([f, ...loras].map(steepText).filter(Boolean))} (${how}).`;
  const numbers: ClaimNumber[] = [f, ...loras].flatMap((x) => (x.slope ? [numberOf(`${x.c.label} rise per decade`, x.slope, 'slope')] : []));
  const edges = [f, ...loras].filter((x) => x.edge);
  if (edges.length) {
    const text = `${lead} ${steep} Inconclusive: a best learning rate on the grid's edge says only that the true best lies beyond it; widen the grid ${list(edges.map(widen))}.`;
    return claim(7, text, 'inconclusive', numbers);
  }
  const results = loras.map((l) => ({ label: l.c.label, hi: higher(l, f), st: steeper(l, f, judge) }));
  const words = results.map((r) => {
    const every = seeds >= 2 ? ' in every seed' : '';
    const hi = r.hi === 'more' ? `it wanted a higher learning rate${every}` : r.hi === 'less' ? `it wanted a lower learning rate${every}`
      : seeds >= 2 ? higherIn(loras.find((l) => l.c.label === r.label)!) : 'both wanted the same learning rate';
    const st = r.st === 'more' ? 'it was more sensitive to it, beyond the noise' : r.st === 'less' ? 'it was less sensitive to it, beyond the noise'
      : r.st === 'within-noise' ? 'the sensitivities differ by less than the noise' : 'its sensitivity could not be compared';
    return `${r.label}: ${hi}; ${st}`;
  });
  const checks = results.flatMap((r) => [r.hi, r.st]).filter((x): x is Decision => x !== null);
  const verdict = checks.every((c) => c === 'more') ? 'agrees' as const
    : checks.every((c) => c === 'less') ? 'disagrees' as const
      : checks.every((c) => c === 'within-noise') ? 'within-noise' as const : 'mixed' as const;
  const single = lrSensitivity(cells).filter((c) => c.points.length < 2).map((c) => c.label);
  const singleText = single.length ? ` ${list(single)} ${single.length > 1 ? 'have' : 'has'} one learning rate and ${single.length > 1 ? 'are' : 'is'} not compared.` : '';
  return claim(7, `${lead} ${steep} Against ${f.c.label}: ${words.join('. ')}.${singleText}`, verdict, numbers);
}

