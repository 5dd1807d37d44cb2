// The training Worker's entry: owns the GPU device (re-acquired after a loss), the shipped base
// models and data assets (same files as the CLI, over fetch) and storage, and hands every command
// from the page to its host (experiment run, sweep, export, analysis, engine check, pretraining) through one
// queue, so commands never interleave. `ping` is answered at once (the page's liveness check);
// test builds' fault hooks arrive as `debug-fault` (see client.ts). Only the run's host comes with
// the Worker's first download; the others are imported on their first command (lazy-host.ts).

import { acquireDevice, adapterKey, Autotuner, createKernelContext, type KernelContext, type KernelVariants } from '../../engine/index';
import { IdbAutotuneCache } from '../storage/autotune-cache';
import { loadCheckpoint } from '../checkpoint';
import { CommandQueue } from './command-queue';
import { fetchAssetSource, loadAssets, type DataAssets } from '../data/assets';
import { runDemo } from './engine-check';
import { DEFAULT_MEMORY_BUDGET } from '../run/memory-check';
import { SafeHistory } from '../storage/safe-history';
import { CustomTextStore } from '../storage/custom-texts';
import { lockRun } from './run-lock';
import type { DebugFault, WorkerCommand, WorkerEvent } from '../protocol';
import type { BaseModel } from '../run/runner';
import { isRunCommand, RunHost } from './run-host';
import { LazyHost } from './lazy-host';
import { isSavedBaseName } from '../storage/saved-base-name';
import { measureDevicePeak, type DevicePeak } from '../bench/device-peak';

const post = (e: WorkerEvent) => (self as unknown as Worker).postMessage(e);
const baseUrl = new URL(import.meta.env.BASE_URL, self.location.origin).href;

let ctxPromise: Promise<KernelContext> | null = null;
/** The adapter in words (set with the context), for the manifests of bases pretrained here. */
let adapterName = '';
let assetsPromise: Promise<DataAssets> | null = null;
let historyPromise: Promise<SafeHistory> | null = null;
const bases = new Map<string, Promise<BaseModel>>();
/** The memory an experiment may take on the GPU; null = the default (a test hook can set it). */
let memoryBudget: number | null = null;
/** Set by the 'lose-device' test hook: its device.destroy() is then a loss, not a clean shutdown. */
let simulatedLoss = false;

/** Forced kernel variants ('set-kernel-variants'); the context holds this object, so a change reaches later runs. */
const kernelVariants: KernelVariants = {};

function context(): Promise<KernelContext> {
  ctxPromise ??= acquireDevice().then((gpu) => {
    const a = gpu.adapterInfo;
    adapterName = `${[a.vendor, a.architecture, a.description].filter(Boolean).join(' ')}${gpu.isSoftware ? ' (CPU emulation)' : ''}, in a browser Worker`;
    post({ type: 'ready', adapter: [a.vendor, a.architecture, a.description].filter(Boolean).join(' '), software: gpu.isSoftware });
    gpu.device.addEventListener('uncapturederror', (e) => {
      post({ type: 'error', message: `GPU error: ${(e as GPUUncapturedErrorEvent).error.message}` });
    });
    void gpu.device.lost.then((info) => {
      ctxPromise = null;
      if (info.reason === 'destroyed' && !simulatedLoss) return;
      simulatedLoss = false;
      const reason = info.message || info.reason;
      runs.onDeviceLost(reason);
      sweeps.loaded?.onDeviceLost(reason);
    });
    // Kernel choices timed on this adapter persist in IndexedDB, so reloads skip the timing.
    const autotune = new Autotuner({ adapterKey: adapterKey(gpu.adapterInfo), cache: new IdbAutotuneCache() });
    return { ...createKernelContext(gpu.device), autotune, variants: kernelVariants };
  });
  return ctxPromise;
}

/** Saved runs and sweeps; never fails: without usable storage it keeps them in memory and the page is told. */
function history(): Promise<SafeHistory> {
  historyPromise ??= SafeHistory.open((s) => post({ type: 'storage', ...s }));
  return historyPromise;
}

let customPromise: Promise<CustomTextStore | null> | null = null;
/** Students' own target texts; null where IndexedDB is unusable (a text sent with Start still trains). */
function customTexts(): Promise<CustomTextStore | null> {
  customPromise ??= CustomTextStore.open().catch(() => null);
  return customPromise;
}

function baseModel(name: string): Promise<BaseModel> {
  let p = bases.get(name);
  if (!p) {
    // A base pretrained in this browser comes from its own database; a shipped one is a file.
    p = isSavedBaseName(name)
      ? pretrains.get().then((p) => p.load(name))
      : loadCheckpoint(fetchAssetSource(`${baseUrl}models/`), `${name}.json`).then((c) => ({ config: c.manifest.config, params: c.params }));
    bases.set(name, p);
    p.catch(() => bases.delete(name));
  }
  return p;
}

/**
 * Takes a run's lock, waiting a few seconds for it: a Worker the page just replaced (hung or crashed) lets go of its
 * locks only once the browser has torn it down. A lock still held after that belongs to another tab.
 */
async function lockRunPatiently(id: string): Promise<(() => void) | null> {
  const until = Date.now() + 5000;
  for (;;) {
    const release = await lockRun(id);
    if (release || Date.now() > until) return release;
    await new Promise((done) => setTimeout(done, 250));
  }
}

function assets(): Promise<DataAssets> {
  assetsPromise ??= loadAssets(fetchAssetSource(`${baseUrl}data/`));
  return assetsPromise;
}

