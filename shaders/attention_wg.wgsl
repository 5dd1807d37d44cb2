// Causal grouped-query softmax attention, the 'workgroup' variant written for real GPUs: one
// workgroup of WG threads per query row (b, h, t), where attention.wgsl ('thread') gives a row
// to one thread. Same uniform, same bindings and the same entry-point names as attention.wgsl
// and attention_fwd_only.wgsl, so kernels/attention.ts packs both variants from one
// description.
//   attention_forward:      thread i scores keys s ≡ i (mod WG) into att, a workgroup tree
//                           reduction gives the row max and then Σ exp, each thread normalises
//                           its own keys, and out = att · v is split over (column quad, key
//                           slice) pairs whose partial sums are added in workgroup memory.
//   attention_backward:     the same shape for dS (dP = dout · vᵀ per key, tree sum of att·dP)
//                           into datt and dq = scale · dS · k.
//   attention_forward_only: keys in chunks of WG with an online softmax (running max m and
//                           normaliser l, rescaled when m grows); the chunk's exp(score − m)
//                           sit in workgroup memory for the output sum; no att buffer.
//   attention_backward_dkv: one workgroup per key (b, s, kv head): dk = scale · Σ dS·q and
//                           dv = Σ att·dout over the (query t >= s, head of the group) pairs,
//                           split over (column quad, pair slice) like the output sums. The
//                           'thread' version has only B·T·Hkv·D/16 threads (1024 at the base
//                           size), far too few to fill a GPU; this one has WG per key.
// Why one workgroup per row and not per block of rows: at the model's shapes (T 32–128, D
// 8–32) a (b, h) pair holds too little work to split further, B·H·T rows give thousands of
// workgroups to fill a GPU, and a (b, kv head)'s keys and values (T·D floats, a few KiB) stay
// in cache for all its rows, so staging them per block of rows would save little.
// Every reduction runs in a fixed order (each thread's keys in order, then a tree of fixed
// shape, then the key slices in order), so reruns are bit-identical. WG must be a power of two
// (the tree); kernels/attention.ts checks it. Values differ from the 'thread' variant by float
// rounding only (sums are grouped differently).

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

// attention_forward and attention_forward_only (which does not use att)
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

// Threads per workgroup, a power of two: set by the host (kernels/attention.ts, ATTENTION_VARIANT_CONSTANTS).
override WG: u32;

var<workgroup> red: array<f32, WG>; // scalar tree reductions (row max, Σ exp, Σ att·dP)
var<workgroup> red4: array<vec4<f32>, WG>; // partial output sums per (column quad, key slice)
var<workgroup> pk: array<f32, WG>; // forward_only: exp(score − m) of the current key chunk

struct Row {
  t: u32,
  qo: u32, // offset of (b, t, h, 0) in q / out / dout / dq
  ao: u32, // offset of (b, h, t, 0) in att / datt
  kvo: u32, // offset of (b, 0, hk, 0) in k / v; key s is at kvo + s·Hkv·D
}

// Row r = (b·H + h)·T + t, the row of att; workgroups are laid out by grid1d(rows, 1).
fn row_of(wid: vec3<u32>, nwg: vec3<u32>) -> Row {
  let r = wid.x + wid.y * nwg.x;
  let t = r % p.T;
  let bh = r / p.T;
  let h = bh % p.H;
  let b = bh / p.H;
  let hk = h / (p.H / p.Hkv);
  return Row(t, ((b * p.T + t) * p.H + h) * p.D, r * p.T, (b * p.T * p.Hkv + hk) * p.D);
}

// Columns d..d+3 of a vector that has n >= 1 columns left from d; columns past the end repeat
// the last one (in bounds) and are never stored.
fn lanes(d: u32, n: u32) -> vec4<u32> {
  return vec4<u32>(d, d + min(1u, n - 1u), d + min(2u, n - 1u), d + min(3u, n - 1u));
}

fn hsum(a: vec4<f32>) -> f32 { return (a.x + a.y) + (a.z + a.w); }

