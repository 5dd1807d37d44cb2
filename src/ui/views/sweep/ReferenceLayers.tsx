// The recorded tour sweep drawn in the sweep charts under a student's sweep (reference.ts computes the
// numbers): per family, in the preset's colour, faded points of the mean over seeds joined by a dashed
// line, an error bar from the lowest to the highest seed, and one grey legend entry naming the
// reference. A family's own reference entry appears in the legend (under its name) only when the
// student's sweep has no results for it. Points that are not on a line (the plane's checkpoints, the
// rank and module charts) are hollow rings, wide enough to ring a student's filled dot at the same place. Functions return arrays of chart children (recharts reads direct children).
// Every layer answers to its family and to 'reference' (legend-order.ts), so a legend entry highlights it;
// the *Values functions give every value a layer draws (error bars included), for the charts' axes.
import { ErrorBar, ReferenceLine, Scatter } from 'recharts';
import { legendEntry, REF_DASH, refClass, refName, refPoint } from '../../components/charts/reference-layers';
import { refLrCurves, refModuleBars, refPlane, refRank } from './reference';
import type { SweepReference } from './useSweepReference';

/** Draws nothing: for a line whose points are drawn elsewhere. */
const NoDot = () => <g />;
const legendType = (family: string, drawn: ReadonlySet<string>) => (drawn.has(family) ? 'none' : 'plainline') as 'none' | 'plainline';

function refScatter(key: string, family: string, label: string, color: string, data: Array<Record<string, unknown>>, drawn: ReadonlySet<string>, x: string, y: string, joined = true) {
  return (
    <Scatter
      key={key} name={refName(label, !drawn.has(family))} data={data} strokeDasharray={REF_DASH} fill={color} legendType={legendType(family, drawn)} isAnimationActive={false} className={refClass(family)}
      line={joined ? { stroke: color, strokeOpacity: 0.6, strokeWidth: 1.5, strokeDasharray: REF_DASH } : false}
      shape={refPoint(family, color, (p) => ({ x: p.payload?.[x], value: p.payload?.[y] }), joined ? 3 : 7, !joined)}
    >
      <ErrorBar dataKey="err" direction="y" width={5} stroke={color} strokeOpacity={0.6} strokeWidth={1.25} />
    </Scatter>
  );
}

/** The learning-rate charts: mean best target loss (or the source loss there) by learning rate. */
export function lrReferenceLayers(ref: SweepReference | null, metric: 'bestTarget' | 'sourceAtBest', drawn: ReadonlySet<string>) {
  if (!ref) return [];
  return [
    ...refLrCurves(ref.cells).map((c) => refScatter(
      `ref-${c.family}`, c.family, c.label, ref.colors[c.family],
      c.points.map((p) => ({ lr: p.lr, [metric]: p[metric].mean, err: p[metric].err, n: p[metric].n })), drawn, 'lr', metric,
    )),
    legendEntry(ref.label, 'scatter'),
  ];
}

/** A mean and its error bar's ends. */
const spread = (v: { mean: number; err: [number, number] }) => [v.mean - v.err[0], v.mean, v.mean + v.err[1]];

/** Every value the learning-rate layers draw. */
export const refLrValues = (ref: SweepReference | null, metric: 'bestTarget' | 'sourceAtBest') =>
  (ref ? refLrCurves(ref.cells).flatMap((c) => c.points.flatMap((p) => spread(p[metric]))) : []);

/** Every learning rate the reference tried (for the log axis' ticks). */
export const refLrs = (ref: SweepReference | null) => (ref ? ref.cells.map((c) => c.lr) : []);

