// The training Worker's entry: owns the GPU device, loads the shipped base model and data
// assets (same files as the CLI, over fetch), runs commands from the page (the engine demo,
// or an experiment with pause/resume/step/stop), saves runs and checkpoints to IndexedDB as
// they train, and posts typed events back (see protocol.ts).

import { acquireDevice, createKernelContext, type KernelContext } from '../engine/index';
import { loadCheckpoint } from './checkpoint';
import type { ExperimentConfig } from './config';
import { fetchAssetSource, loadAssets, type DataAssets } from './data/assets';
import { runDemo } from './demo';
import { RunHistory, type SavedRun } from './history';
import type { RunnerEvent, WorkerCommand, WorkerEvent } from './protocol';
import { ExperimentRunner, type BaseModel, type ExperimentCheckpoint } from './runner';
import { SweepHost } from './worker-sweep';
import { ExportHost } from './worker-export';
import { AnalysisHost } from './worker-analysis';

const post = (e: WorkerEvent) => (self as unknown as Worker).postMessage(e);
const baseUrl = new URL(import.meta.env.BASE_URL, self.location.origin).href;

let ctxPromise: Promise<KernelContext> | null = null;
let assetsPromise: Promise<DataAssets> | null = null;
let historyPromise: Promise<RunHistory> | null = null;
const bases = new Map<string, Promise<BaseModel>>();
let runner: ExperimentRunner | null = null;
let saved: SavedRun | null = null;

function context(): Promise<KernelContext> {
  ctxPromise ??= acquireDevice().then((gpu) => {
    const a = gpu.adapterInfo;
    post({ type: 'ready', adapter: [a.vendor, a.architecture, a.description].filter(Boolean).join(' '), software: gpu.isSoftware });
    gpu.device.addEventListener('uncapturederror', (e) => {
      post({ type: 'error', message: `GPU error: ${(e as GPUUncapturedErrorEvent).error.message}` });
    });
    gpu.device.lost.then((info) => {
      if (info.reason !== 'destroyed') {
        post({ type: 'error', message: `The GPU device was lost (${info.message || info.reason}). Resume the run from its last checkpoint in Saved runs.` });
      }
      ctxPromise = null;
    });
    return createKernelContext(gpu.device);
  });
  return ctxPromise;
}

function history(): Promise<RunHistory> {
  historyPromise ??= RunHistory.open();
  return historyPromise;
}

function baseModel(name: string): Promise<BaseModel> {
  let p = bases.get(name);
  if (!p) {
    p = loadCheckpoint(fetchAssetSource(`${baseUrl}models/`), `${name}.json`).then((c) => ({ config: c.manifest.config, params: c.params }));
    bases.set(name, p);
    p.catch(() => bases.delete(name));
  }
  return p;
}

function assets(): Promise<DataAssets> {
  assetsPromise ??= loadAssets(fetchAssetSource(`${baseUrl}data/`));
  return assetsPromise;
}

/**
 * Stops the experiment run if it trains or is paused (a sweep is starting: one trains at a time), once its
 * loop has exited. The runner is kept (a finished run stays available to inspect); the next run frees it.
 */
async function haltRun(): Promise<void> {
  const r = runner;
  if (!r || r.state === 'done' || r.state === 'stopped' || r.state === 'error') return;
  r.stop();
  while (r.state === 'running') await new Promise((done) => setTimeout(done, 10));
  // A paused runner is not looping, so it cannot report its own stop.
  if (r.state === 'paused') track({ type: 'state', state: 'stopped', step: r.step });
}

const sweeps = new SweepHost({ post, context, assets, baseModel, history, haltRun });
const exportHost = new ExportHost({ post, context, assets, baseModel, history, launch });
const analysis = new AnalysisHost({ post, context, baseModel, history, live: () => ({ runner, runId: saved?.id ?? null }) });

