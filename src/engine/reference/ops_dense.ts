// Float64 reference for the row-wise ops: matmul (y = x·wᵀ), embedding lookup, RMSNorm,
// SwiGLU and cross-entropy, each with its backward. GPU kernels are tested against these.
// Layouts and formulas follow docs/engine-conventions.md.

import type { Arr } from './types';

function checkLen(name: string, a: Arr, n: number): void {
  if (a.length !== n) throw new RangeError(`${name}: length ${a.length}, expected ${n}`);
}

// ---------------------------------------------------------------- matmul

/** y = x·wᵀ with x (N, K), w (M, K); returns y (N, M). */
export function matmul_forward(x: Arr, w: Arr, N: number, K: number, M: number): Float64Array {
  checkLen('matmul x', x, N * K);
  checkLen('matmul w', w, M * K);
  const y = new Float64Array(N * M); // (N, M)
  for (let n = 0; n < N; n++) {
    const xo = n * K;
    for (let m = 0; m < M; m++) {
      const wo = m * K;
      let s = 0;
      for (let k = 0; k < K; k++) s += x[xo + k] * w[wo + k];
      y[n * M + m] = s;
    }
  }
  return y;
}

/** Gradients of y = x·wᵀ: dx (N, K) = dy·w, dw (M, K) = dyᵀ·x. */
export function matmul_backward(
  dy: Arr, x: Arr, w: Arr, N: number, K: number, M: number,
): { dx: Float64Array; dw: Float64Array } {
  checkLen('matmul dy', dy, N * M);
  checkLen('matmul x', x, N * K);
  checkLen('matmul w', w, M * K);
  const dx = new Float64Array(N * K); // (N, K)
  const dw = new Float64Array(M * K); // (M, K)
  for (let n = 0; n < N; n++) {
    for (let m = 0; m < M; m++) {
      const g = dy[n * M + m];
      if (g === 0) continue;
      const xo = n * K;
      const wo = m * K;
      for (let k = 0; k < K; k++) {
        dx[xo + k] += g * w[wo + k];
        dw[wo + k] += g * x[xo + k];
      }
    }
  }
  return { dx, dw };
}

// ---------------------------------------------------------------- embedding

function checkToken(tok: number, V: number, n: number): void {
  if (!(tok >= 0 && tok < V)) throw new RangeError(`token ${tok} at row ${n} outside [0, ${V})`);
}

/** out[n] = wte[tokens[n]]; tokens (N), wte (V, C); returns (N, C). */
export function embedding_forward(tokens: Int32Array, wte: Arr, N: number, V: number, C: number): Float64Array {
  checkLen('embedding tokens', tokens, N);
  checkLen('embedding wte', wte, V * C);
  const out = new Float64Array(N * C); // (N, C)
  for (let n = 0; n < N; n++) {
    const tok = tokens[n];
    checkToken(tok, V, n);
    for (let c = 0; c < C; c++) out[n * C + c] = wte[tok * C + c];
  }
  return out;
}

/** dwte (V, C): rows of dout (N, C) scattered-added at their token ids. */
export function embedding_backward(dout: Arr, tokens: Int32Array, N: number, V: number, C: number): Float64Array {
  checkLen('embedding dout', dout, N * C);
  checkLen('embedding tokens', tokens, N);
  const dwte = new Float64Array(V * C); // (V, C)
  for (let n = 0; n < N; n++) {
    const tok = tokens[n];
    checkToken(tok, V, n);
    for (let c = 0; c < C; c++) dwte[tok * C + c] += dout[n * C + c];
  }
  return dwte;
}

// ---------------------------------------------------------------- rmsnorm

/** out = x · rstd · w per row, rstd = 1/sqrt(mean(x²) + eps); x (N, C), w (C). */
export function rmsnorm_forward(
  x: Arr, w: Arr, N: number, C: number, eps = 1e-5,
): { out: Float64Array; rstd: Float64Array } {
  checkLen('rmsnorm x', x, N * C);
  checkLen('rmsnorm w', w, C);
  const out = new Float64Array(N * C); // (N, C)
  const rstd = new Float64Array(N); // (N)
  for (let n = 0; n < N; n++) {
    const o = n * C;
    let ss = 0;
    for (let c = 0; c < C; c++) ss += x[o + c] * x[o + c];
    const r = 1 / Math.sqrt(ss / C + eps);
    rstd[n] = r;
    for (let c = 0; c < C; c++) out[o + c] = x[o + c] * r * w[c];
  }
  return { out, rstd };
}

/**
 * dw[c] = Σ_n dout·x·rstd; with g = dout·w: dx = rstd·g − rstd³·x·(Σ_c g·x)/C.
 */