/** The rank charts: LoRA families by rank, full fine-tuning as a faded dashed level. */
export function rankReferenceLayers(ref: SweepReference | null, metric: 'targetLoss' | 'sourceLoss', drawn: ReadonlySet<string>) {
  if (!ref) return [];
  const { points, fulls } = refRank(ref.cells);
  return [
    ...points.map((p) => refScatter(`ref-${p.family}`, p.family, p.label, ref.colors[p.family], [{ rank: p.rank, [metric]: p[metric], err: p[`${metric}Ref`].err }], drawn, 'rank', metric, false)),
    ...fulls.map((f) => (
      <ReferenceLine key={`ref-${f.family}`} y={f[metric]} stroke={ref.colors[f.family]} strokeOpacity={0.55} strokeWidth={1.5} strokeDasharray="2 4" className={refClass(f.family, 'll-ref-level')}
        label={{ value: `${f.label} (reference)`, position: 'insideBottomRight', fill: 'currentColor', fontSize: 12 }} />
    )),
    legendEntry(ref.label, 'scatter'),
  ];
}

export const refRanks = (ref: SweepReference | null) => (ref ? refRank(ref.cells).points.map((p) => p.rank) : []);

/** Every value the rank layers draw (LoRA points with their bars, full fine-tuning's levels). */
export function refRankValues(ref: SweepReference | null, metric: 'targetLoss' | 'sourceLoss'): number[] {
  if (!ref) return [];
  const { points, fulls } = refRank(ref.cells);
  return [...points.flatMap((p) => spread(p[`${metric}Ref`])), ...fulls.map((f) => f[metric])];
}

/** The target-module charts: each module set's mean at its best rate, with the seeds' range. */
export function moduleReferenceLayers(ref: SweepReference | null, metric: 'bestTarget' | 'sourceRise', drawn: ReadonlySet<string>) {
  if (!ref) return [];
  return [
    ...refModuleBars(ref.cells, ref.baseSource).flatMap((b) => {
      const v = (b as Record<string, unknown>)[`${metric}Ref`] as { mean: number; err: [number, number] } | undefined;
      return v ? [refScatter(`ref-${b.family}`, b.family, b.name, ref.colors[b.family], [{ name: b.name, [metric]: v.mean, err: v.err }], drawn, 'name', metric, false)] : [];
    }),
    legendEntry(ref.label, 'scatter'),
  ];
}

export const refModuleNames = (ref: SweepReference | null) => (ref ? refModuleBars(ref.cells, ref.baseSource).map((b) => b.name) : []);

/** Every value the module layers draw. */
export function refModuleValues(ref: SweepReference | null, metric: 'bestTarget' | 'sourceRise'): number[] {
  if (!ref) return [];
  return refModuleBars(ref.cells, ref.baseSource).flatMap((b) => {
    const v = (b as Record<string, unknown>)[`${metric}Ref`] as { mean: number; err: [number, number] } | undefined;
    return v ? spread(v) : [];
  });
}

/** The plane: every cell's mean checkpoints, faded, and their Pareto front as a dashed line. */
export function planeReferenceLayers(ref: SweepReference | null, drawn: ReadonlySet<string>) {
  if (!ref) return [];
  const { points, front } = refPlane(ref.cells);
  return [
    ...ref.families.map((f) => (
      <Scatter
        key={`ref-${f.id}`} name={refName(f.label, !drawn.has(f.id))} data={points.filter((p) => p.family === f.id)} fill={ref.colors[f.id]}
        legendType={drawn.has(f.id) ? 'none' : 'circle'} isAnimationActive={false} className={refClass(f.id)}
        shape={refPoint(f.id, ref.colors[f.id], (p) => ({ x: p.payload?.step, value: p.payload?.targetLoss }), 2.8, true)}
      />
    )),
    <Scatter key="ref-front" name="Pareto front (reference)" className={refClass('ref-front', 'll-ref-front')} data={front} fill="#777" stroke="#777" strokeDasharray={REF_DASH}
      line={{ stroke: '#777', strokeWidth: 2, strokeDasharray: REF_DASH }} shape={NoDot} legendType="plainline" isAnimationActive={false} />,
    legendEntry(ref.label, 'scatter'),
  ];
}

/** The reference's plane points (for the axes of a plane that must hold them). */
export const refPlanePoints = (ref: SweepReference | null) => (ref ? refPlane(ref.cells).points : []);
