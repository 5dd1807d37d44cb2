// The spectrum of one matrix's weight change for every method and a random reference: singular
// values on a log axis, and the cumulative share of ΔW's energy they explain with the 90% line.
// Sizes follow the presentation setting (charts/chart-style.ts); a legend entry highlights its line.
import { CartesianGrid, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import { useChartStyle, xLabel, yAxisWidth, yLabel } from '../charts/chart-style';
import { ChartLegend } from '../charts/legend';
import { seriesClass } from '../charts/legend-order';
import { pct } from './common';

export interface SpectrumSeries {
  key: string;
  label: string;
  color: string;
  dashed: boolean;
  singular: number[];
  explained: number[];
}

/** Singular values below this share of a series' largest are rounding noise of a zero direction: not drawn on the log axis. */
export const ZERO_SHARE = 1e-5;

function svRows(series: readonly SpectrumSeries[]): Array<Record<string, number>> {
  const n = Math.max(0, ...series.map((s) => s.singular.length));
  return Array.from({ length: n }, (_, i) => {
    const row: Record<string, number> = { index: i + 1 };
    for (const s of series) {
      const v = s.singular[i];
      if (v !== undefined && v > (s.singular[0] ?? 0) * ZERO_SHARE && v > 0) row[s.key] = v;
    }
    return row;
  });
}

function explainedRows(series: readonly SpectrumSeries[]): Array<Record<string, number>> {
  const n = Math.max(0, ...series.map((s) => s.explained.length));
  return Array.from({ length: n + 1 }, (_, i) => {
    const row: Record<string, number> = { index: i };
    for (const s of series) if (i === 0 || s.explained[i - 1] !== undefined) row[s.key] = i === 0 ? 0 : s.explained[i - 1];
    return row;
  });
}

const sci = (v: number) => (v >= 0.01 && v < 1000 ? String(Number(v.toPrecision(2))) : v.toExponential(0).replace('e-', 'e−'));

function lines(series: readonly SpectrumSeries[]) {
  return series.map((s) => (
    <Line
      key={s.key} dataKey={s.key} name={s.label} stroke={s.color} strokeWidth={s.dashed ? 1.5 : 2.5} strokeDasharray={s.dashed ? '6 4' : undefined}
      dot={false} isAnimationActive={false} connectNulls={false} className={seriesClass([s.key])}
    />
  ));
}

/** Powers of ten covering [lo, hi]: the log axis's ticks and domain. */
function decades(lo: number, hi: number): number[] {
  const a = Math.floor(Math.log10(lo));
  const b = Math.max(a + 1, Math.ceil(Math.log10(hi)));
  return Array.from({ length: b - a + 1 }, (_, i) => 10 ** (a + i));
}

/** Index ticks at a round step, at most about six of them. */
function indexTicks(n: number, from: number): number[] {
  const step = [1, 2, 5, 10, 20, 25, 50, 100, 200, 500].find((s) => n / s <= 6) ?? Math.ceil(n / 6);
  const out = from === 1 ? [1] : [0];
  for (let t = step; t <= n; t += step) out.push(t);
  return out;
}

export function SingularValuesChart({ series }: { series: SpectrumSeries[] }) {
  const rows = svRows(series);
  const values = rows.flatMap((r) => series.map((s) => r[s.key]).filter((v): v is number => v !== undefined));
  const ticks = decades(values.length ? Math.min(...values) : 1e-3, values.length ? Math.max(...values) : 1);
  const s = useChartStyle();
  return (
    <LineChart responsive style={{ width: '100%', height: s.height }} data={rows} margin={s.margin}>
      <CartesianGrid strokeDasharray="3 3" />
      <XAxis dataKey="index" type="number" domain={[1, rows.length]} ticks={indexTicks(rows.length, 1)} height={s.xAxisHeight} tick={s.tick} label={xLabel(s, 'singular value index')} />
      <YAxis scale="log" domain={[ticks[0], ticks[ticks.length - 1]]} ticks={ticks} allowDataOverflow width={yAxisWidth(s, ticks.map(sci))} tick={s.tick} tickFormatter={sci} label={yLabel(s, 'singular value')} />
      <Tooltip formatter={(v) => (typeof v === 'number' ? v.toExponential(3) : String(v))} labelFormatter={(i) => `#${i}`} />
      <ChartLegend order={series.map((x) => x.key)} />
      {lines(series)}
    </LineChart>
  );
}

export function ExplainedChart({ series }: { series: SpectrumSeries[] }) {
  const rows = explainedRows(series);
  const n = rows.length - 1;
  const s = useChartStyle();
  return (
    <LineChart responsive style={{ width: '100%', height: s.height }} data={rows} margin={s.margin}>
      <CartesianGrid strokeDasharray="3 3" />
      <XAxis dataKey="index" type="number" domain={[0, n]} ticks={indexTicks(n, 0)} height={s.xAxisHeight} tick={s.tick} label={xLabel(s, 'number of singular values (rank)')} />
      <YAxis domain={[0, 1]} ticks={[0, 0.2, 0.4, 0.6, 0.8, 1]} width={yAxisWidth(s, ['100%'])} tick={s.tick} tickFormatter={pct} label={yLabel(s, 'energy explained')} />
      <Tooltip formatter={(v) => (typeof v === 'number' ? pct(v) : String(v))} labelFormatter={(i) => `rank ${i}`} />
      <ChartLegend order={series.map((x) => x.key)} />
      <ReferenceLine y={0.9} stroke="#111" strokeDasharray="2 3" label={{ value: '90%', position: 'insideBottomRight', fontSize: s.font - 1 }} />
      {lines(series)}
    </LineChart>
  );
}
