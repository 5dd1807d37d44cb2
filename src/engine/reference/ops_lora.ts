// Float64 reference for LoRA adapters: inverted dropout with the shared hash mask (rng.ts),
// the adapter path y = scale·(drop(x)·Aᵀ)·Bᵀ and its backward, and weight merging.
// A (r, K) maps the input, B (M, r) the output; see docs/engine-conventions.md.

import { matmul_backward, matmul_forward } from './ops_dense';
import { dropout_keep } from './rng';
import type { Arr } from './types';

function checkP(p: number): void {
  if (!(p >= 0 && p < 1)) throw new RangeError(`dropout p ${p} outside [0, 1)`);
}

/** xd[i] = x[i]·keep(seed, i)/(1 − p), i = n·K + k over x (N, K); a copy when p == 0. */
export function lora_dropout_forward(x: Arr, N: number, K: number, p: number, seed: number): Float64Array {
  if (x.length !== N * K) throw new RangeError(`dropout x: length ${x.length}, expected ${N * K}`);
  checkP(p);
  const xd = Float64Array.from(x); // (N, K)
  if (p === 0) return xd;
  const inv = 1 / (1 - p);
  for (let i = 0; i < N * K; i++) xd[i] = dropout_keep(seed, i, p) ? x[i] * inv : 0;
  return xd;
}

/** Same mask and scale applied to the gradient: dx[i] = dxd[i]·keep/(1 − p). */
export function lora_dropout_backward(dxd: Arr, N: number, K: number, p: number, seed: number): Float64Array {
  return lora_dropout_forward(dxd, N, K, p, seed);
}

/**
 * Adapter contribution only (no base x·Wᵀ): xd = drop(x) (N, K), u = xd·Aᵀ (N, r),
 * y = scale·u·Bᵀ (N, M).
 */
export function lora_forward(
  x: Arr, A: Arr, B: Arr, N: number, K: number, M: number, r: number, scale: number, p: number, seed: number,
): { y: Float64Array; u: Float64Array; xd: Float64Array } {
  const xd = lora_dropout_forward(x, N, K, p, seed); // (N, K)
  const u = matmul_forward(xd, A, N, K, r); // (N, r)
  const y = matmul_forward(u, B, N, r, M); // (N, M)
  for (let i = 0; i < y.length; i++) y[i] *= scale;
  return { y, u, xd };
}

/**
 * Backward of lora_forward: dB = scale·dyᵀ·u (M, r), du = scale·dy·B (N, r),
 * dA = duᵀ·xd (r, K), dx = drop(du·A) (N, K) — the adapter path's share of the input grad.
 * `x` is not needed (xd carries it) but is kept in the signature for symmetry with the GPU.
 */
export function lora_backward(
  dy: Arr, _x: Arr, A: Arr, B: Arr, u: Arr, xd: Arr,
  N: number, K: number, M: number, r: number, scale: number, p: number, seed: number,
): { dx: Float64Array; dA: Float64Array; dB: Float64Array } {
  const dys = Float64Array.from(dy, (g) => g * scale); // (N, M)
  const { dx: du, dw: dB } = matmul_backward(dys, u, B, N, r, M); // du (N, r), dB (M, r)
  const { dx: dxd, dw: dA } = matmul_backward(du, xd, A, N, K, r); // dxd (N, K), dA (r, K)
  const dx = lora_dropout_backward(dxd, N, K, p, seed); // (N, K)
  return { dx, dA, dB };
}

/** scale·B·A (M, K) with B (M, r), A (r, K). */
export function lora_delta(A: Arr, B: Arr, M: number, K: number, r: number, scale: number): Float64Array {
  if (A.length !== r * K) throw new RangeError(`lora A: length ${A.length}, expected ${r * K}`);
  if (B.length !== M * r) throw new RangeError(`lora B: length ${B.length}, expected ${M * r}`);
  const delta = new Float64Array(M * K); // (M, K)
  for (let m = 0; m < M; m++) {
    for (let j = 0; j < r; j++) {
      const b = scale * B[m * r + j];
      if (b === 0) continue;
      for (let k = 0; k < K; k++) delta[m * K + k] += b * A[j * K + k];
    }
  }
  return delta;
}

/** Merged weight W + scale·B·A (M, K). */
export function lora_merge(W: Arr, A: Arr, B: Arr, M: number, K: number, r: number, scale: number): Float64Array {
  if (W.length !== M * K) throw new RangeError(`lora W: length ${W.length}, expected ${M * K}`);
  const out = lora_delta(A, B, M, K, r, scale); // (M, K)
  for (let i = 0; i < out.length; i++) out[i] += W[i];
  return out;
}
