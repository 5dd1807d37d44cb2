// Causal multi-head softmax attention with grouped-query attention (query head h reads kv
// head h / (H / Hkv)), scale 1/sqrt(D).
//   attention_forward:      one thread per query row (b, h, t): scores into att, softmax in
//                           place (row max subtracted), out = att · v.
//   attention_backward:     one thread per query row (b, h, t): datt = dS (see below), dq.
//   attention_backward_dkv: one thread per (b, 4 keys t'.., kvh, 4 columns of d): dk and dv
//                           summed over the heads of the group and over t >= t' in a fixed
//                           order.
// datt (B, H, T, T) holds dS = att · (dP − Σ_s att·dP) with dP = dout·vᵀ: the gradient w.r.t.
// the softmax input (the already scaled scores q·kᵀ/sqrt(D)); zero above the diagonal. The
// 1/sqrt(D) of the score is applied when forming dq and dk.
// No workgroup memory, no barriers and no dynamically indexed private arrays: SwiftShader's
// JIT (what tests and CPU training run on) is many times slower with those. A thread walks
// its row in sequential loops and keeps the row in att / datt (global memory) between
// passes. Work is blocked into named vec4 accumulators so each load feeds several FMAs:
// dot products over d take 4 keys at a time (one load of q feeds 4 keys), sums over keys
// take 16 columns at a time (one load of att feeds 16 columns), and dk / dv take 4 keys x 4
// columns. Indices past an edge are clamped on load and skipped on store, so any shape works.
// Every sum runs in a fixed order and nothing is atomic, so results are bit-identical run to
// run. Rows are numbered ((b·H + h)·T + t), the row of att, so neighbouring threads share
// (b, h) and read the same keys.

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

// attention_forward
@group(0) @binding(1) var<storage, read> q: array<f32>; // (B, T, H, D)
@group(0) @binding(2) var<storage, read> k: array<f32>; // (B, T, Hkv, D)
@group(0) @binding(3) var<storage, read> v: array<f32>; // (B, T, Hkv, D)
@group(0) @binding(4) var<storage, read_write> out: array<f32>; // (B, T, H, D)
@group(0) @binding(5) var<storage, read_write> att: array<f32>; // (B, H, T, T)

// attention_backward (the same binding numbers name other tensors in another entry point)
@group(0) @binding(1) var<storage, read> b_dout: array<f32>; // (B, T, H, D)
@group(0) @binding(2) var<storage, read> b_k: array<f32>; // (B, T, Hkv, D)
@group(0) @binding(3) var<storage, read> b_v: array<f32>; // (B, T, Hkv, D)
@group(0) @binding(4) var<storage, read> b_att: array<f32>; // (B, H, T, T)
@group(0) @binding(5) var<storage, read_write> b_datt: array<f32>; // (B, H, T, T)
@group(0) @binding(6) var<storage, read_write> b_dq: array<f32>; // (B, T, H, D)

// attention_backward_dkv
@group(0) @binding(1) var<storage, read> c_q: array<f32>; // (B, T, H, D)
@group(0) @binding(2) var<storage, read> c_dout: array<f32>; // (B, T, H, D)
@group(0) @binding(3) var<storage, read> c_att: array<f32>; // (B, H, T, T)
@group(0) @binding(4) var<storage, read> c_datt: array<f32>; // (B, H, T, T)
@group(0) @binding(5) var<storage, read_write> c_dk: array<f32>; // (B, T, Hkv, D)
@group(0) @binding(6) var<storage, read_write> c_dv: array<f32>; // (B, T, Hkv, D)

// Threads per workgroup: an override set by the host (kernels/attention.ts), which divides its
// dispatch counts by the same value.
override WG: u32;

struct Row {
  t: u32,
  qo: u32, // offset of (b, t, h, 0) in q / out / dout / dq
  ao: u32, // offset of (b, h, t, 0) in att / datt
  kvo: u32, // offset of (b, 0, hk, 0) in k / v; key s is at kvo + s·Hkv·D
}

fn row_of(r: u32) -> Row {
  let t = r % p.T;
  let bh = r / p.T;
  let h = bh % p.H;
  let b = bh / p.H;
  let hk = h / (p.H / p.Hkv);
  return Row(t, ((b * p.T + t) * p.H + h) * p.D, r * p.T, (b * p.T * p.Hkv + hk) * p.D);
}

// Linear thread index of a grid1d launch.
fn flat_index(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}

// Columns d..d+3 of a vector that has n >= 1 columns left from d; columns past the end repeat
// the last one (in bounds, finite), and callers never store or sum them.
fn lanes(d: u32, n: u32) -> vec4<u32> {
  return vec4<u32>(d, d + min(1u, n - 1u), d + min(2u, n - 1u), d + min(3u, n - 1u));
}

