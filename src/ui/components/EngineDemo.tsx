// Engine demo panel: starts a short training run in the page's one training Worker (on the
// same GPU device as the experiment: pretraining, then full fine-tuning and LoRA r=8 on the
// same batches) and plots the loss curves as they arrive.
import { useEffect, useRef, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { DemoMethod, WorkerEvent } from '../../experiment/protocol';
import { onWorkerEvent, runActions } from '../store/client';
import { useExperiment } from '../store/experiment';
import { ViewLink } from '../views/sweep/ViewTabs';
import { BASE_COLOR, methodColor } from './charts/colors';

/** The base model in grey, the two fine-tuned copies in the first two method colours (as on the experiment's charts). */
const COLORS: Record<string, string> = { base: BASE_COLOR, full: methodColor(0), lora8: methodColor(1) };

type MethodInfo = DemoMethod & { trainableParams: number; dispatchesPerStep: number };
type Point = { step: number } & Record<string, number>;

export function EngineDemo({ pretrainSteps = 15, steps = 15 }: { pretrainSteps?: number; steps?: number }) {
  const unsubscribe = useRef<(() => void) | null>(null);
  const [methods, setMethods] = useState<MethodInfo[]>([]);
  const [points, setPoints] = useState<Point[]>([]);
  const [lastMs, setLastMs] = useState<Record<string, number>>({});
  const [state, setState] = useState<'idle' | 'running' | 'done' | 'error'>('idle');
  const [message, setMessage] = useState('');
  const adapter = useExperiment((x) => x.adapter);

  useEffect(() => () => unsubscribe.current?.(), []);

  function onEvent(e: WorkerEvent): void {
    switch (e.type) {
      case 'demo-start':
        setMessage('Training…');
        setMethods(e.methods);
        break;
      case 'demo-step':
        setLastMs((m) => ({ ...m, [e.method]: e.ms }));
        setPoints((ps) => {
          const next = ps.slice();
          const row = next[e.step - 1] ?? { step: e.step };
          next[e.step - 1] = { ...row, [e.method]: e.loss };
          return next;
        });
        break;
      case 'demo-done':
        setState('done');
        setMessage('');
        break;
      case 'worker-restarted':
        setState('error');
        setMessage(`${e.message} Press Train to try again.`);
        break;
      case 'error':
        // Only errors about no run in particular can be the demo's.
        if (e.runId !== undefined) break;
        setState('error');
        setMessage(e.message);
        break;
    }
  }

  function start() {
    unsubscribe.current?.();
    unsubscribe.current = onWorkerEvent(onEvent);
    setPoints([]);
    setMethods([]);
    setState('running');
    setMessage('Starting the GPU…');
    runActions.demo(pretrainSteps, steps);
  }

  const first = (id: string) => points.find((p) => p?.[id] !== undefined)?.[id];
  const latest = (id: string) => {
    for (let i = points.length - 1; i >= 0; i--) if (points[i]?.[id] !== undefined) return points[i][id];
    return undefined;
  };

  return (
    <section aria-labelledby="demo-title">
      <h3 id="demo-title">Engine check: train a tiny model</h3>
      <p>
        Pretrains a 2-layer model from scratch on an English passage for {pretrainSteps} steps,
        then fine-tunes two copies of it on a snippet of code for {steps} steps: one with full
        fine-tuning, one with LoRA (rank 8), on identical batches. Every loss should fall.
        For this GPU's speed (device peak, matmuls, training steps), open
        the <ViewLink to="bench">benchmark</ViewLink>.
      </p>
      <button type="button" onClick={start} disabled={state === 'running'}>
        {state === 'running' ? 'Training…' : 'Train'}
      </button>
      <p role="status" aria-live="polite">
        {adapter && state !== 'idle' ? `Training on ${adapter}. ` : ''}{message}{state === 'done' ? 'Done.' : ''}
      </p>
      {methods.length > 0 && (
        <div className="ll-table-wrap" tabIndex={0}><table>
          <thead>
            <tr><th scope="col">Method</th><th scope="col">Trainable parameters</th><th scope="col">First loss</th><th scope="col">Latest loss</th><th scope="col">ms / step</th><th scope="col">Dispatches / step</th></tr>
          </thead>
          <tbody>
            {methods.map((m) => (
              <tr key={m.id} data-method={m.id}>
                <th scope="row"><span className="ll-swatch" style={{ background: COLORS[m.id] }} aria-hidden="true" />{m.label}</th>
                <td>{m.trainableParams.toLocaleString('en-US')}</td>
                <td data-testid={`first-loss-${m.id}`}>{first(m.id)?.toFixed(4) ?? '–'}</td>
                <td data-testid={`loss-${m.id}`}>{latest(m.id)?.toFixed(4) ?? '–'}</td>
                <td>{lastMs[m.id]?.toFixed(0) ?? '–'}</td>
                <td>{m.dispatchesPerStep}</td>
              </tr>
            ))}
          </tbody>
        </table></div>
      )}
      {points.length > 0 && (
        <LineChart className="ll-demo-chart" responsive style={{ width: '100%', maxWidth: 720, height: 280 }} data={points} margin={{ top: 8, right: 16, bottom: 24, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="step" label={{ value: 'step', position: 'insideBottom', offset: -12 }} />
          <YAxis domain={['auto', 'auto']} tickFormatter={(v: number) => v.toFixed(2)} label={{ value: 'training loss (nats/byte)', angle: -90, position: 'insideLeft', dy: 70 }} />
          <Tooltip />
          <Legend verticalAlign="top" />
          {methods.map((m) => (
            <Line key={m.id} connectNulls type="monotone" dataKey={m.id} name={m.label} stroke={COLORS[m.id]} dot={false} isAnimationActive={false} />
          ))}
        </LineChart>
      )}
    </section>
  );
}
