// Float64 reference for the optimiser: one AdamW step (PyTorch order, decoupled weight decay),
// the global gradient norm and the clipping scale, as fixed in docs/engine-conventions.md.

import type { Arr } from './types';

export interface AdamWStepHyper {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** 1-based step count t. */
  step: number;
  /** Multiplies the gradient before the moments (clipping); 1 when off. */
  gradScale: number;
}

/**
 * In place: p ← p·(1 − lr·wd); g = grad·gradScale; m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
 * p ← p − lr·(m/(1−β1ᵗ)) / (sqrt(v/(1−β2ᵗ)) + eps).
 */
export function adamw_step(param: Float64Array, grad: Arr, m: Float64Array, v: Float64Array, h: AdamWStepHyper): void {
  const n = param.length;
  if (grad.length !== n || m.length !== n || v.length !== n) {
    throw new RangeError(`adamw: lengths param ${n}, grad ${grad.length}, m ${m.length}, v ${v.length}`);
  }
  if (!(h.step >= 1)) throw new RangeError(`adamw: step ${h.step} must be >= 1 (1-based)`);
  const { lr, beta1, beta2, eps, weightDecay, step, gradScale } = h;
  const bc1 = 1 - Math.pow(beta1, step);
  const bc2 = 1 - Math.pow(beta2, step);
  const decay = 1 - lr * weightDecay;
  for (let i = 0; i < n; i++) {
    const g = grad[i] * gradScale;
    m[i] = beta1 * m[i] + (1 - beta1) * g;
    v[i] = beta2 * v[i] + (1 - beta2) * g * g;
    param[i] = param[i] * decay - (lr * (m[i] / bc1)) / (Math.sqrt(v[i] / bc2) + eps);
  }
}

/** sqrt(Σ g²) over every element of every gradient. */
export function grad_norm(grads: Arr[]): number {
  let ss = 0;
  for (const g of grads) for (let i = 0; i < g.length; i++) ss += g[i] * g[i];
  return Math.sqrt(ss);
}

/** min(1, maxNorm/(norm + 1e-6)); 1 when clipping is off (maxNorm <= 0 or not finite). */
export function clip_scale(norm: number, maxNorm: number): number {
  if (!Number.isFinite(maxNorm) || maxNorm <= 0) return 1;
  return Math.min(1, maxNorm / (norm + 1e-6));
}
