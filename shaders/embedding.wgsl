// Token embedding lookup and its gradient.
//   embedding_forward:  out[n, c] = wte[tokens[n], c], a zero row for a token outside [0, V)
//   embedding_backward: dwte[v, c] (+)= Σ_{n : tokens[n] = v} dout[n, c], summed in order of n
// The backward is a gather, not a scatter: each thread owns one dwte element and scans the
// tokens, so no atomics are needed and the sum order is fixed (bit-identical reruns).

struct Params {
  N: u32,
  V: u32,
  C: u32,
  accumulate: u32, // backward: 1 adds to dwte (tied embeddings), 0 overwrites
  groups_x: u32, // backward: column blocks, ceil(C / BC)
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> p: Params;

const WG = 256u;

// ---------------------------------------------------------------- forward

@group(0) @binding(1) var<storage, read> f_tokens: array<i32>; // (N)
@group(0) @binding(2) var<storage, read> f_wte: array<f32>; // (V, C)
@group(0) @binding(3) var<storage, read_write> f_out: array<f32>; // (N, C)

// One thread per output element; linear index folded as in grid1d.
@compute @workgroup_size(256)
fn embedding_forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.N * p.C) { return; }
  let n = i / p.C;
  let c = i % p.C;
  let tok = f_tokens[n];
  var v = 0.0;
  if (tok >= 0 && u32(tok) < p.V) { v = f_wte[u32(tok) * p.C + c]; }
  f_out[i] = v;
}

// ---------------------------------------------------------------- backward

@group(0) @binding(1) var<storage, read> b_tokens: array<i32>; // (N)
@group(0) @binding(2) var<storage, read> b_dout: array<f32>; // (N, C)
@group(0) @binding(3) var<storage, read_write> b_dwte: array<f32>; // (V, C)

const BC = 64u; // columns per workgroup (x)
const BV = 4u; // vocabulary rows per workgroup (y)

var<workgroup> chunk: array<i32, 256>; // tokens [n0, n0 + 256)

// A workgroup owns a BV × BC block of dwte. The tokens are staged through workgroup memory
// 256 at a time; every thread compares them with its row, and a warp (one row, consecutive
// columns) takes the same branch and reads a contiguous piece of dout on a match.
@compute @workgroup_size(64, 4)
fn embedding_backward(
  @builtin(workgroup_id) wg: vec3<u32>,
  @builtin(num_workgroups) nwg: vec3<u32>,
  @builtin(local_invocation_id) lid: vec3<u32>,
  @builtin(local_invocation_index) tid: u32,
) {
  // Blocks are numbered linearly (grid1d folding), columns fastest.
  let block = wg.x + wg.y * nwg.x;
  let v0 = (block / p.groups_x) * BV;
  if (v0 >= p.V) { return; } // uniform across the workgroup: no barrier is skipped by some threads only
  let c = (block % p.groups_x) * BC + lid.x;
  let v = i32(v0 + lid.y);
  var acc = 0.0;
  for (var n0 = 0u; n0 < p.N; n0 += WG) {
    let n = n0 + tid;
    chunk[tid] = select(-1, b_tokens[min(n, p.N - 1u)], n < p.N);
    workgroupBarrier();
    let m = min(WG, p.N - n0);
    if (c < p.C) {
      for (var j = 0u; j < m; j++) {
        if (chunk[j] == v) { acc += b_dout[(n0 + j) * p.C + c]; }
      }
    }
    workgroupBarrier();
  }
  if (c >= p.C || u32(v) >= p.V) { return; }
  let idx = u32(v) * p.C + c;
  if (p.accumulate != 0u) { b_dwte[idx] = b_dwte[idx] + acc; } else { b_dwte[idx] = acc; }
}