// ---------------------------------------------------------------- forward

fn ld_q(o: u32) -> vec4<f32> { return vec4<f32>(q[o], q[o + 1u], q[o + 2u], q[o + 3u]); }
fn ld_k(o: u32) -> vec4<f32> { return vec4<f32>(k[o], k[o + 1u], k[o + 2u], k[o + 3u]); }
fn ld_v(o: u32, c: vec4<u32>) -> vec4<f32> { return vec4<f32>(v[o + c.x], v[o + c.y], v[o + c.z], v[o + c.w]); }

fn hsum(a: vec4<f32>) -> f32 { return (a.x + a.y) + (a.z + a.w); }

// Scaled scores of query qo against 4 keys at k0..k3 (offsets in k).
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

fn store_out(o: u32, n: u32, x: vec4<f32>) {
  out[o] = x.x;
  if (n > 1u) { out[o + 1u] = x.y; }
  if (n > 2u) { out[o + 2u] = x.z; }
  if (n > 3u) { out[o + 3u] = x.w; }
}

@compute @workgroup_size(WG)
fn attention_forward(
  @builtin(global_invocation_id) gid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
) {
  let r = flat_index(gid, nwg);
  if (r >= p.B * p.H * p.T) { return; }
  let row = row_of(r);
  let ks = p.Hkv * p.D; // stride between consecutive keys
  // Scaled scores for s <= t, 4 keys at a time (keys past t repeat t and are not stored),
  // parked in att until normalised.
  var mx = -0x1.fffffep+127f; // most negative finite f32
  for (var s = 0u; s <= row.t; s += 4u) {
    let n = row.t - s; // keys left after s
    let k0 = row.kvo + s * ks;
    let sc = scores4(row.qo, k0, k0 + min(1u, n) * ks, k0 + min(2u, n) * ks, k0 + min(3u, n) * ks);
    att[row.ao + s] = sc.x;
    mx = max(mx, sc.x);
    if (n >= 1u) { att[row.ao + s + 1u] = sc.y; mx = max(mx, sc.y); }
    if (n >= 2u) { att[row.ao + s + 2u] = sc.z; mx = max(mx, sc.z); }
    if (n >= 3u) { att[row.ao + s + 3u] = sc.w; mx = max(mx, sc.w); }
  }
  var sum = 0.0;
  for (var s = 0u; s <= row.t; s++) {
    let e = exp(att[row.ao + s] - mx);
    att[row.ao + s] = e;
    sum += e;
  }
  for (var s = 0u; s <= row.t; s++) { att[row.ao + s] = att[row.ao + s] / sum; }
  for (var s = row.t + 1u; s < p.T; s++) { att[row.ao + s] = 0.0; }
  // out = Σ_s att[s] · v[s], 16 columns per pass over the row; columns past D are clamped.
  for (var d = 0u; d < p.D; d += 16u) {
    let c0 = lanes(d, p.D - d);
    let c1 = lanes(min(d + 4u, p.D - 1u), p.D - min(d + 4u, p.D - 1u));
    let c2 = lanes(min(d + 8u, p.D - 1u), p.D - min(d + 8u, p.D - 1u));
    let c3 = lanes(min(d + 12u, p.D - 1u), p.D - min(d + 12u, p.D - 1u));
    var a0 = vec4<f32>(0.0);
    var a1 = vec4<f32>(0.0);
    var a2 = vec4<f32>(0.0);
    var a3 = vec4<f32>(0.0);
    var vo = row.kvo;
    for (var s = 0u; s <= row.t; s++) {
      let w = vec4<f32>(att[row.ao + s]);
      a0 = fma(w, ld_v(vo, c0), a0);
      a1 = fma(w, ld_v(vo, c1), a1);
      a2 = fma(w, ld_v(vo, c2), a2);
      a3 = fma(w, ld_v(vo, c3), a3);
      vo += ks;
    }
    store_out(row.qo + d, p.D - d, a0);
    if (d + 4u < p.D) { store_out(row.qo + d + 4u, p.D - d - 4u, a1); }
    if (d + 8u < p.D) { store_out(row.qo + d + 8u, p.D - d - 8u, a2); }
    if (d + 12u < p.D) { store_out(row.qo + d + 12u, p.D - d - 12u, a3); }
  }
}

// ---------------------------------------------------------------- backward

fn ld_dout(o: u32) -> vec4<f32> { return vec4<f32>(b_dout[o], b_dout[o + 1u], b_dout[o + 2u], b_dout[o + 3u]); }
fn ld_bv(o: u32) -> vec4<f32> { return vec4<f32>(b_v[o], b_v[o + 1u], b_v[o + 2u], b_v[o + 3u]); }
fn ld_bk(o: u32, c: vec4<u32>) -> vec4<f32> { return vec4<f32>(b_k[o + c.x], b_k[o + c.y], b_k[o + c.z], b_k[o + c.w]); }

