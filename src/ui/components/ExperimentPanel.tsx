// Experiment panel: choose a preset, start/pause/resume/stop a lockstep run in the Worker,
// and watch each method's status and the learning, forgetting and trade-off charts.
import { useEffect, useRef, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { DEFAULT_PRESET, parseExperiment, PRESETS, type ExperimentConfig } from '../../experiment/config';
import { decodeShare, encodeShare } from '../../experiment/share';
import type { WorkerCommand, WorkerEvent } from '../../experiment/protocol';
import { applyEvent, resetExperiment, useExperiment } from '../store/experiment';
import { methodColor } from './charts/colors';
import { MetricCharts } from './charts/MetricCharts';

const kib = (b: number) => `${(b / 1024).toFixed(0)} KiB`;

function parseExperimentSafe(input: unknown): ExperimentConfig | null {
  try {
    return parseExperiment(input);
  } catch {
    return null;
  }
}

/** The experiment in the page's URL (or the default preset), with any problems in the link. */
function fromUrl(): { preset: string; config: ExperimentConfig; problems: string[] } {
  const q = window.location.search;
  if (q.length <= 1) return { preset: DEFAULT_PRESET, config: PRESETS[DEFAULT_PRESET].config, problems: [] };
  return decodeShare(q);
}

export function ExperimentPanel() {
  const workerRef = useRef<Worker | null>(null);
  const [initial] = useState(fromUrl);
  const [preset, setPresetState] = useState(initial.preset);
  const [config, setConfig] = useState<ExperimentConfig>(initial.config);
  const [linkProblems] = useState(initial.problems);
  const [copied, setCopied] = useState('');
  const s = useExperiment(useShallow((x) => ({ methods: x.methods, evals: x.evals, lastStep: x.lastStep, diverged: x.diverged, state: x.state, step: x.step, error: x.error, config: x.config })));

  useEffect(() => () => workerRef.current?.terminate(), []);

  // The URL always holds the experiment (only values that differ from the preset); replaceState
  // so typing in a field does not add a history entry per keystroke.
  useEffect(() => {
    const url = `${window.location.pathname}?${encodeShare(config, preset).toString()}`;
    window.history.replaceState(null, '', url);
  }, [config, preset]);

  function setPreset(p: string) {
    setPresetState(p);
    setConfig(PRESETS[p].config);
  }

  function setField(field: 'steps' | 'evalInterval', value: number) {
    if (!Number.isFinite(value)) return;
    const r = parseExperimentSafe({ ...config, [field]: value });
    if (r) setConfig(r);
  }

  async function copyLink() {
    try {
      await navigator.clipboard.writeText(window.location.href);
      setCopied('Link copied.');
    } catch {
      setCopied(`Copy this link: ${window.location.href}`);
    }
  }

  function send(cmd: WorkerCommand) {
    if (!workerRef.current) {
      const w = new Worker(new URL('../../experiment/worker.ts', import.meta.url), { type: 'module' });
      w.onmessage = (ev: MessageEvent<WorkerEvent>) => applyEvent(ev.data);
      w.onerror = (ev) => applyEvent({ type: 'error', message: ev.message || 'The training worker failed.' });
      workerRef.current = w;
    }
    workerRef.current.postMessage(cmd);
  }

  function start() {
    resetExperiment(config);
    send({ type: 'start', config });
  }

  const running = s.state === 'running';
  return (
    <section aria-labelledby="exp-title">
      <h2 id="exp-title">Experiment: what does each method learn and forget?</h2>
      <div style={{ display: 'flex', gap: '1rem', flexWrap: 'wrap', alignItems: 'end' }}>
        <label>
          Preset{' '}
          <select value={preset} onChange={(e) => setPreset(e.target.value)} disabled={running}>
            {Object.entries(PRESETS).map(([k, p]) => (
              <option key={k} value={k}>{p.title}</option>
            ))}
          </select>
        </label>
        <label>
          Steps <input type="number" min={1} max={5000} value={config.steps} onChange={(e) => setField('steps', Number(e.target.value))} disabled={running} style={{ width: '5rem' }} />
        </label>
        <label>
          Evaluate every <input type="number" min={1} max={5000} value={config.evalInterval} onChange={(e) => setField('evalInterval', Number(e.target.value))} disabled={running} style={{ width: '4rem' }} /> steps
        </label>
        <button type="button" onClick={start} disabled={running}>Start</button>
        <button type="button" onClick={() => send({ type: 'pause' })} disabled={!running}>Pause</button>
        <button type="button" onClick={() => send({ type: 'resume' })} disabled={s.state !== 'paused'}>Resume</button>
        <button type="button" onClick={() => send({ type: 'stop' })} disabled={!running && s.state !== 'paused'}>Stop</button>
        <button type="button" onClick={copyLink}>Copy link</button>
      </div>
      {copied && <p>{copied}</p>}
      {linkProblems.length > 0 && (
        <div role="alert" data-testid="link-problems">
          <p>Some settings in this link could not be used; the rest were applied:</p>
          <ul>{linkProblems.map((p) => <li key={p}>{p}</li>)}</ul>
        </div>
      )}
      <p>{PRESETS[preset].description}</p>
      <p role="status" aria-live="polite" data-state={s.state}>
        {s.state === 'idle' ? 'Ready.' : `${s.state} at step ${s.step}${s.config ? ` of ${s.config.steps}` : ''}.`}
        {s.error ? ` ${s.error}` : ''}
      </p>
      {s.methods.length > 0 && (
        <table>
          <thead>
            <tr><th scope="col">Method</th><th scope="col">Step</th><th scope="col">Tokens/s</th><th scope="col">Trainable params</th><th scope="col">Weights / grads / optimizer</th><th scope="col">Status</th></tr>
          </thead>
          <tbody>
            {s.methods.map((m, i) => (
              <tr key={m.id} data-method={m.id}>
                <th scope="row" style={{ color: methodColor(i) }}>{m.label}</th>
                <td>{s.lastStep[m.id]?.step ?? 0}</td>
                <td>{s.lastStep[m.id]?.tokensPerSecond.toFixed(0) ?? '–'}</td>
                <td>{m.trainableParams.toLocaleString('en-US')}</td>
                <td>{kib(m.memory.weightBytes)} / {kib(m.memory.gradientBytes)} / {kib(m.memory.optimizerBytes)}</td>
                <td>{s.diverged[m.id] ? `diverged at step ${s.diverged[m.id]}` : 'ok'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {s.evals.length > 0 && <MetricCharts methods={s.methods} evals={s.evals} />}
    </section>
  );
}
