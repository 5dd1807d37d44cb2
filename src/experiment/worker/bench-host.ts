// The Worker's benchmark command: runs the benchmark suite (src/experiment/bench/) on the page's
// own adapter and posts its progress and one JSON report. Training stops first (as a sweep
// stops a run): two loads on one GPU would time each other.
// The peers (TensorFlow.js, onnxruntime-web) load only when a benchmark runs (dynamic imports in
// bench/peers/); ORT's wasm is the asset Vite serves from this origin (the URL below is a string,
// nothing loads until ORT starts).

import ortWasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.asyncify.wasm?url';
import type { KernelContext } from '../../engine/index';
import { runBenchSuite } from '../bench/suite';
import type { BenchCommand, WorkerEvent } from '../protocol';

export interface BenchDeps {
  post: (e: WorkerEvent) => void;
  context: () => Promise<KernelContext>;
  /** Stops whatever trains (run or sweep) and resolves when it has. */
  haltTraining: () => Promise<void>;
}

const SOFTWARE = /swiftshader|llvmpipe|lavapipe/i;

/** What the device says of its adapter (GPUDevice.adapterInfo; older browsers lack it). */
export function describeAdapter(device: GPUDevice): { adapter: string; software: boolean } {
  const info = (device as { adapterInfo?: GPUAdapterInfo }).adapterInfo;
  const adapter = info ? [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' / ') : '';
  return { adapter: adapter || 'unknown adapter', software: SOFTWARE.test(adapter) };
}

export class BenchHost {
  constructor(private readonly deps: BenchDeps) {}

  async handle(cmd: BenchCommand): Promise<void> {
    const { post } = this.deps;
    try {
      await this.deps.haltTraining();
      const ctx = await this.deps.context();
      const report = await runBenchSuite(ctx, {
        ...describeAdapter(ctx.device), runtime: 'browser', quick: cmd.quick,
        peers: { ortWasmUrl: new URL(ortWasmUrl, self.location.href).href },
        onProgress: (progress) => post({ type: 'bench-progress', progress }),
      });
      post({ type: 'bench-result', report });
    } catch (e) {
      post({ type: 'bench-error', message: e instanceof Error ? e.message : String(e) });
    }
  }
}
