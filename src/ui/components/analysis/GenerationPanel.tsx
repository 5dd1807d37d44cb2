// Generations side by side (the paper's finding 5): the student types a prompt and sampling
// settings; the Worker samples the same number of completions from the base model and from every
// method at the run's latest checkpoint, with the same seed, and the panel shows each model's
// completions in a column with its diversity (distinct share, distinct-1/2/3, mean entropy).
import { useState, type CSSProperties } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ExperimentConfig } from '../../../experiment/config';
import type { GenerationsResult, ModelGenerations } from '../../../experiment/protocol';
import { useAnalysis } from '../../store/analysis';
import { analysisActions } from '../../store/client';
import { useExperiment } from '../../store/experiment';
import { BASE_COLOR, methodColor } from '../charts/colors';
import { fix, pct } from './common';
import { Term } from '../../glossary/Term';


/** A first prompt in the target domain's style. */
function defaultPrompt(config: ExperimentConfig | null): string {
  const d = config?.target.domain;
  if (d === 'code') return 'function ';
  if (d === 'math') return config?.target.level === 'hard' ? 'Q: Tom has 12 apples and buys 5 more. How many now?\nA: ' : 'Q: 4+3=?\nA: ';
  return 'The ';
}

/** Newlines and tabs drawn as visible marks (the text still wraps at the newline). */
function Visible({ text }: { text: string }) {
  const parts = text.split(/(\n|\t)/);
  return (
    <>
      {parts.map((p, i) => (p === '\n'
        ? <span key={i}><span className="ll-ws">↵</span>{'\n'}</span>
        : p === '\t' ? <span key={i} className="ll-ws">→</span> : p))}
    </>
  );
}

function Column({ model, color }: { model: ModelGenerations; color: string }) {
  const s = model.stats;
  return (
    <section className="ll-gen-col" style={{ '--method-color': color } as CSSProperties} data-model={model.id} aria-label={`Completions of ${model.label}`}>
      <h4><span className="ll-swatch" />{model.label}</h4>
      {model.diverged ? <p className="ll-hint">Diverged: no samples.</p> : (
        <>
          <dl className="ll-gen-stats" data-testid="gen-stats">
            <dt>distinct</dt><dd>{pct(s.distinctShare)}</dd>
            <dt>distinct-1/2/3</dt><dd>{fix(s.distinct1)} / {fix(s.distinct2)} / {fix(s.distinct3)}</dd>
            <dt>entropy</dt><dd>{fix(s.entropy)} <Term id="nats-per-byte">nats</Term></dd>
          </dl>
          <ol className="ll-gen-list">
            {model.completions.map((c, i) => <li key={i}><pre className="ll-gen-text"><Visible text={c} /></pre></li>)}
          </ol>
        </>
      )}
    </section>
  );
}

function Results({ r, methodIds }: { r: GenerationsResult; methodIds: string[] }) {
  const { temperature, topK, topP, count, length, seed } = r.settings;
  return (
    <>
      <p className="ll-hint" data-testid="gen-summary">
        {count} samples of {length} bytes per model at step {r.step} (temperature {temperature}, top-k {topK || 'off'}, top-p {topP < 1 ? topP : 'off'}, seed {seed}),
        by {r.models[0]?.runtime ?? 'the engine'}, in {(r.ms / 1000).toFixed(1)} s. Prompt: <code className="ll-gen-text"><Visible text={r.prompt} /></code>
      </p>
      <div className="ll-gen-cols">
        {r.models.map((m) => <Column key={m.id} model={m} color={m.id === 'base' ? BASE_COLOR : methodColor(Math.max(0, methodIds.indexOf(m.id)))} />)}
      </div>
    </>
  );
}

function NumberInput({ label, value, set, min, max, step }: { label: string; value: number; set: (v: number) => void; min: number; max: number; step: number }) {
  const id = `gen-${label.toLowerCase().replace(/[^a-z]+/g, '-')}`;
  return (
    <span className="ll-gen-field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="number" value={value} min={min} max={max} step={step} onChange={(e) => {
        const v = Number(e.target.value);
        if (e.target.value !== '' && Number.isFinite(v)) set(Math.min(max, Math.max(min, v)));
      }} />
    </span>
  );
}

export function GenerationPanel() {
  const run = useExperiment(useShallow((x) => ({ id: x.activeRunId, config: x.config, state: x.state, methods: x.methods })));
  const a = useAnalysis(useShallow((x) => ({ result: x.generations, busy: x.busy.generate, error: x.error.generate })));
  const [prompt, setPrompt] = useState<string | null>(null);
  const [temperature, setTemperature] = useState(1);
  const [topK, setTopK] = useState(0);
  const [topP, setTopP] = useState(1);
  const [count, setCount] = useState(6);
  const [length, setLength] = useState(32);
  const [seed, setSeed] = useState(1);
  const text = prompt ?? defaultPrompt(run.config);
  const result = a.result && a.result.runId === run.id ? a.result : null;
  const canRun = run.id !== null && run.state !== 'idle' && text.length > 0 && !a.busy;
  return (
    <section className="ll-analysis" aria-labelledby="gen-title" data-testid="generation-panel">
      <h3 id="gen-title">Generations: what does each model write?</h3>
      <p className="ll-hint">
        Samples completions of one prompt from the base model and from each method at the run’s latest checkpoint
        (during a run: the last evaluation), with the same seed for every model, so differences come from the weights.
        The paper found full fine-tuning’s completions less diverse than LoRA’s (finding 5).
      </p>
      <div className="ll-gen-form">
        <span className="ll-gen-field ll-gen-prompt">
          <label htmlFor="gen-prompt">Prompt</label>
          <textarea id="gen-prompt" rows={2} value={text} onChange={(e) => setPrompt(e.target.value)} spellCheck={false} />
        </span>
        <NumberInput label="Temperature" value={temperature} set={setTemperature} min={0} max={2} step={0.1} />
        <NumberInput label="Top-k" value={topK} set={setTopK} min={0} max={256} step={1} />
        <NumberInput label="Top-p" value={topP} set={setTopP} min={0.05} max={1} step={0.05} />
        <NumberInput label="Count" value={count} set={(v) => setCount(Math.round(v))} min={1} max={32} step={1} />
        <NumberInput label="Length" value={length} set={(v) => setLength(Math.round(v))} min={1} max={128} step={1} />
        <NumberInput label="Seed" value={seed} set={(v) => setSeed(Math.round(v))} min={0} max={4294967295} step={1} />
        <button type="button" disabled={!canRun} onClick={() => analysisActions.generate({ prompt: text, temperature, topK, topP, count, length, seed })}>
          {a.busy ? 'Sampling…' : 'Generate'}
        </button>
      </div>
      {run.id === null || run.state === 'idle' ? <p className="ll-hint">Start a run (or open a saved one) to sample from its models.</p> : null}
      {a.error && <p role="alert" className="ll-alert">{a.error}</p>}
      {result && <Results r={result} methodIds={run.methods.map((m) => m.id)} />}
    </section>
  );
}
