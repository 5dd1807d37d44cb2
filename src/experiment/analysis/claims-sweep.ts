// Finding 7 (LoRA is more sensitive to the learning rate and wants a higher one) from a sweep's
// learning-rate grid: each family's best learning rate, the LoRA/full ratio, how fast the best target
// loss worsens one grid step away from the best (per decade of learning rate), and whether a best
// learning rate sits at the edge of its grid, where the true best may lie beyond it.

import { lrSensitivity, type LrCurve, type SweepCellResult } from './front';
import { claim, fmtLr, list, num, relation, type Claim, type Relation, type Verdict } from './claims-text';

type Edge = 'bottom' | 'top' | null;

interface CurveFacts {
  c: LrCurve;
  best: LrCurve['points'][number];
  edge: Edge;
  /** Mean rise of the best target loss per decade of learning rate towards the grid neighbours that did not diverge; NaN if none. */
  slope: number;
  /** Neighbouring learning rates that diverged. */
  divergedNext: number[];
}

function facts(c: LrCurve): CurveFacts | null {
  if (c.bestLr === null || c.points.length < 2) return null;
  const i = c.points.findIndex((p) => p.lr === c.bestLr);
  const best = c.points[i];
  const edge: Edge = i === 0 ? 'bottom' : i === c.points.length - 1 ? 'top' : null;
  const slopes: number[] = [];
  const divergedNext: number[] = [];
  for (const n of [c.points[i - 1], c.points[i + 1]]) {
    if (!n) continue;
    if (n.diverged || !Number.isFinite(n.bestTarget)) divergedNext.push(n.lr);
    else slopes.push((n.bestTarget - best.bestTarget) / Math.abs(Math.log10(n.lr / best.lr)));
  }
  const slope = slopes.length ? slopes.reduce((a, b) => a + b, 0) / slopes.length : NaN;
  return { c, best, edge, slope, divergedNext };
}

/** Is LoRA's best LR higher than full's, as far as the grids' edges let one tell? null when they do not. */
function higher(l: CurveFacts, f: CurveFacts): Relation | null {
  const rel: Relation = l.best.lr > f.best.lr ? 'more' : l.best.lr < f.best.lr ? 'less' : 'same';
  // A best LR at the bottom (top) edge only bounds the true best from above (below).
  const lUp = l.edge === 'top';
  const lDown = l.edge === 'bottom';
  const fUp = f.edge === 'top';
  const fDown = f.edge === 'bottom';
  if (rel === 'more') return lDown || fUp ? null : 'more';
  if (rel === 'less') return lUp || fDown ? null : 'less';
  return l.edge || f.edge ? null : 'same';
}

/** Is LoRA more sensitive (target loss worsens faster away from its best LR)? Divergence next to the best counts as very sensitive. */
function steeper(l: CurveFacts, f: CurveFacts): Relation | null {
  const ld = l.divergedNext.length > 0;
  const fd = f.divergedNext.length > 0;
  if (ld !== fd) return ld ? 'more' : 'less';
  if (!Number.isFinite(l.slope) || !Number.isFinite(f.slope)) return null;
  return relation(l.slope, f.slope, 0.01);
}

function describe(x: CurveFacts): string {
  const lrs = x.c.points.map((p) => p.lr);
  const edge = x.edge
    ? ` (at the ${x.edge} edge of its grid ${fmtLr(lrs[0])}–${fmtLr(lrs[lrs.length - 1])}: its true best may be ${x.edge === 'top' ? 'higher' : 'lower'}; extend the grid)`
    : '';
  return `${x.c.label} ${fmtLr(x.best.lr)}${edge}`;
}

function steepText(x: CurveFacts): string {
  const parts: string[] = [];
  if (Number.isFinite(x.slope)) parts.push(`${num(x.slope)} nats/byte per decade for ${x.c.label}`);
  if (x.divergedNext.length) parts.push(`${x.c.label} diverged at ${list(x.divergedNext.map(fmtLr))}`);
  return parts.join(', ');
}

/** Finding 7, from the cells of a sweep; `plainFamilies` are the full families without weight decay or dropout. */
export function lrClaim(cells: readonly SweepCellResult[], plainFamilies: ReadonlySet<string>): Claim {
  const all = lrSensitivity(cells).map(facts).filter((x): x is CurveFacts => x !== null);
  const fulls = all.filter((x) => x.c.kind === 'full');
  const pool = fulls.some((x) => plainFamilies.has(x.c.family)) ? fulls.filter((x) => plainFamilies.has(x.c.family)) : fulls;
  const f = pool.reduce<CurveFacts | null>((a, b) => (!a || b.best.bestTarget < a.best.bestTarget ? b : a), null);
  const loras = all.filter((x) => x.c.kind === 'lora');
  if (!f || loras.length === 0) {
    return claim(7, 'Not measured: sweep at least two learning rates for a full fine-tuning family and a LoRA family (with at least one that does not diverge).', 'not-measured');
  }
  const ratios = loras.map((l) => `${(l.best.lr / f.best.lr).toPrecision(2)}× for ${l.c.label}`);
  const lead = `Best learning rate (lowest held-out target loss): ${list([f, ...loras].map(describe))}; LoRA's over full fine-tuning's: ${list(ratios)}.`;
  const steep = `One grid step from the best learning rate, the best target loss rose by ${list([f, ...loras].map(steepText).filter(Boolean))}.`;
  const results = loras.map((l) => ({ label: l.c.label, hi: higher(l, f), st: steeper(l, f) }));
  const words = results.map((r) => {
    const hi = r.hi === 'more' ? 'it wanted a higher learning rate' : r.hi === 'less' ? 'it wanted a lower learning rate'
      : r.hi === 'same' ? 'it wanted the same learning rate' : 'the grid cannot tell whether it wanted a higher learning rate (a best learning rate sits at an edge)';
    const st = r.st === 'more' ? 'it was more sensitive to it' : r.st === 'less' ? 'it was less sensitive to it'
      : r.st === 'same' ? 'it was about as sensitive to it' : 'its sensitivity could not be compared';
    return `${r.label}: ${hi}; ${st}`;
  });
  const checks = results.flatMap((r) => [r.hi, r.st]);
  const verdict: Verdict = checks.every((c) => c === 'more') ? 'agrees' : checks.every((c) => c === 'less' || c === 'same') ? 'disagrees' : 'mixed';
  const single = lrSensitivity(cells).filter((c) => c.points.length < 2).map((c) => c.label);
  const singleText = single.length ? ` ${list(single)} ${single.length > 1 ? 'have' : 'has'} one learning rate and ${single.length > 1 ? 'are' : 'is'} not compared.` : '';
  return claim(7, `${lead} ${steep} Against ${f.c.label}: ${words.join('. ')}.${singleText}`, verdict);
}
