// The experiment charts in a 2×2 grid, each with a short explanation for students: learning
// (held-out target loss vs step), forgetting (held-out source loss vs step), learn vs forget
// (each method's path in the target/source plane from the base model), and, for math
// targets, exact-match accuracy vs step. Before a run each panel shows what it will draw.
// A diverged method's line ends at the state it stopped in, with a marker and "(diverged at step
// N)" in the legend; its blow-up runs off the top instead of flattening the other lines.
// While the tour shows an experiment step, its recorded run is drawn under the student's lines as a
// dashed reference (reference-layers.tsx), with a checkbox to hide it (ReferenceBar).
// Axes have nice ticks and pixel padding (no marker cut at an edge); sizes follow the presentation
// setting (chart-style.ts); the legend lists the methods in their order and highlights a series on hover.
import { useMemo, type ReactNode } from 'react';
import { CartesianGrid, ComposedChart, Line, ReferenceDot, ReferenceLine, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from 'recharts';
import type { EvalPoint, MethodInfo } from '../../../experiment/protocol';
import { useExperiment } from '../../store/experiment';
import { ChartDownload } from '../export/ChartDownload';
import { ChartNotes } from './ChartNotes';
import { methodColor } from './colors';
import { DivergenceNote } from './DivergenceNote';
import { drawnEvals, lossDomain, seriesLabel } from './divergence';
import { mergeRows, referencePaths, type ChartRow } from '../../../experiment/tour/reference';
import { planeReferenceLayers, referenceRowsOf, referenceSeries, referenceValues, stepReferenceLayers, type RefSeries } from './reference-layers';
import { ReferenceBar } from './ReferenceBar';
import { useTourReference, type ShownReference } from './useReference';
import { useChartStyle, xLabel, xPad, yAxisWidth, yLabel, yPad, type ChartStyle } from './chart-style';
import { baseLegendEntry, ChartBody, ChartLegend } from './legend';
import { seriesClass } from './legend-order';
import { niceScale, shareScale, type NiceScale } from './ticks';

/** A line on the charts: a method of the shown run, or of a saved run overlaid to compare. */
interface Series {
  id: string;
  label: string;
  color: string;
  dashed: boolean;
  /** The step it diverged at (runs on screen only). */
  divergedAt?: number;
}

/** The reference drawn under the lines: its methods, and the shown reference (null when none). */
type Reference = { series: RefSeries[]; shown: ShownReference | null };
type Props = { series: Series[]; evals: EvalPoint[]; reference?: Reference };

/** A saved run drawn dashed over the current one. */
export interface Overlay {
  key: string;
  label: string;
  methods: MethodInfo[];
  evals: EvalPoint[];
}
type Metric = 'targetLoss' | 'sourceLoss' | 'targetAccuracy';

export interface ChartDomains {
  /** e.g. "code", "math problems", "English fiction" */
  source: string;
  target: string;
}

const num4 = (v: unknown) => (typeof v === 'number' ? v.toFixed(4) : String(v));
const pct = (v: number) => `${Math.round(v * 100)}%`;

function byStep(methods: Series[], evals: EvalPoint[], key: Metric) {
  const rows = new Map<number, Record<string, number>>();
  for (const e of evals) {
    const v = e[key];
    if (v === undefined || !Number.isFinite(v)) continue;
    const row = rows.get(e.step) ?? { step: e.step };
    row[e.method] = v;
    rows.set(e.step, row);
  }
  return [...rows.values()].sort((a, b) => a.step - b.step).filter((r) => methods.some((m) => r[m.id] !== undefined));
}

function Panel({ chart, title, hint, empty, children }: { chart: string; title: string; hint: ReactNode; empty: boolean; children: ReactNode }) {
  return (
    <figure className="ll-chart" aria-label={title} data-chart={chart}>
      {!empty && <ChartDownload name={chart} />}
      <figcaption>{title}</figcaption>
      <p className="ll-hint">{hint}</p>
      {empty ? <div className="ll-empty">No data yet: press Start.</div> : <ChartBody>{children}</ChartBody>}
    </figure>
  );
}

/** A loss axis with nice ticks that a diverged method's blow-up cannot flatten (see lossDomain); null with nothing to fit. */
function lossScale(series: Series[], evals: EvalPoint[], key: 'targetLoss' | 'sourceLoss', extra: readonly number[] = []): NiceScale | null {
  const diverged = new Set(series.filter((m) => m.divergedAt !== undefined).map((m) => m.id));
  const points = [...evals.map((e) => ({ value: e[key], diverged: diverged.has(e.method) })), ...extra.map((value) => ({ value, diverged: false }))];
  const range = lossDomain(points);
  return range && niceScale(range, { min: 0 });
}

/** Domain, ticks and formatter props of an axis (recharts' own when there is nothing to fit). */
function axisProps(scale: NiceScale | null, fallback: (v: number) => string = (v) => v.toFixed(2)) {
  return scale ? { domain: scale.domain, ticks: scale.ticks, tickFormatter: scale.format } : { domain: ['auto', 'auto'] as ['auto', 'auto'], tickFormatter: fallback };
}

/**
 * Whether a blow-up may run off the plot (and so must be clipped). Only then: recharts clips a series to
 * the padded data range, which would cut the markers at the data's edges in half.
 */
const overflows = (series: readonly Series[]) => series.some((m) => m.divergedAt !== undefined);

/** The step axis: from 0 to the last evaluation, on nice steps. */
const stepScale = (steps: readonly number[]) => niceScale(steps, { include: [0], min: 0 });

/** The legend's order: the run's methods (then overlays), then the reference's own methods. */
const orderOf = (series: readonly Series[], reference?: Reference) => [...series.map((m) => m.id), ...(reference?.series ?? []).map((m) => m.id)];

/** A vertical line at the step each diverged method stopped, in its colour. */
function divergedMarks(series: Series[], s: ChartStyle) {
  return series.filter((m) => m.divergedAt !== undefined).map((m, i) => (
    <ReferenceLine
      key={`diverged-${m.id}`} x={m.divergedAt} stroke={m.color} strokeDasharray="2 3" ifOverflow="extendDomain" className={seriesClass([m.id])}
      label={{ value: `✕ diverged (step ${m.divergedAt})`, position: 'insideTopRight', fill: m.color, fontSize: s.font - 1, dy: (s.font + 1) * i }}
    />
  ));
}

function StepChart({ series, evals, metric, yLabel: label, reference }: Props & { metric: Metric; yLabel: string }) {
  const s = useChartStyle();
  const accuracy = metric === 'targetAccuracy';
  const shown = reference?.shown ?? null;
  const refRows: ChartRow[] = useMemo(() => referenceRowsOf(shown, (e) => e[metric]), [shown, metric]);
  const refValues = referenceValues(refRows);
  const rows = mergeRows(byStep(series, evals, metric), refRows);
  const y = accuracy
    ? shareScale([...evals.map((e) => e.targetAccuracy ?? Number.NaN), ...refValues, 0.1], { include: [0] })
    : lossScale(series, evals, metric as 'targetLoss' | 'sourceLoss', refValues);
  const x = stepScale(rows.map((r) => Number(r.step)));
  return (
    <ComposedChart responsive style={{ width: '100%', height: s.height }} data={rows} margin={s.margin}>
      <CartesianGrid strokeDasharray="3 3" />
      <XAxis dataKey="step" type="number" {...axisProps(x, String)} padding={xPad(s)} height={s.xAxisHeight} tick={s.tick} label={xLabel(s, 'step')} />
      <YAxis
        {...axisProps(y, accuracy ? pct : undefined)} allowDataOverflow={overflows(series)} padding={yPad(s)}
        width={yAxisWidth(s, (y?.ticks ?? []).map(y?.format ?? String))} tick={s.tick} label={yLabel(s, label)}
      />
      <Tooltip formatter={(v) => (accuracy && typeof v === 'number' ? pct(v) : num4(v))} />
      <ChartLegend order={orderOf(series, reference)} />
      {stepReferenceLayers(reference?.series ?? [], refRows.length ? reference?.shown?.label ?? null : null)}
      {series.map((m) => (
        <Line
          key={m.id} dataKey={m.id} name={m.label} stroke={m.color} strokeWidth={m.dashed ? 1.5 : 2.5} strokeDasharray={m.dashed ? '6 4' : undefined}
          dot={{ r: m.dashed ? 2 : 3 }} isAnimationActive={false} connectNulls className={seriesClass([m.id])}
        />
      ))}
      {divergedMarks(series, s)}
    </ComposedChart>
  );
}

const clamp = (v: number, scale: NiceScale | null) => (scale ? Math.min(Math.max(v, scale.domain[0]), scale.domain[1]) : v);

/** Where each diverged method's path ends (clamped into the plot, so a point that ran off it is still marked). */
function divergedEnds(series: Series[], evals: EvalPoint[], x: NiceScale | null, y: NiceScale | null, s: ChartStyle) {
  return series.filter((m) => m.divergedAt !== undefined).flatMap((m) => {
    const last = evals.filter((e) => e.method === m.id).at(-1);
    if (!last) return [];
    return [(
      <ReferenceDot
        key={`diverged-${m.id}`} x={clamp(last.targetLoss, x)} y={clamp(last.sourceLoss, y)} r={7} fill="#fff" stroke={m.color} strokeWidth={3} className={seriesClass([m.id], 'll-diverged-dot')}
        label={{ value: `✕ diverged (step ${m.divergedAt})`, position: 'right', fill: m.color, fontSize: s.font - 1 }}
      />
    )];
  });
}

export function LearnForgetChart({ series, evals: all, reference }: Props) {
  const s = useChartStyle();
  const evals = all.filter((e) => Number.isFinite(e.targetLoss) && Number.isFinite(e.sourceLoss));
  // The base model: the run's own step 0, else the reference's (every method starts from it).
  const base = evals.find((e) => e.step === 0 && !series.find((m) => m.id === e.method)?.dashed)
    ?? reference?.shown?.curves.seeds[0].evals.find((e) => e.step === 0 && Number.isFinite(e.targetLoss) && Number.isFinite(e.sourceLoss));
  const refPts = reference?.shown && reference.series.length ? [...referencePaths(reference.shown.curves).values()].flat() : [];
  const baseT = base ? [base.targetLoss] : [];
  const baseS = base ? [base.sourceLoss] : [];
  const x = lossScale(series, evals, 'targetLoss', [...refPts.map((p) => p.targetLoss), ...baseT]);
  const y = lossScale(series, evals, 'sourceLoss', [...refPts.map((p) => p.sourceLoss), ...baseS]);
  return (
    <ScatterChart responsive style={{ width: '100%', height: s.height }} margin={s.margin}>
      <CartesianGrid strokeDasharray="3 3" />
      <XAxis dataKey="targetLoss" name="target loss" type="number" {...axisProps(x)} allowDataOverflow={overflows(series)} reversed padding={xPad(s)} height={s.xAxisHeight} tick={s.tick} label={xLabel(s, 'target loss (learned more →)')} />
      <YAxis dataKey="sourceLoss" name="source loss" type="number" {...axisProps(y)} allowDataOverflow={overflows(series)} padding={yPad(s)} width={yAxisWidth(s, (y?.ticks ?? []).map(y?.format ?? String))} tick={s.tick} label={yLabel(s, 'source loss (forgot ↑)')} />
      <ZAxis range={[36, 36]} />
      <Tooltip formatter={num4} />
      <ChartLegend order={orderOf(series, reference)} />
      {planeReferenceLayers(reference?.shown ?? null, reference?.series ?? [])}
      {series.map((m) => (
        <Scatter
          key={m.id} name={m.label} data={evals.filter((e) => e.method === m.id)} fill={m.color} fillOpacity={m.dashed ? 0.5 : 1}
          line={{ strokeWidth: m.dashed ? 1.5 : 2.5, strokeDasharray: m.dashed ? '6 4' : undefined }} isAnimationActive={false} className={seriesClass([m.id])}
        />
      ))}
      {base && baseLegendEntry()}
      {base && <ReferenceDot x={base.targetLoss} y={base.sourceLoss} r={8} fill="#111" stroke="#fff" strokeWidth={2} className={seriesClass(['base'], 'll-base-dot')} />}
      {divergedEnds(series, evals, x, y, s)}
    </ScatterChart>
  );
}

export function MetricCharts({ methods, evals, overlays = [], domains, showAccuracy }: {
  methods: MethodInfo[];
  evals: EvalPoint[];
  overlays?: Overlay[];
  domains: ChartDomains;
  showAccuracy: boolean;
}) {
  const diverged = useExperiment((x) => x.diverged);
  const refView = useTourReference('experiment');
  const reference: Reference = { series: referenceSeries(refView.ref, new Set(methods.map((m) => m.id))), shown: refView.ref };
  const empty = evals.length === 0 && overlays.length === 0 && reference.series.length === 0;
  const series: Series[] = [
    ...methods.map((m, i) => ({ id: m.id, label: seriesLabel(m.label, diverged[m.id]), color: methodColor(i), dashed: false, divergedAt: diverged[m.id] })),
    ...overlays.flatMap((o) => o.methods.map((m, i) => ({ id: `${o.key}:${m.id}`, label: `${m.label} · ${o.label}`, color: methodColor(i), dashed: true }))),
  ];
  const all = [...drawnEvals(evals, diverged), ...overlays.flatMap((o) => o.evals.map((e) => ({ ...e, method: `${o.key}:${e.method}` })))];
  const props = { series, evals: all, reference };
  return (
    <>
      <ReferenceBar view={refView} />
      <div className="ll-charts">
        <DivergenceNote />
        <Panel
          chart="targetLoss"
          title="Learning: held-out target loss"
          empty={empty}
          hint={<>Loss (nats per byte) on held-out {domains.target} no method trained on. Lower = learned more.</>}
        >
          <StepChart {...props} metric="targetLoss" yLabel="target loss (nats/byte)" />
        </Panel>
        <Panel
          chart="sourceLoss"
          title="Forgetting: held-out source loss"
          empty={empty}
          hint={<>Loss on held-out {domains.source}, which the base model already knew. Higher = forgot more.</>}
        >
          <StepChart {...props} metric="sourceLoss" yLabel="source loss (nats/byte)" />
        </Panel>
        <Panel
          chart="tradeoff"
          title="Learn vs forget"
          empty={empty}
          hint={<>Paths start at the base model (●). The x axis is reversed: right = learned more, up = forgot more. Down-right is better.</>}
        >
          <LearnForgetChart {...props} />
        </Panel>
        {showAccuracy && (
          <Panel
            chart="targetAccuracy"
            title="Math accuracy (exact match)"
            empty={empty}
            hint={<>Share of held-out problems whose greedy answer is exactly right (like GSM8K). Higher = learned more.</>}
          >
            <StepChart {...props} metric="targetAccuracy" yLabel="exact-match accuracy" />
          </Panel>
        )}
        <ChartNotes />
      </div>
    </>
  );
}
