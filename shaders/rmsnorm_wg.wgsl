// RMSNorm's row kernels, 'workgroup' variant (kernels/rmsnorm.ts chooses between this and
// rmsnorm.wgsl): one workgroup per row of x (N, C), written for real GPUs, where one thread per
// row leaves most of the device idle at N of a few hundred and walks each row serially.
//   rmsnorm_forward:      rstd = 1/sqrt(mean(x²) + eps), out = x · rstd · w   (rstd kept for backward)
//   rmsnorm_forward_only: the same out, no rstd (evaluation)
//   rmsnorm_backward:     dx (+)= rstd·dout·w − rstd³·x·(Σ_c dout·w·x)/C
// The weight gradient (a column sum over rows) stays in rmsnorm.wgsl for both variants.
// Same uniform struct, binding numbers and variable names as rmsnorm.wgsl, so the host packs
// both from one description (RMSNORM_PARAMS / RMSNORM_BINDINGS).
// Threads take groups of four adjacent columns (4·tid, 4·tid + 4·WG, ...) up to the last multiple
// of 4, then the tail columns one each; the bindings stay array<f32> so one contract covers every
// C, and four adjacent loads are what a driver can fuse into one vector load when C % 4 == 0.
// Each thread's partial sum is combined by a tree in workgroup memory whose pairing depends only
// on WG, so reruns are bit-identical (WG must be a power of two; the host checks it).

struct Params {
  N: u32,
  C: u32,
  eps: f32,
  accumulate: u32, // backward: 1 adds the input gradient to dx (the residual gradient already there)
}

@group(0) @binding(0) var<uniform> p: Params;

// Threads per workgroup (one workgroup per row): an override set by the host (kernels/rmsnorm.ts).
override WG: u32;

var<workgroup> red: array<f32, WG>;

// Row of this workgroup; grids past 65535 rows are folded in two dimensions (grid1d(N, 1)).
fn row_index(wid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return wid.x + wid.y * nwg.x;
}

fn hsum(s: vec4<f32>) -> f32 {
  return (s.x + s.y) + (s.z + s.w);
}

// Sum of every thread's v, the same value returned to all threads. The trailing barrier lets
// the caller reuse `red` for the next reduction.
fn tree_sum(tid: u32, v: f32) -> f32 {
  red[tid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s / 2u) {
    if (tid < s) { red[tid] = red[tid] + red[tid + s]; }
    workgroupBarrier();
  }
  let total = red[0];
  workgroupBarrier();
  return total;
}

// ---------------------------------------------------------------- forward

@group(0) @binding(1) var<storage, read> f_x: array<f32>; // (N, C)
@group(0) @binding(2) var<storage, read> f_w: array<f32>; // (C)
@group(0) @binding(3) var<storage, read_write> f_out: array<f32>; // (N, C)
@group(0) @binding(4) var<storage, read_write> f_rstd: array<f32>; // (N)

// 1 / rms of the row at `base`; shared by both forward entry points, so their outputs are bit-identical.
fn row_rstd(tid: u32, base: u32) -> f32 {
  let C4 = p.C & ~3u;
  var s = vec4<f32>(0.0);
  for (var c = 4u * tid; c < C4; c += 4u * WG) {
    let i = base + c;
    let v = vec4<f32>(f_x[i], f_x[i + 1u], f_x[i + 2u], f_x[i + 3u]);
    s += v * v;
  }
  var tail = 0.0;
  for (var c = C4 + tid; c < p.C; c += WG) { // at most 3 columns: one pass unless WG < 3
    let v = f_x[base + c];
    tail += v * v;
  }
  return inverseSqrt(tree_sum(tid, hsum(s) + tail) / f32(p.C) + p.eps);
}

// Neighbouring threads write neighbouring columns.
fn write_row(tid: u32, base: u32, r: f32) {
  for (var c = tid; c < p.C; c += WG) {
    f_out[base + c] = f_x[base + c] * r * f_w[c];
  }
}

@compute @workgroup_size(WG)
fn rmsnorm_forward(
  @builtin(local_invocation_index) tid: u32, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
) {
  let row = row_index(wid, nwg);
  if (row >= p.N) { return; } // the whole workgroup: row is uniform
  let r = row_rstd(tid, row * p.C);
  if (tid == 0u) { f_rstd[row] = r; }
  write_row(tid, row * p.C, r);
}

// ---------------------------------------------------------------- forward without rstd

// Evaluation forward: binds f_x, f_w and f_out only (the auto layout holds what the entry point uses).
@compute @workgroup_size(WG)
fn rmsnorm_forward_only(
  @builtin(local_invocation_index) tid: u32, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
) {
  let row = row_index(wid, nwg);
  if (row >= p.N) { return; }
  write_row(tid, row * p.C, row_rstd(tid, row * p.C));
}

// ---------------------------------------------------------------- backward: dx

@group(0) @binding(1) var<storage, read> b_dout: array<f32>; // (N, C)
@group(0) @binding(2) var<storage, read> b_x: array<f32>; // (N, C)
@group(0) @binding(3) var<storage, read> b_w: array<f32>; // (C)
@group(0) @binding(4) var<storage, read> b_rstd: array<f32>; // (N)
@group(0) @binding(5) var<storage, read_write> b_dx: array<f32>; // (N, C)

@compute @workgroup_size(WG)
fn rmsnorm_backward(
  @builtin(local_invocation_index) tid: u32, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
) {
  let row = row_index(wid, nwg);
  if (row >= p.N) { return; }
  let base = row * p.C;
  let C4 = p.C & ~3u;
  var s = vec4<f32>(0.0);
  for (var c = 4u * tid; c < C4; c += 4u * WG) {
    let i = base + c;
    let g = vec4<f32>(b_dout[i], b_dout[i + 1u], b_dout[i + 2u], b_dout[i + 3u]);
    let w = vec4<f32>(b_w[c], b_w[c + 1u], b_w[c + 2u], b_w[c + 3u]);
    let x = vec4<f32>(b_x[i], b_x[i + 1u], b_x[i + 2u], b_x[i + 3u]);
    s += g * w * x;
  }
  var tail = 0.0;
  for (var c = C4 + tid; c < p.C; c += WG) { tail += b_dout[base + c] * b_w[c] * b_x[base + c]; }
  let dot = tree_sum(tid, hsum(s) + tail);
  let r = b_rstd[row];
  let k = r * r * r * dot / f32(p.C);
  let acc = p.accumulate != 0u;
  for (var c = tid; c < p.C; c += WG) {
    let i = base + c;
    let g = r * b_dout[i] * b_w[c] - k * b_x[i];
    if (acc) { b_dx[i] = b_dx[i] + g; } else { b_dx[i] = g; }
  }
}
