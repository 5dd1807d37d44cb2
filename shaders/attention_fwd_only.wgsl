// Forward-only causal grouped-query attention for evaluation: out = softmax(q·kᵀ·scale) · v
// without the (B, H, T, T) probability buffer the training forward (attention.wgsl) keeps
// for its backward. One thread per query row (b, h, t), as in attention.wgsl, and the same
// SwiftShader-friendly rules (no workgroup memory, barriers or dynamically indexed private
// arrays). The softmax is computed online instead of being parked in global memory:
// per 32 output columns, one pass over the keys keeps the running max m, the running sum
// l of exp(score − m) and the output accumulators, rescaled by exp(m_old − m) when m grows
// (the FlashAttention recurrence), and out = acc / l at the end. Scores are formed 4 keys at a
// time (one load of q feeds 4 keys), as in attention.wgsl. Head dims above 32 recompute the
// scores once per further 32 columns, cheap for the small head dims here,
// and every sum runs in a fixed order, so reruns are bit-identical.

struct Params {
  B: u32,
  T: u32,
  H: u32,
  Hkv: u32,
  D: u32,
  scale: f32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> q: array<f32>; // (B, T, H, D)
@group(0) @binding(2) var<storage, read> k: array<f32>; // (B, T, Hkv, D)
@group(0) @binding(3) var<storage, read> v: array<f32>; // (B, T, Hkv, D)
@group(0) @binding(4) var<storage, read_write> out: array<f32>; // (B, T, H, D)

// Threads per workgroup: set by the host (kernels/attention.ts), which divides its dispatch by it.
override WG: u32;

fn flat_index(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}

// Columns d..d+3 of a vector with n >= 1 columns left from d; columns past the end repeat the
// last one (in bounds) and are never stored.
fn lanes(d: u32, n: u32) -> vec4<u32> {
  return vec4<u32>(d, d + min(1u, n - 1u), d + min(2u, n - 1u), d + min(3u, n - 1u));
}

fn hsum(a: vec4<f32>) -> f32 { return (a.x + a.y) + (a.z + a.w); }

fn ld_q(o: u32) -> vec4<f32> { return vec4<f32>(q[o], q[o + 1u], q[o + 2u], q[o + 3u]); }
fn ld_k(o: u32) -> vec4<f32> { return vec4<f32>(k[o], k[o + 1u], k[o + 2u], k[o + 3u]); }

// Scaled scores of the query at qo against 4 keys at k0..k3 (one load of q feeds 4 keys).
fn scores4(qo: u32, k0: u32, k1: u32, k2: u32, k3: u32) -> vec4<f32> {
  var a0 = vec4<f32>(0.0);
  var a1 = vec4<f32>(0.0);
  var a2 = vec4<f32>(0.0);
  var a3 = vec4<f32>(0.0);
  var d = 0u;
  for (; d + 4u <= p.D; d += 4u) {
    let x = ld_q(qo + d);
    a0 = fma(x, ld_k(k0 + d), a0);
    a1 = fma(x, ld_k(k1 + d), a1);
    a2 = fma(x, ld_k(k2 + d), a2);
    a3 = fma(x, ld_k(k3 + d), a3);
  }
  var sc = vec4<f32>(hsum(a0), hsum(a1), hsum(a2), hsum(a3));
  for (; d < p.D; d++) {
    sc = fma(vec4<f32>(q[qo + d]), vec4<f32>(k[k0 + d], k[k1 + d], k[k2 + d], k[k3 + d]), sc);
  }
  return sc * p.scale;
}

// Scores of keys s..s+3 of the row (keys past t repeat key t) and the mask of real keys.
fn block(qo: u32, kvo: u32, ks: u32, s: u32, t: u32) -> vec4<f32> {
  let n = t - s; // keys left after s
  let k0 = kvo + s * ks;
  return scores4(qo, k0, k0 + min(1u, n) * ks, k0 + min(2u, n) * ks, k0 + min(3u, n) * ks);
}

fn ld_v(o: u32, c: vec4<u32>) -> vec4<f32> { return vec4<f32>(v[o + c.x], v[o + c.y], v[o + c.z], v[o + c.w]); }

// Columns c..c+3 clamped into [0, D): lanes past the end repeat column D − 1 and are not stored.
fn col4(c: u32) -> vec4<u32> {
  let c0 = min(c, p.D - 1u);
  return lanes(c0, p.D - c0);
}

fn store_out(o: u32, n: u32, x: vec4<f32>) {
  out[o] = x.x;
  if (n > 1u) { out[o + 1u] = x.y; }
  if (n > 2u) { out[o + 2u] = x.z; }
  if (n > 3u) { out[o + 3u] = x.w; }
}

@compute @workgroup_size(WG)
fn attention_forward_only(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let r = flat_index(gid, nwg);
  if (r >= p.B * p.H * p.T) { return; }
  let t = r % p.T;
  let bh = r / p.T;
  let h = bh % p.H;
  let b = bh / p.H;
  let hk = h / (p.H / p.Hkv);
  let qo = ((b * p.T + t) * p.H + h) * p.D;
  let kvo = (b * p.T * p.Hkv + hk) * p.D;
  let ks = p.Hkv * p.D;
  // Per 32 output columns, one pass over the keys in blocks of 4 with the running max m, the
  // running normaliser l and the accumulators rescaled whenever the max grows.
  for (var d = 0u; d < p.D; d += 32u) {
    let c0 = col4(d + 0u);
    let c1 = col4(d + 4u);
    let c2 = col4(d + 8u);
    let c3 = col4(d + 12u);
    let c4 = col4(d + 16u);
    let c5 = col4(d + 20u);
    let c6 = col4(d + 24u);
    let c7 = col4(d + 28u);
    var a0 = vec4<f32>(0.0);
    var a1 = vec4<f32>(0.0);
    var a2 = vec4<f32>(0.0);
    var a3 = vec4<f32>(0.0);
    var a4 = vec4<f32>(0.0);
    var a5 = vec4<f32>(0.0);
    var a6 = vec4<f32>(0.0);
    var a7 = vec4<f32>(0.0);
    let wide = d + 16u < p.D; // uniform: columns 16..31 of this block exist (skips their loads)
    var m = -0x1.fffffep+127f; // most negative finite f32
    var l = 0.0;
    for (var s = 0u; s <= t; s += 4u) {
      let real = vec4<bool>(true, s + 1u <= t, s + 2u <= t, s + 3u <= t);
      let sc = select(vec4<f32>(m), block(qo, kvo, ks, s, t), real);
      let m2 = max(m, max(max(sc.x, sc.y), max(sc.z, sc.w)));
      let r = exp(m - m2);
      let e = select(vec4<f32>(0.0), exp(sc - vec4<f32>(m2)), real);
      l = l * r + hsum(e);
      m = m2;
      a0 *= r;
      a1 *= r;
      a2 *= r;
      a3 *= r;
      a4 *= r;
      a5 *= r;
      a6 *= r;
      a7 *= r;
      // Masked keys have weight 0 and read key t (in bounds).
      for (var j = 0u; j < 4u; j++) {
        let vo = kvo + min(s + j, t) * ks;
        let w = vec4<f32>(e[j]);
        a0 = fma(w, ld_v(vo, c0), a0);
        a1 = fma(w, ld_v(vo, c1), a1);
        a2 = fma(w, ld_v(vo, c2), a2);
        a3 = fma(w, ld_v(vo, c3), a3);
        if (wide) {
          a4 = fma(w, ld_v(vo, c4), a4);
          a5 = fma(w, ld_v(vo, c5), a5);
          a6 = fma(w, ld_v(vo, c6), a6);
          a7 = fma(w, ld_v(vo, c7), a7);
        }
      }
    }
    let inv = 1.0 / l;
    if (d + 0u < p.D) { store_out(qo + d + 0u, p.D - d - 0u, a0 * inv); }
    if (d + 4u < p.D) { store_out(qo + d + 4u, p.D - d - 4u, a1 * inv); }
    if (d + 8u < p.D) { store_out(qo + d + 8u, p.D - d - 8u, a2 * inv); }
    if (d + 12u < p.D) { store_out(qo + d + 12u, p.D - d - 12u, a3 * inv); }
    if (d + 16u < p.D) { store_out(qo + d + 16u, p.D - d - 16u, a4 * inv); }
    if (d + 20u < p.D) { store_out(qo + d + 20u, p.D - d - 20u, a5 * inv); }
    if (d + 24u < p.D) { store_out(qo + d + 24u, p.D - d - 24u, a6 * inv); }
    if (d + 28u < p.D) { store_out(qo + d + 28u, p.D - d - 28u, a7 * inv); }
  }
}