export function rmsnorm_backward(
  dout: Arr, x: Arr, w: Arr, rstd: Arr, N: number, C: number,
): { dx: Float64Array; dw: Float64Array } {
  checkLen('rmsnorm dout', dout, N * C);
  checkLen('rmsnorm x', x, N * C);
  checkLen('rmsnorm w', w, C);
  checkLen('rmsnorm rstd', rstd, N);
  const dx = new Float64Array(N * C); // (N, C)
  const dw = new Float64Array(C); // (C)
  for (let n = 0; n < N; n++) {
    const o = n * C;
    const r = rstd[n];
    let dot = 0;
    for (let c = 0; c < C; c++) {
      dot += dout[o + c] * w[c] * x[o + c];
      dw[c] += dout[o + c] * x[o + c] * r;
    }
    const k = (r * r * r * dot) / C;
    for (let c = 0; c < C; c++) dx[o + c] = r * dout[o + c] * w[c] - k * x[o + c];
  }
  return { dx, dw };
}

// ---------------------------------------------------------------- swiglu

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

/** h = silu(gate) · up, silu(z) = z·sigmoid(z); gate, up, h (N, F). */
export function swiglu_forward(gate: Arr, up: Arr, N: number, F: number): Float64Array {
  checkLen('swiglu gate', gate, N * F);
  checkLen('swiglu up', up, N * F);
  const h = new Float64Array(N * F); // (N, F)
  for (let i = 0; i < N * F; i++) h[i] = gate[i] * sigmoid(gate[i]) * up[i];
  return h;
}

/** dgate = dh·up·silu'(gate), silu'(z) = s·(1 + z·(1 − s)); dup = dh·silu(gate). */
export function swiglu_backward(
  dh: Arr, gate: Arr, up: Arr, N: number, F: number,
): { dgate: Float64Array; dup: Float64Array } {
  checkLen('swiglu dh', dh, N * F);
  checkLen('swiglu gate', gate, N * F);
  checkLen('swiglu up', up, N * F);
  const dgate = new Float64Array(N * F); // (N, F)
  const dup = new Float64Array(N * F); // (N, F)
  for (let i = 0; i < N * F; i++) {
    const z = gate[i];
    const s = sigmoid(z);
    dgate[i] = dh[i] * up[i] * s * (1 + z * (1 - s));
    dup[i] = dh[i] * z * s;
  }
  return { dgate, dup };
}

// ---------------------------------------------------------------- cross-entropy

function checkTarget(t: number, V: number, n: number): void {
  if (t !== -1 && !(t >= 0 && t < V)) throw new RangeError(`target ${t} at row ${n} outside [0, ${V}) and not -1`);
}

/** Per-row −log softmax(logits)[target] (0 for target −1); loss = mean over valid rows. */
export function cross_entropy_forward(
  logits: Arr, targets: Int32Array, N: number, V: number,
): { losses: Float64Array; loss: number; nValid: number } {
  checkLen('cross_entropy logits', logits, N * V);
  checkLen('cross_entropy targets', targets, N);
  const losses = new Float64Array(N); // (N)
  let sum = 0;
  let nValid = 0;
  for (let n = 0; n < N; n++) {
    const t = targets[n];
    checkTarget(t, V, n);
    if (t === -1) continue;
    const o = n * V;
    let mx = -Infinity;
    for (let j = 0; j < V; j++) mx = Math.max(mx, logits[o + j]);
    let se = 0;
    for (let j = 0; j < V; j++) se += Math.exp(logits[o + j] - mx);
    losses[n] = mx + Math.log(se) - logits[o + t];
    sum += losses[n];
    nValid++;
  }
  return { losses, loss: nValid > 0 ? sum / nValid : 0, nValid };
}

/** dlogits (N, V) = (softmax − onehot(target)) / nValid; zero rows for ignored targets. */
export function cross_entropy_backward(logits: Arr, targets: Int32Array, N: number, V: number): Float64Array {
  checkLen('cross_entropy logits', logits, N * V);
  checkLen('cross_entropy targets', targets, N);
  let nValid = 0;
  for (let n = 0; n < N; n++) {
    checkTarget(targets[n], V, n);
    if (targets[n] !== -1) nValid++;
  }
  const dlogits = new Float64Array(N * V); // (N, V)
  if (nValid === 0) return dlogits;
  for (let n = 0; n < N; n++) {
    const t = targets[n];
    if (t === -1) continue;
    const o = n * V;
    let mx = -Infinity;
    for (let j = 0; j < V; j++) mx = Math.max(mx, logits[o + j]);
    let se = 0;
    for (let j = 0; j < V; j++) se += Math.exp(logits[o + j] - mx);
    for (let j = 0; j < V; j++) dlogits[o + j] = Math.exp(logits[o + j] - mx) / se / nValid;
    dlogits[o + t] -= 1 / nValid;
  }
  return dlogits;
}
