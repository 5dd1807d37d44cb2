// Finding 6 across two model widths (two bases, which may differ in depth and pretraining too, as the
// sentence says): does full fine-tuning's weight-change rank pull away from LoRA's as the model
// grows? The paper's 10–100× cannot appear when no matrix is wider than 64, so the same measure on
// a wider base is the only way this scale can point at the trend. Two runs (the
// narrow and the wide one), each over seeds, both with full fine-tuning and a LoRA of one shared
// rank r; per seed, at its last evaluation with spectra: full fine-tuning's rank@90%, its share of
// each matrix's full rank, and its ratio to LoRA's own rank@90%. Differences go through the one
// noise rule (noise.ts): the verdict is the ratio's trend ("agrees" when it grows with the model
// beyond the noise), and the sentence says what happened to the rank and its share beside it, and at
// which learning rates (not re-tuned per base, which the sentence says too).

import type { EvalPoint } from '../protocol';
import { claim, fmtLr, num, numberOf, pct, spreadText, type Claim, type ClaimNumber, type Verdict } from './claims-text';
import { compare, spreadOf, type Decision, type Spread } from './noise';

/** One width's run: its d_model, the base's name, and each seed's evaluations of the two methods. */
export interface WidthRun {
  width: number;
  /** Its number of layers (two bases of different widths may differ in depth too, and the text says so). */
  layers: number;
  base: string;
  /** Method ids in the run: the full fine-tuning one and the LoRA one (rank `rank`). */
  full: string;
  lora: string;
  /** The two methods' learning rates (a rate changes how high-rank a weight change grows, so the sentence names them). */
  lrs: { full: number; lora: number };
  seeds: ReadonlyArray<readonly EvalPoint[]>;
}

interface Side { full: Spread; share: Spread; lora: Spread; ratio: Spread; step: number }

const lastRank = (evals: readonly EvalPoint[], id: string) =>
  [...evals].filter((e) => e.method === id && e.step > 0 && e.rank90 && Number.isFinite(e.rank90.all)).sort((a, b) => b.step - a.step)[0] ?? null;

function sideOf(r: WidthRun): Side | null {
  const full: number[] = [], share: number[] = [], lora: number[] = [], ratio: number[] = [];
  let step = 0;
  for (const evals of r.seeds) {
    const f = lastRank(evals, r.full);
    const l = lastRank(evals, r.lora);
    if (!f || !l || f.rank90!.share === undefined || !(l.rank90!.all > 0)) return null;
    full.push(f.rank90!.all);
    share.push(f.rank90!.share);
    lora.push(l.rank90!.all);
    ratio.push(f.rank90!.all / l.rank90!.all);
    step = Math.max(step, f.step);
  }
  const s = { full: spreadOf(full), share: spreadOf(share), lora: spreadOf(lora), ratio: spreadOf(ratio) };
  return s.full && s.share && s.lora && s.ratio ? { full: s.full, share: s.share, lora: s.lora, ratio: s.ratio, step } : null;
}

/** What else differs between the two bases besides the width (each base was pretrained on its own). */
const depth = (a: WidthRun, b: WidthRun) =>
  ` (a model size, not the width alone: the ${b.width}-wide base ${a.layers === b.layers ? 'has as many layers' : `has ${b.layers} layers instead of ${a.layers}`} and its own pretraining)`;

/**
 * The learning rates beside the trend: the same rates on both bases were not re-tuned for the wider
 * one, and different ones are a second change between the runs; either way the sentence says so.
 */
function rates(a: WidthRun, b: WidthRun, loraLabel: string): string {
  const of = (r: WidthRun) => `full fine-tuning ${fmtLr(r.lrs.full)}, ${loraLabel} ${fmtLr(r.lrs.lora)}`;
  return a.lrs.full === b.lrs.full && a.lrs.lora === b.lrs.lora
    ? ` Both runs train at the same learning rates (${of(a)}), not re-tuned for the ${b.width}-wide base; a learning rate changes how high-rank a weight change grows, so part of this trend may be the rate's rather than the size's.`
    : ` The runs train at different learning rates (width ${a.width}: ${of(a)}; width ${b.width}: ${of(b)}), which also change how high-rank a weight change grows.`;
}

