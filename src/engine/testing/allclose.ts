// Comparison helper for kernel and model tests: reports the worst element (index, values,
// absolute and relative error) so a failing test says where it failed, and returns the
// worst relative error so tests can print it.

export interface CloseReport {
  ok: boolean;
  worstIndex: number;
  worstAbs: number;
  worstRel: number;
  actual: number;
  expected: number;
  message: string;
}

/**
 * Elementwise |a − e| <= atol + rtol·|e|. The relative error reported is
 * |a − e| / max(|e|, 1e-3·max|e|, atol): elements far below the tensor's scale (where f32
 * cancellation dominates) are measured against a thousandth of that scale.
 */
export function compareClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  { rtol = 1e-4, atol = 1e-5, label = 'tensor' }: { rtol?: number; atol?: number; label?: string } = {},
): CloseReport {
  if (actual.length !== expected.length) {
    return {
      ok: false, worstIndex: -1, worstAbs: Infinity, worstRel: Infinity, actual: NaN, expected: NaN,
      message: `${label}: length ${actual.length} != expected ${expected.length}`,
    };
  }
  let ok = true;
  let worstIndex = -1;
  let worstRel = 0;
  let worstAbs = 0;
  let worstViolation = -Infinity;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]));
  const floor = Math.max(atol, 1e-3 * scale);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i];
    const e = expected[i];
    const abs = Math.abs(a - e);
    const rel = abs / Math.max(Math.abs(e), floor);
    const violation = Number.isFinite(a) ? abs - (atol + rtol * Math.abs(e)) : Infinity;
    if (violation > 0) ok = false;
    if (violation > worstViolation || !Number.isFinite(a)) {
      worstViolation = violation;
      worstIndex = i;
    }
    if (rel > worstRel) worstRel = rel;
    if (abs > worstAbs) worstAbs = abs;
  }
  const ai = worstIndex >= 0 ? actual[worstIndex] : NaN;
  const ei = worstIndex >= 0 ? expected[worstIndex] : NaN;
  const message =
    `${label}: ${ok ? 'ok' : 'MISMATCH'} worst rel ${worstRel.toExponential(2)}, abs ${worstAbs.toExponential(2)}; ` +
    `at [${worstIndex}] got ${ai}, expected ${ei} (rtol ${rtol}, atol ${atol}, n ${actual.length})`;
  return { ok, worstIndex, worstAbs, worstRel, actual: ai, expected: ei, message };
}

/** Asserts closeness, throwing with the worst element; returns the report for logging. */
export function allclose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  opts: { rtol?: number; atol?: number; label?: string } = {},
): CloseReport {
  const r = compareClose(actual, expected, opts);
  if (!r.ok) throw new Error(r.message);
  return r;
}

/** Deterministic test data in [-scale, scale). */
export function randomArray(n: number, seed: number, scale = 1): Float64Array {
  const out = new Float64Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s >>> 8) / 16777216 * 2 - 1) * scale;
  }
  return out;
}