// The workgroup's max / sum of one value per thread; every thread gets the result. The tree has
// a fixed shape, so the result does not depend on thread timing.
fn reduce_max(lid: u32, x: f32) -> f32 {
  red[lid] = x;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) { red[lid] = max(red[lid], red[lid + s]); }
    workgroupBarrier();
  }
  let m = red[0];
  workgroupBarrier(); // red is written again by the next reduction
  return m;
}

fn reduce_sum(lid: u32, x: f32) -> f32 {
  red[lid] = x;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) { red[lid] = red[lid] + red[lid + s]; }
    workgroupBarrier();
  }
  let m = red[0];
  workgroupBarrier();
  return m;
}

// How the output sum of one row is split for a block of up to WG column quads starting at quad
// q0: thread lid takes quad j = lid % nb and every slices-th key from key sl = lid / nb.
struct Split {
  nb: u32, // column quads in this block
  slices: u32, // threads per quad
  sl: u32, // this thread's first key (and key step: slices); sl >= slices: idle
  d: u32, // this thread's first column
}

fn split_of(lid: u32, q0: u32) -> Split {
  let nb = min(WG, (p.D + 3u) / 4u - q0);
  return Split(nb, WG / nb, lid / nb, (q0 + lid % nb) * 4u);
}

// Adds the key slices' partial sums (in slice order) for the block's quads; thread lid < nb
// gets its quad's total.
fn sum_slices(lid: u32, sp: Split, acc: vec4<f32>) -> vec4<f32> {
  red4[lid] = acc;
  workgroupBarrier();
  var tot = red4[lid % sp.nb];
  for (var i = 1u; i < sp.slices; i++) { tot += red4[lid % sp.nb + i * sp.nb]; }
  workgroupBarrier(); // red4 is written again by the next block
  return tot;
}

// ---------------------------------------------------------------- forward

fn ld_q(o: u32) -> vec4<f32> { return vec4<f32>(q[o], q[o + 1u], q[o + 2u], q[o + 3u]); }
fn ld_k(o: u32) -> vec4<f32> { return vec4<f32>(k[o], k[o + 1u], k[o + 2u], k[o + 3u]); }
fn ld_v(o: u32, c: vec4<u32>) -> vec4<f32> { return vec4<f32>(v[o + c.x], v[o + c.y], v[o + c.z], v[o + c.w]); }

// Scaled score of the query at qo against the key at ko.
fn score(qo: u32, ko: u32) -> f32 {
  var a = vec4<f32>(0.0);
  var d = 0u;
  for (; d + 4u <= p.D; d += 4u) { a = fma(ld_q(qo + d), ld_k(ko + d), a); }
  var s = hsum(a);
  for (; d < p.D; d++) { s = fma(q[qo + d], k[ko + d], s); }
  return s * p.scale;
}

fn store_out(o: u32, n: u32, x: vec4<f32>) {
  out[o] = x.x;
  if (n > 1u) { out[o + 1u] = x.y; }
  if (n > 2u) { out[o + 2u] = x.z; }
  if (n > 3u) { out[o + 3u] = x.w; }
}

@compute @workgroup_size(WG)
fn attention_forward(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  if (wid.x + wid.y * nwg.x >= p.B * p.H * p.T) { return; } // uniform: the whole workgroup leaves
  let row = row_of(wid, nwg);
  let ks = p.Hkv * p.D; // stride between consecutive keys
  var mx = -0x1.fffffep+127f; // most negative finite f32
  for (var s = lid; s <= row.t; s += WG) {
    let sc = score(row.qo, row.kvo + s * ks);
    att[row.ao + s] = sc;
    mx = max(mx, sc);
  }
  mx = reduce_max(lid, mx);
  var sum = 0.0;
  for (var s = lid; s <= row.t; s += WG) {
    let e = exp(att[row.ao + s] - mx);
    att[row.ao + s] = e;
    sum += e;
  }
  sum = reduce_sum(lid, sum);
  for (var s = lid; s < p.T; s += WG) {
    if (s <= row.t) { att[row.ao + s] = att[row.ao + s] / sum; } else { att[row.ao + s] = 0.0; }
  }
  storageBarrier(); // the output sum reads probabilities other threads wrote
  for (var q0 = 0u; q0 < (p.D + 3u) / 4u; q0 += WG) {
    let sp = split_of(lid, q0);
    let c = lanes(sp.d, p.D - sp.d);
    var acc = vec4<f32>(0.0);
    if (sp.sl < sp.slices) {
      for (var s = sp.sl; s <= row.t; s += sp.slices) { acc = fma(vec4<f32>(att[row.ao + s]), ld_v(row.kvo + s * ks, c), acc); }
    }
    let tot = sum_slices(lid, sp, acc);
    if (lid < sp.nb) { store_out(row.qo + sp.d, p.D - sp.d, tot); }
  }
}