/** Forwards runner events to the page and keeps the saved run in step with them. */
function track(e: RunnerEvent): void {
  post(e);
  if (!saved) return;
  if (e.type === 'run-start') saved.methods = e.methods;
  else if (e.type === 'eval') {
    saved.evals.push(e.point);
    saved.step = e.point.step;
  }
  else if (e.type === 'state') {
    saved.state = e.state;
    saved.step = e.step;
  } else return;
  const snapshot = { ...saved, evals: [...saved.evals] };
  history().then((h) => h.save(snapshot)).catch((err) => post({ type: 'error', message: `Could not save the run: ${err}` }));
}

async function launch(config: ExperimentConfig, run: SavedRun, checkpoint?: ExperimentCheckpoint): Promise<void> {
  await sweeps.halt();
  runner?.stop();
  runner?.destroy();
  runner = null;
  saved = run;
  post({ type: 'active-run', id: run.id });
  assetsPromise ??= loadAssets(fetchAssetSource(`${baseUrl}data/`));
  const [ctx, assets, base, h] = await Promise.all([context(), assetsPromise, baseModel(config.base), history()]);
  const r = new ExperimentRunner(ctx, config, base, assets, track);
  runner = r;
  await r.init();
  if (checkpoint) r.restore(checkpoint);
  r.afterEval = async () => {
    const ckpt = await r.checkpoint();
    await h.saveCheckpoint(run.id, ckpt);
    // Later saves of `run` (state changes) must not write the step of the last checkpoint back to null.
    run.checkpointStep = ckpt.step;
  };
  await h.save(run);
  await r.run();
}

async function resumeRun(id: string): Promise<void> {
  const h = await history();
  const [run, ckpt] = await Promise.all([h.get(id), h.checkpoint(id)]);
  if (!run) throw new Error('That saved run no longer exists.');
  if (!ckpt) throw new Error('That run has no checkpoint yet; start it again instead.');
  run.evals = [...ckpt.evals];
  post({ type: 'run-opened', run, resumable: true });
  await launch(run.config, run, ckpt);
}

self.onmessage = async (ev: MessageEvent<WorkerCommand>) => {
  const cmd = ev.data;
  try {
    switch (cmd.type) {
      case 'demo':
        await runDemo(await context(), cmd, post);
        break;
      case 'start': {
        const now = Date.now();
        await launch(cmd.config, {
          id: cmd.runId, preset: cmd.preset, config: cmd.config, createdAt: now, updatedAt: now, state: 'running', step: 0,
          methods: [], evals: [], checkpointStep: null,
        });
        break;
      }
      case 'pause':
        runner?.pause();
        break;
      case 'resume':
        if (runner && runner.state === 'paused') await sweeps.halt();
        if (runner && runner.state === 'paused') await runner.run();
        break;
      case 'step-once':
        if (runner && runner.state === 'paused') {
          await runner.stepOnce();
          track({ type: 'state', state: runner.step >= runner.config.steps ? 'done' : 'paused', step: runner.step });
        }
        break;
      case 'stop':
        runner?.stop();
        break;
      case 'list-runs':
        post({ type: 'runs', runs: await (await history()).list() });
        break;
      case 'open-run': {
        const h = await history();
        const run = await h.get(cmd.id);
        if (run) post({ type: 'run-opened', run, resumable: (await h.checkpoint(cmd.id)) !== undefined && run.state !== 'done' });
        break;
      }
      case 'compare-run': {
        const run = await (await history()).get(cmd.id);
        if (run) post({ type: 'compare-loaded', run });
        break;
      }
      case 'resume-run':
        await resumeRun(cmd.id);
        break;
      case 'sweep-start':
      case 'sweep-pause':
      case 'sweep-resume':
      case 'sweep-stop':
      case 'list-sweeps':
      case 'open-sweep':
      case 'delete-sweep':
        await sweeps.handle(cmd);
        break;
      case 'export':
      case 'import-files':
        await exportHost.handle(cmd);
        break;
      case 'generate':
      case 'spectra':
        await analysis.handle(cmd);
        break;
      case 'delete-run': {
        const h = await history();
        await h.delete(cmd.id);
        post({ type: 'runs', runs: await h.list() });
        break;
      }
    }
  } catch (e) {
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
};
