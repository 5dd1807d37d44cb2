// Weight changes for export and spectral analysis: a LoRA adapter's dW = scale·B·A and the
// merged weight W + dW, and full fine-tuning's dW = W_now − W_start. Computed on the CPU
// from read-back tensors (these are occasional, not on the training path).

import type { LlamaConfig } from './config';
import { loraParamName, projectionShape, weightName, type Projection } from './names';

/** dW (out, in) = scale · B (out, r) · A (r, in). */
export function loraDelta(A: Float32Array, B: Float32Array, out: number, inDim: number, r: number, scale: number): Float32Array {
  const d = new Float32Array(out * inDim);
  for (let o = 0; o < out; o++) {
    for (let k = 0; k < r; k++) {
      const b = B[o * r + k] * scale;
      if (b === 0) continue;
      for (let i = 0; i < inDim; i++) d[o * inDim + i] += b * A[k * inDim + i];
    }
  }
  return d;
}

/** W + scale·B·A for one adapted projection of one layer. */
export function mergeLora(
  cfg: LlamaConfig,
  base: Map<string, Float32Array>,
  adapters: Map<string, Float32Array>,
  layer: number,
  proj: Projection,
  rank: number,
  scale: number,
): Float32Array {
  const [out, inDim] = projectionShape(cfg, proj);
  const W = base.get(weightName(layer, proj));
  const A = adapters.get(loraParamName(layer, proj, 'A'));
  const B = adapters.get(loraParamName(layer, proj, 'B'));
  if (!W || !A || !B) throw new Error(`mergeLora: layer ${layer} has no ${proj} adapter`);
  const d = loraDelta(A, B, out, inDim, rank, scale);
  for (let i = 0; i < d.length; i++) d[i] += W[i];
  return d;
}

/** W_now − W_start of one tensor (full fine-tuning). */
export function fullDelta(now: Float32Array, start: Float32Array): Float32Array {
  if (now.length !== start.length) throw new Error('fullDelta: shapes differ');
  return now.map((v, i) => v - start[i]);
}

