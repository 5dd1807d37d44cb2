// Global gradient norm and clipping factor over one flat gradient buffer, in two passes
// with a fixed summation order (no atomics), so the result is bit-identical run to run.
//   reduce_partials:  partials[w] = Σ g² over chunk w of WG·ITEMS elements
//   reduce_finish:    stats = [norm, scale, bad, 0] from the partials (one workgroup)
// Each thread first adds ITEMS strided values, then the workgroup sums in a binary tree, so
// the rounding error grows with log2 of the length rather than with the length.
// A non-finite gradient must flag a bad step even though WGSL lets the compiler assume
// floats are finite, so finiteness is tested on the bit patterns of loaded values, and a
// bad chunk publishes a canonical NaN pattern that the finish pass tests the same way.

struct Params {
  n: u32,        // gradient elements (reduce_partials)
  P: u32,        // partial sums (reduce_finish)
  maxNorm: f32,  // clipping threshold; <= 0 turns clipping off
  _pad0: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
// Each entry point binds its own two tensors at 1 and 2 (reduce.ts passes them in order).
// The partials are written as bits so a bad chunk can store a NaN pattern (a NaN is not a
// valid f32 constant in WGSL) and read back as f32.
@group(0) @binding(1) var<storage, read> grads: array<f32>;              // (n)      reduce_partials
@group(0) @binding(2) var<storage, read_write> partials_out: array<u32>; // (P) f32  reduce_partials
@group(0) @binding(1) var<storage, read> partials: array<f32>;           // (P)      reduce_finish
@group(0) @binding(2) var<storage, read_write> stats: array<f32>;        // (4)      reduce_finish

// Sizes are overrides set by the host (kernels/reduce.ts), which sizes `partials` from the
// same values: WG threads per workgroup (a power of two, for the tree), ITEMS values per thread.
override WG: u32;
override ITEMS: u32;
const NAN_BITS = 0x7fc00000u;

var<workgroup> sums: array<f32, WG>;
var<workgroup> bad: array<u32, WG>;

fn not_finite(x: f32) -> u32 {
  return select(0u, 1u, (bitcast<u32>(x) & 0x7f800000u) == 0x7f800000u);
}

// Tree sum of sums[] and OR of bad[] into index 0, always in the same order.
fn tree_reduce(t: u32) {
  for (var stride = WG / 2u; stride > 0u; stride = stride / 2u) {
    workgroupBarrier();
    if (t < stride) {
      sums[t] = sums[t] + sums[t + stride];
      bad[t] = bad[t] | bad[t + stride];
    }
  }
  workgroupBarrier();
}

@compute @workgroup_size(WG)
fn reduce_partials(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) t: u32,
) {
  // Linear workgroup index of a grid1d launch (folded into y past 65535 groups).
  let w = wg.x + wg.y * nwg.x;
  let base = w * WG * ITEMS; // each partial sums a chunk of WG · ITEMS elements
  var acc = 0.0;
  var flag = 0u;
  for (var k = 0u; k < ITEMS; k++) {
    let i = base + k * WG + t;
    if (i < p.n) {
      let g = grads[i];
      flag = flag | not_finite(g);
      acc = fma(g, g, acc);
    }
  }
  sums[t] = acc;
  bad[t] = flag;
  tree_reduce(t);
  if (t == 0u && w < p.P) {
    // Finite values can still overflow when squared and summed.
    let s = sums[0];
    let b = bad[0] | not_finite(s);
    partials_out[w] = select(bitcast<u32>(s), NAN_BITS, b != 0u);
  }
}

@compute @workgroup_size(WG)
fn reduce_finish(@builtin(local_invocation_index) t: u32) {
  var acc = 0.0;
  var flag = 0u;
  for (var i = t; i < p.P; i += WG) {
    let s = partials[i];
    flag = flag | not_finite(s);
    acc = acc + s;
  }
  sums[t] = acc;
  bad[t] = flag;
  tree_reduce(t);
  if (t == 0u) {
    let norm = sqrt(sums[0]);
    let b = bad[0] | not_finite(sums[0]) | not_finite(norm);
    var scale = 1.0;
    if (p.maxNorm > 0.0) { scale = min(1.0, p.maxNorm / (norm + 1e-6)); }
    stats[0] = norm;
    stats[1] = select(scale, 0.0, b != 0u);
    stats[2] = f32(b);
    stats[3] = 0.0;
  }
}
