// Token embedding lookup and its gradient.
//   embedding_forward:  out[n, c] = wte[tokens[n], c], a zero row for a token outside [0, V)
//   embedding_backward: dwte[v, c] (+)= Σ_{n : tokens[n] = v} dout[n, c], summed in order of n
// The backward is a gather, not a scatter: each thread owns one dwte row and scans the
// tokens, so no atomics are needed and the sum order is fixed (bit-identical reruns).
// No workgroup memory, barriers or dynamically indexed private arrays: SwiftShader (the CPU
// Vulkan the tests and CPU training run on) is many times slower with those. A thread per
// row rather than per element keeps the token scans (V·N compares in all, instead of V·C·N)
// from dominating: on SwiftShader that is about 10× faster than a thread per 4 elements.

struct Params {
  N: u32,
  V: u32,
  C: u32,
  accumulate: u32, // backward: 1 adds to dwte (tied embeddings), 0 overwrites
}

@group(0) @binding(0) var<uniform> p: Params;

// Threads per workgroup: an override set by the host (kernels/embedding.ts), which divides its
// dispatch counts by the same value.
override WG: u32;

// Linear thread index; grids past 65535 workgroups are folded in two dimensions (grid1d).
fn flat_index(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}

// ---------------------------------------------------------------- forward

@group(0) @binding(1) var<storage, read> f_tokens: array<i32>; // (N)
@group(0) @binding(2) var<storage, read> f_wte: array<f32>; // (V, C)
@group(0) @binding(3) var<storage, read_write> f_out: array<f32>; // (N, C)

// One thread per output element; linear index folded as in grid1d.
@compute @workgroup_size(WG)
fn embedding_forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat_index(gid, nwg);
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

// One thread per dwte row v: it scans the tokens in order of n and adds each matching row
// of dout straight into its own row of dwte (no other thread writes it, so no atomics).
// The sum is sequential in n, like the reference; with accumulate it starts from the value
// already in dwte.
@compute @workgroup_size(WG)
fn embedding_backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let v = flat_index(gid, nwg);
  if (v >= p.V) { return; }
  let o = v * p.C;
  if (p.accumulate == 0u) {
    for (var c = 0u; c < p.C; c++) { b_dwte[o + c] = 0.0; }
  }
  let tok = i32(v);
  for (var n = 0u; n < p.N; n++) {
    if (b_tokens[n] == tok) {
      let d = n * p.C;
      for (var c = 0u; c < p.C; c++) { b_dwte[o + c] += b_dout[d + c]; }
    }
  }
}
