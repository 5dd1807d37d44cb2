// Softmax cross-entropy's row kernels, 'workgroup' variant (kernels/cross_entropy.ts chooses
// between this and cross_entropy.wgsl): one workgroup per row of logits (N, V), written for real
// GPUs, where one thread per row walks V columns serially and leaves most of the device idle.
//   cross_entropy_forward:  losses[n] = logsumexp(logits[n]) − logits[n, target] (0 for ignored rows)
//   cross_entropy_backward: dlogits = (softmax − onehot) / nValid, nValid read from stats[1];
//                           zero rows when ignored or nValid = 0.
// cross_entropy_stats (one thread, a fixed-order sum of N losses) stays in cross_entropy.wgsl for
// both variants. Same uniform struct, binding numbers and variable names as cross_entropy.wgsl,
// so the host packs both from one description (CROSS_ENTROPY_PARAMS / CROSS_ENTROPY_BINDINGS).
// A target outside [0, V) (-1 by convention) marks an ignored row and is never used as an index.
// Threads take groups of four adjacent columns (4·tid, 4·tid + 4·WG, ...) up to the last multiple
// of 4, then the tail columns one each; the row max and Σ exp are combined by trees in workgroup
// memory whose pairing depends only on WG, so reruns are bit-identical (WG a power of two).

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

// cross_entropy_backward: logits and targets as in the forward, then
@group(0) @binding(3) var<storage, read> b_stats: array<f32>; // (4)
@group(0) @binding(4) var<storage, read_write> b_dlogits: array<f32>; // (N, V)

// Threads per workgroup (one workgroup per row): an override set by the host (kernels/cross_entropy.ts).
override WG: u32;

const LOWEST = -0x1.fffffep+127f; // most negative finite f32: exp(LOWEST - x) is 0, never NaN

var<workgroup> red: array<f32, WG>;

fn is_valid(t: i32) -> bool {
  return t >= 0 && u32(t) < p.V;
}

fn logit4(i: u32) -> vec4<f32> {
  return vec4<f32>(logits[i], logits[i + 1u], logits[i + 2u], logits[i + 3u]);
}

// Row of this workgroup; grids past 65535 rows are folded in two dimensions (grid1d(N, 1)).
fn row_index(wid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return wid.x + wid.y * nwg.x;
}

// Max (take_max) or sum of every thread's v, returned to all threads; the trailing barrier
// lets the caller reuse `red`.
fn tree(tid: u32, v: f32, take_max: bool) -> f32 {
  red[tid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s / 2u) {
    if (tid < s) {
      let o = red[tid + s];
      red[tid] = select(red[tid] + o, max(red[tid], o), take_max);
    }
    workgroupBarrier();
  }
  let r = red[0];
  workgroupBarrier();
  return r;
}

// (max, Σ exp(x − max)) of the row starting at logits offset o, the same in every thread.
fn row_softmax_stats(tid: u32, o: u32) -> vec2<f32> {
  let V4 = p.V & ~3u;
  var m4 = vec4<f32>(LOWEST);
  for (var j = 4u * tid; j < V4; j += 4u * WG) { m4 = max(m4, logit4(o + j)); }
  var m = max(max(m4.x, m4.y), max(m4.z, m4.w));
  for (var j = V4 + tid; j < p.V; j += WG) { m = max(m, logits[o + j]); } // at most 3 tail columns
  m = tree(tid, m, true);
  var s4 = vec4<f32>(0.0);
  for (var j = 4u * tid; j < V4; j += 4u * WG) { s4 += exp(logit4(o + j) - m); }
  var tail = 0.0;
  for (var j = V4 + tid; j < p.V; j += WG) { tail += exp(logits[o + j] - m); }
  return vec2<f32>(m, tree(tid, ((s4.x + s4.y) + (s4.z + s4.w)) + tail, false));
}

@compute @workgroup_size(WG)
fn cross_entropy_forward(
  @builtin(local_invocation_index) tid: u32, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
) {
  let n = row_index(wid, nwg);
  if (n >= p.N) { return; } // the whole workgroup: n is uniform
  let t = targets[n]; // read-only storage at a uniform index: uniform, so the early return is too
  if (!is_valid(t)) {
    if (tid == 0u) { losses[n] = 0.0; }
    return;
  }
  let o = n * p.V;
  let ms = row_softmax_stats(tid, o);
  // (max − x_t) first: both can be large (±1000) while their difference is moderate.
  if (tid == 0u) { losses[n] = (ms.x - logits[o + u32(t)]) + log(ms.y); }
}

@compute @workgroup_size(WG)
fn cross_entropy_backward(
  @builtin(local_invocation_index) tid: u32, @builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
) {
  let n = row_index(wid, nwg);
  if (n >= p.N) { return; }
  let t = targets[n];
  let n_valid = b_stats[1];
  let o = n * p.V;
  if (!is_valid(t) || n_valid <= 0.0) {
    for (var j = tid; j < p.V; j += WG) { b_dlogits[o + j] = 0.0; }
    return;
  }
  let ms = row_softmax_stats(tid, o);
  for (var j = tid; j < p.V; j += WG) {
    let prob = exp(logits[o + j] - ms.x) / ms.y;
    b_dlogits[o + j] = (prob - select(0.0, 1.0, j == u32(t))) / n_valid;
  }
}
