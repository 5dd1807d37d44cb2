// Float64 reference for the sequence ops: rotary position embedding (rotate-half, HF Llama)
// and causal grouped-query softmax attention, each with its backward.
// Layouts: q (B, T, H, D), k/v (B, T, Hkv, D), att (B, H, T, T); see docs/engine-conventions.md.

import type { Arr } from './types';

function checkLen(name: string, a: Arr, n: number): void {
  if (a.length !== n) throw new RangeError(`${name}: length ${a.length}, expected ${n}`);
}

// ---------------------------------------------------------------- rope

/** cos/sin tables (T, D/2): angle = t · theta^(−2i/D). */
function ropeTables(T: number, D: number, theta: number): { cos: Float64Array; sin: Float64Array } {
  if (D % 2 !== 0) throw new RangeError(`rope: head dim ${D} must be even`);
  const half = D / 2;
  const cos = new Float64Array(T * half); // (T, D/2)
  const sin = new Float64Array(T * half); // (T, D/2)
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < half; i++) {
      const ang = t * Math.pow(theta, (-2 * i) / D);
      cos[t * half + i] = Math.cos(ang);
      sin[t * half + i] = Math.sin(ang);
    }
  }
  return { cos, sin };
}

/** Rotates the pairs (x[i], x[i+D/2]) of x (B, T, H, D) by the position angle. */
export function rope_forward(x: Arr, B: number, T: number, H: number, D: number, theta = 10000): Float64Array {
  checkLen('rope x', x, B * T * H * D);
  const { cos, sin } = ropeTables(T, D, theta);
  const half = D / 2;
  const out = new Float64Array(B * T * H * D); // (B, T, H, D)
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      for (let h = 0; h < H; h++) {
        const o = ((b * T + t) * H + h) * D;
        for (let i = 0; i < half; i++) {
          const c = cos[t * half + i];
          const s = sin[t * half + i];
          const x1 = x[o + i];
          const x2 = x[o + i + half];
          out[o + i] = x1 * c - x2 * s;
          out[o + i + half] = x2 * c + x1 * s;
        }
      }
    }
  }
  return out;
}

/** Transpose of the rotation: dx[i] = d[i]·cos + d[i+D/2]·sin, dx[i+D/2] = d[i+D/2]·cos − d[i]·sin. */
export function rope_backward(dout: Arr, B: number, T: number, H: number, D: number, theta = 10000): Float64Array {
  checkLen('rope dout', dout, B * T * H * D);
  const { cos, sin } = ropeTables(T, D, theta);
  const half = D / 2;
  const dx = new Float64Array(B * T * H * D); // (B, T, H, D)
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      for (let h = 0; h < H; h++) {
        const o = ((b * T + t) * H + h) * D;
        for (let i = 0; i < half; i++) {
          const c = cos[t * half + i];
          const s = sin[t * half + i];
          const d1 = dout[o + i];
          const d2 = dout[o + i + half];
          dx[o + i] = d1 * c + d2 * s;
          dx[o + i + half] = d2 * c - d1 * s;
        }
      }
    }
  }
  return dx;
}

// ---------------------------------------------------------------- attention

function groupSize(H: number, Hkv: number): number {
  if (Hkv <= 0 || H % Hkv !== 0) throw new RangeError(`attention: nHeads ${H} not a multiple of nKvHeads ${Hkv}`);
  return H / Hkv;
}

/**
 * Causal softmax attention with GQA (query head h reads kv head floor(h / (H/Hkv))),
 * scale 1/sqrt(D). Returns out (B, T, H, D) and att (B, H, T, T), zero above the diagonal.
 */
export function attention_forward(
  q: Arr, k: Arr, v: Arr, B: number, T: number, H: number, Hkv: number, D: number,
): { out: Float64Array; att: Float64Array } {
  checkLen('attention q', q, B * T * H * D);
  checkLen('attention k', k, B * T * Hkv * D);
  checkLen('attention v', v, B * T * Hkv * D);
  const G = groupSize(H, Hkv);
  const scale = 1 / Math.sqrt(D);
  const out = new Float64Array(B * T * H * D); // (B, T, H, D)
  const att = new Float64Array(B * H * T * T); // (B, H, T, T)
  const scores = new Float64Array(T); // (T)
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const hk = Math.floor(h / G);
      for (let t = 0; t < T; t++) {
        const qo = ((b * T + t) * H + h) * D;
        let mx = -Infinity;
        for (let s = 0; s <= t; s++) {
          const ko = ((b * T + s) * Hkv + hk) * D;
          let dot = 0;
          for (let d = 0; d < D; d++) dot += q[qo + d] * k[ko + d];
          scores[s] = dot * scale;
          mx = Math.max(mx, scores[s]);
        }
        let sum = 0;
        for (let s = 0; s <= t; s++) {
          scores[s] = Math.exp(scores[s] - mx);
          sum += scores[s];
        }
        const ao = ((b * H + h) * T + t) * T;
        for (let s = 0; s <= t; s++) {
          const p = scores[s] / sum;
          att[ao + s] = p;
          const vo = ((b * T + s) * Hkv + hk) * D;
          for (let d = 0; d < D; d++) out[qo + d] += p * v[vo + d];
        }
      }
    }
  }
  return { out, att };
}

/**
 * Backward of attention_forward given its att. datt = dout·v; dscore = att·(datt − Σ att·datt);
 * dq = scale·dscore·k, dk = scale·dscoreᵀ·q, dv = attᵀ·dout (kv grads summed over the group).
 */
export function attention_backward(
  dout: Arr, q: Arr, k: Arr, v: Arr, att: Arr, B: number, T: number, H: number, Hkv: number, D: number,
): { dq: Float64Array; dk: Float64Array; dv: Float64Array } {
  checkLen('attention dout', dout, B * T * H * D);
  checkLen('attention q', q, B * T * H * D);
  checkLen('attention k', k, B * T * Hkv * D);
  checkLen('attention v', v, B * T * Hkv * D);
  checkLen('attention att', att, B * H * T * T);
  const G = groupSize(H, Hkv);
  const scale = 1 / Math.sqrt(D);
  const dq = new Float64Array(B * T * H * D); // (B, T, H, D)
  const dk = new Float64Array(B * T * Hkv * D); // (B, T, Hkv, D)
  const dv = new Float64Array(B * T * Hkv * D); // (B, T, Hkv, D)
  const datt = new Float64Array(T); // (T)
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const hk = Math.floor(h / G);
      for (let t = 0; t < T; t++) {
        const qo = ((b * T + t) * H + h) * D;
        const ao = ((b * H + h) * T + t) * T;
        let dotSum = 0;
        for (let s = 0; s <= t; s++) {
          const vo = ((b * T + s) * Hkv + hk) * D;
          const p = att[ao + s];
          let dot = 0;
          for (let d = 0; d < D; d++) {
            dot += dout[qo + d] * v[vo + d];
            dv[vo + d] += p * dout[qo + d];
          }
          datt[s] = dot;
          dotSum += p * dot;
        }
        for (let s = 0; s <= t; s++) {
          const ds = att[ao + s] * (datt[s] - dotSum) * scale;
          if (ds === 0) continue;
          const ko = ((b * T + s) * Hkv + hk) * D;
          for (let d = 0; d < D; d++) {
            dq[qo + d] += ds * k[ko + d];
            dk[ko + d] += ds * q[qo + d];
          }
        }
      }
    }
  }
  return { dq, dk, dv };
}
