// node scripts/node-gpu.js src/cli/export.ts [--preset NAME | --config FILE] [--steps N] [--out DIR]
// [--base-only] [--recipe [--model ID] [--dataset ID] [--tokens N] [--sequences N] [--micro-batch N]]:
// trains an experiment in Node (the runner the browser uses) and writes what the page's Export
// panel offers: every model as ONNX and as a transformers folder (zip), every LoRA method as a
// PEFT adapter (zip), and the results as a run JSON and CSV. --base-only writes the base model's
// files without training. --recipe writes only the "Run this at scale" zip, byte for byte the
// page's for the same experiment and choices (no training, no GPU): --model and --dataset as the
// page lists them, --tokens per sequence, --sequences per step, --micro-batch per GPU per pass.
// With --config, --preset only names the files (the page names them by its preset; default "custom").

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { acquireDevice, createKernelContext } from '../engine/index';
import { loadCheckpoint } from '../experiment/checkpoint';
import { ConfigError, parseExperiment, PRESETS, type ExperimentConfig } from '../experiment/config';
import { fsAssetSource, loadAssetsFromDisk } from '../experiment/data/node-assets';
import { describeMethod, hfFolderZip, onnxFile, peftZip, type FileOut, type ModelSource } from '../experiment/export/packages';
import { describeBase } from '../experiment/export/peft';
import { checkRecipeOptions, defaultRecipeOptions, recipeDownload, type RecipeOptions } from '../experiment/export/recipe/index';
import { runCsv, runFile } from '../experiment/export/results';
import { exportConfig } from '../experiment/export/weights';
import { ExperimentRunner } from '../experiment/run/runner';
import { cliArgs, headerUsage } from './args';
import { printProgress, progressLine } from './progress';

const { values: a } = cliArgs(headerUsage(import.meta.url), {
  options: {
    preset: { type: 'string' },
    config: { type: 'string' },
    steps: { type: 'string' },
    out: { type: 'string', default: 'results/export' },
    'base-only': { type: 'boolean', default: false },
    recipe: { type: 'boolean', default: false },
    model: { type: 'string' },
    dataset: { type: 'string' },
    tokens: { type: 'string' },
    sequences: { type: 'string' },
    'micro-batch': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

function write(dir: string, f: FileOut): void {
  writeFileSync(join(dir, f.name), f.bytes);
  console.log(`wrote ${join(dir, f.name)} (${Math.round(f.bytes.length / 1024)} KB)`);
}

/** The recipe's options: the page's defaults for this experiment, with the flags over them. */
function recipeOptions(config: ExperimentConfig): RecipeOptions {
  const o = defaultRecipeOptions(config);
  const int = (flag: string, v: string | undefined, fallback: number) => {
    if (v === undefined) return fallback;
    if (!/^\d+$/.test(v)) throw new ConfigError([`--${flag} must be a whole number (got ${v})`]);
    return Number(v);
  };
  const r: RecipeOptions = {
    model: a.model ?? o.model, dataset: a.dataset ?? o.dataset, seqLen: int('tokens', a.tokens, o.seqLen),
    globalBatchSize: int('sequences', a.sequences, o.globalBatchSize), microBatchSize: int('micro-batch', a['micro-batch'], o.microBatchSize),
  };
  const errs = checkRecipeOptions(r, config);
  if (errs.length) throw new ConfigError(errs);
  return r;
}

async function main(): Promise<void> {
  const preset = a.preset ?? 'english-code';
  const raw = a.config ? JSON.parse(readFileSync(a.config, 'utf8')) : structuredClone(PRESETS[preset]?.config);
  if (!raw) throw new ConfigError([`unknown preset "${preset}"; choose one of: ${Object.keys(PRESETS).join(', ')}`]);
  if (a.steps) raw.steps = Number(a.steps);
  const config = parseExperiment(raw);
  const name = a.config ? (a.preset ?? 'custom') : preset;
  if (!/^[\w.-]+$/.test(name)) throw new ConfigError([`--preset "${name}" cannot name a file`]);
  mkdirSync(a.out!, { recursive: true });
  if (a.recipe) return write(a.out!, recipeDownload(config, recipeOptions(config), name));
  const stray = (['model', 'dataset', 'tokens', 'sequences', 'micro-batch'] as const).filter((k) => a[k] !== undefined);
  if (stray.length) throw new ConfigError([`${stray.map((k) => `--${k}`).join(', ')} choose the recipe's settings: add --recipe`]);
  const ckpt = await loadCheckpoint(fsAssetSource(new URL('../../public/models/', import.meta.url).pathname), `${config.base}.json`);
  const base = { config: ckpt.manifest.config, params: ckpt.params };
  const baseDescription = describeBase(base.config, config.base);
  const src: ModelSource = {
    cfg: exportConfig(base.config, config.seqLen), baseName: config.base, baseParams: base.params, baseDescription,
    method: null, trained: null, description: baseDescription, name: `lora-lab-${config.base}`,
  };
  write(a.out!, onnxFile(src));
  write(a.out!, hfFolderZip(src));
  if (a['base-only']) return;

  const gpu = await acquireDevice();
  const t0 = performance.now();
  const runner = new ExperimentRunner(createKernelContext(gpu.device), config, base, await loadAssetsFromDisk(), (e) => {
    if (e.type === 'step' && e.point.method === config.methods.at(-1)!.id) printProgress(progressLine(e.point.step, config.steps, t0, ''));
  });
  await runner.init();
  await runner.run();
  printProgress(progressLine(config.steps, config.steps, t0, ''), true);
  const state = await runner.checkpoint();
  for (const m of config.methods) {
    const s = { ...src, method: m, trained: state.methods[m.id].params, description: describeMethod(m, state.step, name, baseDescription), name: `${name}-${m.id}-step${state.step}` };
    write(a.out!, onnxFile(s));
    write(a.out!, hfFolderZip(s));
    if (m.kind === 'lora') write(a.out!, peftZip(s));
  }
  const now = Date.now();
  const file = runFile({
    id: `cli-${now}`, preset: name, config, createdAt: now, updatedAt: now, state: runner.state, step: runner.step,
    methods: runner.methodInfo(), evals: runner.evals, checkpointStep: state.step,
  }, { name: config.base, description: baseDescription, config: base.config, heldOutLoss: ckpt.manifest.heldOutLoss });
  write(a.out!, { name: `${name}.json`, mime: 'application/json', bytes: new TextEncoder().encode(JSON.stringify(file, null, 2)) });
  write(a.out!, { name: `${name}.csv`, mime: 'text/csv', bytes: new TextEncoder().encode(runCsv(file)) });
  runner.destroy();
  gpu.device.destroy();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(e instanceof ConfigError ? 2 : 1);
  },
);
