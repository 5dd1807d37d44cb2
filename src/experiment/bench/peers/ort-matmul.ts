// onnxruntime-web's WebGPU execution provider as a benchmark peer: the one-node MatMul model
// (onnx-matmul.ts) per shape with its operands as initializers (uploaded once at session start),
// the result left in a GPU buffer; a timed sample of `reps` runs ends by reading the last result,
// which waits for every run before it on ORT's queue. Graph optimizations are off, so the product
// is not folded into a constant at session start. ORT's WebGPU build is imported on first use only; its wasm comes from the caller
// (the page passes the URL Vite serves from this origin; Node reads it beside the package).
// One thread and no proxy Worker: the page is not cross-origin isolated, and the CSP allows
// 'wasm-unsafe-eval' but not 'unsafe-eval'.

import type { BenchTarget } from '../../../engine/index';
import { formMkn, matmulModel, transpose } from './onnx-matmul';
import { matmulInputs, type MatmulPeer, type MatmulSpec, type PeerInfo } from './types';

type Ort = typeof import('onnxruntime-web/webgpu');
type Session = import('onnxruntime-web/webgpu').InferenceSession;

/**
 * The device ORT's WebGPU EP runs on. Its 1.30 WebGPU build (the native EP) creates its own device
 * of the same adapter and does not take env.webgpu.device, so it is read back after a first session.
 */
let ortDevice: GPUDevice | null = null;

export async function loadOrtWebGpu(device: GPUDevice, wasmUrl?: string): Promise<{ ort: Ort; info: PeerInfo; device: GPUDevice }> {
  const ort = (await import('onnxruntime-web/webgpu')) as Ort;
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
  if (wasmUrl) ort.env.wasm.wasmPaths = { wasm: wasmUrl };
  if (!ortDevice) {
    // Offered in case the EP takes it (the JSEP build did); checked below.
    try {
      ort.env.webgpu.device = device;
    } catch {
      // not settable once a session exists
    }
    await (await session(ort, { form: 'forward', rows: 1, inDim: 1, outDim: 1 }, false)).release();
    ortDevice = await ort.env.webgpu.device;
  }
  const shared = ortDevice === device;
  return {
    ort, device: ortDevice,
    info: {
      peer: 'ort', label: `onnxruntime-web ${ort.env.versions.web ?? ort.env.versions.common} (WebGPU execution provider)`,
      sharedDevice: shared,
      notes: [
        shared ? 'runs on the engine\'s GPUDevice' : 'its own GPUDevice (the EP does not take one from outside)',
        'operands as initializers, result left on the GPU; one readback per timed sample', 'wasm: 1 thread, no proxy Worker', wasmUrl ? 'wasm served from this origin' : 'wasm read beside the package',
      ],
    },
  };
}

/** The form's operands as MatMul's A (M, K) and B (K, N), the transposed one already transposed. */
function operandsAB(s: MatmulSpec): { A: Float32Array; B: Float32Array } {
  const inp = matmulInputs(s);
  if (s.form === 'forward') return { A: inp.x, B: transpose(inp.w, s.outDim, s.inDim) };
  if (s.form === 'backward_input') return { A: inp.dy, B: inp.w };
  return { A: transpose(inp.dy, s.rows, s.outDim), B: inp.x };
}

async function session(ort: Ort, s: MatmulSpec, onGpu: boolean): Promise<Session> {
  const [M, K, N] = formMkn(s);
  return ort.InferenceSession.create(matmulModel(M, K, N, operandsAB(s)), {
    executionProviders: ['webgpu'], logSeverityLevel: 3, graphOptimizationLevel: 'disabled',
    ...(onGpu ? { preferredOutputLocation: 'gpu-buffer' as const } : {}),
  });
}

export async function ortMatmulPeer(device: GPUDevice, wasmUrl?: string): Promise<MatmulPeer> {
  const { ort, info } = await loadOrtWebGpu(device, wasmUrl);
  return {
    info,
    async prepare(s): Promise<BenchTarget> {
      const [M, K, N] = formMkn(s);
      const sess = await session(ort, s, true);
      const out = sess.outputNames[0];
      return {
        label: `ort MatMul ${s.form} ${M}×${K}×${N}`,
        flops: 2 * M * K * N,
        bytes: 4 * (M * K + K * N + M * N),
        async submit(reps) {
          for (let i = 0; i < reps; i++) {
            const y = (await sess.run({}))[out];
            if (i === reps - 1) await y.getData();
            y.dispose();
          }
        },
        destroy() {
          void sess.release();
        },
      };
    },
    async compute(s) {
      const sess = await session(ort, s, false);
      try {
        return (await (await sess.run({}))[sess.outputNames[0]].getData()) as Float32Array;
      } finally {
        await sess.release();
      }
    },
    dispose() {},
  };
}
