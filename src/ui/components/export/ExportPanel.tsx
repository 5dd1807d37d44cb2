// The Export panel: downloads of the shown run (its models as ONNX, a transformers folder or a
// PEFT adapter; its results as JSON or CSV), the "Run this at scale" recipe for the current
// settings, imports (a PEFT adapter to evaluate and train on, or a run JSON to overlay), and
// generation from an exported model through onnxruntime-web.
import { useEffect, useState, type ChangeEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { ExperimentConfig } from '../../../experiment/config';
import type { ExportFormat } from '../../../experiment/protocol';
import { RECIPE_DATASETS, RECIPE_MODELS, defaultRecipeOptions, recipeDataset, recipeDomain, recipeDownload, type RecipeOptions } from '../../../experiment/export/recipe/index';
import { onWorkerEvent, sendToWorker } from '../../store/client';
import { resetExperiment, useExperiment } from '../../store/experiment';
import { useSweep } from '../../store/sweep';
import { ChartPicker } from './ChartDownload';
import { download, newId, readFiles, requestExport } from './files';
import { OrtGeneration } from './OrtGeneration';
import './export.css';

type Note = { text: string; error: boolean } | null;

/** A saved sweep (every cell's config and evaluations) as JSON; the sweep view lists the saved sweeps. */
function SweepExport({ busy, fetchFile }: { busy: boolean; fetchFile: (f: ExportFormat, method: string | null, id?: string | null) => void }) {
  const sweeps = useSweep((x) => x.saved);
  const [id, setId] = useState('');
  if (sweeps.length === 0) return null;
  const chosen = sweeps.some((w) => w.id === id) ? id : sweeps[0].id;
  return (
    <div className="ll-row">
      <label htmlFor="export-sweep">Sweep</label>
      <span className="ll-buttons">
        <select id="export-sweep" value={chosen} onChange={(e) => setId(e.target.value)}>
          {sweeps.map((w) => <option key={w.id} value={w.id}>{w.preset}, {new Date(w.createdAt).toLocaleString()}</option>)}
        </select>
        <button type="button" disabled={busy} onClick={() => fetchFile('sweep-json', null, chosen)}>Sweep JSON</button>
        <button type="button" disabled={busy} onClick={() => fetchFile('sweep-csv', null, chosen)}>Sweep CSV</button>
      </span>
    </div>
  );
}

function RecipeBox({ config, preset, say }: { config: ExperimentConfig; preset: string; say: (n: Note) => void }) {
  const [opts, setOpts] = useState<RecipeOptions>(() => defaultRecipeOptions(config));
  const domain = recipeDomain(config);
  const datasets = RECIPE_DATASETS.filter((d) => d.domain === domain);
  const dataset = recipeDataset(config, opts.dataset);
  const set = (k: keyof RecipeOptions) => (e: ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setOpts({ ...opts, [k]: e.target.type === 'number' ? Math.max(1, Math.round(Number(e.target.value) || 1)) : e.target.value });
  function save() {
    try {
      // The same function writes `npm run export -- --recipe`'s file (byte-identical for the same settings).
      const f = recipeDownload(config, { ...opts, dataset }, preset);
      download(f.name, f.mime, f.bytes);
      say({ text: `Saved ${f.name} (${Math.round(f.bytes.length / 1024)} KB).`, error: false });
    } catch (e) {
      say({ text: `Could not build the recipe: ${e instanceof Error ? e.message : e}`, error: true });
    }
  }
  return (
    <fieldset>
      <legend>Run this at scale</legend>
      <p className="ll-hint">
        A folder for a real GPU: a transformers + PEFT training script launched by Accelerate (one GPU, several GPUs or
        several nodes) with these {config.methods.length} methods’ settings, lm-evaluation-harness for learning and
        forgetting, and a script that draws the learn-vs-forget plot.
      </p>
      <div className="ll-row">
        <label htmlFor="recipe-model">Base model</label>
        <select id="recipe-model" value={opts.model} onChange={set('model')}>
          {RECIPE_MODELS.map((m) => <option key={m.id} value={m.id}>{m.label}</option>)}
        </select>
        <label htmlFor="recipe-dataset">Data ({domain})</label>
        <select id="recipe-dataset" value={dataset} onChange={set('dataset')}>
          {datasets.map((d) => <option key={d.id} value={d.id}>{d.label}: {d.regime}</option>)}
        </select>
        <label htmlFor="recipe-seq">Tokens per sequence</label>
        <input id="recipe-seq" type="number" min={1} value={opts.seqLen} onChange={set('seqLen')} />
        <label htmlFor="recipe-batch">Sequences per step</label>
        <input id="recipe-batch" type="number" min={1} value={opts.globalBatchSize} onChange={set('globalBatchSize')} />
      </div>
      <button type="button" onClick={save}>Download recipe (zip)</button>
    </fieldset>
  );
}

export function ExportPanel({ config, preset }: { config: ExperimentConfig; preset: string }) {
  const s = useExperiment(useShallow((x) => ({ runId: x.activeRunId, methods: x.methods, runConfig: x.config, state: x.state })));
  const [model, setModel] = useState('');
  const [scope, setScope] = useState('');
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<Note>(null);
  const [importNote, setImportNote] = useState<Note>(null);
  const runMethods = s.runId ? s.methods : [];
  const chosen = runMethods.find((m) => m.id === model) ?? null;
  const choices = [{ id: null, label: 'Base model' }, ...runMethods.map((m) => ({ id: m.id, label: `${m.label} (${m.kind === 'lora' ? 'LoRA' : 'full'})` }))];

  useEffect(() => onWorkerEvent((e) => {
    if (e.type !== 'import-result') return;
    setImportNote({ text: e.message, error: !e.ok });
    if (e.ok && e.kind === 'adapter' && e.config && e.runId) resetExperiment(e.config, e.runId);
  }), []);

  async function fetchFile(format: ExportFormat, method: string | null, id: string | null = s.runId) {
    setBusy(true);
    try {
      const f = await requestExport(format, id, method);
      download(f.name, f.mime, f.bytes);
      setNote({ text: `Saved ${f.name} (${f.bytes.length < 2048 ? `${f.bytes.length} bytes` : `${Math.round(f.bytes.length / 1024)} KB`}).`, error: false });
    } catch (e) {
      setNote({ text: `Export failed: ${e instanceof Error ? e.message : e}`, error: true });
    } finally {
      setBusy(false);
    }
  }

  async function onFiles(e: ChangeEvent<HTMLInputElement>) {
    const list = e.target.files;
    if (!list || list.length === 0) return;
    setImportNote({ text: `Checking ${[...list].map((f) => f.name).join(', ')}…`, error: false });
    sendToWorker({ type: 'import-files', files: await readFiles(list), config, preset, runId: newId() });
    e.target.value = '';
  }

  const modelMethod = chosen?.id ?? null;
  return (
    <section className="ll-export" aria-labelledby="export-title">
      <h3 id="export-title">Export and import</h3>
      <fieldset>
        <legend>Models</legend>
        <p className="ll-hint">
          Weights as saved at the run’s last evaluation. ONNX (opset 17) runs in onnxruntime and other runtimes; the transformers
          folder (config.json + model.safetensors) loads with <code>AutoModelForCausalLM</code>; a LoRA method’s adapter is a PEFT folder.
        </p>
        <div className="ll-row">
          <label htmlFor="export-model">Model to export</label>
          <select id="export-model" value={modelMethod ?? ''} onChange={(e) => setModel(e.target.value)}>
            {choices.map((c) => <option key={c.id ?? ''} value={c.id ?? ''}>{c.label}</option>)}
          </select>
        </div>
        <div className="ll-buttons">
          <button type="button" disabled={busy} onClick={() => fetchFile('onnx', modelMethod)}>ONNX</button>
          <button type="button" disabled={busy} onClick={() => fetchFile('safetensors', modelMethod)}>safetensors (transformers folder)</button>
          <button type="button" disabled={busy || chosen?.kind !== 'lora'} onClick={() => fetchFile('peft', modelMethod)}>PEFT adapter</button>
        </div>
      </fieldset>
      <fieldset>
        <legend>Results</legend>
        <div className="ll-row">
          <label htmlFor="export-scope">Results of</label>
          <select id="export-scope" value={scope} onChange={(e) => setScope(e.target.value)}>
            <option value="">the whole experiment</option>
            {runMethods.map((m) => <option key={m.id} value={m.id}>{m.label}</option>)}
          </select>
        </div>
        <div className="ll-buttons">
          <button type="button" disabled={busy || !s.runId} onClick={() => fetchFile('run-json', scope || null)}>Run JSON</button>
          <button type="button" disabled={busy || !s.runId} onClick={() => fetchFile('run-csv', scope || null)}>CSV</button>
        </div>
        <SweepExport busy={busy} fetchFile={fetchFile} />
        <ChartPicker />
      </fieldset>
      {note && <p role={note.error ? 'alert' : 'status'} data-testid="export-note">{note.text}</p>}
      <RecipeBox key={`${preset}-${config.target.domain}`} config={config} preset={preset} say={setNote} />
      <fieldset>
        <legend>Import</legend>
        <p className="ll-hint">
          A PEFT LoRA adapter (a zip, or adapter_config.json with adapter_model.safetensors) for this base model starts a new run
          that evaluates it and trains it further with the shared settings above; a run JSON exported here is saved and drawn dashed.
        </p>
        <input type="file" multiple accept=".zip,.json,.safetensors" aria-label="Import an adapter or a run JSON" onChange={onFiles} disabled={s.state === 'running'} />
        {importNote && <p role={importNote.error ? 'alert' : 'status'} data-testid="import-note">{importNote.text}</p>}
      </fieldset>
      <OrtGeneration runId={s.runId} choices={choices} />
    </section>
  );
}
