// Axis scales every chart shares: "nice" tick values (1, 2, 2.5 or 5 times a power of ten) on a
// domain rounded outwards to them, so a student reads 1.8, 2.0, 2.2 instead of 1.73, 2.41, 3.09;
// labels with as many decimals as the step needs and no more; and, for loss axes, enough decimals
// that neighbouring ticks of a narrow axis never print the same number twice.

/** Decimals for ticks of an axis spanning `span` (recharts puts about five ticks on it). */
export function tickDecimals(span: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 2;
  // A fifth of the span must show in the last decimal.
  return Math.min(5, Math.max(2, Math.ceil(-Math.log10(span / 5))));
}

/** A tick formatter for the finite values an axis shows. */
export function lossTickFormatter(values: readonly number[]): (v: number) => string {
  const finite = values.filter(Number.isFinite);
  const span = finite.length ? Math.max(...finite) - Math.min(...finite) : 0;
  const d = tickDecimals(span);
  return (v: number) => v.toFixed(d);
}

const MULTIPLES = [1, 2, 2.5, 5, 10];

/** The smallest nice step (1, 2, 2.5 or 5 × 10^k) that cuts `span` into at most `intervals` parts. */
export function niceStep(span: number, intervals: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, intervals);
  const mag = 10 ** Math.floor(Math.log10(raw));
  // A hair of tolerance: 0.3 / 3 must be 0.1, not 0.2 because of 0.09999999999999999.
  return (MULTIPLES.find((m) => m * mag >= raw * (1 - 1e-9)) ?? 10) * mag;
}

/** Decimals that print every multiple of `step` exactly (2.5 → 1, 0.25 → 2, 50 → 0). */
export function stepDecimals(step: number): number {
  for (let d = 0; d <= 10; d++) if (Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) < 1e-6) return d;
  return 10;
}

export interface NiceScale {
  domain: [number, number];
  ticks: number[];
  format: (v: number) => string;
}

export interface NiceOptions {
  /** At most this many intervals between ticks (default 5). */
  intervals?: number;
  /** Values the domain must hold besides the data (e.g. 0 for an axis that starts at zero). */
  include?: readonly number[];
  /** The domain never goes below this (losses and shares are never negative). */
  min?: number;
  /** The domain never goes above this (a share's 100%). */
  max?: number;
}

/**
 * A linear axis over `values` (non-finite ones ignored): the domain is the data's range rounded out to
 * a nice step, and every tick is a multiple of it. Null when there is nothing to fit.
 */
export function niceScale(values: readonly number[], opts: NiceOptions = {}): NiceScale | null {
  const finite = [...values, ...(opts.include ?? [])].filter(Number.isFinite);
  if (finite.length === 0) return null;
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (hi - lo < 1e-12) {
    // One value: a small range around it, so it sits mid-axis rather than on an edge.
    const d = Math.abs(lo) > 1e-12 ? Math.abs(lo) * 0.05 : 0.5;
    lo -= d;
    hi += d;
  }
  if (opts.min !== undefined) lo = Math.max(lo, opts.min);
  if (opts.max !== undefined) hi = Math.min(hi, opts.max);
  const intervals = opts.intervals ?? 5;
  // Rounding out to the step can add an interval: then take the next nice step.
  let step = niceStep(hi - lo, intervals);
  const out = (st: number) => [Math.floor(lo / st + 1e-9) * st, Math.ceil(hi / st - 1e-9) * st];
  while (Math.round((out(step)[1] - out(step)[0]) / step) > intervals) step = niceStep(step * 1.0001, 1);
  const d = stepDecimals(step);
  const round = (v: number) => Number(v.toFixed(d));
  let a = round(out(step)[0]);
  let b = round(out(step)[1]);
  if (opts.min !== undefined) a = Math.max(a, opts.min);
  if (opts.max !== undefined) b = Math.min(b, opts.max);
  const ticks: number[] = [];
  for (let i = 0; a + i * step <= b + step * 1e-6; i++) ticks.push(round(a + i * step));
  return { domain: [a, b], ticks, format: (v: number) => v.toFixed(d) };
}

/** A share axis (0–100%): nice ticks printed as whole percents (or one decimal for steps under 1%). */
export function shareScale(values: readonly number[], opts: NiceOptions = {}): NiceScale | null {
  const s = niceScale(values, { min: 0, max: 1, ...opts });
  if (!s) return null;
  const d = Math.max(0, stepDecimals((s.ticks[1] ?? 1) - s.ticks[0]) - 2);
  return { ...s, format: (v: number) => `${(v * 100).toFixed(d)}%` };
}
