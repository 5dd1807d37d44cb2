// The three experiment charts: learning (held-out target loss vs step), forgetting (held-out
// source loss vs step), and learn vs forget (each method's path in the target/source plane,
// starting from the base model).
import { CartesianGrid, Legend, Line, LineChart, ReferenceDot, Scatter, ScatterChart, Tooltip, XAxis, YAxis, ZAxis } from 'recharts';
import type { EvalPoint, MethodInfo } from '../../../experiment/protocol';
import { methodColor } from './colors';

type Props = { methods: MethodInfo[]; evals: EvalPoint[] };

function byStep(methods: MethodInfo[], evals: EvalPoint[], key: 'targetLoss' | 'sourceLoss') {
  const rows = new Map<number, Record<string, number>>();
  for (const e of evals) {
    const row = rows.get(e.step) ?? { step: e.step };
    row[e.method] = e[key];
    rows.set(e.step, row);
  }
  return [...rows.values()].sort((a, b) => a.step - b.step).filter((r) => methods.some((m) => r[m.id] !== undefined));
}

function StepChart({ methods, evals, metric, title, yLabel }: Props & { metric: 'targetLoss' | 'sourceLoss'; title: string; yLabel: string }) {
  return (
    <figure aria-label={title} data-chart={metric}>
      <figcaption>{title}</figcaption>
      <LineChart width={420} height={260} data={byStep(methods, evals, metric)} margin={{ top: 8, right: 12, bottom: 24, left: 12 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="step" type="number" domain={[0, 'dataMax']} label={{ value: 'step', position: 'insideBottom', offset: -12 }} />
        <YAxis domain={['auto', 'auto']} width={56} tickFormatter={(v: number) => v.toFixed(2)} label={{ value: yLabel, angle: -90, position: 'insideLeft', dy: 60 }} />
        <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(4) : String(v))} />
        <Legend verticalAlign="top" />
        {methods.map((m, i) => (
          <Line key={m.id} dataKey={m.id} name={m.label} stroke={methodColor(i)} dot isAnimationActive={false} connectNulls />
        ))}
      </LineChart>
    </figure>
  );
}

export function LearnForgetChart({ methods, evals }: Props) {
  const base = evals.find((e) => e.step === 0);
  return (
    <figure aria-label="Learn vs forget" data-chart="tradeoff">
      <figcaption>Learn vs forget: each method’s path from the base model (●)</figcaption>
      <ScatterChart width={420} height={260} margin={{ top: 8, right: 12, bottom: 24, left: 12 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="targetLoss" type="number" domain={['auto', 'auto']} reversed tickFormatter={(v: number) => v.toFixed(2)} label={{ value: 'target loss (learned →)', position: 'insideBottom', offset: -12 }} />
        <YAxis dataKey="sourceLoss" type="number" domain={['auto', 'auto']} width={56} tickFormatter={(v: number) => v.toFixed(2)} label={{ value: 'source loss (forgot ↑)', angle: -90, position: 'insideLeft', dy: 60 }} />
        <ZAxis range={[30, 30]} />
        <Tooltip formatter={(v) => (typeof v === 'number' ? v.toFixed(4) : String(v))} />
        <Legend verticalAlign="top" />
        {methods.map((m, i) => (
          <Scatter key={m.id} name={m.label} data={evals.filter((e) => e.method === m.id)} fill={methodColor(i)} line isAnimationActive={false} />
        ))}
        {base && <ReferenceDot x={base.targetLoss} y={base.sourceLoss} r={7} fill="#222" stroke="#fff" />}
      </ScatterChart>
    </figure>
  );
}

export function MetricCharts(props: Props) {
  return (
    <div style={{ display: 'flex', flexWrap: 'wrap', gap: '1rem' }}>
      <StepChart {...props} metric="targetLoss" title="Learning: held-out target loss" yLabel="target loss (nats/byte)" />
      <StepChart {...props} metric="sourceLoss" title="Forgetting: held-out source loss" yLabel="source loss (nats/byte)" />
      <LearnForgetChart {...props} />
    </div>
  );
}
