// Softmax cross-entropy over the vocabulary; targets are i32, and a target outside [0, V)
// (-1 by convention) marks an ignored row.
//   cross_entropy_forward:  one thread per row: losses[n] = logsumexp(logits[n]) − logits[n, target]
//                           (0 for ignored rows).
//   cross_entropy_stats:    one thread: stats = (mean loss over valid rows or 0, nValid,
//                           sum of losses, 0).
//   cross_entropy_backward: one thread per row: dlogits = (softmax − onehot) / nValid, with
//                           nValid read from stats[1]; zero rows when ignored or nValid = 0.
// No workgroup memory, barriers or dynamically indexed private arrays: SwiftShader (the CPU
// Vulkan the tests and CPU training run on) is many times slower with those, and a row of a
// small vocabulary is cheap to walk in one thread on real GPUs too. A row's max and Σ exp come
// from two sequential passes (no exp per element in the max pass), each in four interleaved
// partial results (columns j ≡ 0, 1, 2, 3 mod 4) plus the tail, combined in a fixed order, so
// results are bit-identical run to run. Threads are numbered gid.x + gid.y · num_workgroups.x · WG
// (grid1d folding).

struct Params {
  N: u32,
  V: u32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> p: Params;

// cross_entropy_forward
@group(0) @binding(1) var<storage, read> logits: array<f32>; // (N, V)
@group(0) @binding(2) var<storage, read> targets: array<i32>; // (N)
@group(0) @binding(3) var<storage, read_write> losses: array<f32>; // (N)

// cross_entropy_stats (the same binding numbers name other tensors in another entry point)
@group(0) @binding(1) var<storage, read> s_targets: array<i32>; // (N)
@group(0) @binding(2) var<storage, read> s_losses: array<f32>; // (N)
@group(0) @binding(3) var<storage, read_write> s_stats: array<f32>; // (4)

// cross_entropy_backward: logits and targets as in the forward, then
@group(0) @binding(3) var<storage, read> b_stats: array<f32>; // (4)
@group(0) @binding(4) var<storage, read_write> b_dlogits: array<f32>; // (N, V)

// Threads per workgroup of the row kernels: an override set by the host (kernels/cross_entropy.ts), which divides its
// dispatch counts by the same value.
override WG: u32;
const SB = 64u; // rows per chunk of the stats sum
const LOWEST = -0x1.fffffep+127f; // most negative finite f32: exp(LOWEST - x) is 0, never NaN

fn is_valid(t: i32) -> bool {
  return t >= 0 && u32(t) < p.V;
}

fn logit4(i: u32) -> vec4<f32> {
  return vec4<f32>(logits[i], logits[i + 1u], logits[i + 2u], logits[i + 3u]);
}

// (max, Σ exp(x − max)) of the row starting at logits offset o.
fn row_softmax_stats(o: u32) -> vec2<f32> {
  let V4 = p.V & ~3u;
  var m4 = vec4<f32>(LOWEST);
  for (var j = 0u; j < V4; j += 4u) { m4 = max(m4, logit4(o + j)); }
  var m = max(max(m4.x, m4.y), max(m4.z, m4.w));
  for (var j = V4; j < p.V; j++) { m = max(m, logits[o + j]); }
  var s4 = vec4<f32>(0.0);
  for (var j = 0u; j < V4; j += 4u) { s4 += exp(logit4(o + j) - m); }
  var tail = 0.0;
  for (var j = V4; j < p.V; j++) { tail += exp(logits[o + j] - m); }
  return vec2<f32>(m, ((s4.x + s4.y) + (s4.z + s4.w)) + tail);
}

@compute @workgroup_size(WG)
fn cross_entropy_forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let n = gid.x + gid.y * nwg.x * WG;
  if (n >= p.N) { return; }
  let t = targets[n];
  if (!is_valid(t)) {
    losses[n] = 0.0;
    return;
  }
  let o = n * p.V;
  let ms = row_softmax_stats(o);
  // (max − x_t) first: both can be large (±1000) while their difference is moderate.
  losses[n] = (ms.x - logits[o + u32(t)]) + log(ms.y);
}

// One thread sums the rows in chunks of SB, in order: N is at most a few thousand, and the
// chunks keep the rounding error of the sum small.
@compute @workgroup_size(1)
fn cross_entropy_stats() {
  var total = 0.0;
  var valid = 0u;
  for (var n0 = 0u; n0 < p.N; n0 += SB) {
    let n1 = min(p.N, n0 + SB);
    var chunk = 0.0;
    for (var n = n0; n < n1; n++) {
      if (is_valid(s_targets[n])) {
        chunk += s_losses[n];
        valid += 1u;
      }
    }
    total += chunk;
  }
  s_stats[0] = select(0.0, total / f32(valid), valid > 0u);
  s_stats[1] = f32(valid);
  s_stats[2] = total;
  s_stats[3] = 0.0;
}

@compute @workgroup_size(WG)
fn cross_entropy_backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let n = gid.x + gid.y * nwg.x * WG;
  if (n >= p.N) { return; }
  let t = targets[n];
  let n_valid = b_stats[1];
  let o = n * p.V;
  if (!is_valid(t) || n_valid <= 0.0) {
    for (var j = 0u; j < p.V; j++) { b_dlogits[o + j] = 0.0; }
    return;
  }
  let ms = row_softmax_stats(o);
  for (var j = 0u; j < p.V; j++) {
    let prob = exp(logits[o + j] - ms.x) / ms.y;
    b_dlogits[o + j] = (prob - select(0.0, 1.0, j == u32(t))) / n_valid;
  }
}
