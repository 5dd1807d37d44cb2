// Text from an exported model, run by onnxruntime-web instead of the training engine: the
// page asks the Worker for the chosen model's ONNX file, opens it (WebGPU execution provider
// where the browser has WebGPU, wasm otherwise), samples bytes one at a time, and says which
// runtime produced the text. An independent check that the export works outside the engine.
// The context is the model's own max_sequence_length (from its ONNX metadata).
import { useRef, useState } from 'react';
import { lastLogits, openModel, type OrtModel, type RuntimeChoice } from './ort';
import { requestExport } from './files';

/** The context window when a model does not state its limit: the shipped base's sequence length. */
const DEFAULT_CONTEXT = 64;

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Greedy at temperature 0, otherwise a sample from softmax(logits / temperature). */
function pick(logits: Float32Array, temperature: number, u: number): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  if (temperature <= 0) return best;
  const p = Array.from(logits, (l) => Math.exp((l - logits[best]) / temperature));
  const total = p.reduce((a, b) => a + b, 0);
  let acc = 0;
  for (let i = 0; i < p.length; i++) {
    acc += p[i] / total;
    if (u < acc) return i;
  }
  return best;
}

export function OrtGeneration({ runId, choices }: { runId: string | null; choices: Array<{ id: string | null; label: string }> }) {
  const [model, setModel] = useState<string>('');
  const [runtimeChoice, setRuntimeChoice] = useState<RuntimeChoice>('auto');
  const [prompt, setPrompt] = useState('The ');
  const [length, setLength] = useState(40);
  const [temperature, setTemperature] = useState(0);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ text: string; runtime: string; file: string; ms: number } | null>(null);
  const [problem, setProblem] = useState('');
  const [context, setContext] = useState(DEFAULT_CONTEXT);
  const cache = useRef(new Map<string, OrtModel>());

  async function generate() {
    setBusy(true);
    setProblem('');
    try {
      const method = model === '' ? null : model;
      const file = await requestExport('onnx', method === null ? null : runId, method);
      const key = `${file.name}|${runtimeChoice}`;
      let m = cache.current.get(key);
      if (!m) {
        m = await openModel(file.bytes, runtimeChoice);
        cache.current.set(key, m);
      }
      const window = m.maxSequenceLength ?? DEFAULT_CONTEXT;
      setContext(window);
      const t0 = performance.now();
      const tokens = Array.from(new TextEncoder().encode(prompt));
      if (tokens.length === 0) tokens.push(10);
      const rand = mulberry32(1);
      const out: number[] = [];
      for (let i = 0; i < length; i++) {
        const next = pick(await lastLogits(m, tokens.slice(-window)), temperature, rand());
        tokens.push(next);
        out.push(next);
      }
      const text = new TextDecoder('utf-8', { fatal: false }).decode(new Uint8Array(out));
      setResult({ text, runtime: `onnxruntime-web ${m.version}, ${m.runtime}`, file: file.name, ms: performance.now() - t0 });
    } catch (e) {
      setProblem(`Generation failed: ${e instanceof Error ? e.message : e}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <fieldset className="ll-ort" aria-label="Generate with onnxruntime-web">
      <legend>Generate with the exported ONNX model (onnxruntime-web)</legend>
      <div className="ll-row">
        <label htmlFor="ort-model">Model</label>
        <select id="ort-model" value={model} onChange={(e) => setModel(e.target.value)}>
          {choices.map((c) => <option key={c.id ?? ''} value={c.id ?? ''}>{c.label}</option>)}
        </select>
        <label htmlFor="ort-runtime">Runtime</label>
        <select id="ort-runtime" value={runtimeChoice} onChange={(e) => setRuntimeChoice(e.target.value as RuntimeChoice)}>
          <option value="auto">WebGPU if available, else wasm</option>
          <option value="wasm">wasm (CPU)</option>
        </select>
        <label htmlFor="ort-prompt">Prompt</label>
        <input id="ort-prompt" type="text" value={prompt} onChange={(e) => setPrompt(e.target.value)} />
        <label htmlFor="ort-length">Bytes to generate</label>
        <input id="ort-length" type="number" min={1} max={200} value={length} onChange={(e) => setLength(Math.max(1, Math.min(200, Number(e.target.value) || 1)))} />
        <label htmlFor="ort-temp">Temperature</label>
        <input id="ort-temp" type="number" min={0} max={2} step={0.1} value={temperature} onChange={(e) => setTemperature(Math.max(0, Math.min(2, Number(e.target.value) || 0)))} />
      </div>
      <button type="button" onClick={generate} disabled={busy}>{busy ? 'Generating…' : 'Generate with onnxruntime-web'}</button>
      <p className="ll-hint">Context: the last {context} bytes (the model’s max_sequence_length). {temperature === 0 ? 'Greedy: the most likely byte each time.' : 'Sampled with a fixed seed.'}</p>
      {result && (
        <div data-testid="ort-result">
          <pre className="ll-ort-text"><b>{prompt}</b>{result.text}</pre>
          <p className="ll-hint" data-testid="ort-runtime">Produced by {result.runtime} from {result.file} in {Math.round(result.ms)} ms.</p>
        </div>
      )}
      {problem && <p role="alert">{problem}</p>}
    </fieldset>
  );
}
