// Softmax cross-entropy over the vocabulary; targets are i32, and a target outside [0, V)
// (-1 by convention) marks an ignored row.
//   cross_entropy_forward:  one workgroup per row: losses[n] = logsumexp(logits[n]) − logits[n, target]
//                           (0 for ignored rows).
//   cross_entropy_stats:    one workgroup: stats = (mean loss over valid rows or 0, nValid,
//                           sum of losses, 0).
//   cross_entropy_backward: one workgroup per row: dlogits = (softmax − onehot) / nValid, with
//                           nValid read from stats[1]; zero rows when ignored or nValid = 0.
// The row max and sum of exponentials come from one pass of an online softmax per invocation
// (elements j ≡ lid mod WG, in order) merged by a fixed tree, so results are bit-identical
// run to run. Rows are numbered wg.x + wg.y · num_workgroups.x (grid1d folding).

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

const WG = 256u;
const LOWEST = -0x1.fffffep+127f; // most negative finite f32: exp(LOWEST - x) is 0, never NaN

var<workgroup> red_m: array<f32, WG>;
var<workgroup> red_s: array<f32, WG>;
var<workgroup> red_n: array<u32, WG>;

fn is_valid(t: i32) -> bool {
  return t >= 0 && u32(t) < p.V;
}

// Running (max, Σ exp(x − max)) of one more element; one exp per element.
fn online(ms: vec2<f32>, x: f32) -> vec2<f32> {
  if (x > ms.x) { return vec2<f32>(x, ms.y * exp(ms.x - x) + 1.0); }
  return vec2<f32>(ms.x, ms.y + exp(x - ms.x));
}

// (max, Σ exp(x − max)) of the row starting at logits offset o, for every invocation.
fn row_softmax_stats(o: u32, lid: u32) -> vec2<f32> {
  var ms = vec2<f32>(LOWEST, 0.0);
  for (var j = lid; j < p.V; j += WG) { ms = online(ms, logits[o + j]); }
  red_m[lid] = ms.x;
  red_s[lid] = ms.y;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) {
      let m1 = red_m[lid];
      let m2 = red_m[lid + s];
      let m = max(m1, m2);
      red_s[lid] = red_s[lid] * exp(m1 - m) + red_s[lid + s] * exp(m2 - m);
      red_m[lid] = m;
    }
    workgroupBarrier();
  }
  return vec2<f32>(red_m[0], red_s[0]);
}

@compute @workgroup_size(WG)
fn cross_entropy_forward(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let n = wg.x + wg.y * nwg.x;
  if (n >= p.N) { return; }
  let t = targets[n];
  if (!is_valid(t)) {
    if (lid == 0u) { losses[n] = 0.0; }
    return;
  }
  let o = n * p.V;
  let ms = row_softmax_stats(o, lid);
  if (lid == 0u) {
    // (max − x_t) first: both can be large (±1000) while their difference is moderate.
    losses[n] = (ms.x - logits[o + u32(t)]) + log(ms.y);
  }
}

@compute @workgroup_size(WG)
fn cross_entropy_stats(@builtin(local_invocation_index) lid: u32) {
  var sum = 0.0;
  var count = 0u;
  for (var n = lid; n < p.N; n += WG) {
    if (is_valid(s_targets[n])) {
      sum += s_losses[n];
      count += 1u;
    }
  }
  red_s[lid] = sum;
  red_n[lid] = count;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) {
      red_s[lid] = red_s[lid] + red_s[lid + s];
      red_n[lid] = red_n[lid] + red_n[lid + s];
    }
    workgroupBarrier();
  }
  if (lid == 0u) {
    let total = red_s[0];
    let valid = red_n[0];
    s_stats[0] = select(0.0, total / f32(valid), valid > 0u);
    s_stats[1] = f32(valid);
    s_stats[2] = total;
    s_stats[3] = 0.0;
  }
}

@compute @workgroup_size(WG)
fn cross_entropy_backward(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_index) lid: u32,
) {
  let n = wg.x + wg.y * nwg.x;
  if (n >= p.N) { return; }
  let t = targets[n];
  let n_valid = b_stats[1];
  let o = n * p.V;
  if (!is_valid(t) || n_valid <= 0.0) {
    for (var j = lid; j < p.V; j += WG) { b_dlogits[o + j] = 0.0; }
    return;
  }
  let ms = row_softmax_stats(o, lid);
  for (var j = lid; j < p.V; j += WG) {
    let prob = exp(logits[o + j] - ms.x) / ms.y;
    b_dlogits[o + j] = (prob - select(0.0, 1.0, j == u32(t))) / n_valid;
  }
}
