// Adapted weights merged for one training step, for every adapted projection of the model at
// once:  M_j (out_j, in_j) = W_j + scale · B_j (out_j, R) · A_j (R, in_j)   for j < P.
// With the adapter folded into the weight, the step's big matmuls read M_j instead of
// carrying the low-rank terms (lora_fused.wgsl); it is recomputed every step from W, A, B.
// Problem j's sizes and element offsets are row j of `table` (8 u32: out, in, w, a, b, m, 0, 0):
// W_j starts at w[w], A_j at ab[a], B_j at ab[b] (the adapters' buffer), M_j at m[m].
// Workgroup row j (workgroup_id.y) serves problem j, a 4×4 block of outputs per thread (on a
// CPU emulator fewer, fatter threads with reused loads pay off); each sums over k in order.

override WG: u32;

struct Params {
  P: u32,
  R: u32,
  scale: f32,
  _pad0: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> table: array<u32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> ab: array<f32>;
@group(0) @binding(4) var<storage, read_write> m: array<f32>;

@compute @workgroup_size(WG)
fn lora_merge_forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(workgroup_id) wid: vec3<u32>) {
  let j = wid.y;
  if (j >= p.P) {
    return;
  }
  let row = j * 8u;
  let n_out = table[row];
  let n_in = table[row + 1u];
  let tiles_x = (n_in + 3u) / 4u;
  let ty = gid.x / tiles_x;
  let o0 = ty * 4u;
  if (o0 >= n_out) {
    return;
  }
  let i0 = (gid.x - ty * tiles_x) * 4u;
  let a_off = table[row + 3u];
  let b_off = table[row + 4u];
  // Rows and columns past the edge are clamped on load and skipped on store.
  let ob = vec4<u32>(min(o0, n_out - 1u), min(o0 + 1u, n_out - 1u), min(o0 + 2u, n_out - 1u), min(o0 + 3u, n_out - 1u)) * p.R + b_off;
  let ia = vec4<u32>(min(i0, n_in - 1u), min(i0 + 1u, n_in - 1u), min(i0 + 2u, n_in - 1u), min(i0 + 3u, n_in - 1u)) + a_off;
  var acc: array<vec4<f32>, 4>;
  for (var k = 0u; k < p.R; k++) {
    let a = vec4<f32>(ab[ia.x + k * n_in], ab[ia.y + k * n_in], ab[ia.z + k * n_in], ab[ia.w + k * n_in]);
    acc[0] += ab[ob.x + k] * a;
    acc[1] += ab[ob.y + k] * a;
    acc[2] += ab[ob.z + k] * a;
    acc[3] += ab[ob.w + k] * a;
  }
  let w_off = table[row + 2u];
  let m_off = table[row + 5u];
  for (var r = 0u; r < 4u; r++) {
    let o = o0 + r;
    if (o >= n_out) {
      return;
    }
    for (var c = 0u; c < 4u; c++) {
      let i = i0 + c;
      if (i < n_in) {
        let e = o * n_in + i;
        m[m_off + e] = w[w_off + e] + p.scale * acc[r][c];
      }
    }
  }
}
