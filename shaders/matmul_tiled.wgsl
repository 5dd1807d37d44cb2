// Workgroup-tiled matrix multiply for real GPUs: the same three forms, uniform and bindings
// as matmul.wgsl (the host packs one Params for both variants).
//   matmul_forward:          C (M, N) = alpha · A (M, K) · B (N, K)ᵀ      y = x·Wᵀ
//   matmul_backward_input:   C (M, N) = alpha · A (M, K) · B (K, N)       dx = dy·W
//   matmul_backward_weight:  C (M, N) = alpha · A (K, M)ᵀ · B (K, N)      dW = dyᵀ·x
// A workgroup of WG_X × WG_Y threads owns a (4·WG_Y) × (4·WG_X) output tile and walks K in
// slices of TILE_K, staging each slice of A and B through workgroup memory so every global
// element is read once per workgroup instead of once per thread. Tiles are stored as vec4
// along M (A) and N (B), so each thread reads its four rows and four columns with two
// vector loads per k. Global loads are arranged so neighbouring threads read neighbouring
// addresses: along k when that is the contiguous axis (stride 1 in the uniform), along m or
// n otherwise. Out-of-range rows, columns and k are loaded as zero and never stored, so any
// M, N, K works.
// Each output still sums over k in increasing order with the same fma as matmul.wgsl, so
// both variants give bitwise-identical results and the choice between them is invisible.
// Sizes are override constants without defaults: kernels/matmul.ts sets them and derives
// the dispatch grid from the same object.

override WG_X: u32;
override WG_Y: u32;
override TILE_K: u32;

struct Params {
  M: u32,
  N: u32,
  K: u32,
  accumulate: u32,
  alpha: f32,
  sa_m: u32,
  sa_k: u32,
  sb_k: u32,
  sb_n: u32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

// (TILE_K, 4·WG_Y) and (TILE_K, 4·WG_X), as vec4 along the output axis.
var<workgroup> As: array<vec4<f32>, TILE_K * WG_Y>;
var<workgroup> Bs: array<vec4<f32>, TILE_K * WG_X>;

fn load_a(m: u32, k: u32) -> f32 {
  if (m >= p.M || k >= p.K) { return 0.0; }
  return a[m * p.sa_m + k * p.sa_k];
}

fn load_b(k: u32, n: u32) -> f32 {
  if (n >= p.N || k >= p.K) { return 0.0; }
  return b[k * p.sb_k + n * p.sb_n];
}

/** Stages A's slice [m0, m0 + 4·WG_Y) × [k0, k0 + TILE_K) into As. */
fn stage_a(t: u32, m0: u32, k0: u32) {
  let count = TILE_K * WG_Y;
  for (var i = t; i < count; i += WG_X * WG_Y) {
    var kk: u32;
    var mq: u32;
    if (p.sa_k == 1u) { kk = i % TILE_K; mq = i / TILE_K; } else { kk = i / WG_Y; mq = i % WG_Y; }
    let m = m0 + mq * 4u;
    let k = k0 + kk;
    As[kk * WG_Y + mq] = vec4<f32>(load_a(m, k), load_a(m + 1u, k), load_a(m + 2u, k), load_a(m + 3u, k));
  }
}

/** Stages B's slice [k0, k0 + TILE_K) × [n0, n0 + 4·WG_X) into Bs. */
fn stage_b(t: u32, n0: u32, k0: u32) {
  let count = TILE_K * WG_X;
  for (var i = t; i < count; i += WG_X * WG_Y) {
    var kk: u32;
    var nq: u32;
    if (p.sb_k == 1u) { kk = i % TILE_K; nq = i / TILE_K; } else { kk = i / WG_X; nq = i % WG_X; }
    let n = n0 + nq * 4u;
    let k = k0 + kk;
    Bs[kk * WG_X + nq] = vec4<f32>(load_b(k, n), load_b(k, n + 1u), load_b(k, n + 2u), load_b(k, n + 3u));
  }
}

fn store4(r: u32, col: u32, v: vec4<f32>) {
  if (r >= p.M) { return; }
  let base = r * p.N + col;
  let s = p.alpha * v;
  let acc = p.accumulate != 0u;
  if (col < p.N) { if (acc) { c[base] += s.x; } else { c[base] = s.x; } }
  if (col + 1u < p.N) { if (acc) { c[base + 1u] += s.y; } else { c[base + 1u] = s.y; } }
  if (col + 2u < p.N) { if (acc) { c[base + 2u] += s.z; } else { c[base + 2u] = s.z; } }
  if (col + 3u < p.N) { if (acc) { c[base + 3u] += s.w; } else { c[base + 3u] = s.w; } }
}

fn matmul(lid: vec3<u32>, wid: vec3<u32>) {
  let t = lid.y * WG_X + lid.x;
  let m0 = wid.y * WG_Y * 4u;
  let n0 = wid.x * WG_X * 4u;
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  // Every thread, in range or not, runs the same loop so the barriers stay uniform.
  for (var k0 = 0u; k0 < p.K; k0 += TILE_K) {
    stage_a(t, m0, k0);
    stage_b(t, n0, k0);
    workgroupBarrier();
    let kn = min(TILE_K, p.K - k0);
    for (var kk = 0u; kk < kn; kk++) {
      let av = As[kk * WG_Y + lid.y];
      let bv = Bs[kk * WG_X + lid.x];
      acc0 = fma(vec4<f32>(av.x), bv, acc0);
      acc1 = fma(vec4<f32>(av.y), bv, acc1);
      acc2 = fma(vec4<f32>(av.z), bv, acc2);
      acc3 = fma(vec4<f32>(av.w), bv, acc3);
    }
    workgroupBarrier();
  }
  let r0 = m0 + lid.y * 4u;
  let c0 = n0 + lid.x * 4u;
  if (c0 >= p.N) { return; }
  store4(r0, c0, acc0);
  store4(r0 + 1u, c0, acc1);
  store4(r0 + 2u, c0, acc2);
  store4(r0 + 3u, c0, acc3);
}

@compute @workgroup_size(WG_X, WG_Y)
fn matmul_forward(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  matmul(lid, wid);
}

@compute @workgroup_size(WG_X, WG_Y)
fn matmul_backward_input(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  matmul(lid, wid);
}

@compute @workgroup_size(WG_X, WG_Y)
fn matmul_backward_weight(@builtin(local_invocation_id) lid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  matmul(lid, wid);
}
