// The training Worker's entry: owns the GPU device, loads the shipped base model and data
// assets (same files as the CLI, over fetch), runs commands from the page (the engine demo,
// or an experiment with pause/resume/stop) and posts typed events back (see protocol.ts).

import { acquireDevice, createKernelContext, type KernelContext } from '../engine/index';
import { loadCheckpoint } from './checkpoint';
import type { ExperimentConfig } from './config';
import { fetchAssetSource, loadAssets, type DataAssets } from './data/assets';
import { runDemo } from './demo';
import type { WorkerCommand, WorkerEvent } from './protocol';
import { ExperimentRunner, type BaseModel } from './runner';

const post = (e: WorkerEvent) => (self as unknown as Worker).postMessage(e);
const baseUrl = new URL(import.meta.env.BASE_URL, self.location.origin).href;

let ctxPromise: Promise<KernelContext> | null = null;
let assetsPromise: Promise<DataAssets> | null = null;
const bases = new Map<string, Promise<BaseModel>>();
let runner: ExperimentRunner | null = null;

function context(): Promise<KernelContext> {
  ctxPromise ??= acquireDevice().then((gpu) => {
    const a = gpu.adapterInfo;
    post({ type: 'ready', adapter: [a.vendor, a.architecture, a.description].filter(Boolean).join(' '), software: gpu.isSoftware });
    gpu.device.addEventListener('uncapturederror', (e) => {
      post({ type: 'error', message: `GPU error: ${(e as GPUUncapturedErrorEvent).error.message}` });
    });
    gpu.device.lost.then((info) => {
      if (info.reason !== 'destroyed') post({ type: 'error', message: `The GPU device was lost (${info.message || info.reason}).` });
      ctxPromise = null;
    });
    return createKernelContext(gpu.device);
  });
  return ctxPromise;
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

async function start(config: ExperimentConfig): Promise<void> {
  runner?.stop();
  runner?.destroy();
  assetsPromise ??= loadAssets(fetchAssetSource(`${baseUrl}data/`));
  const [ctx, assets, base] = await Promise.all([context(), assetsPromise, baseModel(config.base)]);
  runner = new ExperimentRunner(ctx, config, base, assets, post);
  await runner.init();
  await runner.run();
}

self.onmessage = async (ev: MessageEvent<WorkerCommand>) => {
  const cmd = ev.data;
  try {
    switch (cmd.type) {
      case 'demo':
        await runDemo(await context(), cmd, post);
        break;
      case 'start':
        await start(cmd.config);
        break;
      case 'pause':
        runner?.pause();
        break;
      case 'resume':
        if (runner && runner.state === 'paused') await runner.run();
        break;
      case 'stop':
        runner?.stop();
        break;
    }
  } catch (e) {
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
};
