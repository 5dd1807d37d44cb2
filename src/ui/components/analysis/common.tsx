// Pieces the analysis panels share: a chart figure in the experiment charts' style (title, hint,
// an empty state that says what will be drawn, the legend and highlight of charts/legend.tsx), rows of a per-step metric keyed by method, and
// number formatting.
import type { ReactNode } from 'react';
import type { EvalPoint } from '../../../experiment/protocol';
import { ChartBody } from '../charts/legend';

export const fix = (v: number, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : 'n/a');
export const pct = (v: number) => (Number.isFinite(v) ? `${Math.round(v * 100)}%` : 'n/a');

export function ChartFigure({ chart, title, hint, empty, children }: {
  chart: string; title: string; hint: ReactNode; empty: string | null; children: ReactNode;
}) {
  return (
    <figure className="ll-chart" aria-label={title} data-chart={chart}>
      <figcaption>{title}</figcaption>
      <p className="ll-hint">{hint}</p>
      {empty !== null ? <div className="ll-empty">{empty}</div> : <ChartBody>{children}</ChartBody>}
    </figure>
  );
}

/** One row per evaluation step, one column per method id, from `pick` (undefined values left out). */
export function rowsByStep(evals: readonly EvalPoint[], pick: (e: EvalPoint) => number | undefined): Array<Record<string, number>> {
  const rows = new Map<number, Record<string, number>>();
  for (const e of evals) {
    const v = pick(e);
    if (v === undefined || !Number.isFinite(v)) continue;
    const row = rows.get(e.step) ?? { step: e.step };
    row[e.method] = v;
    rows.set(e.step, row);
  }
  return [...rows.values()].sort((a, b) => a.step - b.step);
}
