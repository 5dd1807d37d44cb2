// Charts of the per-evaluation extras over training, in the experiment charts' grid: the diversity
// of sampled completions of one fixed prompt (finding 5: a measure the student picks — distinct words,
// word pairs, completions, or how alike the samples are — and the mean per-byte entropy) and the rank
// needed for 90% of the weight change's energy (finding 6: in directions or as a share of each matrix's
// full rank), one line per method. Diversity charts appear only when the run samples at its evaluations. A diverged method's
// line ends where it stopped, marked, with "(diverged at step N)" in the legend. While the tour shows
// an experiment step, its recorded run is drawn under the lines as a dashed reference with its band.
import { useMemo, useState } from 'react';
import { CartesianGrid, ComposedChart, Line, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { EvalPoint, MethodInfo } from '../../../experiment/protocol';
import { mergeRows } from '../../../experiment/tour/reference';
import { useExperiment } from '../../store/experiment';
import { methodColor } from '../charts/colors';
import { drawnEvals, seriesLabel } from '../charts/divergence';
import { useChartStyle, xLabel, xPad, yAxisWidth, yLabel, yPad } from '../charts/chart-style';
import { ChartLegend } from '../charts/legend';
import { seriesClass } from '../charts/legend-order';
import { referenceRowsOf, referenceSeries, referenceValues, stepReferenceLayers } from '../charts/reference-layers';
import { niceScale, shareScale } from '../charts/ticks';
import { useTourReference, type ShownReference } from '../charts/useReference';
import { ChartFigure, pct, rowsByStep } from './common';

type Kind = 'all' | 'attention' | 'mlp';
const KIND_LABEL: Record<Kind, string> = { all: 'all projections', attention: 'attention (q, k, v, o)', mlp: 'MLP (gate, up, down)' };
// What each chart reads from an evaluation (one function per chart, so memoised rows keep while the reference does).
type Measure = 'distinct1' | 'distinct2' | 'distinctShare' | 'similarity';
const MEASURE: Record<Measure, { option: string; title: string; y: string; hint: string; pick: (e: EvalPoint) => number | undefined }> = {
  distinct1: {
    option: 'distinct words', title: 'Diversity: distinct words', y: 'distinct words', pick: (e) => e.diversity?.distinct1,
    hint: 'the share of all words in the samples that are distinct (distinct-1). Lower = more repetitive.',
  },
  distinct2: {
    option: 'distinct word pairs', title: 'Diversity: distinct word pairs', y: 'distinct pairs', pick: (e) => e.diversity?.distinct2,
    hint: 'the share of all consecutive word pairs that are distinct (distinct-2). Lower = more repetitive.',
  },
  distinctShare: {
    option: 'distinct completions', title: 'Diversity: distinct completions', y: 'distinct share', pick: (e) => e.diversity?.distinctShare,
    hint: 'the share of the samples that differ from every other. Lower = more collapsed.',
  },
  similarity: {
    option: 'how alike the samples are', title: 'Diversity: self-similarity', y: 'self-similarity', pick: (e) => e.diversity?.similarity,
    hint: 'how much the samples share with each other (mean pairwise overlap of their byte 4-grams). Higher = less diverse.',
  },
};
const MEASURES = Object.keys(MEASURE) as Measure[];
const pickEntropy = (e: EvalPoint) => e.diversity?.entropy;
const PICK_RANK: Record<Kind, (e: EvalPoint) => number | undefined> = { all: (e) => e.rank90?.all, attention: (e) => e.rank90?.attention, mlp: (e) => e.rank90?.mlp };
const pickRankShare = (e: EvalPoint) => e.rank90?.share;
type RankUnit = 'directions' | 'share';

/** The recorded run to draw under the lines, and how to read this chart's metric from an evaluation. */
interface StepReference { shown: ShownReference | null; pick: (e: EvalPoint) => number | undefined }

/** A share axis runs from 0 to 100%; a count (entropy, rank) from 0 to a nice value above its largest. */
type AxisKind = 'share' | 'count';

function StepLines({ methods, diverged, rows, yLabel: label, fmt, axis, reference }: {
  methods: MethodInfo[]; diverged: Record<string, number>; rows: Array<Record<string, number>>; yLabel: string; fmt: (v: number) => string;
  axis: AxisKind; reference: StepReference;
}) {
  const s = useChartStyle();
  // The picks of one chart read the same field on every render: the rows change only with the reference.
  const refRows = useMemo(() => referenceRowsOf(reference.shown, reference.pick), [reference.shown, reference.pick]);
  // Methods of the run with values in this chart: only they take a legend entry (a run without diversity
  // sampling has none here), and the reference names the others itself.
  const drawn = new Set(rows.flatMap((r) => Object.keys(r)));
  const series = referenceSeries(reference.shown, drawn);
  const data = mergeRows(rows, refRows);
  const values = [...rows.flatMap((r) => methods.map((m) => r[m.id])), ...referenceValues(refRows)];
  const y = axis === 'share' ? shareScale([0, 1]) : niceScale(values, { include: [0], min: 0 });
  const x = niceScale(data.map((r) => Number(r.step)), { include: [0], min: 0 });
  const ticks = y ? { domain: y.domain, ticks: y.ticks, tickFormatter: y.format } : { domain: [0, 'auto'] as [number, 'auto'], tickFormatter: fmt };
  return (
    <ComposedChart responsive style={{ width: '100%', height: s.height }} data={data} margin={s.margin}>
      <CartesianGrid strokeDasharray="3 3" />
      <XAxis dataKey="step" type="number" domain={x?.domain ?? [0, 'dataMax']} ticks={x?.ticks} padding={xPad(s)} height={s.xAxisHeight} tick={s.tick} label={xLabel(s, 'step')} />
      <YAxis {...ticks} padding={yPad(s)} width={yAxisWidth(s, (y?.ticks ?? []).map(y?.format ?? String))} tick={s.tick} label={yLabel(s, label)} />
      <Tooltip formatter={(v) => (typeof v === 'number' ? fmt(v) : String(v))} />
      <ChartLegend order={[...methods.map((m) => m.id), ...series.map((m) => m.id)]} />
      {stepReferenceLayers(series, refRows.length ? reference.shown?.label ?? null : null)}
      {methods.map((m, i) => (
        <Line
          key={m.id} dataKey={m.id} name={seriesLabel(m.label, diverged[m.id])} stroke={methodColor(i)} strokeWidth={2.5} dot={{ r: 3 }} isAnimationActive={false} connectNulls className={seriesClass([m.id])}
          legendType={drawn.has(m.id) || !refRows.length ? undefined : 'none'}
        />
      ))}
      {methods.map((m, i) => (diverged[m.id] === undefined ? null : (
        <ReferenceLine
          key={`diverged-${m.id}`} x={diverged[m.id]} stroke={methodColor(i)} strokeDasharray="2 3" ifOverflow="extendDomain" className={seriesClass([m.id])}
          label={{ value: `✕ diverged (step ${diverged[m.id]})`, position: 'insideTopRight', fill: methodColor(i), fontSize: s.font - 1 }}
        />
      )))}
    </ComposedChart>
  );
}

export function TrainingCharts({ methods, evals: all, diversityOn }: { methods: MethodInfo[]; evals: EvalPoint[]; diversityOn: boolean }) {
  const [kind, setKind] = useState<Kind>('all');
  const [unit, setUnit] = useState<RankUnit>('directions');
  // Distinct words by default: at temperature 1 a toy model's samples are nearly always all distinct, so
  // the share of distinct completions sits at its bound for every model and cannot separate methods.
  const [measure, setMeasure] = useState<Measure>('distinct1');
  const diverged = useExperiment((x) => x.diverged);
  const evals = drawnEvals(all, diverged);
  // The share of full rank is one number over every matrix (the kinds are not kept apart in it).
  const pickRank = unit === 'share' ? pickRankShare : PICK_RANK[kind];
  const pickShare = MEASURE[measure].pick;
  const share = rowsByStep(evals, pickShare);
  const entropy = rowsByStep(evals, pickEntropy);
  const rank = rowsByStep(evals, pickRank);
  const { ref } = useTourReference('experiment');
  const shown = referenceSeries(ref, new Set()).length ? ref : null;
  const recorded = (pick: (e: EvalPoint) => number | undefined) => shown !== null && shown.curves.seeds.some((s) => s.evals.some((e) => Number.isFinite(pick(e))));
  const reference = (pick: (e: EvalPoint) => number | undefined): StepReference => ({ shown: recorded(pick) ? shown : null, pick });
  const showDiversity = diversityOn || rowsByStep(evals, (e) => e.diversity?.entropy).length > 0 || recorded(pickEntropy);
  const none = 'No data yet: press Start.';
  const emptyOf = (rows: unknown[], pick: (e: EvalPoint) => number | undefined) => (rows.length || recorded(pick) ? null : none);
  const shareEmpty = emptyOf(share, pickShare);
  return (
    <>
      {showDiversity && (
        <ChartFigure
          chart="diversity"
          title={MEASURE[measure].title}
          empty={shareEmpty && measure === 'similarity' && evals.some((e) => e.diversity) ? 'This run was recorded before self-similarity was measured.' : shareEmpty}
          hint={(
            <>
              At every evaluation each model samples completions of one fixed held-out prompt (same seed for all); this chart shows{' '}
              <select aria-label="Diversity measure" value={measure} onChange={(e) => setMeasure(e.target.value as Measure)}>
                {MEASURES.map((m) => <option key={m} value={m}>{MEASURE[m].option}</option>)}
              </select>
              : {MEASURE[measure].hint}
            </>
          )}
        >
          <StepLines methods={methods} diverged={diverged} rows={share} yLabel={MEASURE[measure].y} fmt={pct} axis="share" reference={reference(pickShare)} />
        </ChartFigure>
      )}
      {showDiversity && (
        <ChartFigure
          chart="entropy"
          title="Diversity: mean entropy"
          empty={emptyOf(entropy, pickEntropy)}
          hint={<>Mean entropy (nats) of the model’s next-byte distribution at the sampled positions. Lower = more certain, less varied.</>}
        >
          <StepLines methods={methods} diverged={diverged} rows={entropy} yLabel="entropy (nats)" fmt={(v) => v.toFixed(2)} axis="count" reference={reference(pickEntropy)} />
        </ChartFigure>
      )}
      <ChartFigure
        chart="rank90"
        title="Rank of the weight change"
        empty={emptyOf(rank, pickRank)}
        hint={(
          <>
            The rank needed for 90% of ΔW’s energy (ΔW = weights now − base; 0 at step 0),{' '}
            <select aria-label="Unit of the rank chart" value={unit} onChange={(e) => setUnit(e.target.value as RankUnit)}>
              <option value="directions">in directions</option>
              <option value="share">as a share of each matrix’s full rank</option>
            </select>
            {unit === 'directions' ? (
              <>
                , mean over{' '}
                <select aria-label="Matrices for the rank chart" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
                  {(Object.keys(KIND_LABEL) as Kind[]).map((k) => <option key={k} value={k}>{KIND_LABEL[k]}</option>)}
                </select>
                . LoRA’s is at most r; no matrix of this model has a rank above its smaller side.
              </>
            ) : ', mean over every projection (100% = the matrix’s full rank, min(rows, columns); a matrix left unchanged counts 0).'}
          </>
        )}
      >
        <StepLines
          methods={methods} diverged={diverged} rows={rank} yLabel={unit === 'share' ? 'share of full rank' : 'rank@90%'}
          fmt={unit === 'share' ? pct : (v) => (Number.isInteger(v) ? String(v) : v.toFixed(1))} axis={unit === 'share' ? 'share' : 'count'} reference={reference(pickRank)}
        />
      </ChartFigure>
    </>
  );
}