@compute @workgroup_size(WG)
fn attention_forward_only(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  if (wid.x + wid.y * nwg.x >= p.B * p.H * p.T) { return; }
  let row = row_of(wid, nwg);
  let ks = p.Hkv * p.D;
  // Column blocks of 4·WG (one block unless D > 4·WG); a further block recomputes the scores.
  for (var q0 = 0u; q0 < (p.D + 3u) / 4u; q0 += WG) {
    let sp = split_of(lid, q0);
    let c = lanes(sp.d, p.D - sp.d);
    var acc = vec4<f32>(0.0);
    var m = -0x1.fffffep+127f;
    var l = 0.0;
    for (var c0 = 0u; c0 <= row.t; c0 += WG) {
      let s = c0 + lid;
      var sc = -0x1.fffffep+127f;
      if (s <= row.t) { sc = score(row.qo, row.kvo + s * ks); }
      let m2 = max(m, reduce_max(lid, sc));
      var e = 0.0;
      if (s <= row.t) { e = exp(sc - m2); }
      pk[lid] = e;
      let r = exp(m - m2);
      l = l * r + reduce_sum(lid, e); // its barriers also publish pk
      acc *= r;
      m = m2;
      if (sp.sl < sp.slices) {
        let n = min(WG, row.t + 1u - c0); // real keys in this chunk
        for (var i = sp.sl; i < n; i += sp.slices) { acc = fma(vec4<f32>(pk[i]), ld_v(row.kvo + (c0 + i) * ks, c), acc); }
      }
      workgroupBarrier(); // pk is written again by the next chunk
    }
    let tot = sum_slices(lid, sp, acc);
    if (lid < sp.nb) { store_out(row.qo + sp.d, p.D - sp.d, tot / l); }
  }
}

// ---------------------------------------------------------------- backward: dS and dq

fn ld_dout(o: u32) -> vec4<f32> { return vec4<f32>(b_dout[o], b_dout[o + 1u], b_dout[o + 2u], b_dout[o + 3u]); }
fn ld_bv(o: u32) -> vec4<f32> { return vec4<f32>(b_v[o], b_v[o + 1u], b_v[o + 2u], b_v[o + 3u]); }
fn ld_bk(o: u32, c: vec4<u32>) -> vec4<f32> { return vec4<f32>(b_k[o + c.x], b_k[o + c.y], b_k[o + c.z], b_k[o + c.w]); }

// dP of the query at qo (offset in dout) against the value at vo.
fn dp(qo: u32, vo: u32) -> f32 {
  var a = vec4<f32>(0.0);
  var d = 0u;
  for (; d + 4u <= p.D; d += 4u) { a = fma(ld_dout(qo + d), ld_bv(vo + d), a); }
  var s = hsum(a);
  for (; d < p.D; d++) { s = fma(b_dout[qo + d], b_v[vo + d], s); }
  return s;
}

fn store_dq(o: u32, n: u32, x: vec4<f32>) {
  b_dq[o] = x.x;
  if (n > 1u) { b_dq[o + 1u] = x.y; }
  if (n > 2u) { b_dq[o + 2u] = x.z; }
  if (n > 3u) { b_dq[o + 3u] = x.w; }
}

