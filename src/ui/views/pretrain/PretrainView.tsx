// The Pretrain view: pretrain a base model on the English source in this tab (size, steps,
// learning rate, batch, sequence length, name), watch its training and held-out loss and greedy
// samples of "The " as it learns, and find it saved in this browser when it finishes, with its
// manifest's facts, a button that fine-tunes from it in the Experiment view, and Delete.
import { useEffect } from 'react';
import { CartesianGrid, Legend, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import { useShallow } from 'zustand/react/shallow';
import { PRESETS } from '../../../experiment/config';
import type { SavedBaseManifest } from '../../../experiment/storage/saved-bases';
import { PRETRAIN_SIZES, pretrainSettingsSchema, savedBaseLabel, sizeLabel, SAMPLE_PROMPT } from '../../../experiment/pretrain/settings';
import { NumberField } from '../../components/controls/NumberField';
import { Term } from '../../glossary/Term';
import { pendingWord } from '../../components/status-text';
import { pretrainActions } from '../../store/client';
import { setForm, useExperiment } from '../../store/experiment';
import { setPretrainSettings, usePretrain } from '../../store/pretrain';
import { showView } from '../sweep/ViewTabs';
import '../../components/controls/panel.css';
import './pretrain.css';

const STATUS: Record<string, string> = {
  idle: 'Ready: pick a size and press Start.', running: 'Pretraining', paused: 'Paused', done: 'Done: the base is saved below.',
  stopped: 'Stopped: what trained so far is saved below.', error: 'Stopped by an error.',
};

function LossChart() {
  const points = usePretrain((s) => s.points);
  return (
    <figure className="ll-chart" data-chart="pretrain-loss" aria-label="Pretraining loss">
      <figcaption><b>Loss on English (nats/byte)</b></figcaption>
      <p className="ll-hint">Training loss at every step and <Term id="held-out">held-out</Term> loss at every evaluation, in <Term id="nats-per-byte">nats/byte</Term>; lower = the model predicts English better.</p>
      <LineChart responsive style={{ width: '100%', height: 260 }} data={points} margin={{ top: 8, right: 16, bottom: 4, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="step" type="number" domain={[0, 'dataMax']} />
        <YAxis width={48} domain={['auto', 'auto']} tickFormatter={(v: number) => v.toFixed(2)} />
        <Tooltip />
        <Legend />
        <Line dataKey="train" name="training loss" stroke="var(--accent)" dot={false} isAnimationActive={false} connectNulls />
        <Line dataKey="heldOut" name="held-out loss" stroke="var(--danger)" strokeWidth={2} isAnimationActive={false} connectNulls />
      </LineChart>
    </figure>
  );
}

function Settings({ disabled }: { disabled: boolean }) {
  const s = usePretrain((x) => x.settings);
  const num = (key: 'steps' | 'batch' | 'seq' | 'warmup' | 'evalEvery' | 'lr') => (v: number) => {
    const ok = pretrainSettingsSchema.shape[key].safeParse(v).success;
    if (ok) setPretrainSettings({ [key]: v });
    return ok;
  };
  return (
    <fieldset disabled={disabled}>
      <legend>Base to pretrain</legend>
      <div className="ll-row">
        <label htmlFor="pt-name">Name</label>
        <input id="pt-name" type="text" value={s.name} maxLength={40} onChange={(e) => setPretrainSettings({ name: e.target.value })} />
      </div>
      <div className="ll-row">
        <label htmlFor="pt-size">Size</label>
        <select id="pt-size" value={s.size} onChange={(e) => setPretrainSettings({ size: e.target.value as (typeof PRETRAIN_SIZES)[number] })}>
          {PRETRAIN_SIZES.map((z) => <option key={z} value={z}>{sizeLabel(z)}</option>)}
        </select>
      </div>
      <NumberField label="Steps" value={s.steps} min={1} max={20000} onCommit={num('steps')} />
      <NumberField label="Learning rate" value={s.lr} min={0} max={0.1} step="any" onCommit={num('lr')} />
      <NumberField label="Warmup steps" value={s.warmup} min={0} max={2000} onCommit={num('warmup')} />
      <NumberField label="Batch size" value={s.batch} min={1} max={64} onCommit={num('batch')} />
      <NumberField label="Sequence length" value={s.seq} min={8} max={256} suffix="bytes" onCommit={num('seq')} />
      <NumberField label="Evaluate every" value={s.evalEvery} min={1} max={20000} suffix="steps" onCommit={num('evalEvery')} />
    </fieldset>
  );
}

function SavedBases() {
  const { saved, running } = usePretrain(useShallow((s) => ({ saved: s.saved, running: s.state === 'running' || s.state === 'paused' })));
  const expRunning = useExperiment((s) => s.state === 'running');
  const fineTune = (m: SavedBaseManifest) => {
    const { preset, config } = useExperiment.getState().form;
    setForm(preset in PRESETS ? preset : 'english-code', { ...config, base: m.id });
    showView('experiment');
  };
  if (!saved.length) return <p className="ll-hint">No base is saved in this browser yet.</p>;
  // The device once for the list when every base trained on the same one (the usual case: one browser, one GPU).
  const devices = new Set(saved.map((m) => m.training.device));
  const oneDevice = devices.size === 1 ? saved[0].training.device : null;
  return (
    <>
      {oneDevice && <p className="ll-hint" data-testid="saved-bases-device">Pretrained here on {oneDevice}.</p>}
      <ul className="ll-saved-bases" data-testid="saved-bases">
        {saved.map((m) => (
          <li key={m.id} data-base={m.id}>
            <b>{savedBaseLabel(m)}</b>
            <br />
            <Term id="held-out">Held-out</Term> loss: English {m.heldOutLoss.english.toFixed(3)}, code {m.heldOutLoss.code.toFixed(3)} <Term id="nats-per-byte">nats/byte</Term> ·{' '}
            {m.training.tokensSeen.toLocaleString()} bytes seen · lr {m.training.lr} · {m.training.seconds} s{oneDevice ? '' : ` on ${m.training.device}`} ·{' '}
            SHA-256 <code>{m.sha256.slice(0, 12)}…</code> · {new Date(m.createdAt).toLocaleString()}
            <div className="ll-saved-actions">
              <button type="button" onClick={() => fineTune(m)} disabled={expRunning}>Fine-tune from this base</button>
              <button type="button" onClick={() => pretrainActions.delete(m.id)} disabled={running}>Delete</button>
            </div>
          </li>
        ))}
      </ul>
    </>
  );
}

export function PretrainView() {
  const s = usePretrain(useShallow((x) => ({
    settings: x.settings, state: x.state, step: x.step, params: x.params, samples: x.samples, error: x.error,
    tokensPerSecond: x.tokensPerSecond, seconds: x.seconds, pending: x.pending,
  })));
  useEffect(() => pretrainActions.list(), []);
  const paused = s.state === 'paused';
  const running = s.state === 'running' || paused;
  const status = running
    ? `${pendingWord(s.pending) || (paused ? 'Paused' : 'Pretraining')}: step ${s.step} of ${s.settings.steps}${s.params ? `, ${s.params.toLocaleString()} weights` : ''}, ${Math.round(s.tokensPerSecond)} bytes/s, ${s.seconds.toFixed(0)} s.`
    : STATUS[s.state];
  return (
    <section className="ll-panel ll-pretrain" aria-labelledby="pretrain-title">
      <div className="ll-panel-head">
        <h2 id="pretrain-title">Pretrain a base model</h2>
        <p className="ll-intro">
          Train a new base on the English source (Brown Corpus) from random weights, here in the tab, then fine-tune from it:
          does LoRA’s place on the learn–forget trade-off change with the model’s size or with how long it was pretrained?
        </p>
      </div>
      <div className="ll-toolbar">
        <div className="ll-runbar">
          <button type="button" onClick={() => pretrainActions.start(s.settings)} disabled={running}>Start</button>
          <button type="button" onClick={paused ? pretrainActions.resume : pretrainActions.pause} disabled={!running || s.pending !== null}>
            {paused ? 'Resume' : 'Pause'}
          </button>
          <button type="button" onClick={pretrainActions.stop} disabled={!running || s.pending === 'stopping'}>Stop</button>
        </div>
        <p className="ll-status" role="status" aria-live="polite" data-state={s.state} data-pending={s.pending ?? undefined}>
          {status}{s.error ? ` ${s.error}` : ''}
        </p>
      </div>
      <div className="ll-controls" role="group" aria-label="Pretraining settings">
        <Settings disabled={running} />
      </div>
      <div className="ll-main">
        <LossChart />
        <section className="ll-analysis" aria-labelledby="pretrain-samples">
          <h3 id="pretrain-samples">Greedy samples of “{SAMPLE_PROMPT}”</h3>
          {s.samples.length ? (
            <ol className="ll-pretrain-samples" data-testid="pretrain-samples">
              {s.samples.map((x) => <li key={x.step}><span className="ll-hint">step {x.step}:</span> <code>{JSON.stringify(x.text)}</code></li>)}
            </ol>
          ) : <p className="ll-hint">Samples appear at every evaluation.</p>}
        </section>
        <section className="ll-analysis" aria-labelledby="saved-bases-title">
          <h3 id="saved-bases-title">Bases saved in this browser</h3>
          <SavedBases />
        </section>
      </div>
    </section>
  );
}
