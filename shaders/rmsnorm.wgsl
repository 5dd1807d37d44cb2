// RMSNorm over the last dimension of x (N, C) with a weight w (C):
//   rmsnorm_forward:     rstd = 1/sqrt(mean(x²) + eps),  out = x · rstd · w   (rstd kept for backward)
//   rmsnorm_backward:    dx (+)= rstd·dout·w − rstd³·x·(Σ_c dout·w·x)/C      (one thread per row)
//   rmsnorm_backward_dw: dw[c] = Σ_n dout·x·rstd                          (one thread per column)
// No workgroup memory, barriers or dynamically indexed private arrays: SwiftShader (the CPU
// Vulkan the tests and CPU training run on) is many times slower with those, and rows here are
// short (C ≤ a few hundred), so a sequential loop per thread is cheap on real GPUs too.
// Every sum runs in a fixed order, so reruns are bit-identical: row sums in four interleaved
// partial sums (columns c ≡ 0, 1, 2, 3 mod 4) plus the tail, combined as ((s0+s1)+(s2+s3))+tail;
// the column sums of dw in chunks of RB rows added one chunk at a time, which keeps the
// rounding error of a long sum (N in the thousands) near that of RB + N/RB additions.

struct Params {
  N: u32,
  C: u32,
  eps: f32,
  accumulate: u32, // backward: 1 adds the input gradient to dx (the residual gradient already there)
}

@group(0) @binding(0) var<uniform> p: Params;

// Threads per workgroup: an override set by the host (kernels/rmsnorm.ts), which divides its
// dispatch counts by the same value.
override WG: u32;
const RB = 32u; // rows per chunk of the dw column sums

// Linear thread index; grids past 65535 workgroups are folded in two dimensions (grid1d).
fn flat_index(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}

fn hsum(s: vec4<f32>) -> f32 {
  return (s.x + s.y) + (s.z + s.w);
}

// ---------------------------------------------------------------- forward

@group(0) @binding(1) var<storage, read> f_x: array<f32>; // (N, C)
@group(0) @binding(2) var<storage, read> f_w: array<f32>; // (C)
@group(0) @binding(3) var<storage, read_write> f_out: array<f32>; // (N, C)
@group(0) @binding(4) var<storage, read_write> f_rstd: array<f32>; // (N)

// 1 / rms of one row of f_x; shared by both forward entry points, so their outputs are bit-identical.
fn row_rstd(base: u32) -> f32 {
  let C4 = p.C & ~3u;
  var s = vec4<f32>(0.0);
  for (var c = 0u; c < C4; c += 4u) {
    let i = base + c;
    let v = vec4<f32>(f_x[i], f_x[i + 1u], f_x[i + 2u], f_x[i + 3u]);
    s += v * v;
  }
  var tail = 0.0;
  for (var c = C4; c < p.C; c++) {
    let v = f_x[base + c];
    tail += v * v;
  }
  return inverseSqrt((hsum(s) + tail) / f32(p.C) + p.eps);
}

fn write_row(base: u32, r: f32) {
  for (var c = 0u; c < p.C; c++) {
    f_out[base + c] = f_x[base + c] * r * f_w[c];
  }
}

// One thread per row.
@compute @workgroup_size(WG)
fn rmsnorm_forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let row = flat_index(gid, nwg);
  if (row >= p.N) { return; }
  let r = row_rstd(row * p.C);
  f_rstd[row] = r;
  write_row(row * p.C, r);
}

// ---------------------------------------------------------------- forward without rstd

// Evaluation forward (no backward follows): the same values as rmsnorm_forward, rstd not kept.
// It binds f_x, f_w and f_out only (a pipeline's auto layout holds what its entry point uses).
@compute @workgroup_size(WG)
fn rmsnorm_forward_only(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let row = flat_index(gid, nwg);
  if (row >= p.N) { return; }
  write_row(row * p.C, row_rstd(row * p.C));
}

// ---------------------------------------------------------------- backward: dx

@group(0) @binding(1) var<storage, read> b_dout: array<f32>; // (N, C)
@group(0) @binding(2) var<storage, read> b_x: array<f32>; // (N, C)
@group(0) @binding(3) var<storage, read> b_w: array<f32>; // (C)
@group(0) @binding(4) var<storage, read> b_rstd: array<f32>; // (N)
@group(0) @binding(5) var<storage, read_write> b_dx: array<f32>; // (N, C)

// One thread per row.
@compute @workgroup_size(WG)
fn rmsnorm_backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let row = flat_index(gid, nwg);
  if (row >= p.N) { return; }
  let base = row * p.C;
  let C4 = p.C & ~3u;
  var s = vec4<f32>(0.0);
  for (var c = 0u; c < C4; c += 4u) {
    let i = base + c;
    let g = vec4<f32>(b_dout[i], b_dout[i + 1u], b_dout[i + 2u], b_dout[i + 3u]);
    let w = vec4<f32>(b_w[c], b_w[c + 1u], b_w[c + 2u], b_w[c + 3u]);
    let x = vec4<f32>(b_x[i], b_x[i + 1u], b_x[i + 2u], b_x[i + 3u]);
    s += g * w * x;
  }
  var tail = 0.0;
  for (var c = C4; c < p.C; c++) {
    tail += b_dout[base + c] * b_w[c] * b_x[base + c];
  }
  let r = b_rstd[row];
  let k = r * r * r * (hsum(s) + tail) / f32(p.C);
  let acc = p.accumulate != 0u;
  for (var c = 0u; c < p.C; c++) {
    let i = base + c;
    let g = r * b_dout[i] * b_w[c] - k * b_x[i];
    if (acc) { b_dx[i] = b_dx[i] + g; } else { b_dx[i] = g; }
  }
}

// ---------------------------------------------------------------- backward: dw

@group(0) @binding(1) var<storage, read> d_dout: array<f32>; // (N, C)
@group(0) @binding(2) var<storage, read> d_x: array<f32>; // (N, C)
@group(0) @binding(3) var<storage, read> d_rstd: array<f32>; // (N)
@group(0) @binding(4) var<storage, read_write> d_dw: array<f32>; // (C)

// One thread per column; neighbouring threads read neighbouring columns of each row.
@compute @workgroup_size(WG)
fn rmsnorm_backward_dw(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let c = flat_index(gid, nwg);
  if (c >= p.C) { return; }
  var total = 0.0;
  for (var n0 = 0u; n0 < p.N; n0 += RB) {
    let n1 = min(p.N, n0 + RB);
    var chunk = 0.0;
    for (var n = n0; n < n1; n++) {
      let i = n * p.C + c;
      chunk += d_dout[i] * d_x[i] * d_rstd[n];
    }
    total += chunk;
  }
  d_dw[c] = total;
}