@compute @workgroup_size(WG)
fn attention_backward(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  if (wid.x + wid.y * nwg.x >= p.B * p.H * p.T) { return; }
  let row = row_of(wid, nwg);
  let ks = p.Hkv * p.D;
  // dP[s] parked in datt, and Σ_s att·dP: each thread's keys in order, then the tree.
  var total = 0.0;
  for (var s = lid; s <= row.t; s += WG) {
    let x = dp(row.qo, row.kvo + s * ks);
    b_datt[row.ao + s] = x;
    total = fma(b_att[row.ao + s], x, total);
  }
  total = reduce_sum(lid, total);
  for (var s = lid; s < p.T; s += WG) {
    let i = row.ao + s;
    if (s <= row.t) { b_datt[i] = b_att[i] * (b_datt[i] - total); } else { b_datt[i] = 0.0; }
  }
  storageBarrier(); // dq reads dS that other threads wrote
  for (var q0 = 0u; q0 < (p.D + 3u) / 4u; q0 += WG) {
    let sp = split_of(lid, q0);
    let c = lanes(sp.d, p.D - sp.d);
    var acc = vec4<f32>(0.0);
    if (sp.sl < sp.slices) {
      for (var s = sp.sl; s <= row.t; s += sp.slices) { acc = fma(vec4<f32>(b_datt[row.ao + s]), ld_bk(row.kvo + s * ks, c), acc); }
    }
    let tot = sum_slices(lid, sp, acc);
    if (lid < sp.nb) { store_dq(row.qo + sp.d, p.D - sp.d, tot * p.scale); }
  }
}

// ---------------------------------------------------------------- backward: dk, dv

fn ld_cq(o: u32, c: vec4<u32>) -> vec4<f32> { return vec4<f32>(c_q[o + c.x], c_q[o + c.y], c_q[o + c.z], c_q[o + c.w]); }
fn ld_cdout(o: u32, c: vec4<u32>) -> vec4<f32> { return vec4<f32>(c_dout[o + c.x], c_dout[o + c.y], c_dout[o + c.z], c_dout[o + c.w]); }

fn store_dkv(o: u32, n: u32, dk: vec4<f32>, dv: vec4<f32>) {
  c_dk[o] = dk.x;
  c_dv[o] = dv.x;
  if (n > 1u) { c_dk[o + 1u] = dk.y; c_dv[o + 1u] = dv.y; }
  if (n > 2u) { c_dk[o + 2u] = dk.z; c_dv[o + 2u] = dv.z; }
  if (n > 3u) { c_dk[o + 3u] = dk.w; c_dv[o + 3u] = dv.w; }
}

@compute @workgroup_size(WG)
fn attention_backward_dkv(
  @builtin(workgroup_id) wid: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  // Workgroup r = (b·T + s)·Hkv + hk, the row of dk / dv it writes.
  let r = wid.x + wid.y * nwg.x;
  if (r >= p.B * p.T * p.Hkv) { return; }
  let hk = r % p.Hkv;
  let s = (r / p.Hkv) % p.T;
  let b = r / (p.Hkv * p.T);
  let G = p.H / p.Hkv;
  let n = (p.T - s) * G; // (t, g) pairs that see key s: t = s + i / G, head hk·G + i % G
  for (var q0 = 0u; q0 < (p.D + 3u) / 4u; q0 += WG) {
    let sp = split_of(lid, q0);
    let c = lanes(sp.d, p.D - sp.d);
    var ak = vec4<f32>(0.0);
    var av = vec4<f32>(0.0);
    if (sp.sl < sp.slices) {
      for (var i = sp.sl; i < n; i += sp.slices) {
        let t = s + i / G;
        let h = hk * G + i % G;
        let a = ((b * p.H + h) * p.T + t) * p.T + s; // (b, h, t, s) in att / datt
        let qo = ((b * p.T + t) * p.H + h) * p.D;
        ak = fma(vec4<f32>(c_datt[a]), ld_cq(qo, c), ak);
        av = fma(vec4<f32>(c_att[a]), ld_cdout(qo, c), av);
      }
    }
    let tk = sum_slices(lid, sp, ak);
    let tv = sum_slices(lid, sp, av);
    if (lid < sp.nb) { store_dkv(r * p.D + sp.d, p.D - sp.d, tk * p.scale, tv); }
  }
}
