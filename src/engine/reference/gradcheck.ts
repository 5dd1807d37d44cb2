// Finite-difference gradient checking for the float64 reference tests: central differences
// of a scalar function at chosen entries of a tensor, compared against an analytic gradient
// with a report of the worst element (used by the *.test.ts files next to this one).

import { compareClose, type CloseReport } from '../testing/allclose';
import type { Arr } from './types';

/** Scalar loss Σ out·w, the usual way to turn a tensor op into a gradient check. */
export function weighted_sum(out: Arr, w: Arr): number {
  if (out.length !== w.length) throw new RangeError(`weighted_sum: ${out.length} vs ${w.length}`);
  let s = 0;
  for (let i = 0; i < out.length; i++) s += out[i] * w[i];
  return s;
}

/**
 * Central differences (f(x+h) − f(x−h)) / 2h at `indices` of x (all entries by default),
 * perturbing x in place and restoring it.
 */
export function fd_grad(f: () => number, x: Float64Array, indices?: number[], h = 1e-6): Float64Array {
  const idx = indices ?? Array.from({ length: x.length }, (_, i) => i);
  const g = new Float64Array(idx.length);
  idx.forEach((i, j) => {
    const x0 = x[i];
    x[i] = x0 + h;
    const fp = f();
    x[i] = x0 - h;
    const fm = f();
    x[i] = x0;
    g[j] = (fp - fm) / (2 * h);
  });
  return g;
}

export interface GradCheckResult extends CloseReport {
  label: string;
}

/** Compares analytic[indices] with finite differences of f w.r.t. x at those indices. */
export function check_grad(
  label: string, f: () => number, x: Float64Array, analytic: Arr,
  { indices, h = 1e-6, rtol = 1e-5, atol = 1e-8 }: { indices?: number[]; h?: number; rtol?: number; atol?: number } = {},
): GradCheckResult {
  if (analytic.length !== x.length) throw new RangeError(`${label}: grad length ${analytic.length} vs ${x.length}`);
  const idx = indices ?? Array.from({ length: x.length }, (_, i) => i);
  const numeric = fd_grad(f, x, idx, h);
  const picked = Float64Array.from(idx, (i) => analytic[i]);
  return { ...compareClose(picked, numeric, { rtol, atol, label }), label };
}

/** Tracks the worst relative and absolute errors over many checks, for the test logs. */
export class WorstTracker {
  rel: GradCheckResult | undefined;
  abs: GradCheckResult | undefined;
  count = 0;
  add(r: GradCheckResult): GradCheckResult {
    this.count++;
    if (!this.rel || r.worstRel > this.rel.worstRel) this.rel = r;
    if (!this.abs || r.worstAbs > this.abs.worstAbs) this.abs = r;
    return r;
  }
  summary(): string {
    if (!this.rel || !this.abs) return 'no checks';
    return `${this.count} FD checks; worst rel ${this.rel.worstRel.toExponential(2)} (${this.rel.label}), ` +
      `worst abs ${this.abs.worstAbs.toExponential(2)} (${this.abs.label})\n  ${this.rel.message}\n  ${this.abs.message}`;
  }
}
