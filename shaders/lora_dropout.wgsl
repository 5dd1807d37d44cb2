// Inverted dropout on a projection's input (a LoRA adapter's, or every projection's in full
// fine-tuning with dropout):
//   lora_dropout_forward:   xd[i]  = keep(i) ? x[i] / (1 − p) : 0
//   lora_dropout_backward:  dx[i] += keep(i) ? dxd[i] / (1 − p) : 0   (dx already holds the base path)
// keep(i) = u01(hash_u32(seed, i)) >= p with seed = hash_u32(seeds[seedIndex], salt): the
// per-step seed sits in a storage buffer so it changes every step without new bind groups,
// and the static salt separates layers and projections. hash_u32 / pcg_u32 / u01 are
// bit-identical to src/engine/reference/rng.ts (WGSL u32 arithmetic wraps like Math.imul).

struct Params {
  total: u32,      // N·K elements
  threshold: u32,  // ceil(p·2^24): u01(h) >= p  ⇔  (h >> 8) >= threshold, exactly
  inv: f32,        // 1 / (1 − p)
  seedIndex: u32,
  salt: u32,
  _pad0: u32,
  _pad1: u32,
  _pad2: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> src: array<f32>;        // x | dxd (N, K)
@group(0) @binding(2) var<storage, read_write> dst: array<f32>;  // xd | dx (N, K)
@group(0) @binding(3) var<storage, read> seeds: array<u32>;      // (S)

// Threads per workgroup: an override set by the host (kernels/lora_dropout.ts), which divides
// its dispatch counts by the same value.
override WG: u32;

fn pcg_u32(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

fn hash_u32(seed: u32, index: u32) -> u32 {
  return pcg_u32(pcg_u32(seed) ^ index);
}

// Uniform in [0, 1) from the top 24 bits (exact in f32). The keep test below compares the
// same 24 bits against an integer threshold instead: p rounded to f32 could move the cut
// past a multiple of 2^-24 and disagree with the float64 reference.
fn u01(h: u32) -> f32 {
  return f32(h >> 8u) / 16777216.0;
}

fn keep(i: u32) -> bool {
  let seed = hash_u32(seeds[p.seedIndex], p.salt);
  return (hash_u32(seed, i) >> 8u) >= p.threshold;
}

@compute @workgroup_size(WG)
fn lora_dropout_forward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  // Linear index of a grid1d launch (folded into y past 65535 workgroups).
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.total) { return; }
  // select, not a multiply by 0, so a dropped element is 0 even when x is not finite.
  dst[i] = select(0.0, src[i] * p.inv, keep(i));
}

@compute @workgroup_size(WG)
fn lora_dropout_backward(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>) {
  let i = gid.x + gid.y * nwg.x * WG;
  if (i >= p.total) { return; }
  if (keep(i)) { dst[i] = dst[i] + src[i] * p.inv; }
}
