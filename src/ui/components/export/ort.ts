// onnxruntime-web for the page, loaded on first use (its code and wasm are large): the wasm
// binary is a bundled asset served from the app's own origin (never a CDN), one thread (the
// page is not cross-origin isolated), and a session on WebGPU when the browser offers it,
// otherwise on wasm, reporting which one actually took the model. A window longer than the
// model's max_sequence_length is refused before it runs, with the limit in the message.
import wasmUrl from 'onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm?url';
import { onnxInputProblem, onnxMaxSequenceLength } from '../../../experiment/export/onnx-meta';

type Ort = typeof import('onnxruntime-web');
let ortPromise: Promise<Ort> | null = null;

export function loadOrt(): Promise<Ort> {
  ortPromise ??= import('onnxruntime-web').then((ort) => {
    ort.env.wasm.wasmPaths = { wasm: new URL(wasmUrl, window.location.href).href };
    ort.env.wasm.numThreads = 1;
    ort.env.wasm.proxy = false;
    ort.env.logLevel = 'error';
    return ort;
  });
  return ortPromise;
}

/**
 * Errors only: ort prints its warnings (e.g. that shape ops stay on the CPU under WebGPU, which is by design)
 * through console.error, which would read as a failure.
 */
const QUIET = 3;

export type RuntimeChoice = 'auto' | 'wasm';

export interface OrtModel {
  session: import('onnxruntime-web').InferenceSession;
  /** What runs it, for the page: "WebGPU" or "wasm (CPU)", with why WebGPU was not used. */
  runtime: string;
  version: string;
  /** The longest window the model takes (its ONNX metadata), or null if the file does not say. */
  maxSequenceLength: number | null;
}

export async function openModel(bytes: Uint8Array, choice: RuntimeChoice): Promise<OrtModel> {
  const ort = await loadOrt();
  const version = ort.env.versions.web ?? ort.env.versions.common ?? '';
  const maxSequenceLength = onnxMaxSequenceLength(bytes);
  let why = 'wasm chosen';
  if (choice === 'auto') {
    if (!('gpu' in navigator) || !navigator.gpu) why = 'this browser has no WebGPU';
    else {
      try {
        return { session: await ort.InferenceSession.create(bytes, { executionProviders: ['webgpu'], logSeverityLevel: QUIET }), runtime: 'WebGPU execution provider', version, maxSequenceLength };
      } catch (e) {
        why = `WebGPU execution provider failed: ${e instanceof Error ? e.message : e}`;
      }
    }
  }
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'], logSeverityLevel: QUIET });
  return { session, runtime: `wasm execution provider (CPU; ${why})`, version, maxSequenceLength };
}

/** Next-byte logits of the last position, for a (1, T) window of byte tokens. */
export async function lastLogits(m: OrtModel, window: number[]): Promise<Float32Array> {
  const problem = onnxInputProblem(window.length, m.maxSequenceLength);
  if (problem) throw new Error(problem);
  const ort = await loadOrt();
  const ids = new ort.Tensor('int64', BigInt64Array.from(window, (t) => BigInt(t)), [1, window.length]);
  const out = await m.session.run({ input_ids: ids });
  const logits = out.logits;
  const V = logits.dims[2];
  const data = (await logits.getData()) as Float32Array;
  return data.slice((window.length - 1) * V, window.length * V);
}
