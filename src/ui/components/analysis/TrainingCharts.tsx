// Charts of the per-evaluation extras over training, in the experiment charts' grid: the diversity
// of sampled completions of one fixed prompt (share of distinct completions, mean per-byte entropy;
// finding 5) and the mean rank needed for 90% of the weight change's energy (finding 6), one line per
// method. Diversity charts appear only when the run samples at its evaluations. A diverged method's
// line ends where it stopped, marked, with "(diverged at step N)" in the legend. While the tour shows
// an experiment step, its recorded run is drawn under the lines as a dashed reference with its band.
import { useMemo, useState } from 'react';
import { CartesianGrid, ComposedChart, Legend, Line, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { EvalPoint, MethodInfo } from '../../../experiment/protocol';
import { mergeRows } from '../../../experiment/tour/reference';
import { useExperiment } from '../../store/experiment';
import { methodColor } from '../charts/colors';
import { drawnEvals, seriesLabel } from '../charts/divergence';
import { referenceRowsOf, referenceSeries, stepReferenceLayers } from '../charts/reference-layers';
import { useTourReference, type ShownReference } from '../charts/useReference';
import { ChartFigure, HEIGHT, MARGIN, pct, rowsByStep, TICK } from './common';

type Kind = 'all' | 'attention' | 'mlp';
const KIND_LABEL: Record<Kind, string> = { all: 'all projections', attention: 'attention (q, k, v, o)', mlp: 'MLP (gate, up, down)' };
// What each chart reads from an evaluation (one function per chart, so memoised rows keep while the reference does).
const pickShare = (e: EvalPoint) => e.diversity?.distinctShare;
const pickEntropy = (e: EvalPoint) => e.diversity?.entropy;
const PICK_RANK: Record<Kind, (e: EvalPoint) => number | undefined> = { all: (e) => e.rank90?.all, attention: (e) => e.rank90?.attention, mlp: (e) => e.rank90?.mlp };

/** The recorded run to draw under the lines, and how to read this chart's metric from an evaluation. */
interface StepReference { shown: ShownReference | null; pick: (e: EvalPoint) => number | undefined }

function StepLines({ methods, diverged, rows, yLabel, fmt, domain, reference }: {
  methods: MethodInfo[]; diverged: Record<string, number>; rows: Array<Record<string, number>>; yLabel: string; fmt: (v: number) => string;
  domain: [number | 'auto', number | 'auto' | ((max: number) => number)]; reference: StepReference;
}) {
  // The picks of one chart read the same field on every render: the rows change only with the reference.
  const refRows = useMemo(() => referenceRowsOf(reference.shown, reference.pick), [reference.shown, reference.pick]);
  // Methods of the run with values in this chart: only they take a legend entry (a run without diversity
  // sampling has none here), and the reference names the others itself.
  const drawn = new Set(rows.flatMap((r) => Object.keys(r)));
  const series = referenceSeries(reference.shown, drawn);
  return (
    <ComposedChart responsive style={{ width: '100%', height: HEIGHT }} data={mergeRows(rows, refRows)} margin={MARGIN}>
      <CartesianGrid strokeDasharray="3 3" />
      <XAxis dataKey="step" type="number" domain={[0, 'dataMax']} tick={TICK} label={{ value: 'step', position: 'insideBottom', offset: -14 }} />
      <YAxis domain={domain} width={60} tick={TICK} tickFormatter={fmt} label={{ value: yLabel, angle: -90, position: 'insideLeft', dy: 70, style: { fontSize: 14 } }} />
      <Tooltip formatter={(v) => (typeof v === 'number' ? fmt(v) : String(v))} />
      <Legend verticalAlign="top" />
      {stepReferenceLayers(series, refRows.length ? reference.shown?.label ?? null : null)}
      {methods.map((m, i) => (
        <Line
          key={m.id} dataKey={m.id} name={seriesLabel(m.label, diverged[m.id])} stroke={methodColor(i)} strokeWidth={2.5} dot={{ r: 3 }} isAnimationActive={false} connectNulls
          legendType={drawn.has(m.id) || !refRows.length ? undefined : 'none'}
        />
      ))}
      {methods.map((m, i) => (diverged[m.id] === undefined ? null : (
        <ReferenceLine
          key={`diverged-${m.id}`} x={diverged[m.id]} stroke={methodColor(i)} strokeDasharray="2 3" ifOverflow="extendDomain"
          label={{ value: `✕ diverged (step ${diverged[m.id]})`, position: 'insideTopRight', fill: methodColor(i), fontSize: 13 }}
        />
      )))}
    </ComposedChart>
  );
}

export function TrainingCharts({ methods, evals: all, diversityOn }: { methods: MethodInfo[]; evals: EvalPoint[]; diversityOn: boolean }) {
  const [kind, setKind] = useState<Kind>('all');
  const diverged = useExperiment((x) => x.diverged);
  const evals = drawnEvals(all, diverged);
  const pickRank = PICK_RANK[kind];
  const share = rowsByStep(evals, pickShare);
  const entropy = rowsByStep(evals, pickEntropy);
  const rank = rowsByStep(evals, pickRank);
  const { ref } = useTourReference('experiment');
  const shown = referenceSeries(ref, new Set()).length ? ref : null;
  const recorded = (pick: (e: EvalPoint) => number | undefined) => shown !== null && shown.curves.seeds.some((s) => s.evals.some((e) => Number.isFinite(pick(e))));
  const reference = (pick: (e: EvalPoint) => number | undefined): StepReference => ({ shown: recorded(pick) ? shown : null, pick });
  const showDiversity = diversityOn || share.length > 0 || recorded(pickShare);
  const none = 'No data yet: press Start.';
  const emptyOf = (rows: unknown[], pick: (e: EvalPoint) => number | undefined) => (rows.length || recorded(pick) ? null : none);
  return (
    <>
      {showDiversity && (
        <ChartFigure
          chart="diversity"
          title="Diversity: distinct completions"
          empty={emptyOf(share, pickShare)}
          hint={<>At every evaluation each model samples completions of one fixed held-out prompt (same seed for all); this is the share of them that differ. Lower = more collapsed.</>}
        >
          <StepLines methods={methods} diverged={diverged} rows={share} yLabel="distinct share" fmt={pct} domain={[0, 1]} reference={reference(pickShare)} />
        </ChartFigure>
      )}
      {showDiversity && (
        <ChartFigure
          chart="entropy"
          title="Diversity: mean entropy"
          empty={emptyOf(entropy, pickEntropy)}
          hint={<>Mean entropy (nats) of the model’s next-byte distribution at the sampled positions. Lower = more certain, less varied.</>}
        >
          <StepLines methods={methods} diverged={diverged} rows={entropy} yLabel="entropy (nats)" fmt={(v) => v.toFixed(2)} domain={[0, 'auto']} reference={reference(pickEntropy)} />
        </ChartFigure>
      )}
      <ChartFigure
        chart="rank90"
        title="Rank of the weight change"
        empty={emptyOf(rank, pickRank)}
        hint={(
          <>
            Mean over {' '}
            <select aria-label="Matrices for the rank chart" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
              {(Object.keys(KIND_LABEL) as Kind[]).map((k) => <option key={k} value={k}>{KIND_LABEL[k]}</option>)}
            </select>{' '}
            of the rank needed for 90% of ΔW’s energy (ΔW = weights now − base; 0 at step 0). LoRA’s is at most r.
          </>
        )}
      >
        <StepLines methods={methods} diverged={diverged} rows={rank} yLabel="rank@90%" fmt={(v) => (Number.isInteger(v) ? String(v) : v.toFixed(1))} domain={[0, 'auto']} reference={reference(pickRank)} />
      </ChartFigure>
    </>
  );
}
