// TensorFlow.js for the benchmark, loaded on first use (dynamic import: the training Worker does
// not load it unless a benchmark runs), on its WebGPU backend built on the engine's own GPUDevice
// (WebGPUBackend takes a device), so both run on one device of one adapter and nothing else.

import type { PeerInfo } from './types';

export type Tf = typeof import('@tensorflow/tfjs-core');
type WebGpuModule = typeof import('@tensorflow/tfjs-backend-webgpu');

/** The backend name we register: a device of our choosing, not the package's own 'webgpu' (which requests another). */
export const TF_BACKEND = 'webgpu';

let loaded: { tf: Tf; device: GPUDevice } | null = null;
let gradients: Promise<string | null> | null = null;

/**
 * tfjs-core alone registers no gradients (the full tfjs package imports this module). Its ESM
 * files import each other without extensions: a bundler (the page) resolves them, Node does not,
 * so in Node the training-step peer is unavailable. Resolves with why not, or null.
 */
async function loadGradients(): Promise<string | null> {
  try {
    await import('@tensorflow/tfjs-core/dist/register_all_gradients');
    return null;
  } catch (e) {
    return `TF.js gradients could not be loaded in this runtime (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`;
  }
}

/** Null when TF.js can take gradients here, else why not. */
export function tfGradientsMissing(): Promise<string | null> {
  return gradients ?? Promise.resolve('TensorFlow.js is not loaded');
}

export async function loadTf(device: GPUDevice): Promise<{ tf: Tf; info: PeerInfo }> {
  const [tf, wg] = (await Promise.all([import('@tensorflow/tfjs-core'), import('@tensorflow/tfjs-backend-webgpu')])) as [Tf, WebGpuModule];
  gradients ??= loadGradients();
  if (loaded?.device !== device) {
    // The package registered a 'webgpu' factory that requests its own adapter and device; ours shares the engine's.
    if (tf.findBackend(TF_BACKEND) || tf.findBackendFactory(TF_BACKEND)) tf.removeBackend(TF_BACKEND);
    const info = (device as { adapterInfo?: GPUAdapterInfo }).adapterInfo;
    tf.registerBackend(TF_BACKEND, () => new wg.WebGPUBackend(device, info), 100);
    loaded = { tf, device };
  }
  // Small ops would otherwise run on the CPU (through a synchronous readback): keep all work on the GPU, like the engine.
  tf.env().set('WEBGPU_CPU_FORWARD', false);
  if (!(await tf.setBackend(TF_BACKEND))) throw new Error('TensorFlow.js could not start its WebGPU backend');
  await tf.ready();
  return {
    tf,
    info: {
      peer: 'tfjs', label: `TensorFlow.js ${tf.version_core} (${tf.getBackend()} backend)`, sharedDevice: true,
      notes: ['WebGPUBackend built on the engine\'s GPUDevice', 'a timed matmul sample ends with one readback of its last product', 'training step: one loss readback per step, like the engine\'s'],
    },
  };
}