// dP of query qo (offset in dout) against 4 keys at v0..v3 (offsets in v), like scores4.
fn dp4(qo: u32, v0: u32, v1: u32, v2: u32, v3: u32) -> vec4<f32> {
  var a0 = vec4<f32>(0.0);
  var a1 = vec4<f32>(0.0);
  var a2 = vec4<f32>(0.0);
  var a3 = vec4<f32>(0.0);
  var d = 0u;
  for (; d + 4u <= p.D; d += 4u) {
    let x = ld_dout(qo + d);
    a0 = fma(x, ld_bv(v0 + d), a0);
    a1 = fma(x, ld_bv(v1 + d), a1);
    a2 = fma(x, ld_bv(v2 + d), a2);
    a3 = fma(x, ld_bv(v3 + d), a3);
  }
  var dp = vec4<f32>(hsum(a0), hsum(a1), hsum(a2), hsum(a3));
  for (; d < p.D; d++) {
    dp = fma(vec4<f32>(b_dout[qo + d]), vec4<f32>(b_v[v0 + d], b_v[v1 + d], b_v[v2 + d], b_v[v3 + d]), dp);
  }
  return dp;
}

fn store_dq(o: u32, n: u32, x: vec4<f32>) {
  b_dq[o] = x.x;
  if (n > 1u) { b_dq[o + 1u] = x.y; }
  if (n > 2u) { b_dq[o + 2u] = x.z; }
  if (n > 3u) { b_dq[o + 3u] = x.w; }
}

@compute @workgroup_size(WG)
fn attention_backward(
  @builtin(global_invocation_id) gid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
) {
  let r = flat_index(gid, nwg);
  if (r >= p.B * p.H * p.T) { return; }
  let row = row_of(r);
  let ks = p.Hkv * p.D;
  // dP[s] = dout[t] · v[s], 4 keys at a time, parked in datt, and Σ_s att·dP in order of s.
  var total = 0.0;
  for (var s = 0u; s <= row.t; s += 4u) {
    let n = row.t - s;
    let v0 = row.kvo + s * ks;
    let dp = dp4(row.qo, v0, v0 + min(1u, n) * ks, v0 + min(2u, n) * ks, v0 + min(3u, n) * ks);
    let i = row.ao + s;
    b_datt[i] = dp.x;
    total = fma(b_att[i], dp.x, total);
    if (n >= 1u) { b_datt[i + 1u] = dp.y; total = fma(b_att[i + 1u], dp.y, total); }
    if (n >= 2u) { b_datt[i + 2u] = dp.z; total = fma(b_att[i + 2u], dp.z, total); }
    if (n >= 3u) { b_datt[i + 3u] = dp.w; total = fma(b_att[i + 3u], dp.w, total); }
  }
  for (var s = 0u; s <= row.t; s++) {
    let i = row.ao + s;
    b_datt[i] = b_att[i] * (b_datt[i] - total);
  }
  for (var s = row.t + 1u; s < p.T; s++) { b_datt[row.ao + s] = 0.0; }
  // dq = scale · Σ_s dS[s] · k[s], 16 columns per pass over the row (as out in the forward).
  for (var d = 0u; d < p.D; d += 16u) {
    let c0 = lanes(d, p.D - d);
    let c1 = lanes(min(d + 4u, p.D - 1u), p.D - min(d + 4u, p.D - 1u));
    let c2 = lanes(min(d + 8u, p.D - 1u), p.D - min(d + 8u, p.D - 1u));
    let c3 = lanes(min(d + 12u, p.D - 1u), p.D - min(d + 12u, p.D - 1u));
    var a0 = vec4<f32>(0.0);
    var a1 = vec4<f32>(0.0);
    var a2 = vec4<f32>(0.0);
    var a3 = vec4<f32>(0.0);
    var ko = row.kvo;
    for (var s = 0u; s <= row.t; s++) {
      let w = vec4<f32>(b_datt[row.ao + s]);
      a0 = fma(w, ld_bk(ko, c0), a0);
      a1 = fma(w, ld_bk(ko, c1), a1);
      a2 = fma(w, ld_bk(ko, c2), a2);
      a3 = fma(w, ld_bk(ko, c3), a3);
      ko += ks;
    }
    store_dq(row.qo + d, p.D - d, a0 * p.scale);
    if (d + 4u < p.D) { store_dq(row.qo + d + 4u, p.D - d - 4u, a1 * p.scale); }
    if (d + 8u < p.D) { store_dq(row.qo + d + 8u, p.D - d - 8u, a2 * p.scale); }
    if (d + 12u < p.D) { store_dq(row.qo + d + 12u, p.D - d - 12u, a3 * p.scale); }
  }
}

