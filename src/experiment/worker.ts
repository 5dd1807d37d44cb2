// The training Worker's entry: owns the GPU device, runs commands from the page and posts
// typed events back (see protocol.ts).

import { acquireDevice, createKernelContext, type KernelContext } from '../engine/index';
import { runDemo } from './demo';
import type { WorkerCommand, WorkerEvent } from './protocol';

const post = (e: WorkerEvent) => (self as unknown as Worker).postMessage(e);

let ctxPromise: Promise<KernelContext> | null = null;

function context(): Promise<KernelContext> {
  ctxPromise ??= acquireDevice().then((gpu) => {
    const a = gpu.adapterInfo;
    post({ type: 'ready', adapter: [a.vendor, a.architecture, a.description].filter(Boolean).join(' '), software: gpu.isSoftware });
    gpu.device.lost.then((info) => post({ type: 'error', message: `The GPU device was lost (${info.reason}): ${info.message}` }));
    return createKernelContext(gpu.device);
  });
  return ctxPromise;
}

self.onmessage = async (ev: MessageEvent<WorkerCommand>) => {
  const cmd = ev.data;
  try {
    if (cmd.type === 'demo') await runDemo(await context(), cmd, post);
  } catch (e) {
    post({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
};
