// RMSNorm over the last dimension of x (N, C) with a weight w (C):
//   rmsnorm_forward:  rstd = 1/sqrt(mean(x²) + eps),  out = x · rstd · w   (rstd kept for backward)
//   rmsnorm_backward: dx (+)= rstd·dout·w − rstd³·x·(Σ_c dout·w·x)/C          (one workgroup per row)
//   rmsnorm_backward_dw_partial: partial[k, c] = Σ_{n in rows [k·RB, k·RB + RB)} dout·x·rstd
//   rmsnorm_backward_dw_reduce:  dw[c] = Σ_k partial[k, c]
// Every sum runs in a fixed order (strided per-thread sums, then a fixed tree in workgroup
// memory; dw by row chunks, then chunks in order), so reruns are bit-identical.

struct Params {
  N: u32,
  C: u32,
  eps: f32,
  accumulate: u32, // backward: 1 adds the input gradient to dx (the residual gradient already there)
  chunks: u32, // dw: number of row chunks, ceil(N / RB)
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> p: Params;

const WGR = 128u; // threads per row (workgroup size of the row kernels)
const WG = 256u; // workgroup size of the 1-D dw kernels
const RB = 32u; // rows per dw chunk

var<workgroup> red: array<f32, 128>; // (WGR)

// Sum of one value per thread over the workgroup, in a fixed tree order. Must be called
// from uniform control flow (it has barriers).
fn workgroup_sum(lid: u32, v: f32) -> f32 {
  red[lid] = v;
  workgroupBarrier();
  for (var s = WGR / 2u; s > 0u; s >>= 1u) {
    if (lid < s) { red[lid] += red[lid + s]; }
    workgroupBarrier();
  }
  let total = red[0];
  workgroupBarrier(); // everyone has read red[0] before red is written again
  return total;
}

// Row of a row kernel: one workgroup per row, folded like grid1d past 65535 rows.
fn row_index(wg: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return wg.x + wg.y * nwg.x;
}

fn flat_index(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}

// ---------------------------------------------------------------- forward

@group(0) @binding(1) var<storage, read> f_x: array<f32>; // (N, C)
@group(0) @binding(2) var<storage, read> f_w: array<f32>; // (C)
@group(0) @binding(3) var<storage, read_write> f_out: array<f32>; // (N, C)
@group(0) @binding(4) var<storage, read_write> f_rstd: array<f32>; // (N)

@compute @workgroup_size(128)
fn rmsnorm_forward(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let row = row_index(wg, nwg);
  if (row >= p.N) { return; } // uniform across the workgroup
  let base = row * p.C;
  var ss = 0.0;
  for (var c = lid; c < p.C; c += WGR) {
    let v = f_x[base + c];
    ss += v * v;
  }
  let r = inverseSqrt(workgroup_sum(lid, ss) / f32(p.C) + p.eps);
  if (lid == 0u) { f_rstd[row] = r; }
  for (var c = lid; c < p.C; c += WGR) {
    f_out[base + c] = f_x[base + c] * r * f_w[c];
  }
}

// ---------------------------------------------------------------- backward: dx

@group(0) @binding(1) var<storage, read> b_dout: array<f32>; // (N, C)
@group(0) @binding(2) var<storage, read> b_x: array<f32>; // (N, C)
@group(0) @binding(3) var<storage, read> b_w: array<f32>; // (C)
@group(0) @binding(4) var<storage, read> b_rstd: array<f32>; // (N)
@group(0) @binding(5) var<storage, read_write> b_dx: array<f32>; // (N, C)

@compute @workgroup_size(128)
fn rmsnorm_backward(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let row = row_index(wg, nwg);
  if (row >= p.N) { return; } // uniform across the workgroup
  let base = row * p.C;
  var dot = 0.0;
  for (var c = lid; c < p.C; c += WGR) {
    dot += b_dout[base + c] * b_w[c] * b_x[base + c];
  }
  let r = b_rstd[row];
  let k = r * r * r * workgroup_sum(lid, dot) / f32(p.C);
  for (var c = lid; c < p.C; c += WGR) {
    let i = base + c;
    let g = r * b_dout[i] * b_w[c] - k * b_x[i];
    if (p.accumulate != 0u) { b_dx[i] = b_dx[i] + g; } else { b_dx[i] = g; }
  }
}

// ---------------------------------------------------------------- backward: dw

@group(0) @binding(1) var<storage, read> p_dout: array<f32>; // (N, C)
@group(0) @binding(2) var<storage, read> p_x: array<f32>; // (N, C)
@group(0) @binding(3) var<storage, read> p_rstd: array<f32>; // (N)
@group(0) @binding(4) var<storage, read_write> p_partial: array<f32>; // (chunks, C)

// One thread per (chunk, column); neighbouring threads read neighbouring columns.
@compute @workgroup_size(256)
fn rmsnorm_backward_dw_partial(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat_index(gid, nwg);
  if (i >= p.chunks * p.C) { return; }
  let k = i / p.C;
  let c = i % p.C;
  let n1 = min(p.N, (k + 1u) * RB);
  var acc = 0.0;
  for (var n = k * RB; n < n1; n++) {
    acc += p_dout[n * p.C + c] * p_x[n * p.C + c] * p_rstd[n];
  }
  p_partial[i] = acc;
}

@group(0) @binding(1) var<storage, read> r_partial: array<f32>; // (chunks, C)
@group(0) @binding(2) var<storage, read_write> r_dw: array<f32>; // (C)

@compute @workgroup_size(256)
fn rmsnorm_backward_dw_reduce(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let c = flat_index(gid, nwg);
  if (c >= p.C) { return; }
  var acc = 0.0;
  for (var k = 0u; k < p.chunks; k++) {
    acc += r_partial[k * p.C + c];
  }
  r_dw[c] = acc;
}
