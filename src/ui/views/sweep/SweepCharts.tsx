// The sweep's charts, one colour per family everywhere: learning-rate sensitivity (best
// held-out target loss and the source loss at that point vs LR, log axis: finding 7), rank
// (final learn and forget vs LoRA rank, full fine-tuning as reference lines: findings 1–2),
// target modules at equal rank (finding 8), and the learn–forget plane with every checkpoint
// and the Pareto front (finding 3). Each panel says which comparison it shows; the rank and
// module panels appear only when the sweep varies rank or target modules. While the tour shows a
// sweep step, its recorded sweep is drawn faded and dashed under the student's (ReferenceLayers.tsx).
// Axes have nice ticks and pixel padding (no ring cut at an edge); sizes follow the presentation setting
// (chart-style.ts); legends list the families in the sweep's order and highlight a family on hover.
import { Fragment, type ReactNode } from 'react';
import { CartesianGrid, ReferenceDot, ReferenceLine, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from 'recharts';
import { lrSensitivity, paretoFront, type LrCurve, type SweepCellResult } from '../../../experiment/analysis/front';
import { useChartStyle, xLabel, xPad, yAxisWidth, yLabel, yPad, type ChartStyle } from '../../components/charts/chart-style';
import { lossDomain } from '../../components/charts/divergence';
import { baseLegendEntry, ChartBody, ChartLegend } from '../../components/charts/legend';
import { seriesClass } from '../../components/charts/legend-order';
import { ReferenceBar } from '../../components/charts/ReferenceBar';
import { niceScale, type NiceScale } from '../../components/charts/ticks';
import { fmtLr, fullReferences, moduleBars, planePoints, rankPoints } from './model';
import {
  lrReferenceLayers, moduleReferenceLayers, planeReferenceLayers, rankReferenceLayers, refLrs, refLrValues, refModuleNames, refModuleValues,
  refPlanePoints, refRanks, refRankValues,
} from './ReferenceLayers';
import { useSweepReference, type SweepReference } from './useSweepReference';

const f2 = (v: number) => v.toFixed(2);
const num4 = (v: unknown) => (typeof v === 'number' ? v.toFixed(4) : String(v));
/** Draws nothing: for lines whose points are drawn by another series. */
const NoDot = () => <g />;

/** A y axis' props: nice ticks over `values` (recharts' own with nothing to fit), padded, wide enough for its labels. */
function yAxis(s: ChartStyle, scale: NiceScale | null, label: string) {
  const fit = scale ? { domain: scale.domain, ticks: scale.ticks, tickFormatter: scale.format } : { domain: ['auto', 'auto'] as ['auto', 'auto'], tickFormatter: (v: number) => v.toFixed(2) };
  return { ...fit, type: 'number' as const, padding: yPad(s), width: yAxisWidth(s, (scale?.ticks ?? [0]).map(scale?.format ?? String)), tick: s.tick, label: yLabel(s, label) };
}

/** The legend's order: the student's families as the sweep lists them, then the reference's. */
const orderOf = (colors: Record<string, string>, ref: SweepReference | null) => [...Object.keys(colors), ...(ref?.families ?? []).map((f) => f.id)];

export function ChartPanel({ chart, title, hint, empty, children, wide }: { chart: string; title: string; hint: ReactNode; empty: boolean; children: ReactNode; wide?: boolean }) {
  return (
    <figure className={`ll-chart${wide ? ' ll-wide' : ''}`} aria-label={title} data-chart={chart}>
      <figcaption>{title}</figcaption>
      <p className="ll-hint">{hint}</p>
      {empty ? <div className="ll-empty">No data yet: start a sweep or open a saved one.</div> : <ChartBody>{children}</ChartBody>}
    </figure>
  );
}

/** Families the student's sweep has results for (their reference needs no legend entry of its own). */
const drawnFamilies = (cells: readonly SweepCellResult[]) => new Set(cells.filter((c) => c.evals.length > 0).map((c) => c.family));

interface Props {
  cells: SweepCellResult[];
  best: SweepCellResult[];
  colors: Record<string, string>;
  baseSource: number | null;
  /** Every family has one learning rate in the grid: its "best" is that rate, not a choice among several. */
  oneRate?: boolean;
}

/** How a chart's hint names the rate each method is shown at. */
const atRate = (oneRate?: boolean) => (oneRate ? "at the grid's one learning rate for it (not a best among several)" : 'at its best learning rate');

function LrChart({ curves, colors, metric, reference, drawn }: {
  curves: LrCurve[]; colors: Record<string, string>; metric: 'bestTarget' | 'sourceAtBest'; reference: SweepReference | null; drawn: ReadonlySet<string>;
}) {
  const s = useChartStyle();
  const lrs = [...new Set([...curves.flatMap((c) => c.points.map((p) => p.lr)), ...refLrs(reference)])].sort((a, b) => a - b);
  const domain = lrs.length ? [lrs[0] / 1.6, lrs[lrs.length - 1] * 1.6] : [1e-4, 1e-1];
  const drawnPoints = (c: LrCurve) => c.points.filter((p) => !p.diverged && Number.isFinite(p[metric]));
  const y = niceScale([...curves.flatMap((c) => drawnPoints(c).map((p) => p[metric])), ...refLrValues(reference, metric)], { min: 0 });
  return (
    <ScatterChart responsive style={{ width: '100%', height: s.height }} margin={s.margin}>
      <CartesianGrid strokeDasharray="3 3" />
      <XAxis dataKey="lr" name="learning rate" type="number" scale="log" domain={domain} ticks={lrs} height={s.xAxisHeight} tick={s.tick} tickFormatter={fmtLr} label={xLabel(s, 'learning rate (log scale)')} />
      <YAxis dataKey={metric} name={metric === 'bestTarget' ? 'best target loss' : 'source loss there'} {...yAxis(s, y, metric === 'bestTarget' ? 'best target loss' : 'source loss there')} />
      <ZAxis range={[40, 40]} />
      <Tooltip formatter={num4} />
      <ChartLegend order={orderOf(colors, reference)} />
      {lrReferenceLayers(reference, metric, drawn)}
      {curves.map((c) => (
        <Scatter key={c.family} name={c.label} data={drawnPoints(c)} fill={colors[c.family]} className={seriesClass([c.family])}
          line={{ stroke: colors[c.family], strokeWidth: 2.5 }} lineType="joint" isAnimationActive={false} />
      ))}
      {curves.map((c) => {
        const b = c.points.find((p) => p.lr === c.bestLr && Number.isFinite(p[metric]));
        return b ? <ReferenceDot key={`best-${c.family}`} x={b.lr} y={b[metric]} r={8} fill="none" stroke={colors[c.family]} strokeWidth={2.5} className={seriesClass([c.family])} /> : null;
      })}
    </ScatterChart>
  );
}

/** Families whose best learning rate is the lowest or highest they tried: the true best may lie outside the grid. */
function edgeNote(curves: LrCurve[]): string {
  const edge = curves.filter((c) => {
    const lrs = c.points.map((p) => p.lr);
    return c.bestLr !== null && lrs.length > 1 && (c.bestLr === Math.min(...lrs) || c.bestLr === Math.max(...lrs));
  });
  return edge.length ? ` Best at the edge of the grid for ${edge.map((c) => c.label).join(', ')}: its best rate may lie outside it.` : '';
}

export function LrCharts({ cells, colors }: Props) {
  const { view, ref } = useSweepReference();
  const curves = lrSensitivity(cells);
  const empty = curves.every((c) => c.points.every((p) => !Number.isFinite(p.bestTarget))) && !ref;
  const lr = { colors, reference: ref, drawn: drawnFamilies(cells) };
  const bests = curves.filter((c) => c.bestLr !== null);
  const diverged = curves.flatMap((c) => c.points.filter((p) => p.diverged)).length;
  return (
    <>
      <ReferenceBar view={view} />
      <ChartPanel chart="lr-target" title="Learning-rate sensitivity: learning" empty={empty}
        hint={<>
          Each method’s lowest held-out target loss at each learning rate it tried (lower = learned more); a ring marks its best rate.
          {bests.length > 0 && <> Best: {bests.map((c, i) => (
            <Fragment key={c.family}><span className="ll-nowrap">{c.label} {fmtLr(c.bestLr!)}</span>{i < bests.length - 1 ? ', ' : '.'}</Fragment>
          ))}</>}
          {edgeNote(curves)}{diverged ? ` ${diverged} run(s) diverged and are left out.` : ''}
        </>}>
        <LrChart curves={curves} {...lr} metric="bestTarget" />
      </ChartPanel>
      <ChartPanel chart="lr-source" title="Learning-rate sensitivity: forgetting" empty={empty}
        hint="The held-out source loss each run had at that same point, its point of best learning (higher = forgot more).">
        <LrChart curves={curves} {...lr} metric="sourceAtBest" />
      </ChartPanel>
    </>
  );
}

export function RankCharts({ cells, best, colors, oneRate }: Props) {
  const { ref } = useSweepReference();
  const drawn = drawnFamilies(cells);
  const points = rankPoints(best);
  const fulls = fullReferences(best);
  const ranks = [...new Set([...points.map((p) => p.rank), ...refRanks(ref)])].sort((a, b) => a - b);
  const sets = [...new Set(points.map((p) => p.targets))];
  const s = useChartStyle();
  const chart = (metric: 'targetLoss' | 'sourceLoss') => (
    <ScatterChart responsive style={{ width: '100%', height: s.height }} margin={s.margin}>
      <CartesianGrid strokeDasharray="3 3" />
      <XAxis dataKey="rank" name="rank" type="number" scale="log" domain={[Math.min(...ranks) / 1.5, Math.max(...ranks) * 1.5]} ticks={ranks} height={s.xAxisHeight} tick={s.tick} label={xLabel(s, 'LoRA rank r (log scale)')} />
      <YAxis dataKey={metric} name={metric === 'targetLoss' ? 'target loss' : 'source loss'}
        {...yAxis(s, niceScale([...points.map((p) => p[metric]), ...fulls.map((f) => f[metric]), ...refRankValues(ref, metric)], { min: 0 }), metric === 'targetLoss' ? 'final target loss' : 'final source loss')} />
      <ZAxis range={[60, 60]} />
      <Tooltip formatter={num4} />
      <ChartLegend order={orderOf(colors, ref)} />
      {rankReferenceLayers(ref, metric, drawn)}
      {sets.map((t) => (
        <Scatter key={`line-${t}`} name={`${t} modules`} data={points.filter((p) => p.targets === t)} fill="#777" line={{ stroke: '#777', strokeWidth: 1.5 }}
          className={seriesClass(['guide'], 'll-guide')} shape={NoDot} legendType="none" isAnimationActive={false} />
      ))}
      {points.map((p) => <Scatter key={p.family} name={p.label} data={[p]} fill={colors[p.family]} isAnimationActive={false} className={seriesClass([p.family])} />)}
      {fulls.map((f) => (
        <ReferenceLine key={f.family} y={f[metric]} stroke={colors[f.family]} strokeWidth={2} strokeDasharray="6 4" className={seriesClass([f.family])}
          label={{ value: f.label, position: 'insideTopRight', fill: 'currentColor', fontSize: s.font - 1 }} />
      ))}
    </ScatterChart>
  );
  const empty = ranks.length === 0;
  const note = `Each LoRA method ${atRate(oneRate)}, at its last evaluation; grey lines join methods on the same modules; dashed: full fine-tuning at its best rate.`;
  return (
    <>
      <ChartPanel chart="rank-target" title="Rank: learning" empty={empty} hint={`${note} Lower = learned more.`}>{chart('targetLoss')}</ChartPanel>
      <ChartPanel chart="rank-source" title="Rank: forgetting" empty={empty} hint={`${note} Higher = forgot more.`}>{chart('sourceLoss')}</ChartPanel>
    </>
  );
}

export function ModuleCharts({ cells, best, colors, baseSource, oneRate }: Props) {
  const { ref } = useSweepReference();
  const drawn = drawnFamilies(cells);
  const bars = moduleBars(best, baseSource);
  const names = [...new Set([...bars.map((b) => b.name), ...refModuleNames(ref)])];
  const s = useChartStyle();
  const chart = (metric: 'bestTarget' | 'sourceRise') => (
    <ScatterChart responsive style={{ width: '100%', height: s.height }} margin={s.margin}>
      <CartesianGrid strokeDasharray="3 3" />
      <XAxis dataKey="name" type="category" allowDuplicatedCategory={false} ticks={names} height={s.xAxisHeight} tick={s.tick} />
      <YAxis dataKey={metric}
        {...yAxis(s, niceScale([...bars.map((b) => b[metric] ?? Number.NaN), ...refModuleValues(ref, metric)], metric === 'bestTarget' ? { min: 0 } : {}), metric === 'bestTarget' ? 'best target loss' : 'source rise')} />
      <ZAxis range={[90, 90]} />
      <Tooltip formatter={num4} />
      {ref && <ChartLegend order={orderOf(colors, ref)} />}
      {moduleReferenceLayers(ref, metric, drawn)}
      {bars.map((b) => <Scatter key={b.family} name={b.name} data={[b].filter((x) => x[metric] !== null)} fill={colors[b.family]} isAnimationActive={false} className={seriesClass([b.family])} />)}
    </ScatterChart>
  );
  const empty = names.length === 0;
  const note = `LoRA on attention, MLP or all projections at the same rank, each ${atRate(oneRate)}, at its point of best target loss.`;
  return (
    <>
      <ChartPanel chart="modules-target" title="Target modules at equal rank: learning" empty={empty} hint={`${note} Lower = learned more.`}>{chart('bestTarget')}</ChartPanel>
      <ChartPanel chart="modules-source" title="Target modules at equal rank: forgetting" empty={empty} hint={`${note} Source loss there minus the base model's; higher = forgot more.`}>
        {chart('sourceRise')}
      </ChartPanel>
    </>
  );
}

function PlaneTooltip({ active, payload }: { active?: boolean; payload?: ReadonlyArray<{ payload?: unknown }> }) {
  const p = payload?.[0]?.payload as { label?: string; step?: number; targetLoss?: number; sourceLoss?: number } | undefined;
  if (!active || !p || p.targetLoss === undefined) return null;
  return (
    <div className="ll-tooltip">
      <b>{p.label ?? 'Pareto front'}</b>{p.step !== undefined ? `, step ${p.step}` : ''}
      <br />target {num4(p.targetLoss)} · source {num4(p.sourceLoss)}
    </div>
  );
}

export function PlaneChart({ cells, colors, baseSource, families }: Props & { families: Array<{ id: string; label: string }> }) {
  const s = useChartStyle('tall');
  const { ref } = useSweepReference();
  const points = planePoints(cells);
  const front = paretoFront(points);
  const refPoints = refPlanePoints(ref);
  // A diverged cell's blow-up (tens of nats) runs off the plot instead of squeezing every other checkpoint together
  // (clipped only then: recharts clips to the padded data range, which cuts markers at the data's edges).
  const gone = new Set(cells.filter((c) => c.diverged).map((c) => c.cellId));
  const base = cells.flatMap((c) => c.evals).find((e) => e.step === 0) ?? ref?.cells.flatMap((c) => c.evals).find((e) => e.step === 0);
  const axis = (key: 'targetLoss' | 'sourceLoss') => {
    const range = lossDomain([...points, ...refPoints, ...(base ? [{ ...base, cell: '' }] : [])].map((p) => ({ value: p[key], diverged: gone.has(p.cell) })));
    return range && niceScale(range, { min: 0 });
  };
  const x = axis('targetLoss');
  const y = axis('sourceLoss');
  const shownBase = baseSource ?? ref?.baseSource ?? null;
  const onFront = new Map<string, number>();
  for (const p of front) onFront.set(p.family, (onFront.get(p.family) ?? 0) + 1);
  const share = families.filter((f) => onFront.has(f.id)).map((f) => `${f.label} ${onFront.get(f.id)}`).join(', ');
  return (
    <ChartPanel
      chart="plane" wide title="The learn–forget plane: every checkpoint" empty={points.length === 0 && refPoints.length === 0}
      hint={<>
        Every evaluation after step 0 of every run in the sweep (x reversed: right = learned more; up = forgot more), from the base model (●{shownBase !== null ? `, source ${f2(shownBase)}` : ''}).
        The heavy line without markers is the Pareto front: checkpoints no other one beats on both losses.
        {front.length ? ` On the front (${front.length} checkpoints): ${share}.` : ''}
      </>}
    >
      <ScatterChart responsive style={{ width: '100%', height: s.height }} margin={s.margin}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="targetLoss" name="target loss" type="number" domain={x?.domain ?? ['auto', 'auto']} ticks={x?.ticks} tickFormatter={x?.format ?? f2} allowDataOverflow={gone.size > 0} reversed
          padding={xPad(s)} height={s.xAxisHeight} tick={s.tick} label={xLabel(s, 'target loss (learned more →)')} />
        <YAxis dataKey="sourceLoss" name="source loss" {...yAxis(s, y, 'source loss (forgot ↑)')} allowDataOverflow={gone.size > 0} />
        <ZAxis range={[30, 30]} />
        <Tooltip content={PlaneTooltip} />
        <ChartLegend order={orderOf(colors, ref)} />
        {planeReferenceLayers(ref, drawnFamilies(cells))}
        {families.map((f) => (
          <Scatter key={f.id} name={f.label} data={points.filter((p) => p.family === f.id)} fill={colors[f.id]} fillOpacity={0.8} isAnimationActive={false} className={seriesClass([f.id])} />
        ))}
        <Scatter name="Pareto front" className={seriesClass(['front'], 'll-front')} data={front} fill="#111" stroke="#111" line={{ stroke: '#111', strokeWidth: 2 }} shape={NoDot} isAnimationActive={false}
          legendType={front.length ? 'plainline' : 'none'} />
        {base && baseLegendEntry()}
        {base && <ReferenceDot x={base.targetLoss} y={base.sourceLoss} r={8} fill="#111" stroke="#fff" strokeWidth={2} ifOverflow="extendDomain" className={seriesClass(['base'], 'll-base-dot')} />}
      </ScatterChart>
    </ChartPanel>
  );
}
