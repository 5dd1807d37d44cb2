// The recorded reference run drawn under a student's lines in the experiment's step charts and on
// its learn–forget plane: per method, in the preset's colour, a dashed, faded line of the mean over
// seeds with a shaded min–max band, and one grey legend entry naming the reference ("reference: 200
// steps, base “base”, 3 seeds"). A method's own reference entry appears in the legend, under the
// method's name, only when the student's run does not draw that method (its colour already names it);
// otherwise it is "<method> (reference)" in tooltips only. Every reference point is a
// small circle carrying its method (or sweep family), where it is (data-x: the step, or the learning
// rate) and its value, so a test reads what is drawn.
// Functions return arrays of chart children (recharts reads its series from direct children).
import { Area, Line, Scatter } from 'recharts';
import type { EvalPoint } from '../../../experiment/protocol';
import { bandKey, referencePaths, referenceRows, refKey, type ChartRow } from '../../../experiment/tour/reference';
import { BASE_COLOR, methodColor } from './colors';
import { seriesClass } from './legend-order';
import type { ShownReference } from './useReference';

export interface RefSeries {
  id: string;
  label: string;
  color: string;
  /** Whether it needs its own legend entry (the student's run does not draw this method). */
  legend: boolean;
}

export const REF_DASH = '5 4';

/** A reference series' name: the method's own while the run does not draw it (the legend shows it), else marked. */
export const refName = (label: string, legend: boolean) => (legend ? label : `${label} (reference)`);

/** The reference's methods, with the preset's labels and colours (a student who runs the preset sees the same colours). */
export function referenceSeries(ref: ShownReference | null, drawn: ReadonlySet<string>): RefSeries[] {
  if (!ref || ref.run.kind !== 'experiment') return [];
  const recorded = new Set(ref.curves.seeds.flatMap((s) => s.evals.map((e) => e.method)));
  return ref.run.config.methods.flatMap((m, i) => (recorded.has(m.id)
    ? [{ id: m.id, label: m.label ?? m.id, color: methodColor(i), legend: !drawn.has(m.id) }]
    : []));
}

/** The reference's rows for a metric (empty without a reference). */
export function referenceRowsOf(ref: ShownReference | null, pick: (e: EvalPoint) => number | undefined): ChartRow[] {
  return ref ? referenceRows(ref.curves, pick) : [];
}

export interface PointProps {
  cx?: number | null;
  cy?: number | null;
  index?: number;
  value?: unknown;
  payload?: Record<string, unknown>;
}

/** A small faded circle that says what it stands for; `read` gives its x (step or rate) and value. */
export function refPoint(id: string, color: string, read: (p: PointProps) => { x: unknown; value: unknown }, r = 2.2, hollow = false) {
  return function RefPoint(p: PointProps) {
    const { x, value } = read(p);
    if (typeof p.cx !== 'number' || typeof p.cy !== 'number' || typeof value !== 'number') return <g key={`${id}-${p.index}`} />;
    return (
      <circle
        key={`${id}-${p.index}`} cx={p.cx} cy={p.cy} r={r} className="ll-ref-point"
        {...(hollow ? { fill: 'none', stroke: color, strokeWidth: 1.25, strokeOpacity: 0.8 } : { fill: color, fillOpacity: 0.7 })}
        data-ref-method={id} data-x={String(x)} data-value={value}
      />
    );
  };
}

/** A reference layer's className: it answers to its method (or family) and to the whole reference. */
export const refClass = (id: string, extra = 'll-ref-line') => seriesClass(id === 'reference' ? ['reference'] : [id, 'reference'], extra);

/** The legend's one entry for the whole reference. */
export function legendEntry(label: string, kind: 'line' | 'scatter') {
  return kind === 'line'
    ? <Line key="ref-legend" dataKey="__reference" name={label} stroke={BASE_COLOR} strokeDasharray={REF_DASH} legendType="plainline" dot={false} isAnimationActive={false} className={refClass('reference')} />
    : <Scatter key="ref-legend" name={label} data={[]} fill={BASE_COLOR} stroke={BASE_COLOR} strokeDasharray={REF_DASH} legendType="plainline" isAnimationActive={false} className={refClass('reference')} />;
}

/** Bands, mean lines and the legend entry, for a ComposedChart whose rows hold referenceRows' columns. */
export function stepReferenceLayers(series: readonly RefSeries[], label: string | null) {
  if (label === null || series.length === 0) return [];
  return [
    ...series.map((m) => (
      <Area
        key={`band-${m.id}`} dataKey={bandKey(m.id)} stroke="none" fill={m.color} fillOpacity={0.16} legendType="none" tooltipType="none"
        activeDot={false} isAnimationActive={false} connectNulls className={refClass(m.id, 'll-ref-band')}
      />
    )),
    ...series.map((m) => (
      <Line
        key={`ref-${m.id}`} dataKey={refKey(m.id)} name={refName(m.label, m.legend)} stroke={m.color} strokeOpacity={0.75} strokeWidth={1.75}
        strokeDasharray={REF_DASH} dot={refPoint(m.id, m.color, (p) => ({ x: p.payload?.step, value: p.value }))} activeDot={false} legendType={m.legend ? 'plainline' : 'none'}
        isAnimationActive={false} connectNulls className={refClass(m.id)}
      />
    )),
    legendEntry(label, 'line'),
  ];
}

/** Each method's mean path from the base model on the learn–forget plane, dashed and faded. */
export function planeReferenceLayers(ref: ShownReference | null, series: readonly RefSeries[]) {
  if (!ref || series.length === 0) return [];
  const paths = referencePaths(ref.curves);
  return [
    ...series.map((m) => (
      <Scatter
        key={`ref-${m.id}`} name={refName(m.label, m.legend)} data={paths.get(m.id) ?? []} fill={m.color}
        line={{ stroke: m.color, strokeOpacity: 0.6, strokeWidth: 1.5, strokeDasharray: REF_DASH }} strokeDasharray={REF_DASH}
        shape={refPoint(m.id, m.color, (p) => ({ x: p.payload?.step, value: p.payload?.targetLoss }))} legendType={m.legend ? 'plainline' : 'none'} isAnimationActive={false} className={refClass(m.id)}
      />
    )),
    legendEntry(ref.label, 'scatter'),
  ];
}

/** Every value the reference draws for a metric, so an axis fitted to the run's values also holds them. */
export function referenceValues(rows: readonly ChartRow[]): number[] {
  return rows.flatMap((r) => Object.entries(r).flatMap(([k, v]) => (k.endsWith(':band') && Array.isArray(v) ? v : [])));
}
