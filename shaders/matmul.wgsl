// Matrix multiply for linear layers and their gradients.
//   matmul_forward:          C (M, N) = alpha · A (M, K) · B (N, K)ᵀ      y = x·Wᵀ
//   matmul_backward_input:   C (M, N) = alpha · A (M, K) · B (K, N)       dx = dy·W
//   matmul_backward_weight:  C (M, N) = alpha · A (K, M)ᵀ · B (K, N)      dW = dyᵀ·x
// With p.accumulate = 1 the result is added to C instead of overwriting it.
// The three layouts differ only in strides, which the host passes in the uniform:
// A(m, k) = a[m·sa_m + k·sa_k], B(k, n) = b[k·sb_k + n·sb_n].
// Each thread computes a 4×4 block in four vec4 accumulators (no shared memory, no
// barriers, no dynamically indexed private arrays: SwiftShader's JIT is many times slower
// with those, and small matrices gain little from tiling on real GPUs either). Rows and
// columns past the edge are clamped on load and skipped on store, so any shape works.
// Each output element sums over k in order, so results are deterministic.
// The workgroup size comes from override constants without defaults: kernels/matmul.ts
// sets them and derives the dispatch grid (4·WG_X columns by 4·WG_Y rows per group) from
// the same object.

override WG_X: u32;
override WG_Y: u32;

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

fn matmul(gid: vec3<u32>) {
  let r0 = gid.y * 4u;
  let c0 = gid.x * 4u;
  if (r0 >= p.M || c0 >= p.N) { return; }
  let a0 = r0 * p.sa_m;
  let a1 = min(r0 + 1u, p.M - 1u) * p.sa_m;
  let a2 = min(r0 + 2u, p.M - 1u) * p.sa_m;
  let a3 = min(r0 + 3u, p.M - 1u) * p.sa_m;
  let b0 = c0 * p.sb_n;
  let b1 = min(c0 + 1u, p.N - 1u) * p.sb_n;
  let b2 = min(c0 + 2u, p.N - 1u) * p.sb_n;
  let b3 = min(c0 + 3u, p.N - 1u) * p.sb_n;
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  var ka = 0u;
  var kb = 0u;
  for (var k = 0u; k < p.K; k++) {
    let bv = vec4<f32>(b[b0 + kb], b[b1 + kb], b[b2 + kb], b[b3 + kb]);
    acc0 = fma(vec4<f32>(a[a0 + ka]), bv, acc0);
    acc1 = fma(vec4<f32>(a[a1 + ka]), bv, acc1);
    acc2 = fma(vec4<f32>(a[a2 + ka]), bv, acc2);
    acc3 = fma(vec4<f32>(a[a3 + ka]), bv, acc3);
    ka += p.sa_k;
    kb += p.sb_k;
  }
  store4(r0, c0, acc0);
  store4(r0 + 1u, c0, acc1);
  store4(r0 + 2u, c0, acc2);
  store4(r0 + 3u, c0, acc3);
}

@compute @workgroup_size(WG_X, WG_Y)
fn matmul_forward(@builtin(global_invocation_id) gid: vec3<u32>) {
  matmul(gid);
}

@compute @workgroup_size(WG_X, WG_Y)
fn matmul_backward_input(@builtin(global_invocation_id) gid: vec3<u32>) {
  matmul(gid);
}

@compute @workgroup_size(WG_X, WG_Y)
fn matmul_backward_weight(@builtin(global_invocation_id) gid: vec3<u32>) {
  matmul(gid);
}
