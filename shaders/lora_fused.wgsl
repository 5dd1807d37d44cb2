// A base projection and its adapter's low-rank path in one matmul, concatenated along K:
//   C (M, N) (+)= A1 (M, K1) · B1 (K1, N) + alpha2 · A2 (M, K2) · B2 (K2, N)
//   y = [x, s·u] · [Wᵀ; Bᵀ]   (u = x·Aᵀ from lora_matmul.wgsl)
// so the low-rank term costs r more steps of the k loop instead of a second pass over C.
// Addresses: A1(m, k) = a1[m·sa1_m + k·sa1_k], B1(k, n) = b1[k·sb1_k + n·sb1_n], same for
// A2, B2. The thread layout is matmul.wgsl's (4×4 outputs per thread in vec4 registers, no
// workgroup memory), and each output sums the base terms, then the adapter's, in k order.

// The workgroup shape comes from override constants without defaults: kernels/lora_fused.ts
// sets them and derives the dispatch grid (4·WG_X columns by 4·WG_Y rows per group) from them.
override WG_X: u32;
override WG_Y: u32;

struct Params {
  M: u32,
  N: u32,
  K1: u32,
  K2: u32,
  sa1_m: u32,
  sa1_k: u32,
  sb1_k: u32,
  sb1_n: u32,
  sa2_m: u32,
  sa2_k: u32,
  sb2_k: u32,
  sb2_n: u32,
  accumulate: u32,
  alpha2: f32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a1: array<f32>;
@group(0) @binding(2) var<storage, read> b1: array<f32>;
@group(0) @binding(3) var<storage, read> a2: array<f32>;
@group(0) @binding(4) var<storage, read> b2: array<f32>;
@group(0) @binding(5) var<storage, read_write> c: array<f32>;

fn store4(r: u32, col: u32, v: vec4<f32>) {
  if (r >= p.M) { return; }
  let base = r * p.N + col;
  let acc = p.accumulate != 0u;
  if (col < p.N) { if (acc) { c[base] += v.x; } else { c[base] = v.x; } }
  if (col + 1u < p.N) { if (acc) { c[base + 1u] += v.y; } else { c[base + 1u] = v.y; } }
  if (col + 2u < p.N) { if (acc) { c[base + 2u] += v.z; } else { c[base + 2u] = v.z; } }
  if (col + 3u < p.N) { if (acc) { c[base + 3u] += v.w; } else { c[base + 3u] = v.w; } }
}

@compute @workgroup_size(WG_X, WG_Y)
fn lora_fused_forward(@builtin(global_invocation_id) gid: vec3<u32>) {
  let r0 = gid.y * 4u;
  let c0 = gid.x * 4u;
  if (r0 >= p.M || c0 >= p.N) { return; }
  let r1 = min(r0 + 1u, p.M - 1u);
  let r2 = min(r0 + 2u, p.M - 1u);
  let r3 = min(r0 + 3u, p.M - 1u);
  let n1 = min(c0 + 1u, p.N - 1u);
  let n2 = min(c0 + 2u, p.N - 1u);
  let n3 = min(c0 + 3u, p.N - 1u);
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  // Row and column starts hoisted out of the k loops (SwiftShader's JIT does not hoist them).
  let a0 = r0 * p.sa1_m;
  let a1_ = r1 * p.sa1_m;
  let a2_ = r2 * p.sa1_m;
  let a3 = r3 * p.sa1_m;
  let b0 = c0 * p.sb1_n;
  let b1_ = n1 * p.sb1_n;
  let b2_ = n2 * p.sb1_n;
  let b3 = n3 * p.sb1_n;
  var ka = 0u;
  var kb = 0u;
  for (var k = 0u; k < p.K1; k++) {
    let bv = vec4<f32>(b1[b0 + kb], b1[b1_ + kb], b1[b2_ + kb], b1[b3 + kb]);
    acc0 = fma(vec4<f32>(a1[a0 + ka]), bv, acc0);
    acc1 = fma(vec4<f32>(a1[a1_ + ka]), bv, acc1);
    acc2 = fma(vec4<f32>(a1[a2_ + ka]), bv, acc2);
    acc3 = fma(vec4<f32>(a1[a3 + ka]), bv, acc3);
    ka += p.sa1_k;
    kb += p.sb1_k;
  }
  let e0 = r0 * p.sa2_m;
  let e1 = r1 * p.sa2_m;
  let e2 = r2 * p.sa2_m;
  let e3 = r3 * p.sa2_m;
  let f0 = c0 * p.sb2_n;
  let f1 = n1 * p.sb2_n;
  let f2 = n2 * p.sb2_n;
  let f3 = n3 * p.sb2_n;
  ka = 0u;
  kb = 0u;
  for (var k = 0u; k < p.K2; k++) {
    let bv = p.alpha2 * vec4<f32>(b2[f0 + kb], b2[f1 + kb], b2[f2 + kb], b2[f3 + kb]);
    acc0 = fma(vec4<f32>(a2[e0 + ka]), bv, acc0);
    acc1 = fma(vec4<f32>(a2[e1 + ka]), bv, acc1);
    acc2 = fma(vec4<f32>(a2[e2 + ka]), bv, acc2);
    acc3 = fma(vec4<f32>(a2[e3 + ka]), bv, acc3);
    ka += p.sa2_k;
    kb += p.sb2_k;
  }
  store4(r0, c0, acc0);
  store4(r0 + 1u, c0, acc1);
  store4(r0 + 2u, c0, acc2);
  store4(r0 + 3u, c0, acc3);
}
