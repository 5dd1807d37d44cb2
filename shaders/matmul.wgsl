// Tiled matrix multiply for linear layers and their gradients.
//   matmul_forward:          C (M, N) = alpha · A (M, K) · B (N, K)ᵀ      y = x·Wᵀ
//   matmul_backward_input:   C (M, N) = alpha · A (M, K) · B (K, N)       dx = dy·W
//   matmul_backward_weight:  C (M, N) = alpha · A (K, M)ᵀ · B (K, N)      dW = dyᵀ·x
// With p.accumulate = 1 the result is added to C instead of overwriting it.
// A 64×64 output tile per workgroup of 16×16 threads, 4×4 outputs per thread, K in steps of 16.
// Loads outside the matrix read zero and stores outside are skipped, so any shape works.

struct Params {
  M: u32,
  N: u32,
  K: u32,
  accumulate: u32,
  alpha: f32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

const BM = 64u;
const BN = 64u;
const BK = 16u;
const TM = 4u;
const TN = 4u;

var<workgroup> tile_a: array<f32, 1024>; // (BK, BM)
var<workgroup> tile_b: array<f32, 1024>; // (BK, BN)

fn load_a(m: u32, k: u32, trans_a: bool) -> f32 {
  if (m >= p.M || k >= p.K) { return 0.0; }
  if (trans_a) { return a[k * p.M + m]; }
  return a[m * p.K + k];
}

fn load_b(k: u32, n: u32, trans_b: bool) -> f32 {
  if (k >= p.K || n >= p.N) { return 0.0; }
  if (trans_b) { return b[n * p.K + k]; }
  return b[k * p.N + n];
}

fn matmul(wg: vec3<u32>, lid: vec3<u32>, trans_a: bool, trans_b: bool) {
  let row0 = wg.y * BM;
  let col0 = wg.x * BN;
  let tid = lid.y * 16u + lid.x;
  var acc: array<f32, 16>;
  for (var k0 = 0u; k0 < p.K; k0 += BK) {
    for (var i = 0u; i < 4u; i++) {
      let e = tid + i * 256u;
      // Transposed operands are contiguous along m / n; plain ones along k.
      var kk: u32;
      var mm: u32;
      if (trans_a) { kk = e / BM; mm = e % BM; } else { kk = e % BK; mm = e / BK; }
      tile_a[kk * BM + mm] = load_a(row0 + mm, k0 + kk, trans_a);
      var kb: u32;
      var nn: u32;
      if (trans_b) { kb = e % BK; nn = e / BK; } else { kb = e / BN; nn = e % BN; }
      tile_b[kb * BN + nn] = load_b(k0 + kb, col0 + nn, trans_b);
    }
    workgroupBarrier();
    for (var kk = 0u; kk < BK; kk++) {
      var av: array<f32, 4>;
      var bv: array<f32, 4>;
      for (var i = 0u; i < TM; i++) { av[i] = tile_a[kk * BM + lid.y * TM + i]; }
      for (var j = 0u; j < TN; j++) { bv[j] = tile_b[kk * BN + lid.x * TN + j]; }
      for (var i = 0u; i < TM; i++) {
        for (var j = 0u; j < TN; j++) {
          acc[i * TN + j] = fma(av[i], bv[j], acc[i * TN + j]);
        }
      }
    }
    workgroupBarrier();
  }
  for (var i = 0u; i < TM; i++) {
    let r = row0 + lid.y * TM + i;
    if (r >= p.M) { continue; }
    for (var j = 0u; j < TN; j++) {
      let col = col0 + lid.x * TN + j;
      if (col >= p.N) { continue; }
      let idx = r * p.N + col;
      let v = p.alpha * acc[i * TN + j];
      if (p.accumulate != 0u) { c[idx] = c[idx] + v; } else { c[idx] = v; }
    }
  }
}

@compute @workgroup_size(16, 16)
fn matmul_forward(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  matmul(wg, lid, false, true);
}

@compute @workgroup_size(16, 16)
fn matmul_backward_input(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  matmul(wg, lid, false, false);
}

@compute @workgroup_size(16, 16)
fn matmul_backward_weight(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  matmul(wg, lid, true, false);
}