// ---------------------------------------------------------------- backward: dk, dv

fn store_dkv(o: u32, n: u32, dk: vec4<f32>, dv: vec4<f32>) {
  c_dk[o] = dk.x;
  c_dv[o] = dv.x;
  if (n > 1u) { c_dk[o + 1u] = dk.y; c_dv[o + 1u] = dv.y; }
  if (n > 2u) { c_dk[o + 2u] = dk.z; c_dv[o + 2u] = dv.z; }
  if (n > 3u) { c_dk[o + 3u] = dk.w; c_dv[o + 3u] = dv.w; }
}

fn ld_cq(o: u32, c: vec4<u32>) -> vec4<f32> { return vec4<f32>(c_q[o + c.x], c_q[o + c.y], c_q[o + c.z], c_q[o + c.w]); }
fn ld_cdout(o: u32, c: vec4<u32>) -> vec4<f32> { return vec4<f32>(c_dout[o + c.x], c_dout[o + c.y], c_dout[o + c.z], c_dout[o + c.w]); }

@compute @workgroup_size(WG)
fn attention_backward_dkv(
  @builtin(global_invocation_id) gid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
) {
  // Thread i owns keys s0..s0+3 x columns d..d+3 of (b, hk); consecutive threads take
  // consecutive column blocks, so their q / dout loads are contiguous and att / datt shared.
  let i = flat_index(gid, nwg);
  let nc = (p.D + 3u) / 4u;
  let ns = (p.T + 3u) / 4u;
  if (i >= p.B * ns * p.Hkv * nc) { return; }
  let d = (i % nc) * 4u;
  let hk = (i / nc) % p.Hkv;
  let s0 = ((i / (nc * p.Hkv)) % ns) * 4u;
  let b = i / (nc * p.Hkv * ns);
  let c = lanes(d, p.D - d);
  let n = p.T - 1u - s0; // keys after s0; keys past T repeat the last and are not stored
  let s1 = s0 + min(1u, n);
  let s2 = s0 + min(2u, n);
  let s3 = s0 + min(3u, n);
  let G = p.H / p.Hkv;
  let qs = p.H * p.D; // stride between consecutive queries in q / dout
  // Key s_j only sums t >= s_j: the select skips earlier t, so every key gets exactly the
  // FMAs, in the same order, that a loop starting at its own t = s_j would do (att and datt
  // are zero there anyway, but 0 · q is not 0 when q is not finite).
  var dk0 = vec4<f32>(0.0); var dk1 = vec4<f32>(0.0); var dk2 = vec4<f32>(0.0); var dk3 = vec4<f32>(0.0);
  var dv0 = vec4<f32>(0.0); var dv1 = vec4<f32>(0.0); var dv2 = vec4<f32>(0.0); var dv3 = vec4<f32>(0.0);
  for (var g = 0u; g < G; g++) {
    let h = hk * G + g;
    var a = ((b * p.H + h) * p.T + s0) * p.T; // (b, h, t, 0) for t = s0
    var qo = ((b * p.T + s0) * p.H + h) * p.D;
    for (var t = s0; t < p.T; t++) {
      let x = ld_cq(qo, c);
      let y = ld_cdout(qo, c);
      dk0 = fma(vec4<f32>(c_datt[a + s0]), x, dk0);
      dv0 = fma(vec4<f32>(c_att[a + s0]), y, dv0);
      dk1 = select(dk1, fma(vec4<f32>(c_datt[a + s1]), x, dk1), t >= s1);
      dv1 = select(dv1, fma(vec4<f32>(c_att[a + s1]), y, dv1), t >= s1);
      dk2 = select(dk2, fma(vec4<f32>(c_datt[a + s2]), x, dk2), t >= s2);
      dv2 = select(dv2, fma(vec4<f32>(c_att[a + s2]), y, dv2), t >= s2);
      dk3 = select(dk3, fma(vec4<f32>(c_datt[a + s3]), x, dk3), t >= s3);
      dv3 = select(dv3, fma(vec4<f32>(c_att[a + s3]), y, dv3), t >= s3);
      a += p.T;
      qo += qs;
    }
  }
  let o = ((b * p.T + s0) * p.Hkv + hk) * p.D + d;
  let ko = p.Hkv * p.D;
  store_dkv(o, p.D - d, dk0 * p.scale, dv0);
  if (n >= 1u) { store_dkv(o + ko, p.D - d, dk1 * p.scale, dv1); }
  if (n >= 2u) { store_dkv(o + 2u * ko, p.D - d, dk2 * p.scale, dv2); }
  if (n >= 3u) { store_dkv(o + 3u * ko, p.D - d, dk3 * p.scale, dv3); }
}
