// Starts the peers a suite run asked for, each on its own: a peer that cannot start here (no
// WebGPU backend, its wasm refused) is reported with why, and the rest of the suite goes on.
// Then checks each matmul peer against the engine on one shape, all three forms, before timing.

import type { KernelContext } from '../../../engine/index';
import { compareResults, engineMatmul, sumLength } from './engine-matmul';
import { loadTf, type Tf } from './tfjs-load';
import type { MatmulPeer, MatmulSpec, PeerCheck, PeerInfo } from './types';

export interface PeerOptions {
  /** tf.matMul on TF.js's WebGPU backend (default on). */
  tfjs?: boolean;
  /** onnxruntime-web's WebGPU execution provider, one-node MatMul (default on). */
  ort?: boolean;
  /** The Llama model trained with TF.js as the training-step peer (default on). */
  tfStep?: boolean;
  /** Where ORT's wasm is served (the page: a URL of this origin); Node reads it beside the package. */
  ortWasmUrl?: string;
}

export interface LoadedPeers {
  matmul: MatmulPeer[];
  tf: Tf | null;
  info: PeerInfo[];
  errors: string[];
}

const why = (e: unknown) => (e instanceof Error ? e.message : String(e));

export async function loadPeers(ctx: KernelContext, o: PeerOptions): Promise<LoadedPeers> {
  const out: LoadedPeers = { matmul: [], tf: null, info: [], errors: [] };
  if (o.tfjs !== false || o.tfStep !== false) {
    try {
      const { tfMatmulPeer } = await import('./tfjs-matmul');
      const peer = await tfMatmulPeer(ctx.device);
      if (o.tfjs !== false) out.matmul.push(peer);
      out.tf = (await loadTf(ctx.device)).tf;
      out.info.push(peer.info);
    } catch (e) {
      out.errors.push(`TensorFlow.js (WebGPU backend) could not start: ${why(e)}`);
    }
  }
  if (o.ort !== false) {
    try {
      const { ortMatmulPeer } = await import('./ort-matmul');
      const peer = await ortMatmulPeer(ctx.device, o.ortWasmUrl);
      out.matmul.push(peer);
      out.info.push(peer.info);
    } catch (e) {
      out.errors.push(`onnxruntime-web (WebGPU execution provider) could not start: ${why(e)}`);
    }
  }
  return out;
}

/**
 * Each peer's product against the engine's at one shape, all three forms. A peer that fails its
 * check (or throws) is dropped from the timing, with the reason in `errors`.
 */
export async function checkPeers(ctx: KernelContext, peers: LoadedPeers, shape: Omit<MatmulSpec, 'form'>): Promise<PeerCheck[]> {
  const checks: PeerCheck[] = [];
  const keep: MatmulPeer[] = [];
  for (const peer of peers.matmul) {
    let ok = true;
    for (const form of ['forward', 'backward_input', 'backward_weight'] as const) {
      const s = { ...shape, form };
      const what = `${form} ${s.rows}×${s.inDim}×${s.outDim}`;
      try {
        const c = compareResults(peer.info.peer, what, await engineMatmul(ctx, s), await peer.compute(s), sumLength(s));
        checks.push(c);
        ok &&= c.ok;
      } catch (e) {
        peers.errors.push(`${peer.info.label}: ${what} failed: ${why(e)}`);
        ok = false;
      }
    }
    if (ok) keep.push(peer);
    else peers.errors.push(`${peer.info.label} is not timed: its product differs from the engine's (or failed).`);
  }
  peers.matmul = keep;
  return checks;
}
