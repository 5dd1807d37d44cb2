// The one rule that decides whether a measured difference is evidence, used by every verdict (the
// findings box, the tour, the README's table): a difference between two methods counts only when the
// difference of their means over seeds is larger than the seed-to-seed spread. The spread of a
// measure is its range (max − min) over the seeds; the noise of a comparison is the larger of the two
// ranges. A side measured with one seed has no range of its own: the shipped noise estimate for that
// setup (the range the tour's seed runs measured) stands in for it, and the sentence says so. With
// neither, nothing can be told. Pure functions, no I/O.

/** A measure over seeds: its values and their mean and range. */
export interface Spread {
  values: number[];
  mean: number;
  min: number;
  max: number;
  n: number;
}

/** The finite values' mean and range; null when none is finite. */
export function spreadOf(values: readonly number[]): Spread | null {
  const v = values.filter(Number.isFinite);
  if (v.length === 0) return null;
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  return { values: v, mean, min: Math.min(...v), max: Math.max(...v), n: v.length };
}

export const range = (s: Spread) => s.max - s.min;

/** How a differs from b: 'less' / 'more' beyond the noise, else 'within-noise'. */
export type Decision = 'less' | 'more' | 'within-noise';

/** Where a comparison's noise came from: the seeds themselves, the shipped estimate (a one-seed side), or nothing. */
export type NoiseBasis = 'seeds' | 'shipped' | 'none';

export interface Comparison {
  rel: Decision;
  /** mean(a) − mean(b). */
  diff: number;
  /** The width the difference had to exceed. */
  noise: number;
  basis: NoiseBasis;
}

/**
 * The rule. `shipped` is the noise estimate for this measure in this setup (the largest seed range
 * the shipped runs measured), used when a side has one seed; `floor` is the smallest difference the
 * measure can resolve at all (e.g. 0.01 nats/byte), so identical seeds never make a tiny difference count.
 */
export function compare(a: Spread, b: Spread, opts: { shipped?: number | null; floor?: number } = {}): Comparison {
  const diff = a.mean - b.mean;
  const ranges = [a, b].filter((s) => s.n >= 2).map(range);
  const oneSeed = a.n < 2 || b.n < 2;
  const shipped = opts.shipped ?? null;
  let basis: NoiseBasis = 'seeds';
  if (oneSeed) {
    if (shipped === null || !Number.isFinite(shipped)) return { rel: 'within-noise', diff, noise: NaN, basis: 'none' };
    ranges.push(shipped);
    basis = 'shipped';
  }
  const noise = Math.max(opts.floor ?? 0, ...ranges);
  const rel: Decision = Math.abs(diff) > noise ? (diff < 0 ? 'less' : 'more') : 'within-noise';
  return { rel, diff, noise, basis };
}

/** The rule in words, for the page's "How verdicts are decided" note and the README. */
export const VERDICT_RULE =
  'Every tour number is measured with several seeds (the seed changes the order of the training batches, the LoRA ' +
  'initialisation and the dropout masks; the base model stays the same). A number is shown as its mean over the seeds ' +
  'with its range [min–max]. A difference between two methods counts only when the difference of their means is larger ' +
  'than the larger of their two ranges; otherwise it is “within noise at this scale”. A run of your own with one seed ' +
  'is judged against the range the shipped seed runs measured for the same kind of number, and says so. A finding ' +
  '“agrees” or “disagrees” with the paper only when every comparison it rests on is beyond the noise and points the ' +
  'same way; comparisons that point both ways make it “mixed”.';

/** Largest range per measure over the given spreads: a setup's noise estimate. */
export function noiseEstimate(spreads: Iterable<Spread | null>): number | null {
  let w: number | null = null;
  for (const s of spreads) if (s && s.n >= 2) w = Math.max(w ?? 0, range(s));
  return w;
}