const runs: RunHost = new RunHost({
  post, context, assets, baseModel, history,
  haltSweep: async () => sweeps.loaded?.halt(),
  memoryBudget: () => memoryBudget ?? DEFAULT_MEMORY_BUDGET,
  lockRun: lockRunPatiently,
  customTexts,
});
// Every host but the run's is imported on its first command (lazy-host.ts): the Worker's first download stays small.
const sweeps = new LazyHost(async () => {
  const { SweepHost } = await import('./sweep-host');
  return new SweepHost({
    post, context, assets, baseModel, history,
    // The run is freed, not only stopped: the sweep gets its GPU memory (analysis then reads the saved checkpoint).
    haltRun: () => runs.dispose(),
    memoryBudget: () => memoryBudget ?? DEFAULT_MEMORY_BUDGET,
  });
});
const exportHost = new LazyHost(() => import('./export-host').then(({ ExportHost }) => new ExportHost({
  post, context, assets, baseModel, history, launch: (config, run, ckpt) => runs.launch(config, run, ckpt),
})));
const analysis = new LazyHost(() => import('./analysis-host').then(({ AnalysisHost }) => new AnalysisHost({
  post, context, baseModel, history, live: () => ({ runner: runs.runner, runId: runs.saved?.id ?? null }),
})));
// Paused, not stopped: the user resumes what trained once the numbers are in.
const bench = new LazyHost(() => import('./bench-host').then(({ BenchHost }) => new BenchHost({
  post, context,
  haltTraining: async () => {
    runs.interrupt({ type: 'pause' });
    sweeps.loaded?.interrupt({ type: 'sweep-pause' });
  },
})));
const pretrains = new LazyHost(() => import('./pretrain-host').then(({ PretrainHost }) => new PretrainHost({
  post, context, assets, device: async () => (await context(), adapterName), memoryBudget: () => memoryBudget ?? undefined,
  forget: (id) => bases.delete(id),
})));
const queue = new CommandQueue();

/** Each device's FMA peak, measured once: it does not change while the device lives. */
const peaks = new WeakMap<KernelContext, Promise<DevicePeak>>();

async function devicePeak(): Promise<void> {
  const ctx = await context();
  let p = peaks.get(ctx);
  if (!p) {
    p = measureDevicePeak(ctx);
    peaks.set(ctx, p);
  }
  // Without a peak the status table shows GFLOP/s without a share; nothing else depends on it.
  await p.then((peak) => post({ type: 'device-peak', peak }), () => peaks.delete(ctx));
}

/** The engine check trains beside whatever else runs; it does not hold the queue. */
let demo: Promise<void> | null = null;

async function execute(cmd: WorkerCommand): Promise<void> {
  if (isRunCommand(cmd)) return runs.handle(cmd);
  switch (cmd.type) {
    case 'demo':
      demo ??= context()
        .then((ctx) => runDemo(ctx, cmd, post))
        .catch((e) => post({ type: 'error', message: e instanceof Error ? e.message : String(e) }))
        .finally(() => (demo = null));
      break;
    case 'sweep-start':
    case 'sweep-pause':
    case 'sweep-resume':
    case 'sweep-stop':
    case 'list-sweeps':
    case 'open-sweep':
    case 'delete-sweep':
      await (await sweeps.get()).handle(cmd);
      break;
    case 'export':
    case 'import-files':
      await (await exportHost.get()).handle(cmd);
      break;
    case 'generate':
    case 'spectra':
      await (await analysis.get()).handle(cmd);
      break;
    case 'bench':
      await (await bench.get()).handle(cmd);
      break;
    case 'measure-peak':
      await devicePeak();
      break;
    case 'pretrain-start':
    case 'pretrain-stop':
    case 'pretrain-pause':
    case 'pretrain-resume':
    case 'list-bases':
      await (await pretrains.get()).handle(cmd);
      break;
    case 'delete-base':
      bases.delete(cmd.id);
      await (await pretrains.get()).handle(cmd);
      break;
    case 'set-kernel-variants':
      Object.assign(kernelVariants, cmd.variants);
      break;
  }
}

/** Test hooks: faults a browser test injects to check what the page does about them. */
function injectFault(fault: DebugFault, bytes?: number): void {
  switch (fault) {
    case 'storage-unavailable':
    case 'storage-quota':
      void history().then((h) => h.injectFault(fault));
      break;
    case 'memory-budget':
      if (bytes !== undefined) memoryBudget = bytes;
      break;
    case 'lose-device':
      void ctxPromise?.then((ctx) => {
        simulatedLoss = true;
        ctx.device.destroy();
      });
      break;
    case 'hang':
      // Busy forever: no message is answered again, as when a kernel compile or a bug locks the thread.
      for (;;) { /* hang */ }
    case 'crash':
      setTimeout(() => {
        throw new Error('The training Worker crashed (test hook).');
      });
      break;
    default:
      break;
  }
}

self.onmessage = (ev: MessageEvent<WorkerCommand>) => {
  const cmd = ev.data;
  if (cmd.type === 'ping') return post({ type: 'pong', n: cmd.n });
  if (cmd.type === 'debug-fault') return injectFault(cmd.fault, cmd.bytes);
  runs.interrupt(cmd);
  sweeps.loaded?.interrupt(cmd);
  void queue.enqueue(() => execute(cmd)).catch((e) => post({ type: 'error', message: e instanceof Error ? e.message : String(e) }));
};
