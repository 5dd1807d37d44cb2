// Charts of the per-evaluation extras over training, in the experiment charts' grid: the diversity
// of sampled completions of one fixed prompt (share of distinct completions, mean per-byte entropy;
// finding 5) and the mean rank needed for 90% of the weight change's energy (finding 6), one line per
// method. Diversity charts appear only when the run samples at its evaluations. A diverged method's
// line ends where it stopped, marked, with "(diverged at step N)" in the legend.
import { useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts';
import type { EvalPoint, MethodInfo } from '../../../experiment/protocol';
import { useExperiment } from '../../store/experiment';
import { methodColor } from '../charts/colors';
import { drawnEvals, seriesLabel } from '../charts/divergence';
import { ChartFigure, HEIGHT, MARGIN, pct, rowsByStep, TICK } from './common';

type Kind = 'all' | 'attention' | 'mlp';
const KIND_LABEL: Record<Kind, string> = { all: 'all projections', attention: 'attention (q, k, v, o)', mlp: 'MLP (gate, up, down)' };

function StepLines({ methods, diverged, rows, yLabel, fmt, domain }: {
  methods: MethodInfo[]; diverged: Record<string, number>; rows: Array<Record<string, number>>; yLabel: string; fmt: (v: number) => string;
  domain: [number | 'auto', number | 'auto' | ((max: number) => number)];
}) {
  return (
    <LineChart responsive style={{ width: '100%', height: HEIGHT }} data={rows} margin={MARGIN}>
      <CartesianGrid strokeDasharray="3 3" />
      <XAxis dataKey="step" type="number" domain={[0, 'dataMax']} tick={TICK} label={{ value: 'step', position: 'insideBottom', offset: -14 }} />
      <YAxis domain={domain} width={60} tick={TICK} tickFormatter={fmt} label={{ value: yLabel, angle: -90, position: 'insideLeft', dy: 70, style: { fontSize: 14 } }} />
      <Tooltip formatter={(v) => (typeof v === 'number' ? fmt(v) : String(v))} />
      <Legend verticalAlign="top" />
      {methods.map((m, i) => (
        <Line key={m.id} dataKey={m.id} name={seriesLabel(m.label, diverged[m.id])} stroke={methodColor(i)} strokeWidth={2.5} dot={{ r: 3 }} isAnimationActive={false} connectNulls />
      ))}
      {methods.map((m, i) => (diverged[m.id] === undefined ? null : (
        <ReferenceLine
          key={`diverged-${m.id}`} x={diverged[m.id]} stroke={methodColor(i)} strokeDasharray="2 3" ifOverflow="extendDomain"
          label={{ value: `✕ diverged (step ${diverged[m.id]})`, position: 'insideTopRight', fill: methodColor(i), fontSize: 13 }}
        />
      )))}
    </LineChart>
  );
}

export function TrainingCharts({ methods, evals: all, diversityOn }: { methods: MethodInfo[]; evals: EvalPoint[]; diversityOn: boolean }) {
  const [kind, setKind] = useState<Kind>('all');
  const diverged = useExperiment((x) => x.diverged);
  const evals = drawnEvals(all, diverged);
  const share = rowsByStep(evals, (e) => e.diversity?.distinctShare);
  const entropy = rowsByStep(evals, (e) => e.diversity?.entropy);
  const rank = rowsByStep(evals, (e) => e.rank90?.[kind]);
  const showDiversity = diversityOn || share.length > 0;
  const none = 'No data yet: press Start.';
  return (
    <>
      {showDiversity && (
        <ChartFigure
          chart="diversity"
          title="Diversity: distinct completions"
          empty={share.length ? null : none}
          hint={<>At every evaluation each model samples completions of one fixed held-out prompt (same seed for all); this is the share of them that differ. Lower = more collapsed.</>}
        >
          <StepLines methods={methods} diverged={diverged} rows={share} yLabel="distinct share" fmt={pct} domain={[0, 1]} />
        </ChartFigure>
      )}
      {showDiversity && (
        <ChartFigure
          chart="entropy"
          title="Diversity: mean entropy"
          empty={entropy.length ? null : none}
          hint={<>Mean entropy (nats) of the model’s next-byte distribution at the sampled positions. Lower = more certain, less varied.</>}
        >
          <StepLines methods={methods} diverged={diverged} rows={entropy} yLabel="entropy (nats)" fmt={(v) => v.toFixed(2)} domain={[0, 'auto']} />
        </ChartFigure>
      )}
      <ChartFigure
        chart="rank90"
        title="Rank of the weight change"
        empty={rank.length ? null : none}
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
        <StepLines methods={methods} diverged={diverged} rows={rank} yLabel="rank@90%" fmt={(v) => (Number.isInteger(v) ? String(v) : v.toFixed(1))} domain={[0, 'auto']} />
      </ChartFigure>
    </>
  );
}
