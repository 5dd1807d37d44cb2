// Causal multi-head softmax attention with grouped-query attention (query head h reads kv
// head h / (H / Hkv)), scale 1/sqrt(D).
//   attention_forward:      one workgroup per query row (b, h, t): scores into att, softmax in
//                           place (row max subtracted), out = att · v.
//   attention_backward:     one workgroup per query row (b, h, t): datt = dS (see below), dq.
//   attention_backward_dkv: one thread per (b, t', kvh, d): dk and dv summed over the heads of
//                           the group and over t >= t' in a fixed order (no atomics).
// datt (B, H, T, T) holds dS = att · (dP − Σ_s att·dP) with dP = dout·vᵀ: the gradient w.r.t.
// the softmax input (the already scaled scores q·kᵀ/sqrt(D)); zero above the diagonal. The
// 1/sqrt(D) of the score is applied when forming dq and dk.
// Every reduction is a per-thread loop in a fixed order followed by a fixed tree, so results
// are bit-identical run to run. Rows are numbered ((b·H + h)·T + t), the row of att.

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

const WG = 64u;
const LOWEST = -0x1.fffffep+127f; // most negative finite f32

var<workgroup> red: array<f32, WG>;

// Max over the workgroup (fixed tree); every invocation gets the result.
fn wg_max(lid: u32, x: f32) -> f32 {
  red[lid] = x;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) { red[lid] = max(red[lid], red[lid + s]); }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier(); // red is reused by the next reduction
  return r;
}

// Sum over the workgroup (fixed tree); every invocation gets the result.
fn wg_sum(lid: u32, x: f32) -> f32 {
  red[lid] = x;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) { red[lid] = red[lid] + red[lid + s]; }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}

struct Row {
  b: u32,
  h: u32,
  t: u32,
  hk: u32,
  qo: u32, // offset of (b, t, h, 0) in q / out / dout / dq
  ao: u32, // offset of (b, h, t, 0) in att / datt
}

fn row_of(r: u32) -> Row {
  let t = r % p.T;
  let bh = r / p.T;
  let h = bh % p.H;
  let b = bh / p.H;
  let hk = h / (p.H / p.Hkv);
  return Row(b, h, t, hk, ((b * p.T + t) * p.H + h) * p.D, r * p.T);
}

// Offset of (b, s, hk, 0) in k / v / dk / dv.
fn kv_offset(b: u32, s: u32, hk: u32) -> u32 {
  return ((b * p.T + s) * p.Hkv + hk) * p.D;
}

@compute @workgroup_size(WG)
fn attention_forward(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let r = wg.x + wg.y * nwg.x;
  if (r >= p.B * p.H * p.T) { return; }
  let row = row_of(r);
  // Scores for s <= t, one key per invocation, parked in att until normalised.
  var mx = LOWEST;
  for (var s = lid; s <= row.t; s += WG) {
    let ko = kv_offset(row.b, s, row.hk);
    var dot = 0.0;
    for (var d = 0u; d < p.D; d++) { dot = fma(q[row.qo + d], k[ko + d], dot); }
    let sc = dot * p.scale;
    att[row.ao + s] = sc;
    mx = max(mx, sc);
  }
  mx = wg_max(lid, mx);
  // Each invocation revisits exactly the entries it wrote, so no barrier is needed here.
  var sum = 0.0;
  for (var s = lid; s <= row.t; s += WG) {
    let e = exp(att[row.ao + s] - mx);
    att[row.ao + s] = e;
    sum += e;
  }
  sum = wg_sum(lid, sum);
  for (var s = lid; s < p.T; s += WG) {
    att[row.ao + s] = select(0.0, att[row.ao + s] / sum, s <= row.t);
  }
  // out reads probabilities written by other invocations of this workgroup.
  storageBarrier();
  for (var d = lid; d < p.D; d += WG) {
    var acc = 0.0;
    for (var s = 0u; s <= row.t; s++) {
      acc = fma(att[row.ao + s], v[kv_offset(row.b, s, row.hk) + d], acc);
    }
    out[row.qo + d] = acc;
  }
}

@compute @workgroup_size(WG)
fn attention_backward(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let r = wg.x + wg.y * nwg.x;
  if (r >= p.B * p.H * p.T) { return; }
  let row = row_of(r);
  // dP[s] = dout[t] · v[s], parked in datt; Σ att·dP reduced across the workgroup.
  var part = 0.0;
  for (var s = lid; s <= row.t; s += WG) {
    let vo = kv_offset(row.b, s, row.hk);
    var dot = 0.0;
    for (var d = 0u; d < p.D; d++) { dot = fma(b_dout[row.qo + d], b_v[vo + d], dot); }
    b_datt[row.ao + s] = dot;
    part = fma(b_att[row.ao + s], dot, part);
  }
  let total = wg_sum(lid, part);
  for (var s = lid; s < p.T; s += WG) {
    let i = row.ao + s;
    b_datt[i] = select(0.0, b_att[i] * (b_datt[i] - total), s <= row.t);
  }
  // dq reads dS entries written by other invocations of this workgroup.
  storageBarrier();
  for (var d = lid; d < p.D; d += WG) {
    var acc = 0.0;
    for (var s = 0u; s <= row.t; s++) {
      acc = fma(b_datt[row.ao + s], b_k[kv_offset(row.b, s, row.hk) + d], acc);
    }
    b_dq[row.qo + d] = acc * p.scale;
  }
}

@compute @workgroup_size(WG)
fn attention_backward_dkv(
  @builtin(global_invocation_id) gid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
) {
  // Linear index in the (B, T, Hkv, D) layout of dk / dv, so stores are contiguous.
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.B * p.T * p.Hkv * p.D) { return; }
  let d = i % p.D;
  let hk = (i / p.D) % p.Hkv;
  let s = (i / (p.D * p.Hkv)) % p.T;
  let b = i / (p.D * p.Hkv * p.T);
  let G = p.H / p.Hkv;
  var dk = 0.0;
  var dv = 0.0;
  for (var g = 0u; g < G; g++) {
    let h = hk * G + g;
    for (var t = s; t < p.T; t++) {
      let a = ((b * p.H + h) * p.T + t) * p.T + s;
      let qo = ((b * p.T + t) * p.H + h) * p.D + d;
      dk = fma(c_datt[a], c_q[qo], dk);
      dv = fma(c_att[a], c_dout[qo], dv);
    }
  }
  c_dk[i] = dk * p.scale;
  c_dv[i] = dv;
}
