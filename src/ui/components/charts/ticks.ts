// Tick labels for loss axes: enough decimals that neighbouring ticks of a narrow axis (a
// source loss that moved by 0.02) do not print the same number twice, and no more.

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
