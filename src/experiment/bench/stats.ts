// Summary statistics of repeated timings: the median and the spread around it (quartiles
// and extremes), so a figure is reported with how much it moved between repetitions.

export interface Summary {
  n: number;
  median: number;
  min: number;
  max: number;
  /** First and third quartiles (linear interpolation between order statistics). */
  q1: number;
  q3: number;
}

/** Quantile p in [0, 1] of sorted values, interpolating linearly between neighbours. */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * p;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

export function summarize(samples: readonly number[]): Summary {
  const s = [...samples].sort((a, b) => a - b);
  return { n: s.length, median: quantile(s, 0.5), min: s[0] ?? Number.NaN, max: s[s.length - 1] ?? Number.NaN, q1: quantile(s, 0.25), q3: quantile(s, 0.75) };
}

/** Interquartile range relative to the median (0.1 = the middle half of the samples spans 10% of the median). */
export function relativeSpread(s: Summary): number {
  return s.median > 0 ? (s.q3 - s.q1) / s.median : Number.NaN;
}

/** The summary of a derived figure that falls as time rises (throughput = work / time). */
export function invertSummary(s: Summary, work: number): Summary {
  return { n: s.n, median: work / s.median, min: work / s.max, max: work / s.min, q1: work / s.q3, q3: work / s.q1 };
}
