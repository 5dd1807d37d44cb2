// The skinny matmuls of LoRA adapters, where one side of the output is the rank r (x·Aᵀ,
// dy·B, dyᵀ·u, xᵀ·du), for up to three adapters that share an input in one dispatch:
//   C_j (M, R) (+)= alpha · A (M, K) · B_j (K, R)      j < G
// C's columns are G segments of R; segment j's B and C start at per-segment offsets, so
// the adapters can stay where the parameter layout puts them (A_q, A_k, A_v are not
// adjacent). Addresses: A(m, k) = a[m·sa_m + k·sa_k], B_j(k, i) = b[b_j + k·sb_k + i·sb_n],
// C_j(m, i) = c[c_j + m·sc_m + i·sc_n].
// Threads are numbered linearly over (row block, column block), 4×4 outputs each: with
// matmul.wgsl's 8×8 grid an r = 8 output kept only a quarter of the threads busy. Columns
// past the edge are clamped on load and skipped on store; each output sums over k in order.

override WG: u32;

struct Params {
  M: u32,
  K: u32,
  G: u32,
  R: u32,
  sa_m: u32,
  sa_k: u32,
  sb_k: u32,
  sb_n: u32,
  sc_m: u32,
  sc_n: u32,
  accumulate: u32,
  alpha: f32,
  b0: u32,
  b1: u32,
  b2: u32,
  c0: u32,
  c1: u32,
  c2: u32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> c: array<f32>;

fn seg(j: u32, o0: u32, o1: u32, o2: u32) -> u32 {
  return select(select(o0, o1, j == 1u), o2, j == 2u);
}

// Where column n of C (segment n / R, column n % R of it) starts in b (.x) and in c (.y).
fn col_start(n: u32) -> vec2<u32> {
  let j = n / p.R;
  let i = n - j * p.R;
  return vec2<u32>(seg(j, p.b0, p.b1, p.b2) + i * p.sb_n, seg(j, p.c0, p.c1, p.c2) + i * p.sc_n);
}

fn put(i: u32, v: f32) {
  if (p.accumulate != 0u) { c[i] += p.alpha * v; } else { c[i] = p.alpha * v; }
}

fn store_row(r: u32, n0: u32, cs: array<u32, 4>, v: vec4<f32>) {
  if (r >= p.M) { return; }
  let cols = p.G * p.R;
  let off = r * p.sc_m;
  put(cs[0] + off, v.x);
  if (n0 + 1u < cols) { put(cs[1] + off, v.y); }
  if (n0 + 2u < cols) { put(cs[2] + off, v.z); }
  if (n0 + 3u < cols) { put(cs[3] + off, v.w); }
}

@compute @workgroup_size(WG)
fn lora_matmul(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let g = gid.x + gid.y * nwg.x * WG;
  let cols = p.G * p.R;
  let nCB = (cols + 3u) / 4u;
  let rb = g / nCB;
  let n0 = (g - rb * nCB) * 4u;
  let r0 = rb * 4u;
  if (r0 >= p.M) { return; }
  let last = cols - 1u;
  let q0 = col_start(n0);
  let q1 = col_start(min(n0 + 1u, last));
  let q2 = col_start(min(n0 + 2u, last));
  let q3 = col_start(min(n0 + 3u, last));
  let a0 = r0 * p.sa_m;
  let a1 = min(r0 + 1u, p.M - 1u) * p.sa_m;
  let a2 = min(r0 + 2u, p.M - 1u) * p.sa_m;
  let a3 = min(r0 + 3u, p.M - 1u) * p.sa_m;
  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);
  var ka = 0u;
  var kb = 0u;
  for (var k = 0u; k < p.K; k++) {
    let bv = vec4<f32>(b[q0.x + kb], b[q1.x + kb], b[q2.x + kb], b[q3.x + kb]);
    acc0 = fma(vec4<f32>(a[a0 + ka]), bv, acc0);
    acc1 = fma(vec4<f32>(a[a1 + ka]), bv, acc1);
    acc2 = fma(vec4<f32>(a[a2 + ka]), bv, acc2);
    acc3 = fma(vec4<f32>(a[a3 + ka]), bv, acc3);
    ka += p.sa_k;
    kb += p.sb_k;
  }
  let cs = array<u32, 4>(q0.y, q1.y, q2.y, q3.y);
  store_row(r0, n0, cs, acc0);
  store_row(r0 + 1u, n0, cs, acc1);
  store_row(r0 + 2u, n0, cs, acc2);
  store_row(r0 + 3u, n0, cs, acc3);
}