const r1 = (s: Spread) => spreadText(s, (x) => num(x, 1));
const times = (s: Spread) => spreadText(s, (x) => `${num(x, 1)}×`);
const word: Record<Decision, string> = { more: 'grew', less: 'fell', 'within-noise': 'changed by less than the noise' };

/**
 * Finding 6's width comparison: `narrow` and `wide` are the same setup on two bases, `loraLabel` names
 * the LoRA both runs train (e.g. "LoRA r=8"). Ranks count beyond the larger seed range and half a rank,
 * shares beyond the range and 1 point, ratios beyond the range and 0.1×.
 */
export function widthClaim(narrow: WidthRun, wide: WidthRun, loraLabel: string): Claim {
  const a = sideOf(narrow);
  const b = sideOf(wide);
  if (!a || !b) return claim(6, `Not measured: the width comparison needs full fine-tuning's and ${loraLabel}'s rank@90% at an evaluation after step 0 in every seed of both runs.`, 'not-measured');
  const ratio = compare(b.ratio, a.ratio, { floor: 0.1 }).rel;
  const rank = compare(b.full, a.full, { floor: 0.5 }).rel;
  const share = compare(b.share, a.share, { floor: 0.01 }).rel;
  const at = (s: Side, r: WidthRun) =>
    `width ${r.width} (${r.base}, step ${s.step}): rank ${r1(s.full)}, ${spreadText(s.share, pct)} of each matrix's full rank, ${times(s.ratio)} ${loraLabel}'s ${r1(s.lora)}`;
  const n = Math.min(a.full.n, b.full.n);
  const verdict: Verdict = ratio === 'more' ? 'agrees' : ratio === 'less' ? 'disagrees' : 'within-noise';
  const trend = ratio === 'more'
    ? `its lead over ${loraLabel} grew beyond the noise: the direction the paper's 10–100× at width 4096 needs`
    : ratio === 'less'
      ? `its lead over ${loraLabel} shrank beyond the noise: against the direction the paper's 10–100× at width 4096 needs`
      : `its lead over ${loraLabel} did not change beyond the noise, so these two sizes cannot tell whether it grows with the model`;
  const text = `Full fine-tuning's weight change at two widths, against ${loraLabel} (rank@90% at the last evaluation, mean over matrices): ` +
    `${at(a, narrow)}; ${at(b, wide)}. From width ${narrow.width} to ${wide.width}${depth(narrow, wide)}, its rank ${word[rank]}` +
    `${rank === 'within-noise' ? '' : ` (${num(a.full.mean, 1)} → ${num(b.full.mean, 1)})`}, its share of the full rank ${word[share]} ` +
    `(${pct(a.share.mean)} → ${pct(b.share.mean)}), and ${trend} (${num(a.ratio.mean, 1)}× → ${num(b.ratio.mean, 1)}×).${rates(narrow, wide, loraLabel)} ` +
    (n >= 2 ? `(Mean [min–max] over ${n} seeds; a difference counts beyond the larger range.)` : '(One seed per width: no noise estimate, so nothing counts as a difference.)');
  const numbers: ClaimNumber[] = [
    numberOf(`Full fine-tuning rank@90%, width ${narrow.width}`, a.full, 'rank90'),
    numberOf(`Full fine-tuning rank@90%, width ${wide.width}`, b.full, 'rank90'),
    numberOf(`Full ÷ ${loraLabel} rank@90%, width ${narrow.width}`, a.ratio),
    numberOf(`Full ÷ ${loraLabel} rank@90%, width ${wide.width}`, b.ratio),
  ];
  return claim(6, text, verdict, numbers);
}
