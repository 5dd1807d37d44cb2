// SwiGLU gate of the MLP, elementwise over (N, F):
//   swiglu_forward:  out = silu(gate) · up,  silu(z) = z · sigmoid(z)
//   swiglu_backward: dgate = dout · up · s · (1 + z · (1 − s)),  dup = dout · z · s,  s = sigmoid(z)
// One thread per element over a grid1d launch (see flat_index), so any N·F works.
// The two entry points declare their own bindings (a binding number may repeat across
// entry points; each pipeline sees only the variables its entry point uses).

struct Params {
  numel: u32, // N · F
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> p: Params;

// Threads per workgroup: an override set by the host (kernels/swiglu.ts), which divides its
// dispatch counts by the same value.
override WG: u32;

// Linear index of a grid1d launch, folded into two dimensions past 65535 workgroups.
fn flat_index(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}

// (sigmoid(z), 1 − sigmoid(z)) from e = exp(−|z|) ∈ (0, 1]: exp never overflows, so there is
// no NaN or inf at any z, and whichever of the two is tiny is computed without cancellation.
fn sigmoid_pair(z: f32) -> vec2<f32> {
  let e = exp(-abs(z));
  let d = 1.0 / (1.0 + e);
  if (z >= 0.0) { return vec2<f32>(d, e * d); }
  return vec2<f32>(e * d, d);
}

// ---------------------------------------------------------------- forward

@group(0) @binding(1) var<storage, read> f_gate: array<f32>; // (N, F)
@group(0) @binding(2) var<storage, read> f_up: array<f32>; // (N, F)
@group(0) @binding(3) var<storage, read_write> f_out: array<f32>; // (N, F)

@compute @workgroup_size(WG)
fn swiglu_forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat_index(gid, nwg);
  if (i >= p.numel) { return; }
  let z = f_gate[i];
  f_out[i] = z * sigmoid_pair(z).x * f_up[i];
}

// ---------------------------------------------------------------- backward

@group(0) @binding(1) var<storage, read> b_dout: array<f32>; // (N, F)
@group(0) @binding(2) var<storage, read> b_gate: array<f32>; // (N, F)
@group(0) @binding(3) var<storage, read> b_up: array<f32>; // (N, F)
@group(0) @binding(4) var<storage, read_write> b_dgate: array<f32>; // (N, F)
@group(0) @binding(5) var<storage, read_write> b_dup: array<f32>; // (N, F)

@compute @workgroup_size(WG)
fn swiglu_backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = flat_index(gid, nwg);
  if (i >= p.numel) { return; }
  let z = b_gate[i];
  let g = b_dout[i];
  let s = sigmoid_pair(z);
  b_dgate[i] = g * b_up[i] * s.x * (1.0 + z * s.y);
  b_dup[i] = g * z * s.x;
}
